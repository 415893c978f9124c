// Package fake is an in-process fake of the Meta Marketing API's ad
// insights endpoints, for tests and demos. It generates deterministic ad
// metrics from a seed (shapes after the public "KAG conversion" Facebook ad
// report: campaign ids 916/936/1178, ad ids from 708746, low click-through,
// spend of about 1-1.6 per click) and serves them as the Graph API does.
//
// Shapes follow these documentation pages (developers.facebook.com):
//   - "Insights API" and "Ad Account Insights" reference
//     (/docs/marketing-api/insights, /docs/marketing-api/reference/ad-account/insights):
//     GET /{version}/act_{id}/insights with level, time_increment,
//     time_range {"since","until"}, fields, limit; {"data":[...],
//     "paging":{"cursors":{"before","after"},"next"}} with every number as
//     a string and actions/action_values as [{"action_type","value"}].
//   - "Insights API Asynchronous Jobs" and "Ad Report Run" reference
//     (/docs/marketing-api/insights/best-practices, /docs/marketing-api/reference/ad-report-run):
//     POST .../insights -> {"report_run_id"}; GET /{report_run_id} ->
//     async_status ("Job Not Started", "Job Running", "Job Completed",
//     "Job Failed", "Job Skipped") and async_percent_completion; GET
//     /{report_run_id}/insights pages the result.
//   - "Graph API Pagination" (/docs/graph-api/results): cursor paging,
//     paging.next is a full URL carrying the access_token.
//   - "Marketing API Rate Limiting" and "Graph API Rate Limiting"
//     (/docs/marketing-api/overview/rate-limiting, /docs/graph-api/overview/rate-limiting):
//     throttling is HTTP 400 with codes 4, 17, 613, 80000-80014 and the
//     X-Business-Use-Case-Usage header ({"<business id>":[{"type",
//     "call_count","total_cputime","total_time",
//     "estimated_time_to_regain_access" (minutes)}]}), X-Ad-Account-Usage
//     ({"acc_id_util_pct","reset_time_duration","ads_api_access_tier"}) and
//     X-FB-Ads-Insights-Throttle ({"app_id_util_pct","acc_id_util_pct"}).
//   - "Graph API Handling Errors" (/docs/graph-api/guides/error-handling)
//     and "Ads Insights API Error Codes": {"error":{"message","type":
//     "OAuthException","code","error_subcode","is_transient","fbtrace_id"}};
//     code 190 (subcode 463 expired) for a bad token, code 2 for a
//     temporary outage (HTTP 500), code 100 for a bad parameter.
//
// Faults are injected with Inject, FailNext and FailPage; Restate changes a
// past day's metrics; SetUsage sets the usage the headers report.
package fake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmint/segmint/lib/jsonscan"
)

// DefaultToken is the access token the fake accepts unless Options.Token
// says otherwise.
const DefaultToken = "fake-meta-token"

// DefaultAccount is the ad account the fake serves unless Options.Account
// says otherwise.
const DefaultAccount = "act_1234567890"

// Options configures a Handler. Zero values take the defaults named.
type Options struct {
	// Seed makes the generated metrics (default 1).
	Seed int64
	// Ads is the number of ads (default 40).
	Ads int
	// GapEvery leaves out one (ad, day) row in GapEvery, as Meta leaves
	// out ads without delivery (default 13; negative: no gaps).
	GapEvery int
	// Token is the access token accepted (default DefaultToken).
	Token string
	// Account is the ad account served (default DefaultAccount).
	Account string
	// Currency is the account currency (default "USD").
	Currency string
	// BusinessID keys the X-Business-Use-Case-Usage header (default
	// "1098765432101234").
	BusinessID string
	// DefaultLimit is the page size without a limit parameter (default 25).
	DefaultLimit int
	// MaxLimit caps the limit parameter (default 5000).
	MaxLimit int
	// AsyncPolls is how many status polls a report run answers "Job
	// Running" before "Job Completed" (default 2; negative: completes at
	// once).
	AsyncPolls int
	// Usage is the utilisation percentage the usage headers report (default 5).
	Usage float64
	// AuthStatus is the HTTP status of a wrong token's answer (default 400,
	// as the Graph API sends; some gateways send 401).
	AuthStatus int
	// StallFor is how long FaultStall holds a request (default 2 s).
	StallFor time.Duration
}

// FaultKind names an injected fault.
type FaultKind int

