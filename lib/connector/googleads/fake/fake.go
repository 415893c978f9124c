// Package fake is an in-process stand-in for the Google Ads API (REST) and
// Google's OAuth 2.0 token endpoint, for tests and demos of the googleads
// connector. It serves GAQL searchStream over the campaign and ad_group
// resources with daily metrics generated deterministically from a seed, and
// can inject the failures the real API shows.
//
// Shapes follow these documentation pages:
//
//   - "Search & SearchStream" (REST interface),
//     https://developers.google.com/google-ads/api/rest/common/search :
//     POST /vNN/customers/CUSTOMER_ID/googleAds:searchStream with a JSON
//     body {"query": "..."}; headers Authorization: Bearer, developer-token,
//     login-customer-id; the stream is a JSON array of
//     SearchGoogleAdsStreamResponse objects.
//   - "SearchGoogleAdsStreamResponse",
//     https://developers.google.com/google-ads/api/reference/rpc/v17/SearchGoogleAdsStreamResponse :
//     results[], fieldMask, requestId; at most 10,000 rows per batch.
//   - "GoogleAdsRow", "Campaign", "AdGroup", "Metrics", "Segments"
//     (reference/rpc/v17): camelCase JSON names, int64 as strings (proto3
//     JSON mapping), cost in micros (metrics.cost_micros), conversions and
//     conversions_value as doubles, segments.date as YYYY-MM-DD.
//   - "Handle API errors" / "Common errors" and "QuotaErrorDetails",
//     https://developers.google.com/google-ads/api/docs/best-practices/common-errors ,
//     https://developers.google.com/google-ads/api/reference/rpc/v17/QuotaErrorDetails :
//     google.rpc.Status bodies {"error":{"code","message","status","details":
//     [{"@type":"type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure",
//     "errors":[{"errorCode":{...},"message":...,"details":{"quotaErrorDetails":
//     {"rateScope","rateName","retryDelay"}}}],"requestId":...}]}};
//     RESOURCE_EXHAUSTED is HTTP 429, INTERNAL 500, UNAVAILABLE 503,
//     UNAUTHENTICATED 401 (authenticationError OAUTH_TOKEN_INVALID /
//     DEVELOPER_TOKEN_INVALID), PERMISSION_DENIED 403
//     (authorizationError USER_PERMISSION_DENIED).
//     searchStream wraps its errors in an array ([{"error":{...}}]), and an
//     error that happens after the first batch arrives as a last array
//     element {"error":{...}} inside an HTTP 200 stream.
//   - "Using OAuth 2.0 for Web Server Applications" (refreshing an access
//     token), https://developers.google.com/identity/protocols/oauth2/web-server#offline :
//     POST /token, form grant_type=refresh_token, client_id, client_secret,
//     refresh_token → {"access_token","expires_in","scope","token_type"};
//     errors {"error":"invalid_grant"|"invalid_client","error_description":...}.
//
// Differences from the real API, deliberately: the JSON is compact rather
// than pretty-printed; rows come ordered by date then id; GAQL is parsed
// only as far as the connector uses it (SELECT list, FROM campaign|ad_group,
// WHERE segments.date BETWEEN 'a' AND 'b'); the 401 for a bad token is a
// bare google.rpc.Status object (the front end's answer) while the other
// errors use searchStream's array wrapping; every metric is always present.
package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIVersion is the API version in the paths the fake serves.
const APIVersion = "v17"

// Defaults used when Options leave a value zero.
const (
	DefaultCustomerID     = "1234567890"
	DefaultDeveloperToken = "fake-developer-token"
	DefaultClientID       = "fake-client-id.apps.googleusercontent.com"
	DefaultClientSecret   = "fake-client-secret"
	DefaultRefreshToken   = "fake-refresh-token"
	DefaultBatchSize      = 10000
	DefaultCampaigns      = 20
	DefaultAdGroups       = 3
	DefaultTokenTTL       = 3599 * time.Second
)

