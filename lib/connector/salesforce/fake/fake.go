// Package fake is an in-process stand-in for the Salesforce REST API: the
// OAuth 2.0 refresh-token endpoint and SOQL Query / QueryAll with query
// locators, for the salesforce connector's tests and the demo command.
//
// Shapes follow these documentation pages (Salesforce REST API Developer
// Guide, developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/,
// unless said otherwise):
//
//   - Token endpoint, POST /services/oauth2/token with grant_type=refresh_token,
//     client_id, client_secret, refresh_token; response access_token,
//     instance_url, id, token_type, issued_at, signature, scope; errors as
//     {"error":"invalid_grant","error_description":"expired access/refresh token"}:
//     "Understanding the OAuth Refresh Token Process"
//     (intro_understanding_refresh_token_oauth.htm) and Salesforce Help
//     "OAuth 2.0 Refresh Token Flow for Renewed Sessions"
//     (help.salesforce.com, remoteaccess_oauth_refresh_token_flow.htm).
//   - GET /services/data/vXX.X/query?q= and /queryAll?q=, response
//     {totalSize, done, nextRecordsUrl, records:[{attributes:{type,url}, ...}]},
//     batches of up to 2,000 records and sometimes fewer, nextRecordsUrl
//     /services/data/vXX.X/query/<locator>-<offset> (from queryAll too):
//     "Query" (resources_query.htm), "QueryAll" (resources_queryall.htm),
//     "QueryAll More Results" (resources_queryall_more_results.htm),
//     "Execute a SOQL Query" (dome_query.htm).
//   - Sforce-Query-Options: batchSize=n (200 to 2,000): "Query Options
//     Header" (headers_queryoptions.htm).
//   - Sforce-Limit-Info: api-usage=used/limit on every REST response:
//     "Limit Info Header" (headers_api_usage.htm).
//   - Error bodies, a JSON array of {message, errorCode}: 401
//     INVALID_SESSION_ID "Session expired or invalid", 403
//     REQUEST_LIMIT_EXCEEDED, 400 MALFORMED_QUERY / INVALID_FIELD /
//     INVALID_QUERY_LOCATOR, 500, 503 SERVER_UNAVAILABLE: "Status Codes and
//     Error Responses" (errorcodes.htm).
//   - Request limits: "TotalRequests Limit exceeded." for the rolling 24-hour
//     allocation, "ConcurrentPerOrgLongTxn Limit exceeded" for concurrent
//     long-running requests, at most 10 open query cursors per user:
//     Salesforce Developer Limits and Allocations Quick Reference, "API
//     Request Limits and Allocations" (salesforce_app_limits_platform_api.htm).
//   - Values: dateTime as 2024-01-02T03:04:05.000+0000, date as 2024-01-02,
//     SOQL literals unquoted as 2024-01-02T03:04:05Z: SOQL and SOSL Reference,
//     "Date Formats and Date Literals" (sforce_api_calls_soql_select_dateformats.htm).
//
// Where the fake differs from Salesforce: it understands only the SOQL the
// connector writes (SELECT of plain fields FROM one object, WHERE clauses
// joined by AND on SystemModstamp, LastModifiedDate, CreatedDate or IsDeleted,
// ORDER BY SystemModstamp/LastModifiedDate and Id ascending, LIMIT); no
// relationship fields, no describe resource; SystemModstamp and
// LastModifiedDate are always equal; a query cursor holds a snapshot of the
// records as of the query (Salesforce's are close to that); deleted records
// stay visible to queryAll for ever (Salesforce purges the recycle bin after
// about 15 days); it accepts any API version in the path.
//
// Faults are injected with Fail, FailNext and FailAfter; data changes between
// pulls with Touch and Delete; sessions end with ExpireSessions and the
// refresh token with RevokeRefreshToken; SetUsage moves the API usage
// counter reported in Sforce-Limit-Info.
package fake

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmint/segmint/lib/jsonscan"
)

// Default credentials the fake accepts when Options leaves them empty.
const (
	DefaultClientID     = "fake-consumer-key"
	DefaultClientSecret = "fake-consumer-secret"
	DefaultRefreshToken = "fake-refresh-token"
)

// Object names the fake serves.
const (
	Contact     = "Contact"
	Account     = "Account"
	Opportunity = "Opportunity"
)

// maxCursors is how many query cursors a user may hold open; opening one
// more drops the oldest (as Salesforce does).
const maxCursors = 10

