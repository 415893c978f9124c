// Package salesforce is the Salesforce connector: incremental streams of
// Contact, Account and Opportunity records read with SOQL through the REST
// API's queryAll resource, deletes included as tombstones.
//
// Each Pull sends one query
//
//	SELECT Id, SystemModstamp, IsDeleted, <fields> FROM <Object>
//	WHERE SystemModstamp >= <since, rounded down to the second>
//	  AND SystemModstamp <= <upper, rounded up to the second>
//	ORDER BY SystemModstamp, Id
//
// to /services/data/<version>/queryAll (so deleted rows come back with
// IsDeleted true and become tombstones) and follows nextRecordsUrl until
// done. The lower bound is inclusive: records sharing the cursor's
// timestamp at a page edge come back, and the caller's connector.Keep drops
// those already taken. Salesforce keeps deleted records in the recycle bin
// for about 15 days; a source pulled less often misses those deletes.
//
// Streams: contacts (Contact), accounts (Account), opportunities
// (Opportunity). Each delivers its default fields plus the stream's
// configured fields; a configured field is "ApiName" (string) or
// "ApiName:type" with type one of string, int, float, bool, timestamp,
// date; relationship paths such as "Account.Name" are allowed. Field names
// in records are the Salesforce API names. Id, SystemModstamp and IsDeleted
// are carried by Record.ID, Record.Modified and Record.Deleted.
//
// Auth is the OAuth 2.0 refresh-token flow: the source's auth map names the
// environment variables holding client_id (the connected app's consumer
// key), client_secret and refresh_token. The token endpoint is
// {login}/services/oauth2/token, where login is options.login_url, else
// base_url, else https://login.salesforce.com; queries go to the
// instance_url the token endpoint returns. A 401 INVALID_SESSION_ID
// refreshes the session once and resends the request.
//
// Options: login_url (see above), api_version (default v60.0),
// concurrent_limit_wait (a Go duration, default 5s: the wait after a
// "ConcurrentPerOrgLongTxn Limit exceeded" refusal). rate_limit defaults to
// 5 requests/s; page_size (200..2000) is sent as Sforce-Query-Options
// batchSize. Usage reported in Sforce-Limit-Info slows requests down from
// 75 % of the org's daily allocation and pauses them from 90 % (see
// Policy); REQUEST_LIMIT_EXCEEDED for the daily allocation fails at once
// with ErrRequestLimit.
package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging"
)

const (
	platform          = "salesforce"
	defaultLoginURL   = "https://login.salesforce.com"
	defaultAPIVersion = "v60.0"
	defaultRate       = 5.0
	// sfTime is Salesforce's dateTime format in JSON.
	sfTime = "2006-01-02T15:04:05.000-0700"
	// soqlTime is a SOQL dateTime literal (unquoted).
	soqlTime = "2006-01-02T15:04:05Z"
)

// Errors callers can test for with errors.Is.
var (
	// ErrAuth means the session could not be opened or renewed (bad client
	// credentials, a revoked refresh token, a session refused after refresh).
	ErrAuth = errors.New("salesforce: authentication failed")
	// ErrRequestLimit means the org's rolling 24-hour API request
	// allocation is spent (REQUEST_LIMIT_EXCEEDED); it cannot be waited out
	// within a run.
	ErrRequestLimit = errors.New("salesforce: API request limit exceeded")
	// ErrBadPage means a query page was not a valid query result.
	ErrBadPage = errors.New("salesforce: malformed query page")
)

// objectDef is a stream's object and its default fields.
type objectDef struct {
	object string
	fields []connector.Field
}

func objects() map[string]objectDef {
	s := func(name string) connector.Field { return connector.Field{Name: name, Type: connector.String} }
	return map[string]objectDef{
		"contacts": {"Contact", []connector.Field{
			s("FirstName"), s("LastName"), s("Email"), s("Phone"), s("AccountId"), s("LeadSource"),
			{Name: "CreatedDate", Type: connector.Timestamp},
		}},
		"accounts": {"Account", []connector.Field{
			s("Name"), s("Industry"), s("BillingCountry"),
			{Name: "AnnualRevenue", Type: connector.Float},
		}},
		"opportunities": {"Opportunity", []connector.Field{
			s("Name"), s("AccountId"), s("StageName"),
			{Name: "Amount", Type: connector.Float},
			{Name: "CloseDate", Type: connector.Date},
			{Name: "IsWon", Type: connector.Bool},
		}},
	}
}