// Faults.
const (
	// FaultServerError answers HTTP 500 with error code 2, is_transient.
	FaultServerError FaultKind = iota + 1
	// FaultThrottle answers HTTP 400 (Fault.Status to change it) with a
	// throttling code (Fault.Code, default 80000) and usage headers whose
	// estimated_time_to_regain_access is Fault.RegainMinutes.
	FaultThrottle
	// FaultTokenExpired answers HTTP 400 (Fault.Status to change it) with
	// OAuthException code 190, subcode 463.
	FaultTokenExpired
	// FaultStall holds the request for Options.StallFor or until the
	// client gives up, then answers normally.
	FaultStall
	// FaultDrop closes the connection without an answer.
	FaultDrop
	// FaultMalformed answers 200 with JSON cut off mid-way.
	FaultMalformed
	// FaultWrongShape answers 200 with a JSON object without "data".
	FaultWrongShape
	// FaultReportFailed makes the next report run end "Job Failed".
	FaultReportFailed
)

func (k FaultKind) String() string {
	switch k {
	case FaultServerError:
		return "server-error"
	case FaultThrottle:
		return "throttle"
	case FaultTokenExpired:
		return "token-expired"
	case FaultStall:
		return "stall"
	case FaultDrop:
		return "drop"
	case FaultMalformed:
		return "malformed"
	case FaultWrongShape:
		return "wrong-shape"
	case FaultReportFailed:
		return "report-failed"
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// Fault is one injected fault.
type Fault struct {
	Kind FaultKind
	// Times is how many matching requests it hits (default 1).
	Times int
	// Page restricts it to page Page (1-based) of an insights read
	// (synchronous or report run); 0 matches any request.
	Page int
	// Code is FaultThrottle's error code: 4, 17, 613 or 80000-80014.
	Code int
	// Status overrides the HTTP status.
	Status int
	// RegainMinutes is FaultThrottle's estimated_time_to_regain_access.
	RegainMinutes int
}

// Insight is one generated row: the truth the fake serves.
type Insight struct {
	DateStart                 string
	AccountCurrency           string
	CampaignID, CampaignName  string
	AdsetID, AdsetName        string
	AdID, AdName              string
	Impressions, Reach        int64
	Clicks, LinkClicks        int64
	LandingPageViews, Leads   int64
	Purchases                 int64
	SpendCents, PurchaseCents int64
}

// Spend is the spend in currency units.
func (in Insight) Spend() float64 { return float64(in.SpendCents) / 100 }

// PurchaseValue is the purchase value in currency units.
func (in Insight) PurchaseValue() float64 { return float64(in.PurchaseCents) / 100 }

// Stats counts what the fake served.
type Stats struct {
	Requests   int // every request
	Pages      int // insights pages served
	Records    int // insights rows served
	ReportRuns int // report runs started
	Polls      int // report run status reads
	Faults     int // faults applied
}

// Entry is one logged request (the query string, token and all, is never kept).
type Entry struct {
	At     time.Time
	Method string
	Path   string
	Page   int // insights page number, 0 for other requests
	Status int
	Fault  string
}

// Handler is the fake API; it is safe for concurrent use.
type Handler struct {
	opts Options

	mu       sync.Mutex
	faults   []*Fault
	versions map[string]int // restated days
	gen      int
	cache    map[rangeKey][]Insight
	jobs     map[string]*job
	nextJob  int64
	stats    Stats
	log      []Entry
	usage    usageHeaders
	bufs     sync.Pool
	traceSeq int64
}

type rangeKey struct {
	since, until string
	gen          int
}

type job struct {
	since, until string
	fields       []string
	polls        int
	fail         bool
}

type usageHeaders struct {
	buc, account, insights string
}

// NewHandler builds a fake.
func NewHandler(opts Options) *Handler {
	opts = opts.withDefaults()
	h := &Handler{
		opts:     opts,
		versions: map[string]int{},
		cache:    map[rangeKey][]Insight{},
		jobs:     map[string]*job{},
		nextJob:  6012345678900000,
	}
	h.bufs.New = func() any { return new(bytes.Buffer) }
	h.usage = h.makeUsage(opts.Usage, 0)
	return h
}

// withDefaults fills the options left unset with the fake's defaults.
func (opts Options) withDefaults() Options {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Ads <= 0 {
		opts.Ads = 40
	}
	if opts.GapEvery == 0 {
		opts.GapEvery = 13
	}
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.Account == "" {
		opts.Account = DefaultAccount
	}
	if !strings.HasPrefix(opts.Account, "act_") {
		opts.Account = "act_" + opts.Account
	}
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	if opts.BusinessID == "" {
		opts.BusinessID = "1098765432101234"
	}
	if opts.DefaultLimit <= 0 {
		opts.DefaultLimit = 25
	}
	if opts.MaxLimit <= 0 {
		opts.MaxLimit = 5000
	}
	if opts.AsyncPolls == 0 {
		opts.AsyncPolls = 2
	}
	if opts.Usage == 0 {
		opts.Usage = 5
	}
	if opts.AuthStatus == 0 {
		opts.AuthStatus = http.StatusBadRequest
	}
	if opts.StallFor <= 0 {
		opts.StallFor = 2 * time.Second
	}
	return opts
}

// Inject adds a fault; faults apply in the order injected.
func (h *Handler) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	h.mu.Lock()
	h.faults = append(h.faults, &f)
	h.mu.Unlock()
}

// FailNext makes the next times requests fail with kind.
func (h *Handler) FailNext(kind FaultKind, times int) {
	h.Inject(Fault{Kind: kind, Times: times})
}

// FailPage makes the next times requests for insights page page (1-based)
// fail with kind.
func (h *Handler) FailPage(page int, kind FaultKind, times int) {
	h.Inject(Fault{Kind: kind, Times: times, Page: page})
}

// ClearFaults drops every pending fault.
func (h *Handler) ClearFaults() {
	h.mu.Lock()
	h.faults = nil
	h.mu.Unlock()
}

// Restate changes the metrics of day (a late attribution, say): later
// reads of that day return new values.
func (h *Handler) Restate(day time.Time) {
	h.mu.Lock()
	h.versions[day.UTC().Format(dayLayout)]++
	h.gen++
	clear(h.cache)
	h.mu.Unlock()
}

// SetUsage sets the utilisation percentage the usage headers report on
// successful answers.
func (h *Handler) SetUsage(pct float64) {
	h.mu.Lock()
	h.usage = h.makeUsage(pct, 0)
	h.mu.Unlock()
}

// Expected returns the rows the fake serves for since..until (UTC days).
func (h *Handler) Expected(since, until time.Time) []Insight {
	rows := h.rows(since.UTC().Format(dayLayout), until.UTC().Format(dayLayout))
	return append([]Insight(nil), rows...)
}

// Stats returns the counters.
func (h *Handler) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// Log returns the last requests served (up to 1000).
func (h *Handler) Log() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Entry(nil), h.log...)
}