// Options configures a Handler. Zero values take the defaults named.
type Options struct {
	// Seed makes the generated data deterministic.
	Seed uint64
	// Contacts, Accounts and Opportunities are the numbers of records
	// generated (all three zero: 1,000, 200 and 500).
	Contacts, Accounts, Opportunities int
	// Start is the earliest SystemModstamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Spread is the span the SystemModstamps fall into, in whole seconds
	// (default: one second per two records, so many records share one).
	Spread time.Duration
	// DeletedPercent is the share of records generated as deleted (default
	// 2; a negative value means none).
	DeletedPercent int
	// MaxBatch caps a batch below Salesforce's 2,000 (default 2,000); the
	// fake also returns some batches shorter than the cap.
	MaxBatch int
	// ClientID, ClientSecret and RefreshToken are the accepted credentials
	// (defaults DefaultClientID, DefaultClientSecret, DefaultRefreshToken).
	ClientID, ClientSecret, RefreshToken string
	// APILimit is the org's request allocation reported in Sforce-Limit-Info
	// (default 5,000,000); beyond it every data request gets 403
	// REQUEST_LIMIT_EXCEEDED.
	APILimit int
	// StallFor is how long a Stall fault holds a response (default 5 s, or
	// until the client gives up).
	StallFor time.Duration
}

// Fault is a failure the fake injects into data (query) requests.
type Fault int

// Faults.
const (
	// ServerUnavailable answers 503 SERVER_UNAVAILABLE.
	ServerUnavailable Fault = iota + 1
	// InternalError answers 500 UNKNOWN_EXCEPTION.
	InternalError
	// ConcurrentLimit answers 403 REQUEST_LIMIT_EXCEEDED
	// "ConcurrentPerOrgLongTxn Limit exceeded" (it passes once the org's
	// long-running requests finish).
	ConcurrentLimit
	// TotalRequestsLimit answers 403 REQUEST_LIMIT_EXCEEDED "TotalRequests
	// Limit exceeded." (the rolling 24-hour allocation is spent).
	TotalRequestsLimit
	// ExpireSession invalidates every access token, so the request gets 401
	// INVALID_SESSION_ID.
	ExpireSession
	// Stall holds the response for Options.StallFor, then answers normally
	// if the client is still there.
	Stall
	// DropConnection closes the connection without a response.
	DropConnection
	// MalformedJSON answers 200 with a body cut off mid-way.
	MalformedJSON
	// WrongShape answers 200 with JSON that is not a query result.
	WrongShape
	// InvalidLocator answers 400 INVALID_QUERY_LOCATOR.
	InvalidLocator
)

// Stats counts the requests the fake has served.
type Stats struct {
	// TokenRequests counts POSTs to the token endpoint, successful or not.
	TokenRequests int
	// DataRequests counts requests under /services/data/.
	DataRequests int
	// Faults counts injected faults served.
	Faults int
	// Unauthorized counts 401 answers.
	Unauthorized int
}

// Row is one record as the fake holds it, for tests to compare against.
type Row struct {
	ID       string
	Modstamp time.Time
	Deleted  bool
	// Fields holds every field by its API name: string, float64, int64,
	// bool, time.Time (dateTime, UTC) or a date as time.Time at 00:00 UTC;
	// nil for null.
	Fields map[string]any
}

type kind int

const (
	kString kind = iota
	kFloat
	kInt
	kBool
	kDateTime
	kDate
)

type fieldDef struct {
	name string
	kind kind
}

// Indexes of the fields every object has.
const (
	fID = iota
	fIsDeleted
	fSystemModstamp
	fLastModifiedDate
	fCreatedDate
	nCommon
)

// rec is one record; it is never changed once published (a change
// replaces it), so cursors can hold pointers without locks.
type rec struct {
	vals []any
}

func (r *rec) id() string          { return r.vals[fID].(string) }
func (r *rec) modstamp() time.Time { return r.vals[fSystemModstamp].(time.Time) }
func (r *rec) deleted() bool       { return r.vals[fIsDeleted].(bool) }

type object struct {
	name   string
	fields []fieldDef
	index  map[string]int // lower-case field name -> index
	all    []*rec         // by Id
	pos    map[string]int // Id -> index in all
	sorted []*rec         // by (SystemModstamp, Id); nil when stale
}

type cursor struct {
	locator string
	obj     *object
	fields  []int
	recs    []*rec
}

type faultSpec struct {
	fault       Fault
	skip, times int
}

// Handler serves the fake API; it is safe for concurrent use.
type Handler struct {
	opts Options

	reSelect, reAnd, reCond *regexp.Regexp
	bufs                    sync.Pool

	mu         sync.Mutex
	objects    map[string]*object // by lower-case name
	tokens     map[string]bool
	tokenSeq   int
	revoked    bool
	used       int
	faults     []faultSpec
	cursors    map[string]*cursor
	cursorList []string
	cursorSeq  int
	stats      Stats
}

