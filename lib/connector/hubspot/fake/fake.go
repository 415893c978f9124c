// Package fake is an in-memory HubSpot API for tests and demos: the CRM v3
// objects list endpoint (GET /crm/v3/objects/{type}) and the OAuth token
// endpoint (POST /oauth/v1/token), answering as HubSpot documents them.
//
//   - Paging: results in id order, limit 1 to 100 (more is a 400), an
//     opaque paging.next.after cursor; archived=true lists only archived
//     records, with archivedAt.
//   - Properties: only those asked for (null when unset), plus
//     hs_object_id, createdate and the last-modified property, which
//     HubSpot always returns; unknown names are ignored, as HubSpot does.
//   - Auth: a private app token, or OAuth access tokens issued for a
//     refresh token; expired or unknown tokens get HubSpot's 401 bodies
//     (EXPIRED_AUTHENTICATION, INVALID_AUTHENTICATION).
//   - Rate limits: a rolling window (Max requests per Interval) and a daily
//     quota, with HubSpot's X-HubSpot-RateLimit-* headers on every answer
//     and its 429 bodies (policyName TEN_SECONDLY_ROLLING or DAILY).
//   - Faults: Inject queues answers (a 429, a 5xx, a malformed body, a
//     dropped connection, a stall until the client times out) for the next
//     requests, optionally after letting some through (Fault.Skip) and for
//     several requests (Fault.Times); ClearFaults drops what is left.
//   - Speed: list answers are encoded by hand into one reused buffer, and
//     each list's sorted ids are cached until the next Put, so the fake
//     serves well over 100,000 records a second (BenchmarkList).
//
// The HubSpot documentation each shape follows:
//
//   - List endpoint, its query parameters (limit, after, properties,
//     archived) and answer (results[].id, properties, createdAt,
//     updatedAt, archived, archivedAt; paging.next.after and link):
//     "CRM API | Contacts" (https://developers.hubspot.com/docs/api/crm/contacts),
//     its reference "Retrieve contacts"
//     (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/get-contacts.md),
//     and for companies and deals, which share the endpoint and shapes,
//     "Using the object APIs"
//     (https://developers.hubspot.com/docs/guides/crm/using-object-apis).
//   - Rate limits, the X-HubSpot-RateLimit-Daily, -Daily-Remaining,
//     -Interval-Milliseconds, -Max and -Remaining headers and the 429 body
//     {"status":"error","message":...,"errorType":"RATE_LIMIT",
//     "correlationId":...,"policyName":"DAILY"|"TEN_SECONDLY_ROLLING",
//     "requestId":...}: "API usage guidelines"
//     (https://developers.hubspot.com/docs/api/usage-details); the
//     headers' history: the changelog entries "Rate limit information
//     headers will be included in HTTP responses"
//     (https://developers.hubspot.com/changelog/2018-11-06-rate-limit-information-headers-will-be-included-in-http-responses)
//     and "Rate limit headers will now appear for OAuth authenticated calls"
//     (https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls).
//   - Error bodies (status, message, correlationId, category), 401 for a
//     missing, unknown or expired token: the same usage guidelines and
//     the OAuth pages below.
//   - OAuth refresh: POST /oauth/v1/token, form-encoded grant_type=
//     refresh_token, client_id, client_secret, refresh_token; answer
//     token_type, access_token, refresh_token, expires_in (seconds):
//     "Refresh an access token"
//     (https://developers.hubspot.com/docs/methods/oauth2/refresh-access-token,
//     https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/refresh-oauth-token.md)
//     and "OAuth tokens v1 guide"
//     (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide).
//
// Where the fake differs from the real API:
//
//   - The after cursor is the base64 of the next id (HubSpot's is opaque
//     too, but not this); results are strictly in numeric id order.
//   - Only properties, limit, after and archived are read: associations,
//     propertiesWithHistory and idProperty are ignored; every property
//     value is a string (or null), never a number or bool.
//   - Archived records are kept forever (HubSpot keeps them 90 days);
//     merges (hs_merged_object_ids) and GDPR deletes are not modelled.
//   - The daily quota resets at UTC midnight (HubSpot: midnight in the
//     account's time zone) and applies, with its Daily headers, to OAuth
//     tokens too (HubSpot sends no Daily headers on OAuth calls, whose
//     calls have no daily limit); the X-HubSpot-RateLimit-Secondly headers
//     are not sent.
//   - Access tokens are short ("fake-access-N"; HubSpot's run to about
//     300 characters); the token endpoint's error bodies carry only status
//     and message; the newer v3 token endpoint is not served.
//   - 401, 404 and 400 bodies carry status, message, correlationId and
//     category only (no links, context or errors array); correlationId
//     and requestId are constant.
//   - 5xx answers, dropped connections and stalls happen only when
//     injected; Drop and Stall are the fake's own fault modes.
//   - Every request is logged in memory (Requests) for tests to inspect.
package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmint/segmint/lib/jsonscan"
)