const dayLayout = "2006-01-02"

// campaigns after the KAG report's xyz_campaign_id values.
var campaignNums = [...]int{916, 936, 1178}

var audiences = [...]string{"30-34 M", "35-39 F", "40-44 M", "45-49 F", "30-34 F", "35-39 M"}

// mix is splitmix64.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rows returns the (cached) rows of since..until; the caller must not
// change them.
func (h *Handler) rows(since, until string) []Insight {
	h.mu.Lock()
	key := rangeKey{since, until, h.gen}
	if r, ok := h.cache[key]; ok {
		h.mu.Unlock()
		return r
	}
	versions := make(map[string]int, len(h.versions))
	for k, v := range h.versions {
		versions[k] = v
	}
	h.mu.Unlock()

	out, ok := h.generate(since, until, versions)
	if !ok {
		return nil
	}
	h.store(key, out)
	return out
}

// generate makes the rows of since..until after the restatements in
// versions; false when since..until is not a range of days.
func (h *Handler) generate(since, until string, versions map[string]int) ([]Insight, bool) {
	from, err1 := time.Parse(dayLayout, since)
	to, err2 := time.Parse(dayLayout, until)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil, false
	}
	var out []Insight
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = h.appendDay(out, d, versions)
	}
	return out, true
}

// appendDay appends the rows of day d, one per ad with delivery that day,
// after the day's restatements in versions.
func (h *Handler) appendDay(out []Insight, d time.Time, versions map[string]int) []Insight {
	day := d.Format(dayLayout)
	dn := uint64(d.Unix() / 86400)
	for i := 0; i < h.opts.Ads; i++ {
		hv := mix(uint64(h.opts.Seed)*0x100000001b3 ^ dn<<20 ^ uint64(i))
		if h.opts.GapEvery > 0 && hv%uint64(h.opts.GapEvery) == 0 {
			continue // no delivery: Meta leaves the row out
		}
		out = append(out, h.gen1(i, day, mix(hv^uint64(versions[day])*0x51ed27)))
	}
	return out
}

// store caches the rows of key unless a restatement came meanwhile,
// emptying a full cache first.
func (h *Handler) store(key rangeKey, out []Insight) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.cache) > 64 {
		clear(h.cache)
	}
	if key.gen == h.gen {
		h.cache[key] = out
	}
}

