// Package hubspot is the connector for HubSpot's CRM v3 objects API:
// contacts, companies and deals as incremental streams.
//
// Configuration (a config.Source of kind hubspot):
//
//   - streams: contacts, companies, deals. Each asks for its default
//     properties (see defaultProperties) plus the stream's fields, which
//     arrive as strings.
//   - auth: {token: ENV} names the variable holding a private app token; or
//     {refresh_token: ENV, client_id: ENV, client_secret: ENV} for an OAuth
//     app, whose access tokens come from POST /oauth/v1/token.
//   - rate_limit: requests per second (default 10, that is 100 per 10 s, a
//     private app's allowance); page_size: records per page (default and
//     maximum 100); base_url: the API root (default https://api.hubapi.com).
//
// How a pull works, and why:
//
//   - It pages through GET /crm/v3/objects/{type} with the paging.next.after
//     cursor. That list endpoint cannot filter by modification time (the
//     search endpoint can, but stops at 10,000 results per query), so every
//     pull reads the whole object list once, and emits only the records
//     updated in [since, upper]; the caller then applies the exact (Modified,
//     ID) cursor. A nightly pull of a million contacts is 10,000 requests,
//     about 17 minutes at 10 requests a second.
//   - It then reads the same list with archived=true: archived records come
//     out as tombstones (Deleted). Their Modified is the later of updatedAt
//     and archivedAt, so an archive after the record's last edit still lands
//     after the cursor. HubSpot keeps archived records for 90 days; a source
//     not pulled for longer misses those deletes.
//   - Property values are strings in HubSpot's JSON and are parsed to the
//     declared type. An empty value is a null; a value that does not parse
//     is a null too, counted and logged by property name (never by value).
//   - Throttling: see policy. A 429 under a rolling window waits for the
//     window; the daily limit fails the pull at once.
//   - OAuth access tokens are refreshed before they expire and, once, when
//     HubSpot answers 401 to a request. A private app token that gets a 401
//     fails the pull.
//
// Deletes HubSpot does not report as archived records carry no tombstone:
// the losing record of a merge (its id lands in the winner's
// hs_merged_object_ids) and a GDPR delete both vanish from both lists.
package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging"
)

const platform = "hubspot"

// Defaults of a HubSpot source.
const (
	// DefaultBaseURL is HubSpot's public API root.
	DefaultBaseURL = "https://api.hubapi.com"
	// DefaultRate is the default request rate per second.
	DefaultRate = 10
	// MaxPageSize is the list endpoint's largest page.
	MaxPageSize = 100
)

// New opens the streams of a HubSpot source. It reads the secrets the
// source's auth names but makes no request; every problem of the source is
// reported at once.
func New(src config.Source, deps connector.Deps) ([]connector.Stream, error) {
	getenv, now := deps.Getenv, deps.Now
	if getenv == nil {
		getenv = os.Getenv
	}
	if now == nil {
		now = time.Now
	}
	base, limit, errs := endpoint(src)
	tokens, api := clients(src, deps)
	a, err := newAuth(src.Auth, getenv, base, tokens, now)
	if err != nil {
		errs = append(errs, err)
	}
	c := &conn{http: api, auth: a, base: base, limit: limit, log: deps.Log, now: now}

	streams, serrs := newStreams(c, src.Streams)
	if err := errors.Join(append(errs, serrs...)...); err != nil {
		return nil, fmt.Errorf("hubspot source %q: %w", src.Name, err)
	}
	return streams, nil
}

// clients makes the client of the token endpoint, without a per-account
// rate, and the API client, at the source's rate (DefaultRate unless set).
func clients(src config.Source, deps connector.Deps) (tokens, api *httpclient.Client) {
	cfg := deps.HTTP
	cfg.Platform, cfg.Policy, cfg.Log = platform, policy{}, deps.Log
	tokens = httpclient.New(cfg) // the token endpoint: no per-account rate
	cfg.Rate = src.RateLimit
	if cfg.Rate == 0 {
		cfg.Rate = DefaultRate
	}
	return tokens, httpclient.New(cfg)
}

// endpoint reads the source's base URL (DefaultBaseURL unless set) and
// page size (MaxPageSize unless set), with the errors of bad ones.
func endpoint(src config.Source) (base string, limit int, errs []error) {
	base = strings.TrimRight(src.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base_url %q: not an http or https URL", src.BaseURL))
	}
	limit = src.PageSize
	if limit == 0 {
		limit = MaxPageSize
	}
	if limit < 0 || limit > MaxPageSize {
		errs = append(errs, fmt.Errorf("page_size %d: HubSpot's list endpoint returns 1 to %d records a page", src.PageSize, MaxPageSize))
	}
	return base, limit, errs
}

// newStreams makes the configured streams on c, with the errors of those
// whose fields are not HubSpot properties.
func newStreams(c *conn, sts []config.Stream) ([]connector.Stream, []error) {
	var errs []error
	streams := make([]connector.Stream, 0, len(sts))
	for _, st := range sts {
		props, err := properties(st.Name, st.Fields)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		streams = append(streams, &stream{conn: c, object: st.Name, props: props})
	}
	return streams, errs
}