// Options configure a Server. Zero values take the defaults named.
type Options struct {
	// Token is the private app token accepted (none when empty).
	Token string
	// ClientID, ClientSecret and RefreshToken are the OAuth app and grant
	// the token endpoint accepts (no OAuth when RefreshToken is empty).
	ClientID, ClientSecret, RefreshToken string
	// TokenTTL is an access token's lifetime (default 30 min, as HubSpot).
	TokenTTL time.Duration
	// Interval and Max are the rolling window: at most Max requests per
	// Interval (default 100 per 10 s, a private app's allowance).
	Interval time.Duration
	Max      int
	// Daily is the daily quota (default 250,000).
	Daily int
	// Now is the clock for the window and token expiry (default time.Now).
	Now func() time.Time
}

// Object is one CRM record.
type Object struct {
	// ID is HubSpot's numeric id; Put assigns one when empty.
	ID string
	// Properties holds the property values, as HubSpot's strings.
	Properties map[string]string
	// CreatedAt and UpdatedAt become createdAt and updatedAt (and the
	// createdate and last-modified properties).
	CreatedAt, UpdatedAt time.Time
	// ArchivedAt, when set, marks the record archived.
	ArchivedAt time.Time
}

// Fault is an answer Inject queues. Queued faults are looked at in order:
// the first whose Path matches a request decides about it.
type Fault struct {
	// Path selects the requests it answers by path prefix; empty means
	// the objects endpoint (/crm/).
	Path   string
	Status int
	Header http.Header
	Body   string
	// Skip lets that many matching requests through, answered normally,
	// before the fault answers (fail page k of a pull: Skip k-1).
	Skip int
	// Times is how many matching requests the fault answers (0 means 1).
	Times int
	// Drop closes the connection without an answer (Status, Header and
	// Body are ignored), as a network failure or a load balancer would.
	Drop bool
	// Stall holds the request without an answer until the client gives up
	// (its request context ends), to exercise client timeouts. The server
	// serves other requests meanwhile.
	Stall bool
}

// Request is one request the server answered.
type Request struct {
	Method string
	Path   string
	Query  map[string][]string
	// Token is the bearer token sent (empty without one).
	Token string
	// Status is the status answered; 0 for a dropped or stalled request.
	Status int
}

// Server is the fake API; it is an http.Handler (serve it with httptest).
type Server struct {
	opts Options

	mu       sync.Mutex
	objects  map[string]map[string]Object
	nextID   int
	faults   []Fault
	requests []Request
	access   map[string]time.Time // access token -> expiry
	issued   int
	window   []time.Time // times of the requests in the rolling window
	day      string
	used     int // requests counted today
	// sorted caches each list's ids in HubSpot's order, by object type
	// and archived; Put drops the object type's entries.
	sorted map[listKey][]string
	// buf is the reused buffer list answers are encoded into.
	buf []byte
}

type listKey struct {
	objectType string
	archived   bool
}