func (h *Handler) gen1(i int, day string, hv uint64) Insight {
	next := func() uint64 { hv = mix(hv); return hv }
	c := campaignNums[i%len(campaignNums)]
	adID := 708746 + i*3
	adset := 103916 + i/2
	in := Insight{
		DateStart:       day,
		AccountCurrency: h.opts.Currency,
		CampaignID:      "2385" + strconv.Itoa(c*1000+17),
		CampaignName:    "Campaign " + strconv.Itoa(c),
		AdsetID:         strconv.Itoa(adset),
		AdsetName:       "Ad set " + strconv.Itoa(adset) + " " + audiences[(i/2)%len(audiences)],
		AdID:            strconv.Itoa(adID),
		AdName:          "Ad " + strconv.Itoa(adID),
	}
	in.Impressions = 200 + int64(next()%25000)
	in.Reach = in.Impressions * int64(70+next()%25) / 100
	in.Clicks = in.Impressions * int64(1+next()%40) / 10000
	in.SpendCents = in.Clicks*int64(100+next()%60) + int64(next()%100)
	in.LinkClicks = in.Clicks * int64(75+next()%25) / 100
	in.LandingPageViews = in.LinkClicks * int64(55+next()%40) / 100
	if in.Clicks > 0 {
		in.Purchases = int64(next() % 4)
		in.Leads = int64(next() % 3)
	}
	in.PurchaseCents = in.Purchases * int64(1999+next()%6000)
	return in
}

// knownFields are the insights fields the fake can answer.
var knownFields = map[string]bool{
	"date_start": true, "date_stop": true, "account_id": true, "account_currency": true,
	"campaign_id": true, "campaign_name": true, "adset_id": true, "adset_name": true,
	"ad_id": true, "ad_name": true, "impressions": true, "reach": true, "clicks": true,
	"spend": true, "actions": true, "action_values": true, "frequency": true, "cpm": true,
	"ctr": true, "cpc": true,
}

var (
	versionRe = regexp.MustCompile(`^v\d+\.\d+$`)
	digitsRe  = regexp.MustCompile(`^\d+$`)
)

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := Entry{At: time.Now(), Method: r.Method, Path: r.URL.Path}
	defer func() { h.record(e) }()
	if err := r.ParseForm(); err != nil {
		e.Status = h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) Invalid request body", false)
		return
	}
	if e.Status = h.authenticate(w, r); e.Status != 0 {
		return
	}
	obj, edge, ok := splitPath(r.URL.Path)
	if !ok {
		e.Status = h.apiError(w, http.StatusBadRequest, 2500, 0, "Unknown path components: "+r.URL.Path, false)
		return
	}
	offset, limit, status := h.paging(w, r.Form)
	if status != 0 {
		e.Status = status
		return
	}
	if r.Method == http.MethodGet && edge == "insights" {
		e.Page = offset/limit + 1
	}
	if f := h.takeFault(e.Page, r.Method == http.MethodPost && edge == "insights"); f != nil {
		e.Fault = f.Kind.String()
		if done := h.applyFault(w, r, f, &e); done {
			return
		}
	}
	e.Status = h.route(w, r, obj, edge, offset, limit, e.Fault == FaultReportFailed.String())
}

// authenticate answers a request without the right access token: 0 when
// it has it, else the status of the error.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) int {
	if h.authorized(r) {
		return 0
	}
	if tokenOf(r) == "" {
		return h.apiError(w, http.StatusBadRequest, 104, 0, "An access token is required to request this resource.", false)
	}
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"`)
	return h.apiError(w, h.opts.AuthStatus, 190, 0, "Invalid OAuth access token - Cannot parse access token", false)
}

// splitPath splits a /{version}/{object}[/{edge}] path; false for any
// other.
func splitPath(path string) (obj, edge string, ok bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 || len(parts) > 3 || !versionRe.MatchString(parts[0]) {
		return "", "", false
	}
	if len(parts) == 3 {
		edge = parts[2]
	}
	return parts[1], edge, true
}

// paging reads the page asked for, to match page faults: its offset and
// limit, or the status of the error when the limit or cursor is bad.
func (h *Handler) paging(w http.ResponseWriter, form url.Values) (offset, limit, status int) {
	limit = h.opts.DefaultLimit
	if v := form.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, 0, h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) param limit must be a positive integer", false)
		}
		limit = min(n, h.opts.MaxLimit)
	}
	offset, ok := decodeCursor(form.Get("after"))
	if !ok {
		return 0, 0, h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) Invalid cursor", false)
	}
	return offset, limit, 0
}