// conn is what a source's streams share: one client (one rate limiter) and
// one session.
type conn struct {
	http    *httpclient.Client
	tokens  *tokenSource
	version string
	batch   int
	log     zerolog.Logger
}

// New returns one incremental stream per configured stream of src.
func New(src config.Source, deps connector.Deps) ([]connector.Stream, error) {
	where := fmt.Sprintf("salesforce source %q", src.Name)
	if deps.Getenv == nil {
		return nil, fmt.Errorf("%s: no environment reader given", where)
	}
	s, err := settingsOf(src, deps.Getenv, where)
	if err != nil {
		return nil, err
	}
	return newStreams(newConn(src, deps, s), src.Streams, where)
}

// newStreams makes the configured streams on c; where prefixes the
// messages.
func newStreams(c *conn, sts []config.Stream, where string) ([]connector.Stream, error) {
	defs := objects()
	var streams []connector.Stream
	for i, st := range sts {
		def, ok := defs[st.Name]
		if !ok {
			return nil, fmt.Errorf("%s: streams[%d]: unknown stream %q (contacts, accounts, opportunities)", where, i, st.Name)
		}
		fields, err := withExtra(def.fields, st.Fields)
		if err != nil {
			return nil, fmt.Errorf("%s: streams[%d] (%s): %w", where, i, st.Name, err)
		}
		streams = append(streams, &stream{c: c, name: st.Name, object: def.object, fields: fields})
	}
	return streams, nil
}

// settings are a source's secrets and options, checked and with their
// defaults.
type settings struct {
	secrets map[string]string // per auth role
	login   *url.URL
	version string
	policy  Policy
	batch   int // records per query batch, 0 for the API's default
}

// settingsOf reads and checks the settings of src, its secrets from
// getenv; where prefixes the messages.
func settingsOf(src config.Source, getenv func(string) string, where string) (settings, error) {
	var s settings
	var err error
	if s.secrets, err = secretsOf(src, getenv, where); err != nil {
		return s, err
	}
	if err := checkOptions(src, where); err != nil {
		return s, err
	}
	if s.login, err = loginURL(src, where); err != nil {
		return s, err
	}
	if s.version, err = apiVersion(src, where); err != nil {
		return s, err
	}
	if s.policy.ConcurrentWait, err = concurrentWait(src, where); err != nil {
		return s, err
	}
	if src.PageSize > 0 {
		s.batch = min(max(src.PageSize, 200), 2000)
	}
	return s, nil
}

// checkOptions refuses the options of src the connector does not know.
func checkOptions(src config.Source, where string) error {
	for k := range src.Options {
		switch k {
		case "login_url", "api_version", "concurrent_limit_wait":
		default:
			return fmt.Errorf("%s: options.%s: unknown option (login_url, api_version, concurrent_limit_wait)", where, k)
		}
	}
	return nil
}

// apiVersion is options.api_version of src (defaultAPIVersion unless
// set), checked.
func apiVersion(src config.Source, where string) (string, error) {
	v := src.Options["api_version"]
	if v == "" {
		v = defaultAPIVersion
	}
	if _, err := strconv.ParseFloat(strings.TrimPrefix(v, "v"), 64); err != nil || !strings.HasPrefix(v, "v") {
		return v, fmt.Errorf("%s: options.api_version %q is not like v60.0", where, v)
	}
	return v, nil
}

// concurrentWait is options.concurrent_limit_wait of src, checked; 0
// (the policy's default) unless set.
func concurrentWait(src config.Source, where string) (time.Duration, error) {
	w := src.Options["concurrent_limit_wait"]
	if w == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(w)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: options.concurrent_limit_wait %q is not a positive duration", where, w)
	}
	return d, nil
}