// conn is what the streams of one source share: one client (one rate
// limiter for the account) and one token.
type conn struct {
	http  *httpclient.Client
	auth  *auth
	base  string
	limit int
	log   zerolog.Logger
	now   func() time.Time
}

// get sends an authenticated GET and returns the body. An OAuth access
// token HubSpot refuses is replaced once; the retries of throttled and
// failed requests happen inside the client.
func (c *conn) get(ctx context.Context, u string) ([]byte, error) {
	tok, err := c.auth.token(ctx)
	if err != nil {
		return nil, err
	}
	body, err := c.send(ctx, u, tok)
	if c.auth.refreshable() && unauthorized(err) {
		c.auth.invalidate(tok)
		if tok, err = c.auth.token(ctx); err != nil {
			return nil, err
		}
		body, err = c.send(ctx, u, tok)
	}
	if unauthorized(err) {
		return nil, fmt.Errorf("authenticate with %s: %w", c.auth.source(), err)
	}
	return body, err
}

func (c *conn) send(ctx context.Context, u, tok string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func unauthorized(err error) bool {
	var he *httpclient.HTTPError
	return errors.As(err, &he) && he.StatusCode == http.StatusUnauthorized
}

// stream is one HubSpot object type.
type stream struct {
	*conn
	object string
	props  []property
}

// Name implements connector.Stream.
func (s *stream) Name() string { return s.object }

// Fields implements connector.Stream: the properties, then archived_at.
func (s *stream) Fields() []connector.Field {
	fields := make([]connector.Field, 0, len(s.props)+1)
	for _, p := range s.props {
		fields = append(fields, connector.Field{Name: p.name, Type: p.typ})
	}
	return append(fields, connector.Field{Name: fieldArchivedAt, Type: connector.Timestamp})
}

// pullStats counts what one pull saw.
type pullStats struct {
	pages, seen, emitted, tombstones int64
	// invalid counts values that did not parse, by property.
	invalid map[string]int64
}

// Pull implements connector.Incremental: the live records, then the
// archived ones, each list read whole, emitting the records updated in
// [since.Modified, upper].
func (s *stream) Pull(ctx context.Context, since connector.Cursor, upper time.Time, emit func([]connector.Record) error) error {
	start := s.now()
	st := pullStats{invalid: map[string]int64{}}
	for _, archived := range []bool{false, true} {
		if err := s.pullList(ctx, archived, since, upper, emit, &st); err != nil {
			return err
		}
	}
	s.logInvalid(st.invalid)
	s.log.Info().Str(logging.FieldStream, s.object).Int64(logging.FieldPages, st.pages).Int64(logging.FieldRecordsSeen, st.seen).
		Int64(logging.FieldRows, st.emitted).Int64(logging.FieldTombstones, st.tombstones).
		Int64(logging.FieldElapsed, s.now().Sub(start).Milliseconds()).Msg("hubspot pull done")
	return nil
}

// logInvalid warns of the values that did not parse, if any, counted by
// property.
func (s *stream) logInvalid(invalid map[string]int64) {
	if len(invalid) == 0 {
		return
	}
	d := zerolog.Dict()
	for name, n := range invalid {
		d.Int64(name, n)
	}
	s.log.Warn().Str(logging.FieldStream, s.object).Dict(logging.FieldInvalidValues, d).
		Msg("hubspot values that do not parse as their property's type were read as null")
}

// pullList pages through one list (live or archived).
func (s *stream) pullList(ctx context.Context, archived bool, since connector.Cursor, upper time.Time,
	emit func([]connector.Record) error, st *pullStats) error {
	// Pages are fetched and decoded one ahead, in a goroutine, while the
	// previous page is converted and emitted: the two cores share the work.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetchedPage, 1)
	go s.fetchPages(ctx, archived, pages)
	for f := range pages {
		if f.err != nil {
			return f.err
		}
		st.pages++
		recs, err := s.records(f.p.Results, archived, since, upper, st)
		if err != nil {
			return fmt.Errorf("read %s page (archived=%t, after %q): %w", s.object, archived, f.after, err)
		}
		if len(recs) > 0 {
			if err := emit(recs); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// fetchedPage is a page of a list and the cursor it was fetched after, or
// the error that ends the list.
type fetchedPage struct {
	p     *page
	after string
	err   error
}

// fetchPages fetches the pages of a list, one after another, into pages
// until the last page, an error or the end of ctx; then it closes pages.
func (s *stream) fetchPages(ctx context.Context, archived bool, pages chan<- fetchedPage) {
	defer close(pages)
	after := ""
	for {
		p, err := s.page(ctx, archived, after)
		if err != nil {
			err = fmt.Errorf("fetch %s page (archived=%t, after %q): %w", s.object, archived, after, err)
		}
		if !send(ctx, pages, fetchedPage{p, after, err}) || err != nil {
			return
		}
		next := p.Paging.Next.After
		if next == "" {
			return
		}
		if next == after {
			send(ctx, pages, fetchedPage{err: fmt.Errorf("fetch %s pages (archived=%t): the paging cursor %q did not advance", s.object, archived, after)})
			return
		}
		after = next
	}
}

// send hands f on unless ctx ends first: whether it did.
func send(ctx context.Context, pages chan<- fetchedPage, f fetchedPage) bool {
	select {
	case pages <- f:
		return true
	case <-ctx.Done():
		return false
	}
}

// page fetches and decodes the page of a list (live or archived) after the
// cursor after ("" for the first page).
func (s *stream) page(ctx context.Context, archived bool, after string) (*page, error) {
	body, err := s.get(ctx, s.listURL(archived, after))
	if err != nil {
		return nil, err
	}
	return decodePage(body, s.props)
}

// listURL is the URL of the page of a list (live or archived) after the
// cursor after ("" for the first page).
func (s *stream) listURL(archived bool, after string) string {
	q := url.Values{
		"limit":      {strconv.Itoa(s.limit)},
		"properties": {s.propertyNames()},
		"archived":   {strconv.FormatBool(archived)},
	}
	if after != "" {
		q.Set("after", after)
	}
	return s.base + "/crm/v3/objects/" + url.PathEscape(s.object) + "?" + q.Encode()
}

// propertyNames is the properties parameter: the names of the stream's
// properties, comma-separated.
func (s *stream) propertyNames() string {
	names := make([]string, len(s.props))
	for i, p := range s.props {
		names[i] = p.name
	}
	return strings.Join(names, ",")
}

// records converts a page's objects and keeps those updated in
// [since.Modified, upper].
func (s *stream) records(objs []object, archivedList bool, since connector.Cursor, upper time.Time, st *pullStats) ([]connector.Record, error) {
	out := make([]connector.Record, 0, len(objs))
	for i := range objs {
		st.seen++
		r, err := s.record(&objs[i], archivedList, st)
		if err != nil {
			return nil, err
		}
		if r.Modified.Before(since.Modified) || r.Modified.After(upper) {
			continue
		}
		st.emitted++
		if r.Deleted {
			st.tombstones++
		}
		out = append(out, r)
	}
	return out, nil
}

// record converts one object. Its ID and updatedAt place it in the stream;
// without them the page is wrong and the pull fails.
func (s *stream) record(o *object, archivedList bool, st *pullStats) (connector.Record, error) {
	if o.ID == "" {
		return connector.Record{}, errors.New("a record has no id")
	}
	if o.UpdatedAt.IsZero() {
		return connector.Record{}, fmt.Errorf("record %s has no updatedAt", o.ID)
	}
	r := connector.Record{
		ID:       o.ID,
		Modified: o.UpdatedAt.UTC(),
		Deleted:  archivedList || o.Archived || o.ArchivedAt != nil,
	}
	var archivedAt any
	if o.ArchivedAt != nil && !o.ArchivedAt.IsZero() {
		at := o.ArchivedAt.UTC()
		archivedAt = at
		if r.Deleted && at.After(r.Modified) {
			r.Modified = at
		}
	}
	r.Fields = s.fields(o, archivedAt, st)
	return r, nil
}

// fields are the record's fields: the values of o's properties, parsed,
// and archivedAt (nil when o is not archived).
//
// A null is left out of them (a missing field reads as nil all the
// same): a contact's eight properties then fit a map's small, one-group
// form, where a ninth entry, the mostly null archived_at, made every
// record's map a full table of twice the size.
func (s *stream) fields(o *object, archivedAt any, st *pullStats) map[string]any {
	var buf [16]any
	vals := buf[:0]
	if len(s.props) > len(buf) {
		vals = make([]any, 0, len(s.props))
	}
	vals, n := s.values(vals, o, st)
	if archivedAt != nil {
		n++
	}
	f := make(map[string]any, n)
	for i, v := range vals {
		if v != nil {
			f[s.props[i].name] = v
		}
	}
	if archivedAt != nil {
		f[fieldArchivedAt] = archivedAt
	}
	return f
}

// values appends to vals the values of o's properties, parsed, and counts
// in st those that do not parse: vals and the number of values not null.
func (s *stream) values(vals []any, o *object, st *pullStats) ([]any, int) {
	n := 0
	for i, p := range s.props {
		v, ok := propertyValue(p.typ, o.value(i))
		if !ok {
			st.invalid[p.name]++
		}
		if v != nil {
			n++
		}
		vals = append(vals, v)
	}
	return vals, n
}

// propertyValue parses a property's JSON value (a string, or now and then a
// number or bool) as type t; ok is false when it does not parse.
func propertyValue(t connector.Type, raw propValue) (any, bool) {
	switch {
	case raw.bad:
		return nil, false
	case !raw.set:
		return nil, true
	default:
		return parseValue(t, raw.text)
	}
}