// route serves the request on the object's edge: a page of insights, a
// new report run (failing if failJob), a report run's status or its
// results; the status written.
func (h *Handler) route(w http.ResponseWriter, r *http.Request, obj, edge string, offset, limit int, failJob bool) int {
	switch {
	case obj == h.opts.Account && edge == "insights" && r.Method == http.MethodGet:
		q, status := h.query(w, r.Form)
		if status != 0 {
			return status
		}
		return h.servePage(w, r, q.since, q.until, q.fields, offset, limit)
	case obj == h.opts.Account && edge == "insights" && r.Method == http.MethodPost:
		q, status := h.query(w, r.Form)
		if status != 0 {
			return status
		}
		return h.startJob(w, q, failJob)
	case strings.HasPrefix(obj, "act_") && obj != h.opts.Account:
		return h.apiError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+obj+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", false)
	case digitsRe.MatchString(obj) && edge == "" && r.Method == http.MethodGet:
		return h.pollJob(w, obj)
	case digitsRe.MatchString(obj) && edge == "insights" && r.Method == http.MethodGet:
		return h.serveJobPage(w, r, obj, offset, limit)
	default:
		return h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) Unsupported "+r.Method+" request on "+r.URL.Path, false)
	}
}

// serveJobPage serves a page of a finished report run's results.
func (h *Handler) serveJobPage(w http.ResponseWriter, r *http.Request, id string, offset, limit int) int {
	h.mu.Lock()
	j := h.jobs[id]
	h.mu.Unlock()
	switch {
	case j == nil:
		return h.apiError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", false)
	case j.fail || j.polls <= h.opts.AsyncPolls:
		return h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) The report run "+id+" has not completed", false)
	default:
		return h.servePage(w, r, j.since, j.until, j.fields, offset, limit)
	}
}

func (h *Handler) record(e Entry) {
	h.mu.Lock()
	h.stats.Requests++
	if len(h.log) >= 1000 {
		copy(h.log, h.log[1:])
		h.log = h.log[:len(h.log)-1]
	}
	h.log = append(h.log, e)
	h.mu.Unlock()
}

func tokenOf(r *http.Request) string {
	if t := r.Form.Get("access_token"); t != "" {
		return t
	}
	a := r.Header.Get("Authorization")
	for _, p := range []string{"Bearer ", "OAuth "} {
		if strings.HasPrefix(a, p) {
			return strings.TrimPrefix(a, p)
		}
	}
	return ""
}

func (h *Handler) authorized(r *http.Request) bool { return tokenOf(r) == h.opts.Token }

// takeFault returns the first fault matching this request, counting it.
func (h *Handler) takeFault(page int, startsJob bool) *Fault {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, f := range h.faults {
		if f.Page != 0 && f.Page != page {
			continue
		}
		if f.Kind == FaultReportFailed && !startsJob {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			h.faults = append(h.faults[:i:i], h.faults[i+1:]...)
		}
		h.stats.Faults++
		c := *f
		return &c
	}
	return nil
}

// applyFault answers with a fault; it reports false when the request is
// to be served after all (a stall, a failed report run).
func (h *Handler) applyFault(w http.ResponseWriter, r *http.Request, f *Fault, e *Entry) bool {
	switch f.Kind {
	case FaultServerError:
		e.Status = h.apiError(w, or(f.Status, http.StatusInternalServerError), 2, 0, "Service temporarily unavailable", true)
	case FaultThrottle:
		e.Status = h.throttle(w, f)
	case FaultTokenExpired:
		e.Status = h.tokenExpired(w, f)
	case FaultStall:
		return h.stall(r, e)
	case FaultDrop:
		e.Status = 0
		panic(http.ErrAbortHandler) // net/http closes the connection without an answer
	case FaultMalformed:
		e.Status = writeRaw(w, `{"data":[{"date_start":"2024-01-0`)
	case FaultWrongShape:
		e.Status = writeRaw(w, `{"result":"ok","rows":42}`)
	case FaultReportFailed:
		return false
	default:
		return false
	}
	return true
}

// throttle answers the throttling fault f: usage at 100 % with f's wait
// in the headers, and a throttling error; the status.
func (h *Handler) throttle(w http.ResponseWriter, f *Fault) int {
	code := or(f.Code, 80000)
	h.mu.Lock()
	u := h.makeUsage(100, f.RegainMinutes)
	h.mu.Unlock()
	u.set(w.Header())
	msg, sub := throttleMessage(code)
	return h.apiError(w, or(f.Status, http.StatusBadRequest), code, sub, msg, true)
}

