package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/connector/hubspot/fake"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging/logtest"
)

var t0 = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

const (
	privateToken = "pat-na1-secret-token"
	clientSecret = "client-secret-value"
	refreshToken = "refresh-token-value"
)

// clock is a settable clock shared by the connector and the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is one fake HubSpot account and a source pointed at it.
type harness struct {
	srv   *fake.Server
	src   config.Source
	deps  connector.Deps
	clock *clock
	logs  *logtest.SyncBuffer
}

// newHarness starts a fake with opts (the clock, when opts has none) and a
// source with a private app token, fast retries and no rate limit to speak of.
func newHarness(t *testing.T, opts fake.Options) *harness {
	t.Helper()
	clk := &clock{t: time.Now()}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.Token == "" && opts.RefreshToken == "" {
		opts.Token = privateToken
	}
	srv := fake.New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	logs := &logtest.SyncBuffer{}
	vars := map[string]string{
		"HS_TOKEN": privateToken, "HS_REFRESH": refreshToken,
		"HS_CLIENT_ID": "client-id", "HS_CLIENT_SECRET": clientSecret,
	}
	return &harness{
		srv:   srv,
		clock: clk,
		logs:  logs,
		src: config.Source{
			Name: "crm", Kind: "hubspot", BaseURL: ts.URL, RateLimit: 1000,
			Auth:    map[string]string{"token": "HS_TOKEN"},
			Streams: []config.Stream{{Name: "contacts"}, {Name: "companies"}, {Name: "deals"}},
		},
		deps: connector.Deps{
			Getenv: func(k string) string { return vars[k] },
			Log:    zerolog.New(logs).Level(zerolog.DebugLevel),
			HTTP:   httpclient.Config{RetryMax: 3, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond},
			Now:    clk.Now,
		},
	}
}

func (h *harness) oauth() {
	h.src.Auth = map[string]string{"refresh_token": "HS_REFRESH", "client_id": "HS_CLIENT_ID", "client_secret": "HS_CLIENT_SECRET"}
}