// NewHandler generates the data and returns the fake.
func NewHandler(opts Options) *Handler {
	opts = opts.withDefaults()
	h := &Handler{
		opts:     opts,
		reSelect: regexp.MustCompile(`(?is)^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$`),
		reAnd:    regexp.MustCompile(`(?i)\s+AND\s+`),
		reCond:   regexp.MustCompile(`^(\w+)\s*(>=|<=|!=|=|>|<)\s*(\S+)$`),
		objects:  map[string]*object{},
		tokens:   map[string]bool{},
		cursors:  map[string]*cursor{},
	}
	h.bufs.New = func() any { b := make([]byte, 0, 1<<20); return &b }
	h.generate()
	return h
}

// withDefaults fills the options left unset with the fake's defaults and
// truncates Start to a whole UTC second.
func (opts Options) withDefaults() Options {
	if opts.Contacts == 0 && opts.Accounts == 0 && opts.Opportunities == 0 {
		opts.Contacts, opts.Accounts, opts.Opportunities = 1000, 200, 500
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	opts.Start = opts.Start.UTC().Truncate(time.Second)
	if opts.DeletedPercent == 0 {
		opts.DeletedPercent = 2
	}
	if opts.MaxBatch <= 0 || opts.MaxBatch > 2000 {
		opts.MaxBatch = 2000
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.RefreshToken == "" {
		opts.RefreshToken = DefaultRefreshToken
	}
	if opts.APILimit <= 0 {
		opts.APILimit = 5_000_000
	}
	if opts.StallFor <= 0 {
		opts.StallFor = 5 * time.Second
	}
	return opts
}

func common() []fieldDef {
	return []fieldDef{
		{"Id", kString}, {"IsDeleted", kBool}, {"SystemModstamp", kDateTime},
		{"LastModifiedDate", kDateTime}, {"CreatedDate", kDateTime},
	}
}

// newObject makes object name with the common fields and extra, and n
// records drawn in order by draw.
func newObject(name string, extra []fieldDef, n int, draw func(i int) *rec) *object {
	o := &object{name: name, fields: append(common(), extra...), index: map[string]int{}, pos: map[string]int{}}
	for i, f := range o.fields {
		o.index[strings.ToLower(f.name)] = i
	}
	for i := range n {
		o.add(draw(i))
	}
	return o
}

func (h *Handler) generate() {
	g := &generator{o: h.opts, rng: rand.New(rand.NewPCG(h.opts.Seed, h.opts.Seed^0x5eed5a1e5f0ce))}
	for _, ob := range []*object{g.accounts(), g.contacts(), g.opportunities()} {
		h.objects[strings.ToLower(ob.name)] = ob
	}
}

// The values the generated records pick from.
var (
	industries = []string{"Retail", "Banking", "Technology", "Healthcare", "Manufacturing", "Media"}
	countries  = []string{"United Kingdom", "Germany", "France", "United States", "Spain"}
	sources    = []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}
	stages     = []string{"Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
)

// generator makes the records of the options, drawing from one seeded
// random source in a fixed order.
type generator struct {
	o   Options
	rng *rand.Rand
}

// spread is the number of seconds over which the n records' modstamps
// are spread.
func (g *generator) spread(n int) int64 {
	if g.o.Spread > 0 {
		return max(int64(g.o.Spread/time.Second), 1)
	}
	return max(int64(n/2), 1)
}

// stamp draws a record's modstamp, then its creation up to 400 days
// earlier.
func (g *generator) stamp(n int) (mod, created time.Time) {
	mod = g.o.Start.Add(time.Duration(g.rng.Int64N(g.spread(n))) * time.Second)
	created = mod.Add(-time.Duration(g.rng.Int64N(400*24*3600)) * time.Second)
	return mod, created
}

// deleted draws whether a record is deleted, DeletedPercent percent of
// the time.
func (g *generator) deleted() bool {
	return g.o.DeletedPercent > 0 && g.rng.IntN(100) < g.o.DeletedPercent
}

// pick is nil nullPct percent of the time, else a value from list.
func (g *generator) pick(list []string, nullPct int) any {
	if g.rng.IntN(100) < nullPct {
		return nil
	}
	return list[g.rng.IntN(len(list))]
}

// recordID is the Salesforce id of record i of the object with the key prefix.
func recordID(prefix string, i int) string { return fmt.Sprintf("%s%012dAAA", prefix, i+1) }

// accountID is an account's id, or nil one time in ten (and when there
// are no accounts).
func (g *generator) accountID() any {
	if g.o.Accounts == 0 || g.rng.IntN(10) == 0 {
		return nil
	}
	return recordID("001", g.rng.IntN(g.o.Accounts))
}

// accounts makes the Account object and its records.
func (g *generator) accounts() *object {
	return newObject(Account, []fieldDef{
		{"Name", kString}, {"Industry", kString}, {"BillingCountry", kString},
		{"AnnualRevenue", kFloat}, {"NumberOfEmployees", kInt}, {"Website", kString},
	}, g.o.Accounts, g.account)
}

// account draws account i.
func (g *generator) account(i int) *rec {
	rng := g.rng
	mod, created := g.stamp(g.o.Accounts)
	var revenue, employees any
	if rng.IntN(10) > 0 {
		revenue = float64(rng.IntN(50_000)) * 1000
	}
	if rng.IntN(10) > 1 {
		employees = int64(1 + rng.IntN(20_000))
	}
	n := i + 1
	return &rec{vals: []any{recordID("001", i), g.deleted(), mod, mod, created,
		fmt.Sprintf("Company %d", n), g.pick(industries, 10), g.pick(countries, 10),
		revenue, employees, fmt.Sprintf("https://company%d.example.com", n)}}
}

// contacts makes the Contact object and its records.
func (g *generator) contacts() *object {
	return newObject(Contact, []fieldDef{
		{"FirstName", kString}, {"LastName", kString}, {"Email", kString}, {"Phone", kString},
		{"AccountId", kString}, {"LeadSource", kString}, {"Title", kString},
		{"MailingCountry", kString}, {"HasOptedOutOfEmail", kBool}, {"Birthdate", kDate},
	}, g.o.Contacts, g.contact)
}

// contact draws contact i.
func (g *generator) contact(i int) *rec {
	rng := g.rng
	mod, created := g.stamp(g.o.Contacts)
	n := i + 1
	var phone, birth any
	if rng.IntN(4) > 0 {
		phone = fmt.Sprintf("+44 20 7946 %04d", n%10000)
	}
	if rng.IntN(3) > 0 {
		birth = time.Date(1950+rng.IntN(55), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	return &rec{vals: []any{recordID("003", i), g.deleted(), mod, mod, created,
		"Customer", strconv.Itoa(n), fmt.Sprintf("customer%d@example.com", n), phone,
		g.accountID(), g.pick(sources, 20), g.pick([]string{"Buyer", "CFO", "Head of Marketing"}, 50),
		g.pick(countries, 15), rng.IntN(10) == 0, birth}}
}

// opportunities makes the Opportunity object and its records.
func (g *generator) opportunities() *object {
	return newObject(Opportunity, []fieldDef{
		{"Name", kString}, {"AccountId", kString}, {"StageName", kString}, {"Amount", kFloat},
		{"CloseDate", kDate}, {"IsWon", kBool}, {"IsClosed", kBool}, {"Probability", kFloat},
		{"LeadSource", kString},
	}, g.o.Opportunities, g.opportunity)
}

// opportunity draws opportunity i.
func (g *generator) opportunity(i int) *rec {
	rng := g.rng
	mod, created := g.stamp(g.o.Opportunities)
	stage := stages[rng.IntN(len(stages))]
	var amount any
	if rng.IntN(10) > 0 {
		amount = float64(rng.IntN(10_000_000)) / 100 // pounds and pence
	}
	closeDate := time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(120))
	prob := float64(10 * rng.IntN(10))
	won, closed := stage == "Closed Won", strings.HasPrefix(stage, "Closed")
	if won {
		prob = 100
	} else if closed {
		prob = 0
	}
	return &rec{vals: []any{recordID("006", i), g.deleted(), mod, mod, created,
		fmt.Sprintf("Deal %d", i+1), g.accountID(), stage, amount, closeDate, won, closed, prob,
		g.pick(sources, 30)}}
}

func (o *object) add(r *rec) {
	if len(r.vals) != len(o.fields) {
		panic(fmt.Sprintf("fake: %s record has %d values for %d fields", o.name, len(r.vals), len(o.fields)))
	}
	o.pos[r.id()] = len(o.all)
	o.all = append(o.all, r)
	o.sorted = nil
}

func (o *object) bySystemModstamp() []*rec {
	if o.sorted == nil {
		o.sorted = slices.Clone(o.all)
		slices.SortFunc(o.sorted, func(a, b *rec) int {
			if c := a.modstamp().Compare(b.modstamp()); c != 0 {
				return c
			}
			return strings.Compare(a.id(), b.id())
		})
	}
	return o.sorted
}

// Fail queues a fault: the next skip data requests pass, then the
// following times requests get f. Queued faults apply one after another.
func (h *Handler) Fail(f Fault, skip, times int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = append(h.faults, faultSpec{fault: f, skip: skip, times: times})
}

// FailNext makes the next times data requests get f.
func (h *Handler) FailNext(f Fault, times int) { h.Fail(f, 0, times) }

// FailAfter lets skip data requests pass, then makes the following times
// requests get f.
func (h *Handler) FailAfter(skip int, f Fault, times int) { h.Fail(f, skip, times) }

// ClearFaults drops every queued fault.
func (h *Handler) ClearFaults() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = nil
}

// ExpireSessions invalidates every access token issued so far.
func (h *Handler) ExpireSessions() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.tokens)
}