// secretsOf reads the value of every auth role of src from the environment
// variable it names.
func secretsOf(src config.Source, getenv func(string) string, where string) (map[string]string, error) {
	secrets := map[string]string{}
	for _, role := range []string{"client_id", "client_secret", "refresh_token"} {
		name := src.Auth[role]
		if name == "" {
			return nil, fmt.Errorf("%s: auth.%s: name the environment variable that holds it", where, role)
		}
		v := getenv(name)
		if v == "" {
			return nil, fmt.Errorf("%s: auth.%s: environment variable %s is empty or unset", where, role, name)
		}
		secrets[role] = v
	}
	return secrets, nil
}

// loginURL is the login URL of src: options.login_url, else base_url, else
// the default.
func loginURL(src config.Source, where string) (*url.URL, error) {
	loginRaw := src.Options["login_url"]
	if loginRaw == "" {
		loginRaw = src.BaseURL
	}
	if loginRaw == "" {
		loginRaw = defaultLoginURL
	}
	login, err := url.Parse(strings.TrimRight(loginRaw, "/"))
	if err != nil || (login.Scheme != "https" && login.Scheme != "http") || login.Host == "" {
		return nil, fmt.Errorf("%s: login URL %q is not an http(s) URL", where, loginRaw)
	}
	return login, nil
}

// newConn makes the connection the streams of src share: the API client,
// which authenticates through a token source with its own client.
func newConn(src config.Source, deps connector.Deps, s settings) *conn {
	cfg := deps.HTTP
	cfg.Platform = platform
	cfg.Log = deps.Log
	cfg.Rate = src.RateLimit
	if cfg.Rate == 0 {
		cfg.Rate = defaultRate
	}
	base := deps.BaseTransport()
	tokenCfg := cfg
	tokenCfg.Transport = base
	tokenCfg.Policy = httpclient.DefaultPolicy{}
	tokens := newTokenSource(httpclient.New(tokenCfg), s.login, s.secrets["client_id"], s.secrets["client_secret"], s.secrets["refresh_token"])
	cfg.Policy = s.policy
	cfg.Transport = &authTransport{base: base, tokens: tokens}
	return &conn{http: httpclient.New(cfg), tokens: tokens, version: s.version, batch: s.batch,
		log: deps.Log.With().Str(logging.FieldPlatform, platform).Logger()}
}

// withExtra appends the configured fields ("Name" or "Name:type").
func withExtra(defaults []connector.Field, extra []string) ([]connector.Field, error) {
	fields := slices.Clone(defaults)
	for _, spec := range extra {
		name, t, hasType, err := parseSpec(spec)
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(name) {
		case "id", "systemmodstamp", "isdeleted":
			continue // always selected, carried by the record itself
		}
		if i := slices.IndexFunc(fields, func(f connector.Field) bool { return strings.EqualFold(f.Name, name) }); i >= 0 {
			if hasType && fields[i].Type != t {
				return nil, fmt.Errorf("field %q: %s is a default field of type %s", spec, fields[i].Name, fields[i].Type)
			}
			continue
		}
		fields = append(fields, connector.Field{Name: name, Type: t})
	}
	return fields, nil
}

// parseSpec reads a configured field, "Name" or "Name:type": its name,
// its type (string without one) and whether it named one.
func parseSpec(spec string) (string, connector.Type, bool, error) {
	name, typ, hasType := strings.Cut(strings.TrimSpace(spec), ":")
	t := connector.String
	if hasType {
		t = connector.Type(strings.ToLower(strings.TrimSpace(typ)))
		switch t {
		case connector.String, connector.Int, connector.Float, connector.Bool, connector.Timestamp, connector.Date:
		default:
			return "", "", false, fmt.Errorf("field %q: type %q is not string, int, float, bool, timestamp or date", spec, typ)
		}
	}
	if !validFieldName(name) {
		return "", "", false, fmt.Errorf("field %q: not a Salesforce field API name", spec)
	}
	return name, t, hasType, nil
}

// validFieldName accepts API names and relationship paths (Account.Name,
// Custom__r.Field__c).
func validFieldName(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || !(part[0] >= 'A' && part[0] <= 'Z' || part[0] >= 'a' && part[0] <= 'z') {
			return false
		}
		for _, r := range part {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return false
			}
		}
	}
	return true
}

// stream is one object read incrementally.
type stream struct {
	c      *conn
	name   string
	object string
	fields []connector.Field
}

// Name implements connector.Stream.
func (s *stream) Name() string { return s.name }