func (h *harness) stream(t *testing.T, name string) connector.Incremental {
	t.Helper()
	streams, err := New(h.src, h.deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, s := range streams {
		if s.Name() == name {
			return s.(connector.Incremental)
		}
	}
	t.Fatalf("no stream %q", name)
	return nil
}

// pull runs a pull and returns the records and the number of emit calls.
func pull(t *testing.T, s connector.Incremental, since connector.Cursor, upper time.Time) ([]connector.Record, int, error) {
	t.Helper()
	var recs []connector.Record
	calls := 0
	err := s.Pull(t.Context(), since, upper, func(batch []connector.Record) error {
		calls++
		recs = append(recs, batch...)
		return nil
	})
	return recs, calls, err
}

func ids(recs []connector.Record) string {
	var b []string
	for _, r := range recs {
		b = append(b, r.ID)
	}
	return strings.Join(b, ",")
}

func contact(email string, updated time.Time) fake.Object {
	return fake.Object{
		Properties: map[string]string{"email": email, "firstname": "Ada", "lifecyclestage": "customer"},
		CreatedAt:  t0, UpdatedAt: updated,
	}
}

func TestPullPagesThroughEverythingAndKeepsTheWindow(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.src.PageSize = 2
	h.src.Streams[0].Fields = []string{"favourite_colour", "email"}
	h.srv.Put("contacts",
		contact("a@x.io", t0.Add(1*time.Hour)), // 101: before since
		contact("b@x.io", t0.Add(2*time.Hour)), // 102: at since (kept: the caller breaks the tie by id)
		contact("c@x.io", t0.Add(3*time.Hour)), // 103
		contact("d@x.io", t0.Add(5*time.Hour)), // 104: at upper (kept)
		contact("e@x.io", t0.Add(6*time.Hour)), // 105: after upper
	)
	h.srv.Put("contacts", fake.Object{ID: "106", CreatedAt: t0, UpdatedAt: t0.Add(4 * time.Hour),
		Properties: map[string]string{"email": "f@x.io", "favourite_colour": "teal"}})

	recs, calls, err := pull(t, h.stream(t, "contacts"), connector.Cursor{Modified: t0.Add(2 * time.Hour), ID: "102"}, t0.Add(5*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(recs); got != "102,103,104,106" {
		t.Errorf("records %s, want 102,103,104,106", got)
	}
	if calls != 3 { // pages 101-102, 103-104, 105-106; the archived list is empty
		t.Errorf("emit called %d times, want 3", calls)
	}
	last := recs[3]
	if last.Fields["favourite_colour"] != "teal" || last.Fields["email"] != "f@x.io" || last.Deleted {
		t.Errorf("record 106 = %+v", last)
	}
	if !last.Modified.Equal(t0.Add(4 * time.Hour)) {
		t.Errorf("Modified %v, want updatedAt", last.Modified)
	}

	reqs := h.srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 3 pages of live records and 1 of archived", len(reqs))
	}
	for i, r := range reqs {
		q := r.Query
		if q["limit"][0] != "2" || q["archived"][0] != map[bool]string{true: "true", false: "false"}[i == 3] {
			t.Errorf("request %d: query %v", i, q)
		}
		if hasAfter := q["after"] != nil; hasAfter != (i == 1 || i == 2) {
			t.Errorf("request %d: after %q: want the cursor on the second and third pages only", i, q["after"])
		}
		if got := q["properties"][0]; got != "email,firstname,lastname,phone,lifecyclestage,hs_object_id,createdate,lastmodifieddate,favourite_colour" {
			t.Errorf("request %d: properties %s", i, got)
		}
		if r.Token != privateToken {
			t.Errorf("request %d: token %q", i, r.Token)
		}
	}
}

func TestRecordsCarryTheDeclaredTypes(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.srv.Put("deals", fake.Object{CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), Properties: map[string]string{
		"dealname": "Renewal", "amount": "1234.50", "closedate": "2024-05-03T00:00:00Z", "dealstage": "",
	}})
	h.srv.Put("deals", fake.Object{CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), Properties: map[string]string{
		"dealname": "Broken", "amount": "a lot", "closedate": "1714694400000",
	}})
	h.srv.Put("companies", fake.Object{CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), Properties: map[string]string{
		"name": "Acme", "numberofemployees": "25.0", "annualrevenue": "1e6",
	}})
	deals := h.stream(t, "deals")
	recs, _, err := pull(t, deals, connector.Cursor{}, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d deals", len(recs))
	}
	good, bad := recs[0].Fields, recs[1].Fields
	if good["amount"] != 1234.5 || good["dealstage"] != nil || good["pipeline"] != nil {
		t.Errorf("amount %v, dealstage %v, pipeline %v", good["amount"], good["dealstage"], good["pipeline"])
	}
	if good["closedate"] != time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC) || good["createdate"] != t0 || good["hs_object_id"] != recs[0].ID {
		t.Errorf("closedate %v, createdate %v, hs_object_id %v", good["closedate"], good["createdate"], good["hs_object_id"])
	}
	if bad["amount"] != nil || bad["closedate"] != time.UnixMilli(1714694400000).UTC() {
		t.Errorf("unparseable amount %v, epoch-millisecond closedate %v", bad["amount"], bad["closedate"])
	}
	if _, err := connector.Observe(deals.Fields(), recs); err != nil {
		t.Errorf("records do not fit the declared fields: %v", err)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"invalid_values":{"amount":1}`) || strings.Contains(logs, "a lot") {
		t.Errorf("the invalid value should be counted by property, never shown:\n%s", logs)
	}

	companies := h.stream(t, "companies")
	recs, _, err = pull(t, companies, connector.Cursor{}, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if f := recs[0].Fields; f["numberofemployees"] != int64(25) || f["annualrevenue"] != 1e6 {
		t.Errorf("numberofemployees %#v, annualrevenue %#v", f["numberofemployees"], f["annualrevenue"])
	}
	if _, err := connector.Observe(companies.Fields(), recs); err != nil {
		t.Errorf("records do not fit the declared fields: %v", err)
	}
}

func TestArchivedRecordsAreTombstones(t *testing.T) {
	h := newHarness(t, fake.Options{})
	edited, archived := t0.Add(1*time.Hour), t0.Add(3*time.Hour)
	gone := contact("gone@x.io", edited)
	gone.ArchivedAt = archived
	h.srv.Put("contacts", gone, contact("live@x.io", t0.Add(4*time.Hour)))

	recs, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{Modified: t0.Add(2 * time.Hour)}, t0.Add(5*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(recs); got != "102,101" {
		t.Fatalf("records %s, want the live one, then the tombstone", got)
	}
	tomb := recs[1]
	if !tomb.Deleted || !tomb.Modified.Equal(archived) || tomb.Fields[fieldArchivedAt] != archived {
		t.Errorf("tombstone = %+v: want Deleted, Modified = archivedAt (after the last edit)", tomb)
	}
	if recs[0].Deleted || recs[0].Fields[fieldArchivedAt] != nil {
		t.Errorf("live record = %+v", recs[0])
	}
}

func TestOAuthRefreshesBeforeExpiryAndOnceOn401(t *testing.T) {
	h := newHarness(t, fake.Options{RefreshToken: refreshToken, ClientID: "client-id", ClientSecret: clientSecret})
	h.oauth()
	h.srv.Put("contacts", contact("a@x.io", t0))
	s := h.stream(t, "contacts")
	upper := t0.Add(time.Hour)

	if _, _, err := pull(t, s, connector.Cursor{}, upper); err != nil {
		t.Fatal(err)
	}
	if n := h.srv.TokensIssued(); n != 1 {
		t.Fatalf("%d tokens issued for the first pull, want 1", n)
	}

	// 26 minutes into a 30-minute token: replaced before it is sent.
	h.clock.Add(26 * time.Minute)
	if _, _, err := pull(t, s, connector.Cursor{}, upper); err != nil {
		t.Fatal(err)
	}
	if n := h.srv.TokensIssued(); n != 2 {
		t.Fatalf("%d tokens issued, want a refresh before expiry", n)
	}

	// Revoked early: the 401 triggers one refresh and the page is fetched again.
	h.srv.ExpireAccessTokens()
	recs, _, err := pull(t, s, connector.Cursor{}, upper)
	if err != nil || len(recs) != 1 {
		t.Fatalf("pull after expiry: %d records, %v", len(recs), err)
	}
	if n := h.srv.TokensIssued(); n != 3 {
		t.Fatalf("%d tokens issued, want a refresh on the 401", n)
	}
	for _, r := range h.srv.Requests() {
		if r.Status == http.StatusUnauthorized && r.Token != "fake-access-2" {
			t.Errorf("401 for token %s: only the revoked token should be refused", r.Token)
		}
	}

	// Refused again right after a refresh: fail, no loop.
	h.srv.ExpireAccessTokens()
	expired := fake.Fault{Status: http.StatusUnauthorized, Body: `{"status":"error","message":"The OAuth token used to make this call expired.","category":"EXPIRED_AUTHENTICATION"}`}
	h.srv.Inject(expired, expired)
	before := len(h.srv.Requests())
	_, _, err = pull(t, s, connector.Cursor{}, upper)
	var he *httpclient.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized || !strings.Contains(err.Error(), "EXPIRED_AUTHENTICATION") || !strings.Contains(err.Error(), "HS_REFRESH") {
		t.Fatalf("err = %v, want the 401 with its category and the variable's name", err)
	}
	if n := len(h.srv.Requests()) - before; n != 3 { // object, token, object
		t.Errorf("%d requests, want one refresh between two refused attempts", n)
	}
	assertNoSecrets(t, err.Error()+h.logs.String())
}

func TestOAuthBadRefreshTokenFailsClearly(t *testing.T) {
	h := newHarness(t, fake.Options{RefreshToken: "another", ClientID: "client-id", ClientSecret: clientSecret})
	h.oauth()
	_, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{}, t0)
	if err == nil || !strings.Contains(err.Error(), "BAD_REFRESH_TOKEN") || !strings.Contains(err.Error(), "HS_REFRESH") {
		t.Fatalf("err = %v", err)
	}
	if n := len(h.srv.Requests()); n != 1 {
		t.Errorf("%d requests, want the one refused token request", n)
	}
	assertNoSecrets(t, err.Error()+h.logs.String())
}

func TestPrivateTokenRefusedFailsAtOnce(t *testing.T) {
	h := newHarness(t, fake.Options{Token: "the-right-one"})
	_, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{}, t0)
	var he *httpclient.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized || he.Attempts != 1 {
		t.Fatalf("err = %v, want a 401 after one attempt", err)
	}
	if !strings.Contains(err.Error(), "INVALID_AUTHENTICATION") || !strings.Contains(err.Error(), "HS_TOKEN") {
		t.Errorf("err = %v, want HubSpot's category and the variable's name", err)
	}
	assertNoSecrets(t, err.Error()+h.logs.String())
}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{privateToken, clientSecret, refreshToken, "fake-access-"} {
		if strings.Contains(s, secret) {
			t.Errorf("a secret (%s...) reached an error or log", secret[:4])
		}
	}
}

func TestThrottlingAndFailures(t *testing.T) {
	cases := []struct {
		name     string
		faults   []fake.Fault
		daily    int
		wantErr  string // empty: the pull succeeds
		requests int
		minWait  time.Duration
		sentinel error
	}{
		{name: "ten-secondly 429 waits for the interval", faults: []fake.Fault{fake.RateLimited429(20 * time.Millisecond)}, requests: 3, minWait: 20 * time.Millisecond},
		{name: "429 with Retry-After", faults: []fake.Fault{{Status: 429, Header: http.Header{"Retry-After": {"0"}}, Body: `{"status":"error","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}`}}, requests: 3},
		{name: "5xx retried", faults: []fake.Fault{{Status: 502, Body: "<html>bad gateway</html>"}, {Status: 503}}, requests: 4},
		{name: "daily quota fails at once", faults: []fake.Fault{fake.Daily429()}, wantErr: "daily API limit", requests: 1, sentinel: ErrDailyLimit},
		{name: "daily quota spent mid-pull", daily: 1, wantErr: "daily API limit", requests: 2, sentinel: ErrDailyLimit},
		{name: "5xx until the retries run out", faults: []fake.Fault{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}, wantErr: "HTTP 500 after 4 attempt(s)", requests: 4},
		{name: "malformed body", faults: []fake.Fault{{Status: 200, Body: `{"results": [`}}, wantErr: "decode the list answer", requests: 1},
		{name: "record without updatedAt", faults: []fake.Fault{{Status: 200, Body: `{"results":[{"id":"7","properties":{}}]}`}}, wantErr: "record 7 has no updatedAt", requests: 1},
		{name: "cursor that does not advance", faults: []fake.Fault{
			{Status: 200, Body: `{"results":[],"paging":{"next":{"after":"abc"}}}`},
			{Status: 200, Body: `{"results":[],"paging":{"next":{"after":"abc"}}}`},
		}, wantErr: `cursor "abc" did not advance`, requests: 2},
		{name: "bad request", faults: []fake.Fault{{Status: 400, Body: `{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}`}}, wantErr: "VALIDATION_ERROR: Property values were not valid", requests: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fake.Options{Daily: tc.daily})
			h.src.PageSize = 1
			h.srv.Put("contacts", contact("a@x.io", t0))
			h.srv.Inject(tc.faults...)
			start := time.Now()
			recs, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{}, t0)
			switch {
			case tc.wantErr == "" && (err != nil || len(recs) != 1):
				t.Fatalf("pull: %d records, %v", len(recs), err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if n := len(h.srv.Requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			var he *httpclient.HTTPError
			if tc.sentinel != nil && (!errors.Is(err, tc.sentinel) || !errors.As(err, &he) || he.StatusCode != 429 || he.Attempts != 1) {
				t.Errorf("err = %v, want %v in a 429 HTTPError after one attempt", err, tc.sentinel)
			}
			if took := time.Since(start); took < tc.minWait {
				t.Errorf("done in %v: the retry came before the %v wait", took, tc.minWait)
			}
		})
	}
}