// tokenExpired answers the expired-token fault f; the status.
func (h *Handler) tokenExpired(w http.ResponseWriter, f *Fault) int {
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Error validating access token"`)
	return h.apiError(w, or(f.Status, http.StatusBadRequest), 190, 463,
		"Error validating access token: Session has expired on Tuesday, 02-Jan-24 04:00:00 PST. The current time is Tuesday, 02-Jan-24 05:12:09 PST.", false)
}

// stall holds the request for StallFor: whether the client gave up first
// (the request is over, logged as 499).
func (h *Handler) stall(r *http.Request, e *Entry) bool {
	t := time.NewTimer(h.opts.StallFor)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		e.Status = 499
		return true
	case <-t.C:
	}
	return false
}

// writeRaw answers 200 with body as JSON, whatever it holds; the status.
func writeRaw(w http.ResponseWriter, body string) int {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
	return http.StatusOK
}

func throttleMessage(code int) (string, int) {
	switch code {
	case 4:
		return "(#4) Application request limit reached", 1504022
	case 17:
		return "(#17) User request limit reached", 2446079
	case 613:
		return "(#613) Calls to this api have exceeded the rate limit.", 1487742
	}
	return "(#" + strconv.Itoa(code) + ") There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.", 2446079
}

func or(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}

func (h *Handler) makeUsage(pct float64, regain int) usageHeaders {
	p := strconv.FormatFloat(pct, 'f', -1, 64)
	half := strconv.FormatFloat(pct/2, 'f', -1, 64)
	return usageHeaders{
		buc: `{"` + h.opts.BusinessID + `":[{"type":"ads_insights","call_count":` + p + `,"total_cputime":` + half +
			`,"total_time":` + half + `,"estimated_time_to_regain_access":` + strconv.Itoa(regain) + `}]}`,
		account:  `{"acc_id_util_pct":` + p + `,"reset_time_duration":` + strconv.Itoa(regain*60) + `,"ads_api_access_tier":"standard_access"}`,
		insights: `{"app_id_util_pct":` + half + `,"acc_id_util_pct":` + p + `,"ads_api_access_tier":"standard_access"}`,
	}
}

// set sets the usage headers in hd.
func (u usageHeaders) set(hd http.Header) {
	hd.Set("X-Business-Use-Case-Usage", u.buc)
	hd.Set("X-Ad-Account-Usage", u.account)
	hd.Set("X-FB-Ads-Insights-Throttle", u.insights)
}

func (h *Handler) traceID() string {
	h.mu.Lock()
	h.traceSeq++
	n := h.traceSeq
	h.mu.Unlock()
	return "A" + strconv.FormatInt(n*7919+int64(h.opts.Seed), 36) + "xFakeTrace"
}

// apiError writes a Graph API error body and returns the status.
func (h *Handler) apiError(w http.ResponseWriter, status, code, subcode int, msg string, transient bool) int {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": msg, "type": "OAuthException", "code": code, "error_subcode": subcode,
		"is_transient": transient, "fbtrace_id": h.traceID(),
	}})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("x-fb-trace-id", h.traceID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

type insightsQuery struct {
	since, until string
	fields       []string
}

// query validates the insights parameters; a non-zero status means an
// error answer was written.
func (h *Handler) query(w http.ResponseWriter, form url.Values) (insightsQuery, int) {
	var q insightsQuery
	if lv := form.Get("level"); lv != "ad" {
		return q, h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) level must be one of the following values: ad (this fake serves level=ad only)", false)
	}
	if form.Get("time_increment") != "1" {
		return q, h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) time_increment must be 1 (this fake serves daily rows only)", false)
	}
	var status int
	if q.since, q.until, status = h.timeRange(w, form); status != 0 {
		return q, status
	}
	q.fields, status = h.fields(w, form)
	return q, status
}

// timeRange reads the time_range parameter: its since and until, or the
// status of the error answered.
func (h *Handler) timeRange(w http.ResponseWriter, form url.Values) (since, until string, status int) {
	var tr struct {
		Since string `json:"since"`
		Until string `json:"until"`
	}
	if err := json.Unmarshal([]byte(form.Get("time_range")), &tr); err != nil {
		return "", "", h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) param time_range must be a JSON object {\"since\",\"until\"}", false)
	}
	from, err1 := time.Parse(dayLayout, tr.Since)
	to, err2 := time.Parse(dayLayout, tr.Until)
	if err1 != nil || err2 != nil || to.Before(from) {
		return "", "", h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) Must be a valid time_range with since <= until, as YYYY-MM-DD", false)
	}
	return tr.Since, tr.Until, 0
}