// New returns a server with no records.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	return &Server{opts: opts, objects: map[string]map[string]Object{}, nextID: 101, access: map[string]time.Time{},
		sorted: map[listKey][]string{}}
}

// withDefaults fills the options left unset with the fake's defaults.
func (opts Options) withDefaults() Options {
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 30 * time.Minute
	}
	if opts.Interval == 0 {
		opts.Interval = 10 * time.Second
	}
	if opts.Max == 0 {
		opts.Max = 100
	}
	if opts.Daily == 0 {
		opts.Daily = 250_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// lastModified is the last-modified property of each object type.
var lastModified = map[string]string{
	"contacts":  "lastmodifieddate",
	"companies": "hs_lastmodifieddate",
	"deals":     "hs_lastmodifieddate",
}

// Put adds or replaces records of an object type (contacts, companies,
// deals) and returns them with their ids.
func (s *Server) Put(objectType string, objs ...Object) []Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.objects[objectType] == nil {
		s.objects[objectType] = map[string]Object{}
	}
	for i, o := range objs {
		if o.ID == "" {
			o.ID = strconv.Itoa(s.nextID)
			s.nextID++
		}
		s.objects[objectType][o.ID] = o
		objs[i] = o
	}
	delete(s.sorted, listKey{objectType, false})
	delete(s.sorted, listKey{objectType, true})
	return objs
}

// Objects returns the records of an object type, live and archived, in id
// order: what a complete pull should deliver.
func (s *Server) Objects(objectType string) []Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Object
	for _, archived := range []bool{false, true} {
		for _, id := range s.ids(objectType, archived, "") {
			out = append(out, s.objects[objectType][id])
		}
	}
	slices.SortFunc(out, func(a, b Object) int { return idCompare(a.ID, b.ID) })
	return out
}

// Inject queues answers for the next matching requests, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// ClearFaults drops the faults still queued and returns how many there were.
func (s *Server) ClearFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.faults)
	s.faults = nil
	return n
}

// ExpireAccessTokens makes every OAuth access token issued so far expired.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.access {
		s.access[tok] = time.Time{}
	}
}

// Requests returns the requests answered so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// TokensIssued is how many access tokens the token endpoint handed out.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// RateLimited429 answers a TEN_SECONDLY_ROLLING 429 with the server's
// headers, as HubSpot does when the rolling window is full.
func RateLimited429(interval time.Duration) Fault {
	h := http.Header{}
	h.Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.FormatInt(interval.Milliseconds(), 10))
	h.Set("X-HubSpot-RateLimit-Remaining", "0")
	return Fault{Status: http.StatusTooManyRequests, Header: h, Body: rateLimitBody("TEN_SECONDLY_ROLLING")}
}

// Daily429 answers the daily limit's 429.
func Daily429() Fault {
	return Fault{Status: http.StatusTooManyRequests, Body: rateLimitBody("DAILY")}
}