// Fields implements connector.Stream.
func (s *stream) Fields() []connector.Field { return slices.Clone(s.fields) }

// soql is the stream's query for (since, upper], widened to whole seconds
// (SOQL literals have no fractions) with an inclusive lower bound.
func (s *stream) soql(since connector.Cursor, upper time.Time) string {
	var b strings.Builder
	b.WriteString("SELECT Id, SystemModstamp, IsDeleted")
	for _, f := range s.fields {
		b.WriteString(", ")
		b.WriteString(f.Name)
	}
	b.WriteString(" FROM ")
	b.WriteString(s.object)
	if where := bounds(since, upper); len(where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(where, " AND "))
	}
	b.WriteString(" ORDER BY SystemModstamp, Id")
	return b.String()
}

// bounds are the conditions on SystemModstamp of the query for (since,
// upper], widened to whole seconds, with an inclusive lower bound; none
// for a zero bound.
func bounds(since connector.Cursor, upper time.Time) []string {
	var where []string
	if !since.Modified.IsZero() {
		where = append(where, "SystemModstamp >= "+since.Modified.UTC().Truncate(time.Second).Format(soqlTime))
	}
	if !upper.IsZero() {
		where = append(where, "SystemModstamp <= "+ceilSecond(upper).Format(soqlTime))
	}
	return where
}

// ceilSecond is t in UTC, rounded up to a whole second.
func ceilSecond(t time.Time) time.Time {
	t = t.UTC()
	if s := t.Truncate(time.Second); !s.Equal(t) {
		return s.Add(time.Second)
	}
	return t
}