// RevokeRefreshToken makes the token endpoint refuse the refresh token
// from now on (400 invalid_grant).
func (h *Handler) RevokeRefreshToken() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.revoked = true
}

// SetUsage sets the number of API requests the org has used in the
// current 24 hours.
func (h *Handler) SetUsage(used int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.used = used
}

// Stats returns the request counts so far.
func (h *Handler) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// Touch sets SystemModstamp and LastModifiedDate of the named records of
// object (Contact, Account, Opportunity) to at, as an edit would.
func (h *Handler) Touch(objectName string, at time.Time, ids ...string) error {
	return h.change(objectName, at, false, ids)
}

// Delete moves the named records to the recycle bin at time at: IsDeleted
// becomes true and SystemModstamp at.
func (h *Handler) Delete(objectName string, at time.Time, ids ...string) error {
	return h.change(objectName, at, true, ids)
}

func (h *Handler) change(objectName string, at time.Time, del bool, ids []string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	o := h.objects[strings.ToLower(objectName)]
	if o == nil {
		return fmt.Errorf("fake: no object %q", objectName)
	}
	at = at.UTC().Truncate(time.Millisecond)
	for _, id := range ids {
		i, ok := o.pos[id]
		if !ok {
			return fmt.Errorf("fake: no %s %q", o.name, id)
		}
		vals := slices.Clone(o.all[i].vals)
		vals[fSystemModstamp], vals[fLastModifiedDate] = at, at
		if del {
			vals[fIsDeleted] = true
		}
		o.all[i] = &rec{vals: vals}
	}
	o.sorted = nil
	return nil
}