// fields reads the fields parameter (impressions and spend when it names
// none), or the status of the error answered.
func (h *Handler) fields(w http.ResponseWriter, form url.Values) ([]string, int) {
	var fields []string
	for _, f := range strings.Split(form.Get("fields"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !knownFields[f] {
			return nil, h.apiError(w, http.StatusBadRequest, 100, 0, "(#100) "+f+" is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values", false)
		}
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		fields = []string{"impressions", "spend"}
	}
	return fields, 0
}

func (h *Handler) startJob(w http.ResponseWriter, q insightsQuery, fail bool) int {
	h.mu.Lock()
	h.nextJob++
	id := strconv.FormatInt(h.nextJob, 10)
	h.jobs[id] = &job{since: q.since, until: q.until, fields: q.fields, fail: fail}
	h.stats.ReportRuns++
	h.mu.Unlock()
	return h.writeJSON(w, map[string]string{"report_run_id": id})
}

// pollJob answers a status read of report run id.
func (h *Handler) pollJob(w http.ResponseWriter, id string) int {
	j, status, pct := h.poll(id)
	if j == nil {
		return h.apiError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", false)
	}
	body := map[string]any{
		"id": id, "account_id": strings.TrimPrefix(h.opts.Account, "act_"),
		"async_status": status, "async_percent_completion": pct,
		"date_start": j.since, "date_stop": j.until, "is_running": status == "Job Running",
	}
	if status == "Job Failed" {
		body["error_code"] = -2
		body["error_message"] = "Report Failed: generating the report failed. Try again later."
	}
	return h.writeJSON(w, body)
}

// poll counts a status read of report run id: the run (nil when there is
// none), its status and how far along it is, in percent.
func (h *Handler) poll(id string) (j *job, status string, pct int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j = h.jobs[id]
	if j == nil {
		return nil, "", 0
	}
	j.polls++
	h.stats.Polls++
	switch {
	case j.polls <= h.opts.AsyncPolls:
		return j, "Job Running", j.polls * 100 / (h.opts.AsyncPolls + 1)
	case j.fail:
		return j, "Job Failed", j.polls * 100 / (h.opts.AsyncPolls + 1)
	}
	return j, "Job Completed", 100
}

func (h *Handler) writeJSON(w http.ResponseWriter, v any) int {
	b, _ := json.Marshal(v)
	h.mu.Lock()
	u := h.usage
	h.mu.Unlock()
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=UTF-8")
	u.set(hd)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return http.StatusOK
}

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !bytes.HasPrefix(b, []byte("o:")) {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[2:]))
	return n, err == nil && n >= 0
}

// servePage writes rows[offset:offset+limit] of since..until.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, since, until string, fields []string, offset, limit int) int {
	rows := h.rows(since, until)
	end := min(offset+limit, len(rows))
	if offset > len(rows) {
		offset = len(rows)
	}
	buf := h.bufs.Get().(*bytes.Buffer)
	defer h.bufs.Put(buf)
	buf.Reset()
	b := buf.AvailableBuffer()
	b = append(b, `{"data":[`...)
	for i := offset; i < end; i++ {
		if i > offset {
			b = append(b, ',')
		}
		b = h.appendRow(b, &rows[i], fields)
	}
	b = append(b, ']')
	if end > offset {
		b = appendPaging(b, r, offset, end, len(rows), limit)
	}
	b = append(b, '}')
	buf.Write(b)

	u := h.countPage(end - offset)
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=UTF-8")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	u.set(hd)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return http.StatusOK
}

// appendPaging appends the paging of the rows offset..end of total: their
// cursors and, unless they are the last, the next page's URL.
func appendPaging(b []byte, r *http.Request, offset, end, total, limit int) []byte {
	b = append(b, `,"paging":{"cursors":{"before":"`...)
	b = append(b, encodeCursor(offset)...)
	b = append(b, `","after":"`...)
	b = append(b, encodeCursor(end)...)
	b = append(b, '"', '}')
	if end < total {
		b = append(b, `,"next":`...)
		b = jsonscan.AppendString(b, nextURL(r, limit, end))
	}
	return append(b, '}')
}

// nextURL is the URL of the page of limit rows from end: the request's
// with the access token, the limit and the after cursor set.
func nextURL(r *http.Request, limit, end int) string {
	q := make(url.Values, len(r.Form))
	for k, v := range r.URL.Query() {
		q[k] = v
	}
	q.Set("access_token", tokenOf(r)) // Meta's next URL carries the token
	q.Set("limit", strconv.Itoa(limit))
	q.Set("after", encodeCursor(end))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
}

// countPage counts a page of n records served: the usage headers it
// carries.
func (h *Handler) countPage(n int) usageHeaders {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stats.Pages++
	h.stats.Records += n
	return h.usage
}