func rateLimitBody(policyName string) string {
	msg := "You have reached your ten_secondly_rolling limit."
	if policyName == "DAILY" {
		msg = "You have reached your daily limit."
	}
	b, _ := json.Marshal(map[string]string{
		"status": "error", "message": msg, "errorType": "RATE_LIMIT",
		"correlationId": "00000000-0000-0000-0000-000000000000", "policyName": policyName,
		"requestId": "00000000-0000-0000-0000-000000000001",
	})
	return string(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	rec.Token, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")

	s.mu.Lock()
	f, faulted := s.fault(r.URL.Path)
	if faulted && (f.Drop || f.Stall) {
		s.requests = append(s.requests, rec) // Status 0: no answer
		s.mu.Unlock()
		withhold(w, r, f)
		return
	}
	defer s.mu.Unlock()
	rw := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() { rec.Status = rw.status; s.requests = append(s.requests, rec) }()

	if faulted {
		writeFault(rw, f)
		return
	}
	s.route(rw, r, rec.Token)
}

// route answers a request with the endpoint its method and path name;
// tok is its bearer token.
func (s *Server) route(w http.ResponseWriter, r *http.Request, tok string) {
	switch {
	case r.URL.Path == "/oauth/v1/token" && r.Method == http.MethodPost:
		s.token(w, r)
	case strings.HasPrefix(r.URL.Path, "/crm/v3/objects/") && r.Method == http.MethodGet:
		s.list(w, r, tok)
	default:
		writeError(w, http.StatusNotFound, "", "no such endpoint: "+r.Method+" "+r.URL.Path)
	}
}

// withhold answers nothing, as the Stall or Drop fault f asks: it holds
// the request until the client gives up, or drops the connection.
func withhold(w http.ResponseWriter, r *http.Request, f Fault) {
	if f.Stall {
		<-r.Context().Done()
		return
	}
	drop(w)
}

// writeFault answers with the injected fault f.
func writeFault(w http.ResponseWriter, f Fault) {
	for k, v := range f.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// drop closes the request's connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // the server closes the connection quietly
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// fault returns the fault that answers a request to path, if any: the first
// queued fault whose Path matches. A fault with Skip left lets the request
// through instead.
func (s *Server) fault(path string) (Fault, bool) {
	for i := range s.faults {
		f := &s.faults[i]
		prefix := f.Path
		if prefix == "" {
			prefix = "/crm/"
		}
		if !strings.HasPrefix(path, prefix) {
			continue
		}
		if f.Skip > 0 {
			f.Skip--
			return Fault{}, false
		}
		answer := *f
		if f.Times > 1 {
			f.Times--
		} else {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return answer, true
	}
	return Fault{}, false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, category, msg string) {
	body := map[string]string{"status": "error", "message": msg, "correlationId": "00000000-0000-0000-0000-000000000000"}
	if category != "" {
		body["category"] = category
	}
	writeJSON(w, status, body)
}

// token is POST /oauth/v1/token with grant_type=refresh_token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_REQUEST", "message": err.Error()})
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "refresh_token":
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_GRANT_TYPE", "message": "grant_type must be refresh_token here"})
	case s.opts.RefreshToken == "" || f.Get("client_id") != s.opts.ClientID:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_CLIENT_ID", "message": "missing or invalid client_id"})
	case f.Get("client_secret") != s.opts.ClientSecret:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_CLIENT_SECRET", "message": "missing or invalid client_secret"})
	case f.Get("refresh_token") != s.opts.RefreshToken:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"})
	default:
		s.issue(w)
	}
}

// issue answers a good refresh with a new access token.
func (s *Server) issue(w http.ResponseWriter) {
	s.issued++
	tok := fmt.Sprintf("fake-access-%d", s.issued)
	s.access[tok] = s.opts.Now().Add(s.opts.TokenTTL)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "bearer", "access_token": tok, "refresh_token": s.opts.RefreshToken,
		"expires_in": int64(s.opts.TokenTTL / time.Second),
	})
}

// authorize answers a 401 and returns false unless tok is valid.
func (s *Server) authorize(w http.ResponseWriter, tok string) bool {
	if tok == "" {
		writeError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
			"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
		return false
	}
	if s.opts.Token != "" && tok == s.opts.Token {
		return true
	}
	exp, ok := s.access[tok]
	switch {
	case !ok:
		writeError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION", "Authentication credentials not found or invalid.")
		return false
	case !s.opts.Now().Before(exp):
		writeError(w, http.StatusUnauthorized, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.")
		return false
	}
	return true
}

// limit counts the request against the window and the daily quota, sets
// the rate-limit headers and answers a 429 when a limit is reached.
func (s *Server) limit(w http.ResponseWriter) bool {
	now := s.opts.Now()
	s.roll(now)
	h := w.Header()
	h.Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(s.opts.Daily))
	h.Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.FormatInt(s.opts.Interval.Milliseconds(), 10))
	h.Set("X-HubSpot-RateLimit-Max", strconv.Itoa(s.opts.Max))
	switch {
	case s.used >= s.opts.Daily:
		refuse(w, "0", strconv.Itoa(s.opts.Max-len(s.window)), "DAILY")
		return false
	case len(s.window) >= s.opts.Max:
		refuse(w, strconv.Itoa(s.opts.Daily-s.used), "0", "TEN_SECONDLY_ROLLING")
		return false
	}
	s.window = append(s.window, now)
	s.used++
	h.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(s.opts.Daily-s.used))
	h.Set("X-HubSpot-RateLimit-Remaining", strconv.Itoa(s.opts.Max-len(s.window)))
	return true
}