// Rows returns every record of object (deleted ones included) in
// (SystemModstamp, Id) order.
func (h *Handler) Rows(objectName string) []Row {
	h.mu.Lock()
	defer h.mu.Unlock()
	o := h.objects[strings.ToLower(objectName)]
	if o == nil {
		return nil
	}
	recs := o.bySystemModstamp()
	rows := make([]Row, len(recs))
	for i, r := range recs {
		rows[i] = o.row(r)
	}
	return rows
}

// row is the record r of o as a Row.
func (o *object) row(r *rec) Row {
	f := make(map[string]any, len(o.fields))
	for j, fd := range o.fields {
		f[fd.name] = r.vals[j]
	}
	return Row{ID: r.id(), Modstamp: r.modstamp(), Deleted: r.deleted(), Fields: f}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/services/oauth2/token":
		h.serveToken(w, r)
	case strings.HasPrefix(r.URL.Path, "/services/data/"):
		h.serveData(w, r)
	default:
		writeError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
}

func (h *Handler) serveToken(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.stats.TokenRequests++
	h.mu.Unlock()
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusBadRequest, "invalid_request", "must use HTTP POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed request body")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "refresh_token":
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
	case r.PostForm.Get("client_id") != h.opts.ClientID:
		oauthError(w, http.StatusBadRequest, "invalid_client_id", "client identifier invalid")
	case r.PostForm.Get("client_secret") != h.opts.ClientSecret:
		oauthError(w, http.StatusBadRequest, "invalid_client", "invalid client credentials")
	case h.revoked || r.PostForm.Get("refresh_token") != h.opts.RefreshToken:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "expired access/refresh token")
	default:
		h.issueToken(w, r)
	}
}

// oauthError answers with the token endpoint's error code and
// description.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"error_description":%q}`, code, desc)
}

// issueToken answers a good refresh with a new access token and the
// instance, this server; h.mu is held.
func (h *Handler) issueToken(w http.ResponseWriter, r *http.Request) {
	h.tokenSeq++
	tok := fmt.Sprintf("00DFAKE00000001!AQ%016x", rand.Uint64())
	h.tokens[tok] = true
	inst := instanceURL(r)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	fmt.Fprintf(w, `{"access_token":%q,"signature":"ZmFrZS1zaWduYXR1cmU=","scope":"refresh_token api","instance_url":%q,"id":%q,"token_type":"Bearer","issued_at":"%d"}`,
		tok, inst, inst+"/id/00DFAKE000000001AAA/005FAKE000000001AAA", time.Now().UnixMilli())
}

// instanceURL is the root URL of the server the request reached.
func instanceURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `[{"message":%s,"errorCode":%q}]`, strconv.Quote(msg), code)
}

// nextFault pops the fault for this request, if any. Callers hold h.mu.
func (h *Handler) nextFault() Fault {
	for len(h.faults) > 0 {
		f := &h.faults[0]
		if f.skip > 0 {
			f.skip--
			return 0
		}
		if f.times > 0 {
			f.times--
			h.stats.Faults++
			return f.fault
		}
		h.faults = h.faults[1:]
	}
	return 0
}