// appendRow encodes one row with the fields asked for (date_start and
// date_stop always, as Meta does).
func (h *Handler) appendRow(b []byte, in *Insight, fields []string) []byte {
	b = append(b, '{')
	for _, f := range fields {
		switch f {
		case "date_start", "date_stop":
			continue
		case "account_id":
			b = appendKV(b, f, strings.TrimPrefix(h.opts.Account, "act_"))
		case "account_currency":
			b = appendKV(b, f, in.AccountCurrency)
		case "campaign_id":
			b = appendKV(b, f, in.CampaignID)
		case "campaign_name":
			b = appendKV(b, f, in.CampaignName)
		case "adset_id":
			b = appendKV(b, f, in.AdsetID)
		case "adset_name":
			b = appendKV(b, f, in.AdsetName)
		case "ad_id":
			b = appendKV(b, f, in.AdID)
		case "ad_name":
			b = appendKV(b, f, in.AdName)
		case "impressions":
			b = appendIntKV(b, f, in.Impressions)
		case "reach":
			b = appendIntKV(b, f, in.Reach)
		case "clicks":
			b = appendIntKV(b, f, in.Clicks)
		case "spend":
			b = appendCentsKV(b, f, in.SpendCents)
		case "frequency":
			b = appendFloatKV(b, f, ratio(in.Impressions, in.Reach, 1))
		case "cpm":
			b = appendFloatKV(b, f, ratio(in.SpendCents, in.Impressions, 10))
		case "ctr":
			b = appendFloatKV(b, f, ratio(in.Clicks, in.Impressions, 100))
		case "cpc":
			if in.Clicks > 0 {
				b = appendFloatKV(b, f, ratio(in.SpendCents, in.Clicks, 0.01))
			}
		case "actions":
			b = h.appendActions(b, f, in, false)
		case "action_values":
			if in.Purchases > 0 {
				b = h.appendActions(b, f, in, true)
			}
		}
	}
	b = appendKV(b, "date_start", in.DateStart)
	b = appendKV(b, "date_stop", in.DateStart)
	b[len(b)-1] = '}' // replaces the last comma
	return b
}

func ratio(a, b int64, scale float64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b) * scale
}

// appendActions writes actions (counts) or action_values (money) with
// zero actions left out, as Meta does; purchases appear both as the
// pixel's and the omni-channel action type.
func (h *Handler) appendActions(b []byte, key string, in *Insight, values bool) []byte {
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, `":[`...)
	start := len(b)
	add := func(typ string, v int64, cents bool) {
		if v == 0 {
			return
		}
		if len(b) > start {
			b = append(b, ',')
		}
		b = append(b, `{"action_type":"`...)
		b = append(b, typ...)
		b = append(b, `","value":"`...)
		if cents {
			b = appendCents(b, v)
		} else {
			b = strconv.AppendInt(b, v, 10)
		}
		b = append(b, `"}`...)
	}
	if values {
		add("offsite_conversion.fb_pixel_purchase", in.PurchaseCents, true)
		add("omni_purchase", in.PurchaseCents, true)
	} else {
		add("link_click", in.LinkClicks, false)
		add("landing_page_view", in.LandingPageViews, false)
		add("offsite_conversion.fb_pixel_lead", in.Leads, false)
		add("offsite_conversion.fb_pixel_purchase", in.Purchases, false)
		add("omni_purchase", in.Purchases, false)
		add("post_engagement", in.LinkClicks+in.Leads, false)
	}
	if len(b) == start { // no action at all: Meta leaves the field out
		return b[:start-len(key)-4]
	}
	return append(b, `],`...)
}

func appendKV(b []byte, k, v string) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":`...)
	b = jsonscan.AppendString(b, v)
	return append(b, ',')
}

func appendIntKV(b []byte, k string, v int64) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	b = strconv.AppendInt(b, v, 10)
	return append(b, `",`...)
}

func appendCentsKV(b []byte, k string, cents int64) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	b = appendCents(b, cents)
	return append(b, `",`...)
}

func appendFloatKV(b []byte, k string, v float64) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	b = strconv.AppendFloat(b, v, 'f', 6, 64)
	return append(b, `",`...)
}

// appendCents writes cents as a decimal amount ("12.34"; Meta writes "12"
// for a whole amount and "12.3" for one decimal, so do we).
func appendCents(b []byte, cents int64) []byte {
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	c := cents % 100
	switch {
	case c == 0:
	case c%10 == 0:
		b = append(b, '.', byte('0'+c/10))
	default:
		b = append(b, '.', byte('0'+c/10), byte('0'+c%10))
	}
	return b
}