// Options configures a Handler.
type Options struct {
	// Seed makes the generated data (names, metrics) reproducible.
	Seed int64
	// CustomerID is the only customer the fake serves (digits, no dashes).
	CustomerID string
	// LoginCustomerID, when set, must arrive in the login-customer-id header
	// (a manager account); otherwise the request is PERMISSION_DENIED.
	LoginCustomerID string
	// Campaigns is the number of campaigns (default 20).
	Campaigns int
	// AdGroupsPerCampaign is the number of ad groups in each campaign (default 3).
	AdGroupsPerCampaign int
	// BatchSize is the number of rows per streamed batch (default 10,000, as
	// the real API).
	BatchSize int
	// DeveloperToken, ClientID, ClientSecret and RefreshToken are the
	// credentials the fake accepts.
	DeveloperToken, ClientID, ClientSecret, RefreshToken string
	// TokenTTL is the lifetime of issued access tokens (default 3599 s).
	TokenTTL time.Duration
}

// FaultKind is a kind of injected failure.
type FaultKind int

// Fault kinds.
const (
	// Unavailable answers HTTP 503 UNAVAILABLE.
	Unavailable FaultKind = iota + 1
	// Internal answers HTTP 500 INTERNAL.
	Internal
	// RateLimited answers HTTP 429 RESOURCE_EXHAUSTED with
	// quotaErrorDetails.retryDelay = Fault.RetryDelay (default 1 s).
	RateLimited
	// QuotaExhausted answers HTTP 429 RESOURCE_EXHAUSTED for the daily
	// operations quota: rateScope DEVELOPER, retryDelay 86400 s.
	QuotaExhausted
	// Unauthenticated answers HTTP 401 UNAUTHENTICATED whatever the token.
	Unauthenticated
	// Stall waits Fault.Stall (or until the client goes away) before
	// answering normally.
	Stall
	// Drop sends Fault.After batches, then cuts the connection.
	Drop
	// StreamError sends Fault.After batches, then an {"error": ...}
	// element with status Fault.Status (default INTERNAL), inside HTTP 200.
	StreamError
	// Malformed sends Fault.After batches, then bytes that are not JSON.
	Malformed
	// WrongShape sends Fault.After batches, then a batch whose results is
	// an object instead of an array.
	WrongShape
)

// Fault is one injected failure.
type Fault struct {
	Kind FaultKind
	// After is the number of good batches sent before a mid-stream fault.
	After int
	// RetryDelay is the wait hint of a RateLimited fault.
	RetryDelay time.Duration
	// Stall is how long a Stall fault holds the answer.
	Stall time.Duration
	// Status is the google.rpc status name of a StreamError fault.
	Status string
}

// Handler is the fake API. It is safe for concurrent use.
type Handler struct {
	opts Options

	mu        sync.Mutex
	faults    []*Fault // per searchStream request, nil: answer normally
	tokens    map[string]time.Time
	tokenSeq  int
	restated  map[string]int // day -> restatement count
	streams   int            // searchStream requests seen
	tokenReqs int            // token requests seen
	rows      int            // rows served

	bufs                        sync.Pool
	pathRE, selectRE, betweenRE *regexp.Regexp
}

// NewHandler builds a fake with opts (zero values take the defaults).
func NewHandler(opts Options) *Handler {
	opts = opts.withDefaults()
	h := &Handler{opts: opts, tokens: map[string]time.Time{}, restated: map[string]int{},
		pathRE:    regexp.MustCompile(pathPattern),
		selectRE:  regexp.MustCompile(selectPattern),
		betweenRE: regexp.MustCompile(betweenPattern),
	}
	h.bufs.New = func() any { return new(bytes.Buffer) }
	return h
}

// withDefaults fills the options left unset with the fake's defaults.
func (opts Options) withDefaults() Options {
	if opts.CustomerID == "" {
		opts.CustomerID = DefaultCustomerID
	}
	if opts.Campaigns == 0 {
		opts.Campaigns = DefaultCampaigns
	}
	if opts.AdGroupsPerCampaign == 0 {
		opts.AdGroupsPerCampaign = DefaultAdGroups
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.DeveloperToken == "" {
		opts.DeveloperToken = DefaultDeveloperToken
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
	if opts.TokenTTL == 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	return opts
}

// FailNext makes the next n searchStream requests fail with f.
func (h *Handler) FailNext(n int, f Fault) { h.FailAfter(0, n, f) }

// FailAfter lets the next ok searchStream requests through, then makes the
// n after them fail with f. Calls queue up behind one another.
func (h *Handler) FailAfter(ok, n int, f Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for range ok {
		h.faults = append(h.faults, nil)
	}
	for range n {
		fc := f
		h.faults = append(h.faults, &fc)
	}
}

// ExpireTokens invalidates every access token issued so far, as if they had
// expired: the next searchStream answers 401 until the client refreshes.
func (h *Handler) ExpireTokens() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.tokens)
}