func (h *Handler) serveData(w http.ResponseWriter, r *http.Request) {
	fault, used, authorized := h.admit(r)
	if !authorized {
		writeError(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", used, h.opts.APILimit))
	if used > h.opts.APILimit {
		fault = TotalRequestsLimit
	}
	if h.failData(w, r, fault) {
		return
	}

	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '"+r.Method+"' not allowed. Allowed are GET")
		return
	}
	// /services/data/vXX.X/{query|queryAll}[/<locator>-<offset>]
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/services/data/"), "/")
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "v") || (parts[1] != "query" && parts[1] != "queryAll") || len(parts) > 3 {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	version, all := parts[0], parts[1] == "queryAll"
	batch := h.batchSize(r.Header.Get("Sforce-Query-Options"))
	if len(parts) == 3 {
		h.serveMore(w, version, parts[2], batch)
		return
	}
	h.serveQuery(w, version, r.URL.Query().Get("q"), all, batch)
}

// admit counts a data request, pops its fault (an ExpireSession fault
// forgets every token) and checks its bearer token: the fault, the API
// requests used so far and whether the token is good, which alone counts
// as a use.
func (h *Handler) admit(r *http.Request) (fault Fault, used int, authorized bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stats.DataRequests++
	fault = h.nextFault()
	if fault == ExpireSession {
		clear(h.tokens)
	}
	tok, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	authorized = hasBearer && h.tokens[tok]
	if !authorized {
		h.stats.Unauthorized++
	} else {
		h.used++
	}
	return fault, h.used, authorized
}

// failData answers the faults that end a data request and waits out a
// Stall; whether the request is over.
func (h *Handler) failData(w http.ResponseWriter, r *http.Request, fault Fault) bool {
	switch fault {
	case ServerUnavailable:
		writeError(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "Server is unavailable to handle the request. Try again later.")
		return true
	case InternalError:
		writeError(w, http.StatusInternalServerError, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)")
		return true
	case ConcurrentLimit:
		writeError(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")
		return true
	case TotalRequestsLimit:
		writeError(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
		return true
	case InvalidLocator:
		writeError(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return true
	case DropConnection:
		dropConnection(w)
		return true
	case MalformedJSON:
		writeBody(w, `{"totalSize":12,"done":false,"nextRecordsUrl":"/services/data/v60.0/query/01g-2","records":[{"attributes":{"type":"Contact"`)
		return true
	case WrongShape:
		writeBody(w, `{"totalSize":"twelve","done":"maybe","records":{"Id":"003000000000001AAA"}}`)
		return true
	case Stall:
		return h.stall(r)
	}
	return false
}

// dropConnection closes the request's connection without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// writeBody answers 200 with body as JSON, whatever it holds.
func writeBody(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	fmt.Fprint(w, body)
}

// stall holds the request for StallFor: whether the client gave up first
// (the request is over).
func (h *Handler) stall(r *http.Request) bool {
	t := time.NewTimer(h.opts.StallFor)
	select {
	case <-r.Context().Done():
		t.Stop()
		return true
	case <-t.C:
	}
	return false
}

// batchSize reads Sforce-Query-Options: batchSize=n (200..2,000).
func (h *Handler) batchSize(header string) int {
	n := 2000
	for _, opt := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(opt), "=")
		if ok && strings.EqualFold(k, "batchSize") {
			if b, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				n = min(max(b, 200), 2000)
			}
		}
	}
	return min(n, h.opts.MaxBatch)
}

type cond struct {
	field int
	op    string
	t     time.Time
	b     bool
}

func (h *Handler) serveQuery(w http.ResponseWriter, version, q string, all bool, batch int) {
	if q == "" {
		writeError(w, http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified")
		return
	}
	m := h.reSelect.FindStringSubmatch(q)
	if m == nil {
		writeError(w, http.StatusBadRequest, "MALFORMED_QUERY", "unexpected token in query: "+q)
		return
	}
	o := h.objectNamed(w, m[2])
	if o == nil {
		return
	}
	fields, ok := selectFields(w, q, o, m[1])
	if !ok {
		return
	}
	conds, ok := h.parseWhere(w, o, m[3])
	if !ok {
		return
	}
	byID, ok := orderByID(w, m[4])
	if !ok {
		return
	}
	limit := -1
	if m[5] != "" {
		limit, _ = strconv.Atoi(m[5])
	}
	c := h.openCursor(o, fields, conds, byID, all, limit)
	h.writePage(w, version, c, 0, batch)
}

// objectNamed finds the object a FROM clause names; nil, after a 400,
// when the fake has none.
func (h *Handler) objectNamed(w http.ResponseWriter, name string) *object {
	h.mu.Lock()
	o := h.objects[strings.ToLower(name)]
	h.mu.Unlock()
	if o == nil {
		writeError(w, http.StatusBadRequest, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.", name))
	}
	return o
}

// selectFields finds the fields of the SELECT list; false, after a 400,
// when one is unknown.
func selectFields(w http.ResponseWriter, q string, o *object, list string) ([]int, bool) {
	var fields []int
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		i, ok := o.index[strings.ToLower(f)]
		if !ok {
			writeError(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("\n%s\n^\nERROR at Row:1:Column:8\nNo such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", q, f, o.name))
			return nil, false
		}
		fields = append(fields, i)
	}
	return fields, true
}

// parseWhere parses the conditions of the WHERE clause, if any; false,
// after a 400, when one is not understood.
func (h *Handler) parseWhere(w http.ResponseWriter, o *object, where string) ([]cond, bool) {
	if where == "" {
		return nil, true
	}
	var conds []cond
	for _, c := range h.reAnd.Split(strings.TrimSpace(where), -1) {
		cm := h.reCond.FindStringSubmatch(strings.TrimSpace(c))
		if cm == nil {
			writeError(w, http.StatusBadRequest, "MALFORMED_QUERY", "unexpected token: '"+c+"' (the fake understands only comparisons joined by AND)")
			return nil, false
		}
		cd, ok := parseCond(w, o, cm[1], cm[2], cm[3])
		if !ok {
			return nil, false
		}
		conds = append(conds, cd)
	}
	return conds, true
}

// parseCond parses the comparison of a dateTime or boolean field with a
// value; false, after a 400, when it cannot.
func parseCond(w http.ResponseWriter, o *object, field, op, value string) (cond, bool) {
	i, ok := o.index[strings.ToLower(field)]
	if !ok {
		writeError(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'.", field, o.name))
		return cond{}, false
	}
	cd := cond{field: i, op: op}
	switch o.fields[i].kind {
	case kDateTime:
		t, err := time.Parse(time.RFC3339, value)
		if err != nil {
			writeError(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("value of filter criterion for field '%s' must be of type dateTime and should not be enclosed in quotes", o.fields[i].name))
			return cond{}, false
		}
		cd.t = t
	case kBool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			writeError(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("value of filter criterion for field '%s' must be of type boolean", o.fields[i].name))
			return cond{}, false
		}
		cd.b = b
	default:
		writeError(w, http.StatusBadRequest, "MALFORMED_QUERY", "the fake filters only on dateTime and boolean fields")
		return cond{}, false
	}
	return cd, true
}

// orderByID reads the ORDER BY clause: whether records come by Id (the
// default) rather than by SystemModstamp; false, after a 400, for an order
// the fake does not know.
func orderByID(w http.ResponseWriter, orderBy string) (byID, ok bool) {
	if orderBy == "" {
		return true, true
	}
	byID = true
	for k, key := range strings.Split(orderBy, ",") {
		key = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(key), " ASC"))
		switch {
		case k == 0 && (strings.EqualFold(key, "SystemModstamp") || strings.EqualFold(key, "LastModifiedDate")):
			byID = false
		case strings.EqualFold(key, "Id"):
		default:
			writeError(w, http.StatusBadRequest, "MALFORMED_QUERY", "the fake orders only by SystemModstamp, Id ascending")
			return false, false
		}
	}
	return byID, true
}