// Pull implements connector.Incremental. While one page is converted and
// emitted, the next is already being fetched.
func (s *stream) Pull(ctx context.Context, since connector.Cursor, upper time.Time, emit func([]connector.Record) error) error {
	_, inst, err := s.c.tokens.session(ctx)
	if err != nil {
		return fmt.Errorf("salesforce %s: open session: %w", s.name, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops a prefetch when Pull returns early
	target := s.queryURL(inst, since, upper)
	pending := s.c.fetch(ctx, target)
	total := 0
	for page := 1; ; page++ {
		res := <-pending
		if res.err != nil {
			return fmt.Errorf("salesforce %s: fetch page %d: %w", s.name, page, res.err)
		}
		raw, nextURL, err := s.readPage(res.body, inst, target, page)
		if err != nil {
			return err
		}
		if nextURL != nil {
			pending = s.c.fetch(ctx, nextURL)
		}
		n, err := s.emitPage(raw, target, page, emit)
		if err != nil {
			return err
		}
		total += n
		if nextURL == nil {
			s.c.log.Debug().Str(logging.FieldStream, s.name).Int(logging.FieldPages, page).Int(logging.FieldRecordsSeen, total).Msg("salesforce pull done")
			return nil
		}
		target = nextURL
	}
}

// queryURL is the URL on the instance inst of the stream's queryAll for
// (since, upper].
func (s *stream) queryURL(inst *url.URL, since connector.Cursor, upper time.Time) *url.URL {
	target := inst.JoinPath("/services/data", s.c.version, "queryAll")
	target.RawQuery = url.Values{"q": {s.soql(since, upper)}}.Encode()
	return target
}

// readPage reads the body of page number page, fetched from target: its
// records array, and the URL of the next page on the instance inst (nil
// on the last page).
func (s *stream) readPage(body []byte, inst, target *url.URL, page int) (json.RawMessage, *url.URL, error) {
	raw, next, err := envelope(body)
	if err != nil {
		return nil, nil, fmt.Errorf("salesforce %s: page %d (%s): %w: %w", s.name, page, target.Path, ErrBadPage, err)
	}
	if next == "" {
		return raw, nil, nil
	}
	nextURL, err := resolveNext(inst, next)
	if err != nil {
		return nil, nil, fmt.Errorf("salesforce %s: page %d: %w: %w", s.name, page, ErrBadPage, err)
	}
	return raw, nextURL, nil
}

// emitPage converts the records array raw of page number page, fetched
// from target, and emits the records: how many there were.
func (s *stream) emitPage(raw json.RawMessage, target *url.URL, page int, emit func([]connector.Record) error) (int, error) {
	recs, err := s.records(raw)
	if err != nil {
		return 0, fmt.Errorf("salesforce %s: page %d (%s): %w: %w", s.name, page, target.Path, ErrBadPage, err)
	}
	s.c.log.Debug().Str(logging.FieldStream, s.name).Int(logging.FieldPage, page).Int(logging.FieldRecords, len(recs)).Msg("salesforce page")
	if len(recs) > 0 {
		if err := emit(recs); err != nil {
			return 0, fmt.Errorf("salesforce %s: emit page %d: %w", s.name, page, err)
		}
	}
	return len(recs), nil
}

type fetched struct {
	body []byte
	err  error
}

// fetch GETs u in the background.
func (c *conn) fetch(ctx context.Context, u *url.URL) <-chan fetched {
	ch := make(chan fetched, 1)
	go func() {
		body, err := c.get(ctx, u)
		ch <- fetched{body, err}
	}()
	return ch
}

// resolveNext turns nextRecordsUrl (a path) into a URL on the instance; a
// URL to another host is refused so the token never leaves the instance.
func resolveNext(inst *url.URL, next string) (*url.URL, error) {
	ref, err := url.Parse(next)
	if err != nil {
		return nil, fmt.Errorf("parse nextRecordsUrl: %w", err)
	}
	u := inst.ResolveReference(ref)
	if u.Host != inst.Host || !strings.HasPrefix(u.Path, "/services/data/") {
		return nil, fmt.Errorf("nextRecordsUrl %q is not a query locator on the instance", next)
	}
	return u, nil
}

// get sends one GET through the retrying client and explains refusals.
func (c *conn) get(ctx context.Context, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if c.batch > 0 {
		req.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(c.batch))
	}
	res, err := c.http.Do(ctx, req)
	if err != nil {
		return nil, c.explain(err)
	}
	return res.Body, nil
}

// explain wraps refusals with this package's sentinel errors.
func (c *conn) explain(err error) error {
	var he *httpclient.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	switch {
	case he.StatusCode == http.StatusForbidden && strings.Contains(he.Body, "REQUEST_LIMIT_EXCEEDED") && !isConcurrentLimit(he.Body):
		return fmt.Errorf("%w: %w", ErrRequestLimit, err)
	case he.StatusCode == http.StatusUnauthorized:
		if rerr := c.tokens.lastError(); rerr != nil {
			return fmt.Errorf("session expired and could not be renewed: %w", rerr)
		}
		return fmt.Errorf("%w: session refused after a refresh: %w", ErrAuth, err)
	}
	return err
}

// envelope validates a page and returns its raw records array and next
// locator ("" on the last page). json.Valid checks the whole body once;
// the top level is then read with the scanner below.
func envelope(body []byte) (records json.RawMessage, next string, err error) {
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v) // for the position of the fault
		return nil, "", fmt.Errorf("decode query result: %w", err)
	}
	body = body[skipSpace(body, 0):]
	if len(body) == 0 || body[0] != '{' {
		return nil, "", errors.New("not a query result: not a JSON object")
	}
	var q queryResult
	if err := eachMember(body, q.member); err != nil {
		return nil, "", fmt.Errorf("decode query result: %w", err)
	}
	if !q.hasTotal || !q.hasDone || len(q.records) == 0 || q.records[0] != '[' {
		return nil, "", errors.New("not a query result: totalSize, done or records missing or of the wrong type")
	}
	if next, err = q.next(); err != nil {
		return nil, "", err
	}
	return q.records, next, nil
}

// queryResult is what envelope reads of the top level of a page.
type queryResult struct {
	hasTotal, hasDone, done bool
	nextRaw                 []byte
	records                 json.RawMessage
}

// member notes the raw value v of the top-level key.
func (q *queryResult) member(key string, v []byte) {
	switch key {
	case "totalSize":
		_, perr := strconv.ParseInt(string(v), 10, 64)
		q.hasTotal = perr == nil
	case "done":
		q.hasDone, q.done = string(v) == "true" || string(v) == "false", string(v) == "true"
	case "nextRecordsUrl":
		q.nextRaw = v
	case "records":
		q.records = v
	}
}