// Restate changes the metrics of every row of day (as the platform does when
// it restates a recent day, e.g. late conversions); each call changes them
// again.
func (h *Handler) Restate(day time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.restated[day.UTC().Format(time.DateOnly)]++
}

// Stats are counters of what the fake has served.
type Stats struct {
	// StreamRequests counts searchStream requests (failed ones included).
	StreamRequests int
	// TokenRequests counts token endpoint requests.
	TokenRequests int
	// Rows counts rows sent.
	Rows int
}

// Stats returns the counters.
func (h *Handler) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Stats{StreamRequests: h.streams, TokenRequests: h.tokenReqs, Rows: h.rows}
}

// RowsPerDay is the number of rows one day of resource ("campaign" or
// "ad_group") yields.
func (h *Handler) RowsPerDay(resource string) int {
	if resource == "ad_group" {
		return h.opts.Campaigns * h.opts.AdGroupsPerCampaign
	}
	return h.opts.Campaigns
}

// CampaignID is the id of campaign i (0-based).
func CampaignID(i int) int64 { return 100000000 + int64(i) }

// AdGroupID is the id of ad group j (0-based) of campaign i.
func AdGroupID(i, j int) int64 { return 500000000 + int64(i)*1000 + int64(j) }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/token":
		h.serveToken(w, r)
	case strings.HasSuffix(r.URL.Path, "/googleAds:searchStream"):
		h.serveStream(w, r)
	default:
		writeStatus(w, http.StatusNotFound, false, "NOT_FOUND", "Requested entity was not found.", "", "")
	}
}

func (h *Handler) serveToken(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.tokenReqs++
	h.mu.Unlock()
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "Method not allowed.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Could not parse the request body.")
		return
	}
	switch {
	case r.PostForm.Get("grant_type") != "refresh_token":
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+r.PostForm.Get("grant_type"))
	case r.PostForm.Get("client_id") != h.opts.ClientID || r.PostForm.Get("client_secret") != h.opts.ClientSecret:
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unauthorized")
	case r.PostForm.Get("refresh_token") != h.opts.RefreshToken:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Bad Request")
	default:
		h.issueToken(w)
	}
}

// oauthError answers with the token endpoint's error e and its
// description.
func oauthError(w http.ResponseWriter, code int, e, desc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, "{\n  \"error\": %q,\n  \"error_description\": %q\n}", e, desc)
}

// issueToken answers a good refresh with a new access token.
func (h *Handler) issueToken(w http.ResponseWriter) {
	h.mu.Lock()
	h.tokenSeq++
	tok := fmt.Sprintf("ya29.fake-%d-%d", h.opts.Seed, h.tokenSeq)
	h.tokens[tok] = time.Now().Add(h.opts.TokenTTL)
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fmt.Fprintf(w, `{"access_token":%q,"expires_in":%d,"scope":"https://www.googleapis.com/auth/adwords","token_type":"Bearer"}`,
		tok, int(h.opts.TokenTTL/time.Second))
}

// Patterns of the request path and of the GAQL the fake understands.
const (
	pathPattern    = `^/(v\d+)/customers/([0-9]+)/googleAds:searchStream$`
	selectPattern  = `(?is)^\s*SELECT\s+(.+?)\s+FROM\s+([a-z_]+)\s*(?:WHERE\s+(.*?))?\s*$`
	betweenPattern = `(?i)segments\.date\s+BETWEEN\s+'(\d{4}-\d{2}-\d{2})'\s+AND\s+'(\d{4}-\d{2}-\d{2})'`
)

// field flags of a query's SELECT list.
const (
	fDate = 1 << iota
	fCampaignID
	fCampaignName
	fCampaignStatus
	fAdGroupID
	fAdGroupName
	fImpressions
	fClicks
	fCost
	fConversions
	fConversionsValue
)

// fieldBit is the flag of a GAQL field, 0 for one the fake does not know.
func fieldBit(f string) int {
	switch f {
	case "segments.date":
		return fDate
	case "campaign.id":
		return fCampaignID
	case "campaign.name":
		return fCampaignName
	case "campaign.status":
		return fCampaignStatus
	case "ad_group.id":
		return fAdGroupID
	case "ad_group.name":
		return fAdGroupName
	case "metrics.impressions":
		return fImpressions
	case "metrics.clicks":
		return fClicks
	case "metrics.cost_micros":
		return fCost
	case "metrics.conversions":
		return fConversions
	case "metrics.conversions_value":
		return fConversionsValue
	}
	return 0
}