// openCursor selects the records of the query and keeps them under a new
// cursor, forgetting the oldest beyond maxCursors.
func (h *Handler) openCursor(o *object, fields []int, conds []cond, byID, all bool, limit int) *cursor {
	h.mu.Lock()
	defer h.mu.Unlock()
	src := o.bySystemModstamp()
	if byID {
		src = o.all
	}
	recs := selectRecs(src, conds, all, limit)
	h.cursorSeq++
	c := &cursor{locator: fmt.Sprintf("01gFAKE%011d", h.cursorSeq), obj: o, fields: fields, recs: recs}
	h.keepCursor(c)
	return c
}

// selectRecs are the records of src that match conds, deleted ones only
// when all is set, limit of them at most (a negative limit: no limit).
func selectRecs(src []*rec, conds []cond, all bool, limit int) []*rec {
	var recs []*rec
	for _, r := range src {
		if (!all && r.deleted()) || !match(r, conds) {
			continue
		}
		if limit >= 0 && len(recs) >= limit {
			break
		}
		recs = append(recs, r)
	}
	return recs
}

// keepCursor keeps c under its locator, forgetting the oldest cursor
// beyond maxCursors; h.mu is held.
func (h *Handler) keepCursor(c *cursor) {
	h.cursors[c.locator] = c
	h.cursorList = append(h.cursorList, c.locator)
	if len(h.cursorList) > maxCursors {
		delete(h.cursors, h.cursorList[0])
		h.cursorList = h.cursorList[1:]
	}
}