// next is the next page's locator, "" when the page is the last.
func (q *queryResult) next() (string, error) {
	if q.done {
		return "", nil
	}
	v, err := value(q.nextRaw, connector.String)
	if err != nil || v == nil || v.(string) == "" {
		return "", errors.New("done is false but nextRecordsUrl is missing")
	}
	return v.(string), nil
}

// records converts a valid records array. It walks the records with a
// small scanner, several times faster than decoding each into a map.
func (s *stream) records(arr json.RawMessage) (recs []connector.Record, err error) {
	rr := s.newRecordReader()
	err = eachElement(arr, func(n int, obj []byte) error {
		r, err := rr.record(obj)
		if err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// recordReader reads the record objects of a stream, one after another:
// the raw values of a record's Id, SystemModstamp, IsDeleted and fields.
type recordReader struct {
	s            *stream
	idx          map[string]int // the index of each field, by name
	nested       bool           // some field is a relationship path
	raws         []json.RawMessage
	id, mod, del json.RawMessage
}

// newRecordReader makes the record reader of s.
func (s *stream) newRecordReader() *recordReader {
	rr := &recordReader{s: s, idx: make(map[string]int, len(s.fields))}
	for i, f := range s.fields {
		rr.idx[f.Name] = i
		rr.nested = rr.nested || strings.Contains(f.Name, ".")
	}
	rr.raws = make([]json.RawMessage, len(s.fields))
	return rr
}

// record reads and converts one record object (decoded whole as well when
// a field is a relationship path).
func (rr *recordReader) record(obj []byte) (connector.Record, error) {
	if len(obj) == 0 || obj[0] != '{' {
		return connector.Record{}, errors.New("not an object")
	}
	clear(rr.raws)
	rr.id, rr.mod, rr.del = nil, nil, nil
	var whole map[string]json.RawMessage
	if rr.nested {
		if err := json.Unmarshal(obj, &whole); err != nil {
			return connector.Record{}, err
		}
	}
	if err := eachMember(obj, rr.member); err != nil {
		return connector.Record{}, err
	}
	return rr.s.record(rr.id, rr.mod, rr.del, rr.raws, whole)
}

// member notes the raw value v of the record's key.
func (rr *recordReader) member(key string, v []byte) {
	switch key {
	case "Id":
		rr.id = v
	case "SystemModstamp":
		rr.mod = v
	case "IsDeleted":
		rr.del = v
	default:
		if i, ok := rr.idx[key]; ok {
			rr.raws[i] = v
		}
	}
}

// record converts the raw values of a record: its Id, SystemModstamp,
// IsDeleted, and its fields (a relationship path's from whole, when set).
func (s *stream) record(rawID, rawMod, rawDel json.RawMessage, raws []json.RawMessage, whole map[string]json.RawMessage) (connector.Record, error) {
	var r connector.Record
	id, err := value(rawID, connector.String)
	if err != nil || id == nil || id.(string) == "" {
		return r, errors.New("no Id")
	}
	r.ID = id.(string)
	mod, err := value(rawMod, connector.Timestamp)
	if err != nil || mod == nil {
		return r, fmt.Errorf("%s: SystemModstamp: missing or not a dateTime", r.ID)
	}
	r.Modified = mod.(time.Time)
	del, err := value(rawDel, connector.Bool)
	if err != nil {
		return r, fmt.Errorf("%s: IsDeleted: %w", r.ID, err)
	}
	r.Deleted = del == true
	r.Fields, err = s.fieldValues(r.ID, raws, whole)
	return r, err
}

// fieldValues converts the raw values of the fields of record id (a
// relationship path's from whole, when set).
func (s *stream) fieldValues(id string, raws []json.RawMessage, whole map[string]json.RawMessage) (map[string]any, error) {
	fields := make(map[string]any, len(s.fields))
	for i, f := range s.fields {
		raw := raws[i]
		if whole != nil && strings.Contains(f.Name, ".") {
			raw = lookup(whole, f.Name)
		}
		v, err := value(raw, f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: field %s: %w", id, f.Name, err)
		}
		fields[f.Name] = v
	}
	return fields, nil
}

// eachElement calls fn with each element of a valid JSON array.
func eachElement(arr []byte, fn func(n int, elem []byte) error) error {
	i := skipSpace(arr, 1)
	for n := 0; i < len(arr) && arr[i] != ']'; n++ {
		end, err := skipValue(arr, i)
		if err != nil {
			return err
		}
		if err := fn(n, arr[i:end]); err != nil {
			return err
		}
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return nil
}

// eachMember calls fn with each key and raw value of a valid JSON object.
// Keys with escapes are passed as written (Salesforce API names have none).
func eachMember(obj []byte, fn func(key string, v []byte)) error {
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] != '}' {
		kend, err := skipValue(obj, i)
		if err != nil || obj[i] != '"' {
			return errors.New("malformed object")
		}
		key := obj[i+1 : kend-1]
		i = skipSpace(obj, kend)
		if i >= len(obj) || obj[i] != ':' {
			return errors.New("malformed object")
		}
		i = skipSpace(obj, i+1)
		vend, err := skipValue(obj, i)
		if err != nil {
			return err
		}
		fn(string(key), obj[i:vend])
		i = skipSpace(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("unexpected end of JSON")
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipNested(b, i)
	}
	return skipScalar(b, i)
}

// skipString returns the end of the string starting at b[i].
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errors.New("unterminated string")
}

// skipNested returns the end of the object or array starting at b[i].
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			end, err := skipString(b, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, errors.New("unterminated object or array")
}

// skipScalar returns the end of the number or literal starting at b[i].
func skipScalar(b []byte, i int) (int, error) {
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("unexpected %q", b[i])
	}
	return j, nil
}

// lookup finds a field, following relationship paths (Account.Name) into
// nested records; a null parent gives null.
func lookup(raw map[string]json.RawMessage, name string) json.RawMessage {
	head, rest, nested := strings.Cut(name, ".")
	v := raw[head]
	if !nested {
		return v
	}
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	var sub map[string]json.RawMessage
	if json.Unmarshal(v, &sub) != nil {
		return json.RawMessage(`{}`) // not an object: reported by value
	}
	return lookup(sub, rest)
}

// value converts one JSON value to the Go type of t; null or absent is nil.
func value(raw json.RawMessage, t connector.Type) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch t {
	case connector.String:
		return textValue(raw)
	case connector.Float:
		return floatValue(raw)
	case connector.Int:
		return intValue(raw)
	case connector.Bool:
		return boolValue(raw)
	case connector.Timestamp:
		return timestampValue(raw)
	case connector.Date:
		return dateValue(raw)
	}
	return nil, fmt.Errorf("unknown field type %q", t)
}

// jsonString decodes a JSON string.
func jsonString(raw json.RawMessage) (string, error) {
	if raw[0] != '"' {
		return "", fmt.Errorf("want a string, got %.20s", raw)
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// textValue is a string field: a JSON string, or a number or bool as its
// text.
func textValue(raw json.RawMessage) (any, error) {
	if raw[0] == '"' {
		return jsonString(raw)
	}
	if raw[0] == '{' || raw[0] == '[' {
		return nil, errors.New("want a string, got an object or array")
	}
	return string(raw), nil // a number or bool asked for as text
}

// floatValue is a float field.
func floatValue(raw json.RawMessage) (any, error) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return nil, fmt.Errorf("want a number, got %.20s", raw)
	}
	return f, nil
}

// boolValue is a boolean field.
func boolValue(raw json.RawMessage) (any, error) {
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return nil, fmt.Errorf("want a boolean, got %.20s", raw)
}

// intValue is an int field, which may come as a whole float.
func intValue(raw json.RawMessage) (any, error) {
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64) // number fields come as 12.0
	if err != nil || f != float64(int64(f)) {
		return nil, fmt.Errorf("want an integer, got %.20s", raw)
	}
	return int64(f), nil
}

// timestampValue is a dateTime field, in UTC.
func timestampValue(raw json.RawMessage) (any, error) {
	s, err := jsonString(raw)
	if err != nil {
		return nil, err
	}
	tm, err := time.Parse(sfTime, s)
	if err != nil {
		return nil, fmt.Errorf("parse dateTime %q: %w", s, err)
	}
	return tm.UTC(), nil
}

// dateValue is a date field.
func dateValue(raw json.RawMessage) (any, error) {
	s, err := jsonString(raw)
	if err != nil {
		return nil, err
	}
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, fmt.Errorf("parse date %q: %w", s, err)
	}
	return tm, nil
}