func TestPacingKeepsUnderTheWindow(t *testing.T) {
	h := newHarness(t, fake.Options{Max: 4, Interval: 200 * time.Millisecond, Now: time.Now})
	h.src.PageSize = 1
	for i := range 9 {
		h.srv.Put("contacts", contact("a@x.io", t0.Add(time.Duration(i)*time.Minute)))
	}
	recs, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{}, t0.Add(time.Hour))
	if err != nil || len(recs) != 9 {
		t.Fatalf("pull: %d records, %v", len(recs), err)
	}
	for _, r := range h.srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			t.Fatalf("a request was throttled: pacing should have paused before the window ran dry")
		}
	}
}

func TestStreamsShareOneTokenConcurrently(t *testing.T) {
	h := newHarness(t, fake.Options{RefreshToken: refreshToken, ClientID: "client-id", ClientSecret: clientSecret})
	h.oauth()
	h.srv.Put("contacts", contact("a@x.io", t0))
	streams, err := New(h.src, h.deps)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(streams))
	for i, s := range streams {
		wg.Go(func() {
			_, _, errs[i] = pull(t, s.(connector.Incremental), connector.Cursor{}, t0)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := h.srv.TokensIssued(); n != 1 {
		t.Errorf("%d tokens issued, want one for the source", n)
	}
}

// TestEmitErrorStopsThePull: pages are fetched ahead of the page being
// emitted (one waiting in the channel, one in flight), so when emit fails
// on the first page at most the next two have been asked for; the other
// pages never are.
func TestEmitErrorStopsThePull(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.src.PageSize = 1
	h.srv.Put("contacts", contact("a@x.io", t0), contact("b@x.io", t0), contact("c@x.io", t0), contact("d@x.io", t0),
		contact("e@x.io", t0), contact("f@x.io", t0))
	stop := errors.New("disk full")
	err := h.stream(t, "contacts").Pull(t.Context(), connector.Cursor{}, t0, func([]connector.Record) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v", err)
	}
	if n := len(h.srv.Requests()); n < 1 || n > 3 {
		t.Errorf("%d requests after emit failed on the first page of six, want the page and at most two fetched ahead", n)
	}
}

func TestPullStopsWithTheContext(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.srv.Put("contacts", contact("a@x.io", t0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := h.stream(t, "contacts").Pull(ctx, connector.Cursor{}, t0, func([]connector.Record) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	cases := []struct {
		name string
		edit func(*config.Source)
		want []string
	}{
		{"defaults are fine", func(*config.Source) {}, nil},
		{"unset token", func(s *config.Source) { s.Auth["token"] = "UNSET" }, []string{"environment variable UNSET is empty"}},
		{"no auth", func(s *config.Source) { s.Auth = nil }, []string{"auth.token: required"}},
		{"both kinds of auth", func(s *config.Source) { s.Auth["refresh_token"] = "HS_REFRESH" },
			[]string{"not both", "auth.client_id: required", "auth.client_secret: required"}},
		{"several at once", func(s *config.Source) {
			s.PageSize = 500
			s.BaseURL = "ftp://example"
			s.Streams = append(s.Streams, config.Stream{Name: "tickets"}, config.Stream{Name: "deals2"})
			s.Streams[0].Fields = []string{"email,phone", "_id", "archived_at"}
		}, []string{"page_size 500", "base_url", `"tickets": not a supported`, `"deals2"`, `"email,phone"`, `"_id"`, `"archived_at" is reserved`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fake.Options{})
			tc.edit(&h.src)
			_, err := New(h.src, h.deps)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestFieldsAreDeclaredOnceInOrder(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.src.Streams[0].Fields = []string{"email", "hs_analytics_source"}
	var names []string
	for _, f := range h.stream(t, "contacts").Fields() {
		names = append(names, f.Name+":"+string(f.Type))
	}
	want := "email:string,firstname:string,lastname:string,phone:string,lifecyclestage:string,hs_object_id:string," +
		"createdate:timestamp,lastmodifieddate:timestamp,hs_analytics_source:string,archived_at:timestamp"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("fields\n got %s\nwant %s", got, want)
	}
}

// want returns what a complete pull of an object type must deliver after
// connector.Keep, from the fake's own data: id -> Modified (for a
// tombstone, the later of updatedAt and archivedAt).
func want(srv *fake.Server, objectType string, since connector.Cursor, upper time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for _, o := range srv.Objects(objectType) {
		r := connector.Record{ID: o.ID, Modified: o.UpdatedAt.UTC()}
		if !o.ArchivedAt.IsZero() && o.ArchivedAt.After(o.UpdatedAt) {
			r.Modified = o.ArchivedAt.UTC()
		}
		if connector.Keep(r, since, upper) {
			out[r.ID] = r.Modified
		}
	}
	return out
}

// kept applies connector.Keep to recs and keeps one version per ID (the
// latest), as the orchestrator does: id -> Modified.
func kept(recs []connector.Record, since connector.Cursor, upper time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for _, r := range recs {
		if !connector.Keep(r, since, upper) {
			continue
		}
		if m, ok := out[r.ID]; !ok || m.Before(r.Modified) {
			out[r.ID] = r.Modified
		}
	}
	return out
}

// sameSet reports the differences between got and want, by id.
func sameSet(t *testing.T, what string, got, want map[string]time.Time) {
	t.Helper()
	for id, m := range want {
		if g, ok := got[id]; !ok {
			t.Errorf("%s: record %s (modified %s) lost", what, id, m.Format(time.RFC3339))
		} else if !g.Equal(m) {
			t.Errorf("%s: record %s modified %s, want %s", what, id, g.Format(time.RFC3339), m.Format(time.RFC3339))
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("%s: record %s should not be kept", what, id)
		}
	}
}

// noDuplicates fails when one pull delivers an id twice.
func noDuplicates(t *testing.T, recs []connector.Record) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.ID] {
			t.Errorf("record %s delivered twice in one pull", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestResumedPullAfterACrashBetweenPages(t *testing.T) {
	cases := []struct {
		name  string
		fault fake.Fault
		page  int // the request (1-based, live pages then archived ones) that fails
		want  string
		// attempts is how many answers of the failing page the fake
		// withheld or refused, at least.
		attempts int
	}{
		{name: "dropped connection", fault: fake.Fault{Drop: true, Times: 100}, page: 3, want: "EOF", attempts: 4},
		{name: "5xx beyond the retries", fault: fake.Fault{Status: http.StatusServiceUnavailable, Times: 4,
			Body: `{"status":"error","message":"internal error","category":"INTERNAL_ERROR"}`}, page: 7, want: "HTTP 503 after 4 attempt(s)", attempts: 4},
		{name: "non-retriable error", fault: fake.Fault{Status: http.StatusBadRequest,
			Body: `{"status":"error","message":"Invalid input","category":"VALIDATION_ERROR"}`}, page: 2, want: "HTTP 400 after 1 attempt(s)", attempts: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fake.Options{})
			h.src.PageSize = 4
			// 30 contacts (ids 101-130) over ten hours, ties included;
			// every fifth archived an hour after its last edit. Live: 24
			// records in 6 pages; archived: 6 in 2 pages.
			for i := range 30 {
				o := contact(fmt.Sprintf("c%d@x.io", i), t0.Add(time.Duration(i%10)*time.Hour))
				if i%5 == 4 {
					o.ArchivedAt = o.UpdatedAt.Add(time.Hour)
				}
				h.srv.Put("contacts", o)
			}
			since, upper := connector.Cursor{Modified: t0.Add(3 * time.Hour), ID: "114"}, t0.Add(8*time.Hour)
			full := want(h.srv, "contacts", since, upper)
			if len(full) < 10 {
				t.Fatalf("the window holds only %d records", len(full))
			}
			s := h.stream(t, "contacts")

			f := tc.fault
			f.Skip = tc.page - 1
			h.srv.Inject(f)
			partial, _, err := pull(t, s, since, upper)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "fetch contacts page") {
				t.Fatalf("err = %v, want the failed page and %q", err, tc.want)
			}
			if got := kept(partial, since, upper); len(got) >= len(full) {
				t.Fatalf("the failed pull emitted %d of %d records: the crash should come mid-way", len(got), len(full))
			}
			failed := 0
			for _, r := range h.srv.Requests() {
				if r.Status == 0 || r.Status == tc.fault.Status {
					failed++
				}
			}
			if failed < tc.attempts {
				t.Errorf("%d failed answers, want at least %d", failed, tc.attempts)
			}
			h.srv.ClearFaults()

			// The caller committed nothing: it pulls again from the same cursor.
			resumed, _, err := pull(t, s, since, upper)
			if err != nil {
				t.Fatalf("resumed pull: %v", err)
			}
			noDuplicates(t, resumed)
			sameSet(t, "resumed pull", kept(resumed, since, upper), full)
			// Even a caller that had kept the failed pull's records would
			// end up with each record once.
			sameSet(t, "both pulls", kept(append(partial, resumed...), since, upper), full)
		})
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.deps.HTTP.Timeout = 100 * time.Millisecond
	h.src.PageSize = 1
	h.srv.Put("contacts", contact("a@x.io", t0), contact("b@x.io", t0))
	h.srv.Inject(fake.Fault{Stall: true, Skip: 1}) // the second page stalls once
	start := time.Now()
	recs, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{}, t0)
	if err != nil || ids(recs) != "101,102" {
		t.Fatalf("pull: records %s, %v", ids(recs), err)
	}
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("done in %v: the stalled attempt should have waited for the 100ms timeout", took)
	}
	var statuses []int
	for _, r := range h.srv.Requests() {
		statuses = append(statuses, r.Status)
	}
	if fmt.Sprint(statuses) != "[200 0 200 200]" {
		t.Errorf("answers %v, want page 1, the stalled page 2, page 2 again, the archived list", statuses)
	}
}

func TestTimeoutEveryTimeFailsClearly(t *testing.T) {
	h := newHarness(t, fake.Options{})
	h.deps.HTTP.Timeout = 100 * time.Millisecond
	h.srv.Put("contacts", contact("a@x.io", t0))
	h.srv.Inject(fake.Fault{Stall: true, Times: 100})
	defer h.srv.ClearFaults()
	_, _, err := pull(t, h.stream(t, "contacts"), connector.Cursor{}, t0)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"fetch contacts page", "giving up after 4 attempts", "Client.Timeout exceeded"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v, want %q", err, w)
		}
	}
	if errors.Is(err, context.Canceled) || t.Context().Err() != nil {
		t.Errorf("err = %v: a timeout, not the caller's cancellation", err)
	}
	if n := len(h.srv.Requests()); n != 4 {
		t.Errorf("%d requests, want 4 attempts (RetryMax 3)", n)
	}
	assertNoSecrets(t, err.Error()+h.logs.String())
}

func TestTiesAtAPageEdge(t *testing.T) {
	tie := t0.Add(10 * time.Hour)
	at := func(d time.Duration) fake.Object { return contact("x@x.io", tie.Add(d)) }
	archived := func(updated, archivedAt time.Duration) fake.Object {
		o := at(updated)
		o.ArchivedAt = tie.Add(archivedAt)
		return o
	}
	// Live list in pages of 3: 101 102 103 | 104 105 106 | 107 108 109 | 110.
	// Ids 102-107, 109 and 110 share the tie's timestamp across three page
	// edges; 111 is archived at the tie, 112 before it.
	objs := []fake.Object{
		at(-time.Hour), at(0), at(0), at(0), at(0), at(0), at(0), at(time.Hour), at(0), at(0),
		archived(-2*time.Hour, 0), archived(-3*time.Hour, -30*time.Minute),
	}
	for _, cursorID := range []string{"101", "103", "104", "105", "106", "109", "110"} {
		t.Run("cursor at the tie, id "+cursorID, func(t *testing.T) {
			h := newHarness(t, fake.Options{})
			h.src.PageSize = 3
			h.srv.Put("contacts", slices.Clone(objs)...)
			s := h.stream(t, "contacts")
			since, upper := connector.Cursor{Modified: tie, ID: cursorID}, tie

			// First pull, with the upper bound frozen at the tie.
			first, _, err := pull(t, s, since, upper)
			if err != nil {
				t.Fatal(err)
			}
			noDuplicates(t, first)
			got := kept(first, since, upper)
			sameSet(t, "first pull", got, want(h.srv, "contacts", since, upper))
			for id := range got {
				if id <= cursorID {
					t.Errorf("record %s is at or before the cursor", id)
				}
			}
			next := since
			for _, r := range first {
				if connector.Keep(r, since, upper) && next.Less(connector.CursorOf(r)) {
					next = connector.CursorOf(r)
				}
			}

			// Meanwhile a record lands on the tie with a later id, and one
			// after it; the next pull starts from the committed cursor.
			h.srv.Put("contacts", at(0), at(30*time.Minute))
			upper2 := tie.Add(2 * time.Hour)
			second, _, err := pull(t, s, next, upper2)
			if err != nil {
				t.Fatal(err)
			}
			noDuplicates(t, second)
			sameSet(t, "second pull", kept(second, next, upper2), want(h.srv, "contacts", next, upper2))

			// Together: every record after the first cursor exactly once.
			union := map[string]int{}
			for _, part := range []map[string]time.Time{got, kept(second, next, upper2)} {
				for id := range part {
					union[id]++
				}
			}
			all := want(h.srv, "contacts", since, upper2)
			for id := range all {
				if union[id] != 1 {
					t.Errorf("record %s kept %d times over both pulls, want once", id, union[id])
				}
			}
			if len(union) != len(all) {
				t.Errorf("%d records kept over both pulls, want %d", len(union), len(all))
			}
		})
	}
}

// BenchmarkPull pulls 50,000 contacts (and their tombstones) from the fake
// through the connector, in pages of 100.
func BenchmarkPull(b *testing.B) {
	const n = 50_000
	end := t0
	srv := fake.New(fake.Options{Token: privateToken, Max: 1 << 30, Daily: 1 << 30})
	srv.Seed(n, end, 1)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	streams, err := New(config.Source{
		Name: "crm", Kind: "hubspot", BaseURL: ts.URL, RateLimit: 1e9,
		Auth: map[string]string{"token": "HS_TOKEN"}, Streams: []config.Stream{{Name: "contacts"}},
	}, connector.Deps{
		Getenv: func(string) string { return privateToken },
		Log:    zerolog.Nop(),
		HTTP:   httpclient.Config{RetryMax: 1, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond},
		Now:    time.Now,
	})
	if err != nil {
		b.Fatal(err)
	}
	s := streams[0].(connector.Incremental)
	total := 0
	for b.Loop() {
		got := 0
		err := s.Pull(b.Context(), connector.Cursor{}, end, func(recs []connector.Record) error {
			got += len(recs)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("pulled %d records, want %d", got, n)
		}
		total += got
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}