// match reports whether r meets every condition.
func match(r *rec, conds []cond) bool {
	for _, c := range conds {
		if !c.holds(r) {
			return false
		}
	}
	return true
}

// holds reports whether r meets the condition; a null never does.
func (c cond) holds(r *rec) bool {
	var k int
	if v, ok := r.vals[c.field].(time.Time); ok {
		k = v.Compare(c.t)
	} else if v, ok := r.vals[c.field].(bool); ok {
		if v != c.b {
			k = 1
		}
		if c.op != "=" && c.op != "!=" {
			return false
		}
	} else {
		return false // null never matches
	}
	return satisfies(k, c.op)
}

// satisfies reports whether a comparison that came out k (below, at or
// above 0) satisfies the operator op.
func satisfies(k int, op string) bool {
	switch op {
	case "=":
		return k == 0
	case "!=":
		return k != 0
	case ">":
		return k > 0
	case ">=":
		return k >= 0
	case "<":
		return k < 0
	case "<=":
		return k <= 0
	}
	return false
}

func (h *Handler) serveMore(w http.ResponseWriter, version, ref string, batch int) {
	i := strings.LastIndexByte(ref, '-')
	var off int
	var err error
	if i > 0 {
		off, err = strconv.Atoi(ref[i+1:])
	}
	h.mu.Lock()
	var c *cursor
	if i > 0 && err == nil {
		c = h.cursors[ref[:i]]
	}
	h.mu.Unlock()
	if c == nil || off < 0 || off > len(c.recs) {
		writeError(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	h.writePage(w, version, c, off, batch)
}

// writePage encodes one batch of a cursor with a pooled buffer.
func (h *Handler) writePage(w http.ResponseWriter, version string, c *cursor, off, batch int) {
	end := min(off+h.pageSize(off, batch), len(c.recs))
	bp := h.bufs.Get().(*[]byte)
	b := appendPageHead((*bp)[:0], version, c, end)
	b = append(b, `,"records":[`...)
	for i, r := range c.recs[off:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecord(b, version, c, r)
	}
	b = append(b, "]}"...)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
	*bp = b
	h.bufs.Put(bp)
}

// pageSize is the number of records of the page at off: batch, or fewer
// on every third page, as Salesforce returns fewer records than asked for
// at times.
func (h *Handler) pageSize(off, batch int) int {
	if pageNo := off / max(batch, 1); batch > 3 && pageNo%3 == 1 {
		return batch - int(splitmix(uint64(off)^h.opts.Seed)%uint64(batch/3))
	}
	return batch
}

// appendPageHead appends the start of the page of the cursor that ends at
// end: the total size, whether it is the last page and, if not, the URL of
// the next.
func appendPageHead(b []byte, version string, c *cursor, end int) []byte {
	done := end == len(c.recs)
	b = append(b, `{"totalSize":`...)
	b = strconv.AppendInt(b, int64(len(c.recs)), 10)
	b = append(b, `,"done":`...)
	b = strconv.AppendBool(b, done)
	if !done {
		b = append(b, `,"nextRecordsUrl":"/services/data/`...)
		b = append(b, version...)
		b = append(b, "/query/"...)
		b = append(b, c.locator...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(end), 10)
		b = append(b, '"')
	}
	return b
}

// appendRecord appends record r with its attributes and the cursor's
// fields.
func appendRecord(b []byte, version string, c *cursor, r *rec) []byte {
	b = append(b, `{"attributes":{"type":"`...)
	b = append(b, c.obj.name...)
	b = append(b, `","url":"/services/data/`...)
	b = append(b, version...)
	b = append(b, "/sobjects/"...)
	b = append(b, c.obj.name...)
	b = append(b, '/')
	b = append(b, r.id()...)
	b = append(b, `"}`...)
	for _, fi := range c.fields {
		fd := c.obj.fields[fi]
		b = append(b, ",\""...)
		b = append(b, fd.name...)
		b = append(b, "\":"...)
		b = appendValue(b, fd.kind, r.vals[fi])
	}
	return append(b, '}')
}

func appendValue(b []byte, k kind, v any) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	switch k {
	case kString:
		return jsonscan.AppendString(b, v.(string))
	case kFloat:
		f := v.(float64)
		if f == float64(int64(f)) {
			b = strconv.AppendInt(b, int64(f), 10)
			return append(b, ".0"...)
		}
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	case kInt:
		return strconv.AppendInt(b, v.(int64), 10)
	case kBool:
		return strconv.AppendBool(b, v.(bool))
	case kDateTime:
		b = append(b, '"')
		b = v.(time.Time).UTC().AppendFormat(b, "2006-01-02T15:04:05.000-0700")
		return append(b, '"')
	case kDate:
		b = append(b, '"')
		b = v.(time.Time).AppendFormat(b, "2006-01-02")
		return append(b, '"')
	}
	return append(b, "null"...)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