type query struct {
	resource  string
	fields    int
	fieldMask string
	from, to  time.Time
}

// parseQuery parses the GAQL the fake understands: the query, or the
// message of what is wrong with it.
func (h *Handler) parseQuery(q string) (*query, string) {
	m := h.selectRE.FindStringSubmatch(q)
	if m == nil {
		return nil, "Error in query: unexpected input " + strconv.Quote(q) + "."
	}
	out := &query{resource: strings.ToLower(m[2])}
	if out.resource != "campaign" && out.resource != "ad_group" {
		return nil, "Error in query: unrecognized resource " + strconv.Quote(m[2]) + " in FROM clause."
	}
	msg := out.parseSelect(m[1])
	if msg == "" {
		msg = out.parseRange(h.betweenRE.FindStringSubmatch(m[3]))
	}
	if msg != "" {
		return nil, msg
	}
	return out, ""
}

// parseSelect reads the SELECT list into the query's fields and field
// mask: the message of what is wrong with it, "" when nothing is.
func (q *query) parseSelect(list string) string {
	var mask []string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		bit := fieldBit(f)
		if bit == 0 {
			return "Error in SELECT clause: unrecognized field '" + f + "'."
		}
		if q.resource == "campaign" && (bit == fAdGroupID || bit == fAdGroupName) {
			return "Error in SELECT clause: field '" + f + "' is prohibited with resource 'campaign'."
		}
		q.fields |= bit
		mask = append(mask, camelPath(f))
	}
	q.fieldMask = strings.Join(mask, ",")
	return ""
}

// parseRange reads the days of the BETWEEN condition whose match is b (nil
// for none) into the query: the message of what is wrong with them, ""
// when nothing is.
func (q *query) parseRange(b []string) string {
	if b == nil {
		return "Error in WHERE clause: a finite date range on segments.date is required by this fake."
	}
	var err1, err2 error
	q.from, err1 = time.Parse(time.DateOnly, b[1])
	q.to, err2 = time.Parse(time.DateOnly, b[2])
	if err1 != nil || err2 != nil || q.to.Before(q.from) {
		return "Error in WHERE clause: invalid date range."
	}
	return ""
}

func camelPath(f string) string {
	parts := strings.Split(f, ".")
	for i, p := range parts {
		segs := strings.Split(p, "_")
		for j := 1; j < len(segs); j++ {
			if segs[j] != "" {
				segs[j] = strings.ToUpper(segs[j][:1]) + segs[j][1:]
			}
		}
		parts[i] = strings.Join(segs, "")
	}
	return strings.Join(parts, ".")
}

func (h *Handler) serveStream(w http.ResponseWriter, r *http.Request) {
	reqNo, fault := h.nextStream()
	requestID := fmt.Sprintf("fakeReq%06d", reqNo)

	if r.Method != http.MethodPost {
		writeStatus(w, http.StatusMethodNotAllowed, true, "UNIMPLEMENTED", "Method not allowed.", "", requestID)
		return
	}
	if !h.authenticate(w, r, fault, requestID) || !h.authorize(w, r, requestID) {
		return
	}
	q := h.readQuery(w, r, requestID)
	if q == nil || failEarly(w, r, fault, requestID) {
		return
	}
	h.writeStream(w, q, fault, requestID)
}

// nextStream counts a search stream request and pops its fault, if any:
// the request's number and its fault.
func (h *Handler) nextStream() (int, *Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.streams++
	var fault *Fault
	if len(h.faults) > 0 {
		fault = h.faults[0]
		h.faults = h.faults[1:]
	}
	return h.streams, fault
}

// authenticate checks the OAuth access token, then the developer token,
// and answers 401 when one is wrong.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request, fault *Fault, requestID string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	h.mu.Lock()
	exp, known := h.tokens[tok]
	h.mu.Unlock()
	switch {
	case !ok || !known || time.Now().After(exp) || (fault != nil && fault.Kind == Unauthenticated):
		writeStatus(w, http.StatusUnauthorized, false, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
			`{"authenticationError":"OAUTH_TOKEN_INVALID"}`, requestID)
		return false
	case r.Header.Get("developer-token") != h.opts.DeveloperToken:
		writeStatus(w, http.StatusUnauthorized, true, "UNAUTHENTICATED", "Request is missing required authentication credential.",
			`{"authenticationError":"DEVELOPER_TOKEN_INVALID"}`, requestID)
		return false
	}
	return true
}