// roll starts the day's count afresh at UTC midnight and drops the
// requests older than the window from it.
func (s *Server) roll(now time.Time) {
	if d := now.UTC().Format(time.DateOnly); d != s.day {
		s.day, s.used = d, 0
	}
	cut := 0
	for cut < len(s.window) && !s.window[cut].After(now.Add(-s.opts.Interval)) {
		cut++
	}
	s.window = s.window[cut:]
}

// refuse answers the 429 of the rate-limit policy policyName, with the
// requests left in the day and in the window.
func refuse(w http.ResponseWriter, dailyLeft, windowLeft, policyName string) {
	h := w.Header()
	h.Set("X-HubSpot-RateLimit-Daily-Remaining", dailyLeft)
	h.Set("X-HubSpot-RateLimit-Remaining", windowLeft)
	h.Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(rateLimitBody(policyName)))
}

// list is GET /crm/v3/objects/{type}.
func (s *Server) list(w http.ResponseWriter, r *http.Request, tok string) {
	if !s.authorize(w, tok) || !s.limit(w) {
		return
	}
	objectType := strings.TrimPrefix(r.URL.Path, "/crm/v3/objects/")
	if _, ok := lastModified[objectType]; !ok {
		writeError(w, http.StatusBadRequest, "OBJECT_NOT_FOUND", "Unable to infer object type from: "+objectType)
		return
	}
	q := r.URL.Query()
	limit, after, ok := listPaging(w, q)
	if !ok {
		return
	}
	props := askedProps(objectType, q)
	ids := s.ids(objectType, q.Get("archived") == "true", after)
	writePage(w, s.encodePage(r, objectType, ids, props, limit))
}

// askedProps are the properties a list query asks for, as uniqueProps
// returns them.
func askedProps(objectType string, q url.Values) []string {
	var props []string
	for _, v := range q["properties"] {
		props = append(props, strings.Split(v, ",")...)
	}
	return uniqueProps(objectType, props)
}

// encodePage encodes the page of the first limit of ids (with props),
// and its paging if more follow, into the server's buffer.
func (s *Server) encodePage(r *http.Request, objectType string, ids, props []string, limit int) []byte {
	b := s.appendResults(s.buf[:0], objectType, ids[:min(limit, len(ids))], props)
	if len(ids) > limit {
		b = appendPaging(b, r, ids[limit])
	}
	b = append(b, "}\n"...)
	s.buf = b
	return b
}

// writePage answers 200 with the encoded page b.
func writePage(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// listPaging reads a list's page size (10 unless given) and after cursor;
// false, after a 400, when one is bad.
func listPaging(w http.ResponseWriter, q url.Values) (limit int, after string, ok bool) {
	limit = 10 // HubSpot's default page size
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "limit must be between 1 and 100, got "+v)
			return 0, "", false
		}
		limit = n
	}
	if v := q.Get("after"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "invalid after cursor")
			return 0, "", false
		}
		after = string(b)
	}
	return limit, after, true
}

// appendResults appends the opening of a page and its results array, the
// objects of ids with props.
func (s *Server) appendResults(b []byte, objectType string, ids, props []string) []byte {
	b = append(b, `{"results":[`...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendObject(b, objectType, s.objects[objectType][id], props)
	}
	return append(b, ']')
}