// authorize checks the API version and the customer (and login customer)
// of the path, and answers 404 or 403 when one is wrong.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, requestID string) bool {
	m := h.pathRE.FindStringSubmatch(r.URL.Path)
	if m == nil || m[1] != APIVersion {
		writeStatus(w, http.StatusNotFound, false, "NOT_FOUND", "Requested entity was not found.", "", requestID)
		return false
	}
	if m[2] != h.opts.CustomerID || (h.opts.LoginCustomerID != "" && r.Header.Get("login-customer-id") != h.opts.LoginCustomerID) {
		writeStatus(w, http.StatusForbidden, true, "PERMISSION_DENIED", "The caller does not have permission",
			`{"authorizationError":"USER_PERMISSION_DENIED"}`, requestID)
		return false
	}
	return true
}

// readQuery decodes and parses the request's GAQL query; nil, after a 400,
// when it is missing or wrong.
func (h *Handler) readQuery(w http.ResponseWriter, r *http.Request, requestID string) *query {
	var body struct {
		Query string `json:"query"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Query == "" {
		writeStatus(w, http.StatusBadRequest, true, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			`{"requestError":"INVALID_INPUT"}`, requestID)
		return nil
	}
	q, msg := h.parseQuery(body.Query)
	if q == nil {
		writeStatus(w, http.StatusBadRequest, true, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			`{"queryError":"UNRECOGNIZED_FIELD"}`+"\x00"+msg, requestID)
	}
	return q
}

// failEarly answers the faults that fire before the stream starts and
// waits out a stall; whether the request is over.
func failEarly(w http.ResponseWriter, r *http.Request, fault *Fault, requestID string) bool {
	if fault == nil {
		return false
	}
	switch fault.Kind {
	case Unavailable:
		writeStatus(w, http.StatusServiceUnavailable, true, "UNAVAILABLE", "The service is currently unavailable.", "", requestID)
		return true
	case Internal:
		writeStatus(w, http.StatusInternalServerError, true, "INTERNAL", "Internal error encountered.",
			`{"internalError":"INTERNAL_ERROR"}`, requestID)
		return true
	case RateLimited, QuotaExhausted:
		writeQuota(w, fault, requestID)
		return true
	case Stall:
		return stall(r, fault.Stall)
	}
	return false
}

// stall waits d, or until the client goes away: whether it went (the
// request is over).
func stall(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		return true
	}
	return false
}

// writeStream encodes the result set batch by batch into a reused buffer.
func (h *Handler) writeStream(w http.ResponseWriter, q *query, fault *Fault, requestID string) {
	restated := h.restatedVersions()
	buf := h.bufs.Get().(*bytes.Buffer)
	defer h.bufs.Put(buf)
	buf.Reset()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	sw := h.newStreamWriter(w, buf, q, fault, requestID)
	buf.WriteByte('[')
	if sw.writeRows(restated) {
		sw.finish()
	}
}

// newStreamWriter writes the response to q to w through buf; of fault, it
// keeps only one that fires mid-stream.
func (h *Handler) newStreamWriter(w http.ResponseWriter, buf *bytes.Buffer, q *query, fault *Fault, requestID string) *streamWriter {
	sw := &streamWriter{h: h, w: w, buf: buf, q: q, requestID: requestID}
	sw.flusher, _ = w.(http.Flusher)
	if fault != nil && (fault.Kind == Drop || fault.Kind == StreamError || fault.Kind == Malformed || fault.Kind == WrongShape) {
		sw.fault = fault
	}
	return sw
}

// restatedVersions copies the number of restatements of each restated day.
func (h *Handler) restatedVersions() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	restated := make(map[string]int, len(h.restated))
	for k, v := range h.restated {
		restated[k] = v
	}
	return restated
}

// streamWriter writes the batches of a search stream response to w, each
// once encoded in buf.
type streamWriter struct {
	h         *Handler
	w         http.ResponseWriter
	flusher   http.Flusher // nil when w cannot flush
	buf       *bytes.Buffer
	q         *query
	fault     *Fault // a fault that fires mid-stream, else nil
	requestID string

	batches, inBatch, sent int
}

// writeRows writes the rows of the query's days, restated as restated
// says, batch by batch: false when the mid-stream fault ended the
// response.
func (sw *streamWriter) writeRows(restated map[string]int) bool {
	q := sw.q
	perDay := sw.h.RowsPerDay(q.resource)
	for day := q.from; !day.After(q.to); day = day.AddDate(0, 0, 1) {
		ds := day.Format(time.DateOnly)
		version := restated[ds]
		dayNo := day.Unix() / 86400
		for k := range perDay {
			if !sw.startRow() {
				return false
			}
			sw.h.writeRow(sw.buf, q, k, ds, dayNo, version)
			sw.endRow()
		}
	}
	return true
}

// finish closes the last batch and the stream and sends them, unless the
// mid-stream fault fires there.
func (sw *streamWriter) finish() {
	if sw.inBatch > 0 {
		sw.closeBatch()
	}
	if sw.fail() {
		return
	}
	sw.buf.WriteByte(']')
	_, _ = sw.w.Write(sw.buf.Bytes())
	sw.h.addRows(sw.sent)
}

// startRow writes what comes before a row: the comma after the last row
// of the batch, or else the start of a batch, unless the mid-stream fault
// fires there (false: the response is over).
func (sw *streamWriter) startRow() bool {
	if sw.inBatch > 0 {
		sw.buf.WriteByte(',')
		return true
	}
	if sw.fail() {
		return false
	}
	if sw.batches > 0 {
		sw.buf.WriteByte(',')
	}
	sw.buf.WriteString(`{"results":[`)
	return true
}

// endRow counts the row just written and closes a full batch.
func (sw *streamWriter) endRow() {
	sw.inBatch++
	sw.sent++
	if sw.inBatch == sw.h.opts.BatchSize {
		sw.closeBatch()
	}
}

// closeBatch ends the batch with its field mask and request id and sends
// it.
func (sw *streamWriter) closeBatch() {
	buf := sw.buf
	buf.WriteString(`],"fieldMask":"`)
	buf.WriteString(sw.q.fieldMask)
	buf.WriteString(`","requestId":"`)
	buf.WriteString(sw.requestID)
	buf.WriteString(`"}`)
	sw.batches++
	sw.inBatch = 0
	_, _ = sw.w.Write(buf.Bytes())
	buf.Reset()
}

// fail reports whether a mid-stream fault fired (the response is over).
func (sw *streamWriter) fail() bool {
	if sw.fault == nil || sw.batches != sw.fault.After {
		return false
	}
	if sw.batches > 0 {
		sw.buf.WriteByte(',')
	}
	sw.writeFault()
	_, _ = sw.w.Write(sw.buf.Bytes())
	sw.buf.Reset()
	sw.h.addRows(sw.sent)
	return true
}

// writeFault writes the broken batch of the fault; a Drop instead cuts the
// connection after what was written.
func (sw *streamWriter) writeFault() {
	buf := sw.buf
	switch sw.fault.Kind {
	case Drop:
		_, _ = sw.w.Write(buf.Bytes())
		if sw.flusher != nil {
			sw.flusher.Flush()
		}
		panic(http.ErrAbortHandler) // cut the connection mid-stream
	case StreamError:
		st := sw.fault.Status
		if st == "" {
			st = "INTERNAL"
		}
		buf.WriteString(statusJSON(codeOf(st), st, "Internal error encountered.", `{"internalError":"TRANSIENT_ERROR"}`, sw.requestID))
		buf.WriteByte(']')
	case Malformed:
		buf.WriteString(`{"results":[{"campaign":{"id":"1`)
		buf.WriteString("\x00<html>garbage")
	case WrongShape:
		buf.WriteString(`{"results":{"campaign":{"id":"1"}},"fieldMask":"`)
		buf.WriteString(sw.q.fieldMask)
		buf.WriteString(`"}]`)
	}
}

func (h *Handler) addRows(n int) {
	h.mu.Lock()
	h.rows += n
	h.mu.Unlock()
}

// campaignStatus is a campaign's status: mostly ENABLED, some PAUSED or REMOVED.
func campaignStatus(x uint64) string {
	switch x % 5 {
	case 3:
		return "PAUSED"
	case 4:
		return "REMOVED"
	}
	return "ENABLED"
}

// writeRow appends one GoogleAdsRow: row k of the day (campaign k, or ad
// group k of the flattened campaign × ad group list).
func (h *Handler) writeRow(buf *bytes.Buffer, q *query, k int, ds string, dayNo int64, version int) {
	ci, ai := k, 0
	if q.resource == "ad_group" {
		ci, ai = k/h.opts.AdGroupsPerCampaign, k%h.opts.AdGroupsPerCampaign
	}
	entity := CampaignID(ci)
	rw := rowWriter{buf: buf, customerID: h.opts.CustomerID, first: true}
	buf.WriteByte('{')
	h.writeCampaign(&rw, q.fields, ci)
	if q.resource == "ad_group" {
		entity = AdGroupID(ci, ai)
		writeAdGroup(&rw, q.fields, ci, ai)
	}
	writeMetrics(&rw, q.fields, MetricsFor(h.opts.Seed, entity, dayNo, version))
	if q.fields&fDate != 0 {
		rw.obj("segments")
		buf.WriteString(`"date":"`)
		buf.WriteString(ds)
		buf.WriteString(`"}`)
	}
	buf.WriteByte('}')
}

// rowWriter appends the objects of one GoogleAdsRow to buf.
type rowWriter struct {
	buf        *bytes.Buffer
	customerID string
	b          [32]byte // room for a number's digits
	first      bool     // no object written yet
}

// obj opens the object name, after a comma unless it is the first.
func (rw *rowWriter) obj(name string) {
	if !rw.first {
		rw.buf.WriteByte(',')
	}
	rw.first = false
	rw.buf.WriteByte('"')
	rw.buf.WriteString(name)
	rw.buf.WriteString(`":{`)
}

// quotedInt writes prefix, then v and a closing quote (Google Ads sends
// ids and int64 metrics as JSON strings).
func (rw *rowWriter) quotedInt(prefix string, v int64) {
	rw.buf.WriteString(prefix)
	rw.buf.Write(strconv.AppendInt(rw.b[:0], v, 10))
	rw.buf.WriteByte('"')
}

// resource opens the object name with its resourceName,
// customers/{customer}{kind}{id}.
func (rw *rowWriter) resource(name, kind string, id int64) {
	rw.obj(name)
	rw.buf.WriteString(`"resourceName":"customers/`)
	rw.buf.WriteString(rw.customerID)
	rw.quotedInt(kind, id)
}

// writeCampaign writes the queried fields of campaign ci, if any.
func (h *Handler) writeCampaign(rw *rowWriter, f, ci int) {
	if f&(fCampaignID|fCampaignName|fCampaignStatus) == 0 {
		return
	}
	cid := CampaignID(ci)
	rw.resource("campaign", "/campaigns/", cid)
	if f&fCampaignStatus != 0 {
		rw.buf.WriteString(`,"status":"`)
		rw.buf.WriteString(campaignStatus(mix(uint64(h.opts.Seed), uint64(cid))))
		rw.buf.WriteByte('"')
	}
	if f&fCampaignName != 0 {
		rw.quotedInt(`,"name":"Campaign `, int64(ci+1))
	}
	if f&fCampaignID != 0 {
		rw.quotedInt(`,"id":"`, cid)
	}
	rw.buf.WriteByte('}')
}

// writeAdGroup writes the queried fields of ad group ai of campaign ci, if
// any.
func writeAdGroup(rw *rowWriter, f, ci, ai int) {
	if f&(fAdGroupID|fAdGroupName) == 0 {
		return
	}
	aid := AdGroupID(ci, ai)
	rw.resource("adGroup", "/adGroups/", aid)
	if f&fAdGroupID != 0 {
		rw.quotedInt(`,"id":"`, aid)
	}
	if f&fAdGroupName != 0 {
		rw.buf.WriteString(`,"name":"Ad group `)
		rw.buf.Write(strconv.AppendInt(rw.b[:0], int64(ci+1), 10))
		rw.buf.WriteByte('.')
		rw.buf.Write(strconv.AppendInt(rw.b[:0], int64(ai+1), 10))
		rw.buf.WriteByte('"')
	}
	rw.buf.WriteByte('}')
}

// writeMetrics writes the queried metrics, if any.
func writeMetrics(rw *rowWriter, f int, mt Metrics) {
	if f&(fImpressions|fClicks|fCost|fConversions|fConversionsValue) == 0 {
		return
	}
	rw.obj("metrics")
	buf, b := rw.buf, rw.b[:0]
	inner := true
	sep := func() {
		if !inner {
			buf.WriteByte(',')
		}
		inner = false
	}
	if f&fClicks != 0 {
		sep()
		rw.quotedInt(`"clicks":"`, mt.Clicks)
	}
	if f&fConversionsValue != 0 {
		sep()
		buf.WriteString(`"conversionsValue":`)
		buf.Write(strconv.AppendFloat(b, mt.ConversionsValue, 'f', -1, 64))
	}
	if f&fConversions != 0 {
		sep()
		buf.WriteString(`"conversions":`)
		buf.Write(strconv.AppendFloat(b, mt.Conversions, 'f', -1, 64))
	}
	if f&fCost != 0 {
		sep()
		rw.quotedInt(`"costMicros":"`, mt.CostMicros)
	}
	if f&fImpressions != 0 {
		sep()
		rw.quotedInt(`"impressions":"`, mt.Impressions)
	}
	buf.WriteByte('}')
}

// Metrics are one row's generated metrics.
type Metrics struct {
	Impressions, Clicks, CostMicros int64
	Conversions, ConversionsValue   float64
}

// MetricsFor returns the metrics the fake serves for an entity (campaign or
// ad group id) on a day (days since 1970-01-01) after version restatements.
func MetricsFor(seed, entity, dayNo int64, version int) Metrics {
	x := mix(uint64(seed), uint64(entity), uint64(dayNo), uint64(version))
	imp := int64(x % 20000)
	clicks := imp / int64(10+(x>>20)%40)
	cpc := int64(50000 + (x>>32)%2000000) // micros per click
	cpc -= cpc % 10000                    // cents
	conv := float64((x>>40)%uint64(clicks/5+1)) / 2
	return Metrics{
		Impressions:      imp,
		Clicks:           clicks,
		CostMicros:       clicks * cpc,
		Conversions:      conv,
		ConversionsValue: float64(int64(conv*2)*int64(1000+(x>>50)%9000)) / 100,
	}
}

func mix(vs ...uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range vs {
		h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

func codeOf(status string) int {
	switch status {
	case "INVALID_ARGUMENT":
		return 400
	case "UNAUTHENTICATED":
		return 401
	case "PERMISSION_DENIED":
		return 403
	case "NOT_FOUND":
		return 404
	case "RESOURCE_EXHAUSTED":
		return 429
	case "UNAVAILABLE":
		return 503
	case "DEADLINE_EXCEEDED":
		return 504
	default:
		return 500
	}
}

// statusJSON renders a google.rpc.Status object {"error":{...}}. errorCode
// is a GoogleAdsError errorCode object ("" for none); it may carry the
// GoogleAdsError message after a NUL byte.
func statusJSON(code int, status, message, errorCode, requestID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"error":{"code":%d,"message":%q,"status":%q`, code, message, status)
	if errorCode != "" {
		ec, msg, _ := strings.Cut(errorCode, "\x00")
		if msg == "" {
			msg = message
		}
		fmt.Fprintf(&b, `,"details":[{"@type":"type.googleapis.com/google.ads.googleads.%s.errors.GoogleAdsFailure","errors":[{"errorCode":%s,"message":%q}],"requestId":%q}]`,
			APIVersion, ec, msg, requestID)
	}
	b.WriteString(`}}`)
	return b.String()
}

func writeStatus(w http.ResponseWriter, code int, array bool, status, message, errorCode, requestID string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	s := statusJSON(code, status, message, errorCode, requestID)
	if array {
		s = "[" + s + "]"
	}
	_, _ = w.Write([]byte(s))
}

func writeQuota(w http.ResponseWriter, f *Fault, requestID string) {
	scope, name, delay := "ACCOUNT", "Number of requests per account per minute", f.RetryDelay
	if f.Kind == QuotaExhausted {
		scope, name, delay = "DEVELOPER", "Number of operations for basic access", 24*time.Hour
	}
	if delay <= 0 {
		delay = time.Second
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintf(w, `[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED",`+
		`"details":[{"@type":"type.googleapis.com/google.ads.googleads.%s.errors.GoogleAdsFailure","errors":[{"errorCode":{"quotaError":"RESOURCE_EXHAUSTED"},`+
		`"message":"Too many requests. Retry in %s seconds.","details":{"quotaErrorDetails":{"rateScope":%q,"rateName":%q,"retryDelay":"%ss"}}}],"requestId":%q}]}}]`,
		APIVersion, strconv.FormatFloat(delay.Seconds(), 'f', -1, 64), scope, name, strconv.FormatFloat(delay.Seconds(), 'f', -1, 64), requestID)
}