// appendPaging appends the paging of a page whose next page starts at the
// id next: its after cursor and the link to it.
func appendPaging(b []byte, r *http.Request, next string) []byte {
	after := base64.RawURLEncoding.EncodeToString([]byte(next))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	b = append(b, `,"paging":{"next":{"after":`...)
	b = jsonscan.AppendString(b, after)
	b = append(b, `,"link":`...)
	b = jsonscan.AppendString(b, scheme+"://"+r.Host+r.URL.Path+"?after="+after)
	return append(b, "}}"...)
}

// ids are the ids of a list from after (inclusive), in HubSpot's order.
// The slice is the server's cache: read it under the lock, never change it.
func (s *Server) ids(objectType string, archived bool, after string) []string {
	key := listKey{objectType, archived}
	ids, ok := s.sorted[key]
	if !ok {
		for id, o := range s.objects[objectType] {
			if !o.ArchivedAt.IsZero() == archived {
				ids = append(ids, id)
			}
		}
		slices.SortFunc(ids, idCompare)
		s.sorted[key] = ids
	}
	if after == "" {
		return ids
	}
	i, _ := slices.BinarySearchFunc(ids, after, idCompare)
	return ids[i:]
}

// idCompare orders numeric ids by value.
func idCompare(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// uniqueProps are the properties asked for, each once, without the ones
// every answer carries (hs_object_id, createdate, the last-modified
// property) and empty names.
func uniqueProps(objectType string, props []string) []string {
	out := make([]string, 0, len(props))
	for _, p := range props {
		if p == "" || p == "hs_object_id" || p == "createdate" || p == lastModified[objectType] || slices.Contains(out, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// appendObject appends an object as the v3 API returns it: its
// properties (props, as uniqueProps returns them; null when unset) after
// hs_object_id, createdate and the last-modified property, which HubSpot
// always returns (a stored property of the same name wins over the
// object's own field).
func appendObject(b []byte, objectType string, o Object, props []string) []byte {
	b = append(b, `{"id":`...)
	b = jsonscan.AppendString(b, o.ID)
	b = append(b, `,"properties":{`...)
	b = appendFixed(b, o.Properties, "hs_object_id", o.ID)
	b = appendFixed(append(b, ','), o.Properties, "createdate", stamp(o.CreatedAt))
	b = appendFixed(append(b, ','), o.Properties, lastModified[objectType], stamp(o.UpdatedAt))
	b = appendProps(b, o.Properties, props)
	return appendTimes(b, o)
}

// appendFixed appends a property every answer carries: its stored value
// (in values) if it has one, else def.
func appendFixed(b []byte, values map[string]string, name, def string) []byte {
	b = jsonscan.AppendString(b, name)
	b = append(b, ':')
	if v, ok := values[name]; ok {
		return jsonscan.AppendString(b, v)
	}
	return jsonscan.AppendString(b, def)
}

// appendProps appends the properties props, each after a comma, with
// their values (null when unset).
func appendProps(b []byte, values map[string]string, props []string) []byte {
	for _, p := range props {
		b = append(b, ',')
		b = jsonscan.AppendString(b, p)
		b = append(b, ':')
		if v, ok := values[p]; ok {
			b = jsonscan.AppendString(b, v)
		} else {
			b = append(b, "null"...)
		}
	}
	return b
}

// appendTimes appends the end of an object, after its properties: its
// times and whether it is archived.
func appendTimes(b []byte, o Object) []byte {
	b = append(b, `},"createdAt":"`...)
	b = appendStamp(b, o.CreatedAt)
	b = append(b, `","updatedAt":"`...)
	b = appendStamp(b, o.UpdatedAt)
	b = append(b, `","archived":`...)
	b = strconv.AppendBool(b, !o.ArchivedAt.IsZero())
	if !o.ArchivedAt.IsZero() {
		b = append(b, `,"archivedAt":"`...)
		b = appendStamp(b, o.ArchivedAt)
		b = append(b, '"')
	}
	return append(b, '}')
}

const stampLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

func appendStamp(b []byte, t time.Time) []byte { return t.UTC().AppendFormat(b, stampLayout) }

// Seed adds a deterministic sample account for demos: n contacts, n/5+1
// companies and n/2 deals, last updated over the 30 days before end, a few
// of each archived. The same n, end and seed give the same records.
func (s *Server) Seed(n int, end time.Time, seed uint64) {
	sd := &seeder{s: s, rng: rand.New(rand.NewPCG(seed, 0x5eed)), end: end}
	sd.companies(n/5 + 1)
	sd.contacts(n)
	sd.deals(n / 2)
}

// The names the sample contacts pick from.
var (
	firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Berners-Lee"}
)

// seeder puts the sample records of Seed, drawing from one seeded random
// source in a fixed order.
type seeder struct {
	s   *Server
	rng *rand.Rand
	end time.Time
}

// pick draws one of xs.
func (sd *seeder) pick(xs ...string) string { return xs[sd.rng.IntN(len(xs))] }

// when draws a record's last update, in the 30 days before end, then its
// creation, up to a year earlier.
func (sd *seeder) when() (created, updated time.Time) {
	updated = sd.end.Add(-time.Duration(sd.rng.Int64N(int64(30 * 24 * time.Hour)))).Truncate(time.Millisecond)
	return updated.Add(-time.Duration(sd.rng.Int64N(int64(365 * 24 * time.Hour)))), updated
}

// archive archives one record in thirty, between its last update and end.
func (sd *seeder) archive(o *Object) {
	if sd.rng.IntN(30) == 0 {
		o.ArchivedAt = o.UpdatedAt.Add(time.Duration(sd.rng.Int64N(int64(sd.end.Sub(o.UpdatedAt)) + 1)))
	}
}

// companies puts n companies.
func (sd *seeder) companies(n int) {
	for i := range n {
		o := Object{Properties: map[string]string{
			"name": fmt.Sprintf("Company %d", i+1), "domain": fmt.Sprintf("company%d.example", i+1),
			"industry": sd.pick("COMPUTER_SOFTWARE", "RETAIL", "FINANCIAL_SERVICES"), "country": sd.pick("United Kingdom", "Germany", "France"),
			"numberofemployees": strconv.Itoa(1 + sd.rng.IntN(5000)), "lifecyclestage": sd.pick("lead", "customer"),
		}}
		o.CreatedAt, o.UpdatedAt = sd.when()
		sd.archive(&o)
		sd.s.Put("companies", o)
	}
}

// contacts puts n contacts.
func (sd *seeder) contacts(n int) {
	for i := range n {
		f, l := sd.pick(firstNames...), sd.pick(lastNames...)
		o := Object{Properties: map[string]string{
			"email":     strings.ToLower(fmt.Sprintf("%s.%s%d@mail.example", f, l, i+1)),
			"firstname": f, "lastname": l, "phone": fmt.Sprintf("+4420794600%02d", sd.rng.IntN(100)),
			"lifecyclestage": sd.pick("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"),
		}}
		o.CreatedAt, o.UpdatedAt = sd.when()
		sd.archive(&o)
		sd.s.Put("contacts", o)
	}
}

// deals puts n deals.
func (sd *seeder) deals(n int) {
	for i := range n {
		o := Object{Properties: map[string]string{
			"dealname": fmt.Sprintf("Deal %d", i+1), "amount": fmt.Sprintf("%d.%02d", 100+sd.rng.IntN(50000), sd.rng.IntN(100)),
			"deal_currency_code": "GBP", "pipeline": "default",
			"dealstage": sd.pick("appointmentscheduled", "qualifiedtobuy", "contractsent", "closedwon", "closedlost"),
		}}
		o.CreatedAt, o.UpdatedAt = sd.when()
		o.Properties["closedate"] = o.UpdatedAt.Add(time.Duration(sd.rng.IntN(60)) * 24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
		sd.archive(&o)
		sd.s.Put("deals", o)
	}
}
