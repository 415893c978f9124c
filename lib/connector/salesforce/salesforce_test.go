package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/connector/salesforce/fake"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging/logtest"
)

const (
	testClientID     = "3MVG9-test-consumer-key"
	testClientSecret = "s3cr3t-Client-0xDEADBEEF"
	testRefreshToken = "5Aep861-r3fr3sh-Token-Zq9"
)

// far is an upper bound after every generated record.
func far() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

// env is a test harness: the fake, its server and a connector pointed at it.
type env struct {
	h       *fake.Handler
	srv     *httptest.Server
	streams map[string]connector.Incremental
	logs    *logtest.SyncBuffer

	mu      sync.Mutex
	pauses  []time.Duration // waits asked of deps.HTTP.Sleep (pacing)
	tokens  map[string]bool // bearer tokens seen on the wire
	secrets []string
}

type recordingTransport struct {
	e    *env
	base http.RoundTripper
}

func (r recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		r.e.mu.Lock()
		r.e.tokens[tok] = true
		r.e.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

type setup struct {
	opts    fake.Options
	src     func(*config.Source)
	http    func(*httpclient.Config)
	streams []string
}

func newEnv(t testing.TB, s setup) *env {
	t.Helper()
	s.opts.ClientID, s.opts.ClientSecret, s.opts.RefreshToken = testClientID, testClientSecret, testRefreshToken
	e := &env{h: fake.NewHandler(s.opts), logs: &logtest.SyncBuffer{}, tokens: map[string]bool{},
		secrets: []string{testClientSecret, testRefreshToken}}
	e.srv = httptest.NewServer(e.h)
	t.Cleanup(e.srv.Close)
	if len(s.streams) == 0 {
		s.streams = []string{"contacts", "accounts", "opportunities"}
	}
	src := config.Source{
		Name: "crm", Kind: "salesforce", BaseURL: e.srv.URL, RateLimit: 1e6,
		Auth: map[string]string{"client_id": "SF_ID", "client_secret": "SF_SECRET", "refresh_token": "SF_REFRESH"},
	}
	for _, name := range s.streams {
		src.Streams = append(src.Streams, config.Stream{Name: name})
	}
	if s.src != nil {
		s.src(&src)
	}
	vars := map[string]string{"SF_ID": testClientID, "SF_SECRET": testClientSecret, "SF_REFRESH": testRefreshToken}
	hc := httpclient.Config{
		RetryMax: 3, WaitMin: time.Millisecond, WaitMax: 20 * time.Millisecond, Timeout: 5 * time.Second,
		Transport: recordingTransport{e: e, base: http.DefaultTransport.(*http.Transport).Clone()},
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.pauses = append(e.pauses, d)
			e.mu.Unlock()
			return ctx.Err()
		},
		Log: zerolog.New(e.logs).Level(zerolog.DebugLevel),
	}
	if s.http != nil {
		s.http(&hc)
	}
	streams, err := New(src, connector.Deps{
		Getenv: func(k string) string { return vars[k] },
		Log:    zerolog.New(e.logs).Level(zerolog.DebugLevel),
		HTTP:   hc,
		Now:    time.Now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.streams = map[string]connector.Incremental{}
	for _, st := range streams {
		e.streams[st.Name()] = st.(connector.Incremental)
	}
	return e
}

// pull runs one Pull and returns every emitted record and the page sizes.
func (e *env) pull(t testing.TB, stream string, since connector.Cursor, upper time.Time) ([]connector.Record, []int, error) {
	t.Helper()
	var recs []connector.Record
	var pages []int
	err := e.streams[stream].Pull(context.Background(), since, upper, func(rs []connector.Record) error {
		recs = append(recs, rs...)
		pages = append(pages, len(rs))
		return nil
	})
	e.checkNoSecret(t, err)
	return recs, pages, err
}

// checkNoSecret fails when err or the logs show a secret or a token.
func (e *env) checkNoSecret(t testing.TB, err error) {
	t.Helper()
	e.mu.Lock()
	secrets := slices.Clone(e.secrets)
	for tok := range e.tokens {
		secrets = append(secrets, tok)
	}
	e.mu.Unlock()
	logs := e.logs.String()
	for _, s := range secrets {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("error shows a secret: %v", err)
		}
		if strings.Contains(logs, s) {
			t.Errorf("logs show a secret %q", s)
		}
	}
}

// keep applies the caller's contract: Keep, then one version per ID (the last).
func keep(recs []connector.Record, since connector.Cursor, upper time.Time) map[string]connector.Record {
	out := map[string]connector.Record{}
	for _, r := range recs {
		if connector.Keep(r, since, upper) {
			out[r.ID] = r
		}
	}
	return out
}

// expected is what the fake holds in the window (since, upper].
func expected(h *fake.Handler, object string, since connector.Cursor, upper time.Time) map[string]fake.Row {
	out := map[string]fake.Row{}
	for _, row := range h.Rows(object) {
		c := connector.Cursor{Modified: row.Modstamp, ID: row.ID}
		if since.Less(c) && !row.Modstamp.After(upper) {
			out[row.ID] = row
		}
	}
	return out
}

func sameIDs[A, B any](t *testing.T, got map[string]A, want map[string]B) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d records, want %d", len(got), len(want))
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			t.Errorf("record %s missing", id)
			return
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("record %s not expected", id)
			return
		}
	}
}

func TestPullAllPagesTyped(t *testing.T) {
	e := newEnv(t, setup{
		opts: fake.Options{Seed: 7, Contacts: 3000, Accounts: 400, Opportunities: 900, MaxBatch: 150},
		src: func(s *config.Source) {
			s.Streams[0].Fields = []string{"HasOptedOutOfEmail:bool", "Birthdate:date", "Title"}
			s.Streams[1].Fields = []string{"NumberOfEmployees:int", "Name"}
		},
	})
	objects := map[string]string{"contacts": fake.Contact, "accounts": fake.Account, "opportunities": fake.Opportunity}
	for stream, object := range objects {
		recs, pages, err := e.pull(t, stream, connector.Cursor{}, far())
		if err != nil {
			t.Fatalf("%s: %v", stream, err)
		}
		want := expected(e.h, object, connector.Cursor{}, far())
		seen := map[string]int{}
		for _, r := range recs {
			seen[r.ID]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s: %s emitted %d times", stream, id, n)
			}
		}
		sameIDs(t, seen, want)
		if len(pages) < len(want)/150 {
			t.Errorf("%s: %d pages for %d records at batch 150", stream, len(pages), len(want))
		}
		if sizes := slices.Compact(slices.Sorted(slices.Values(pages[:len(pages)-1]))); len(sizes) < 2 {
			t.Errorf("%s: batch sizes never varied: %v", stream, sizes)
		}
		fields := e.streams[stream].Fields()
		tombstones := 0
		for _, r := range recs {
			row := want[r.ID]
			if !r.Modified.Equal(row.Modstamp) || r.Modified.Location() != time.UTC {
				t.Fatalf("%s %s: Modified %v, want %v in UTC", stream, r.ID, r.Modified, row.Modstamp)
			}
			if r.Deleted != row.Deleted {
				t.Fatalf("%s %s: Deleted %v, want %v", stream, r.ID, r.Deleted, row.Deleted)
			}
			if r.Deleted {
				tombstones++
			}
			if len(r.Fields) != len(fields) {
				t.Fatalf("%s %s: %d fields, want %d", stream, r.ID, len(r.Fields), len(fields))
			}
			for _, f := range fields {
				got, ok := r.Fields[f.Name]
				if !ok {
					t.Fatalf("%s %s: field %s absent", stream, r.ID, f.Name)
				}
				if w := row.Fields[f.Name]; !equalValue(got, w) {
					t.Fatalf("%s %s: %s = %#v, want %#v", stream, r.ID, f.Name, got, w)
				}
			}
		}
		if tombstones == 0 {
			t.Errorf("%s: no tombstones among %d records", stream, len(recs))
		}
	}

	// Spot checks of types.
	accts, _, _ := e.pull(t, "accounts", connector.Cursor{}, far())
	var sawMoney, sawInt bool
	for _, r := range accts {
		if v, ok := r.Fields["AnnualRevenue"].(float64); ok && v > 0 {
			sawMoney = true
		}
		if _, ok := r.Fields["NumberOfEmployees"].(int64); ok {
			sawInt = true
		}
	}
	if !sawMoney || !sawInt {
		t.Errorf("AnnualRevenue as float64: %v, NumberOfEmployees as int64: %v", sawMoney, sawInt)
	}
	opps, _, _ := e.pull(t, "opportunities", connector.Cursor{}, far())
	for _, r := range opps {
		if a, ok := r.Fields["Amount"].(float64); ok && a != float64(int64(a)) {
			cd := r.Fields["CloseDate"].(time.Time)
			if cd.Location() != time.UTC || cd.Hour() != 0 || cd.Minute() != 0 {
				t.Errorf("CloseDate %v is not 00:00 UTC", cd)
			}
			if _, ok := r.Fields["IsWon"].(bool); !ok {
				t.Errorf("IsWon is %T", r.Fields["IsWon"])
			}
			break
		}
	}
	cons, _, _ := e.pull(t, "contacts", connector.Cursor{}, far())
	if c, ok := cons[0].Fields["CreatedDate"].(time.Time); !ok || c.Location() != time.UTC {
		t.Errorf("CreatedDate = %#v, want a UTC time", cons[0].Fields["CreatedDate"])
	}
}

func equalValue(got, want any) bool {
	if gt, ok := got.(time.Time); ok {
		wt, ok := want.(time.Time)
		return ok && gt.Equal(wt) && gt.Location() == time.UTC
	}
	return got == want
}

func TestResumeAfterCrashBetweenPages(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 3, Contacts: 2000, Accounts: 1, Opportunities: 1, MaxBatch: 200},
		streams: []string{"contacts"}, http: func(c *httpclient.Config) { c.RetryMax = 2 }})
	rows := e.h.Rows(fake.Contact)
	since := connector.Cursor{Modified: rows[300].Modstamp, ID: rows[300].ID}
	upper := rows[len(rows)-1].Modstamp.Add(time.Hour)

	e.h.FailAfter(3, fake.DropConnection, 10) // page 4 and its retries
	first, pages, err := e.pull(t, "contacts", since, upper)
	if err == nil {
		t.Fatal("pull with the connection dropping on page 4 succeeded")
	}
	if !strings.Contains(err.Error(), "page 4") {
		t.Errorf("error does not name page 4: %v", err)
	}
	if len(pages) != 3 || len(first) == 0 {
		t.Errorf("emitted %d pages before the crash, want 3", len(pages))
	}
	e.h.ClearFaults()

	// Edits between the runs: one already emitted, one not yet.
	late := upper.Add(-time.Minute)
	if err := e.h.Touch(fake.Contact, late, first[0].ID, rows[len(rows)-5].ID); err != nil {
		t.Fatal(err)
	}
	// The caller committed nothing: the second pull starts from the same cursor.
	second, _, err := e.pull(t, "contacts", since, upper)
	if err != nil {
		t.Fatalf("resumed pull: %v", err)
	}
	got := keep(second, since, upper)
	want := expected(e.h, fake.Contact, since, upper)
	sameIDs(t, got, want)
	if r := got[first[0].ID]; !r.Modified.Equal(late) {
		t.Errorf("touched record has Modified %v, want %v", r.Modified, late)
	}
	if n := len(second); n != len(got) {
		t.Errorf("resumed pull emitted %d records for %d distinct in window (duplicates or out-of-window rows beyond the inclusive second)", n, len(got))
	}
}

func TestSessionExpiredRefreshesOnce(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 1, Contacts: 1000, Accounts: 1, Opportunities: 1, MaxBatch: 100}, streams: []string{"contacts"}})
	e.h.FailAfter(2, fake.ExpireSession, 1)
	recs, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
	if err != nil {
		t.Fatalf("pull across an expired session: %v", err)
	}
	sameIDs(t, keep(recs, connector.Cursor{}, far()), expected(e.h, fake.Contact, connector.Cursor{}, far()))
	st := e.h.Stats()
	if st.TokenRequests != 2 || st.Unauthorized != 1 {
		t.Errorf("token requests %d (want 2), 401s %d (want 1)", st.TokenRequests, st.Unauthorized)
	}
	if len(e.tokens) != 2 {
		t.Errorf("%d distinct access tokens sent, want 2", len(e.tokens))
	}
}

func TestRefreshRefusedFailsClearly(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 1, Contacts: 500, Accounts: 1, Opportunities: 1, MaxBatch: 100}, streams: []string{"contacts"}})
	if _, _, err := e.pull(t, "contacts", connector.Cursor{}, far()); err != nil {
		t.Fatal(err)
	}
	before := e.h.Stats()
	e.h.RevokeRefreshToken()
	e.h.FailNext(fake.ExpireSession, 1)
	_, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("want ErrAuth naming invalid_grant, got %v", err)
	}
	after := e.h.Stats()
	if d := after.DataRequests - before.DataRequests; d != 1 {
		t.Errorf("%d data requests, want 1 (a refused session is not retried)", d)
	}
	if d := after.TokenRequests - before.TokenRequests; d != 1 {
		t.Errorf("%d token requests, want 1", d)
	}
}

func TestBadClientSecretNotRetried(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 1}, streams: []string{"accounts"}})
	e.secrets = append(e.secrets, "wrong-secret-value")
	// Point the connector at credentials the fake refuses.
	streams, err := New(config.Source{Name: "crm", BaseURL: e.srv.URL, RateLimit: 1e6,
		Auth:    map[string]string{"client_id": "A", "client_secret": "B", "refresh_token": "C"},
		Streams: []config.Stream{{Name: "accounts"}}},
		connector.Deps{Getenv: func(k string) string {
			return map[string]string{"A": testClientID, "B": "wrong-secret-value", "C": testRefreshToken}[k]
		}, Log: zerolog.New(e.logs), HTTP: httpclient.Config{WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	err = streams[0].(connector.Incremental).Pull(context.Background(), connector.Cursor{}, far(), func([]connector.Record) error { return nil })
	e.checkNoSecret(t, err)
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("want ErrAuth naming invalid_client, got %v", err)
	}
	if st := e.h.Stats(); st.TokenRequests != 1 || st.DataRequests != 0 {
		t.Errorf("stats %+v: want one token request and no data request", st)
	}
}

func TestThrottlingConcurrentLimitAndPacing(t *testing.T) {
	e := newEnv(t, setup{
		opts:    fake.Options{Seed: 2, Contacts: 600, Accounts: 1, Opportunities: 1, MaxBatch: 200, APILimit: 100_000},
		src:     func(s *config.Source) { s.Options = map[string]string{"concurrent_limit_wait": "30ms"} },
		streams: []string{"contacts"},
	})
	e.h.SetUsage(95_000) // 95 % of the org's daily allocation
	e.h.FailAfter(1, fake.ConcurrentLimit, 2)
	start := time.Now()
	recs, pages, err := e.pull(t, "contacts", connector.Cursor{}, far())
	if err != nil {
		t.Fatalf("pull through ConcurrentPerOrgLongTxn refusals: %v", err)
	}
	if el := time.Since(start); el < 60*time.Millisecond {
		t.Errorf("two refusals retried within %v, want the 30 ms hint honoured each time", el)
	}
	sameIDs(t, keep(recs, connector.Cursor{}, far()), expected(e.h, fake.Contact, connector.Cursor{}, far()))
	if st := e.h.Stats(); st.DataRequests != len(pages)+2 {
		t.Errorf("%d data requests for %d pages and 2 refusals", st.DataRequests, len(pages))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.pauses) == 0 || e.pauses[0] < time.Second {
		t.Errorf("pacing at 95%% usage asked for pauses %v, want >= 1s", e.pauses)
	}
}

func TestDailyQuotaFailsAtOnce(t *testing.T) {
	for _, how := range []string{"fault", "usage"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, setup{opts: fake.Options{Seed: 2, Contacts: 300, Accounts: 1, Opportunities: 1, APILimit: 1000}, streams: []string{"contacts"}})
			if how == "fault" {
				e.h.FailNext(fake.TotalRequestsLimit, 100)
			} else {
				e.h.SetUsage(1000)
			}
			start := time.Now()
			_, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
			if !errors.Is(err, ErrRequestLimit) {
				t.Fatalf("want ErrRequestLimit, got %v", err)
			}
			for _, s := range []string{"TotalRequests Limit exceeded", "24-hour", "HTTP 403"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error lacks %q: %v", s, err)
				}
			}
			if st := e.h.Stats(); st.DataRequests != 1 {
				t.Errorf("%d data requests, want 1 (no retry)", st.DataRequests)
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

func TestServerErrorsThenSuccess(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 4, Contacts: 800, Accounts: 1, Opportunities: 1, MaxBatch: 100}, streams: []string{"contacts"}})
	e.h.FailNext(fake.ServerUnavailable, 2)
	e.h.FailAfter(3, fake.InternalError, 3)
	recs, pages, err := e.pull(t, "contacts", connector.Cursor{}, far())
	if err != nil {
		t.Fatalf("pull through 503 and 500: %v", err)
	}
	sameIDs(t, keep(recs, connector.Cursor{}, far()), expected(e.h, fake.Contact, connector.Cursor{}, far()))
	if st := e.h.Stats(); st.Faults != 5 || st.DataRequests != len(pages)+5 {
		t.Errorf("stats %+v for %d pages: want 5 faults retried", st, len(pages))
	}

	e.h.FailNext(fake.ServerUnavailable, 10)
	_, _, err = e.pull(t, "contacts", connector.Cursor{}, far())
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "SERVER_UNAVAILABLE") || !strings.Contains(err.Error(), "4 attempt") {
		t.Errorf("want a clear 503 error after 4 attempts, got %v", err)
	}
}

func TestTimeoutRetriedThenClearError(t *testing.T) {
	e := newEnv(t, setup{
		opts:    fake.Options{Seed: 5, Contacts: 400, Accounts: 1, Opportunities: 1, MaxBatch: 100, StallFor: 2 * time.Second},
		http:    func(c *httpclient.Config) { c.Timeout = 100 * time.Millisecond; c.RetryMax = 2 },
		streams: []string{"contacts"},
	})
	e.h.FailAfter(1, fake.Stall, 1)
	recs, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
	if err != nil {
		t.Fatalf("pull after one stalled page: %v", err)
	}
	sameIDs(t, keep(recs, connector.Cursor{}, far()), expected(e.h, fake.Contact, connector.Cursor{}, far()))

	e.h.FailNext(fake.Stall, 10)
	start := time.Now()
	_, _, err = e.pull(t, "contacts", connector.Cursor{}, far())
	if err == nil || !strings.Contains(err.Error(), "page 1") || !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("want a timeout error naming page 1 after 3 attempts, got %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("gave up after %v", el)
	}
}

func TestMalformedPage(t *testing.T) {
	for _, tc := range []struct {
		fault fake.Fault
		skip  int
		page  string
	}{{fake.MalformedJSON, 2, "page 3"}, {fake.WrongShape, 0, "page 1"}} {
		e := newEnv(t, setup{opts: fake.Options{Seed: 6, Contacts: 500, Accounts: 1, Opportunities: 1, MaxBatch: 100}, streams: []string{"contacts"}})
		e.h.FailAfter(tc.skip, tc.fault, 1)
		_, pages, err := e.pull(t, "contacts", connector.Cursor{}, far())
		if !errors.Is(err, ErrBadPage) || !strings.Contains(err.Error(), tc.page) {
			t.Errorf("fault %d: want ErrBadPage naming %s, got %v", tc.fault, tc.page, err)
		}
		if len(pages) != tc.skip {
			t.Errorf("fault %d: %d pages emitted before the bad one, want %d", tc.fault, len(pages), tc.skip)
		}
	}
}

func TestTiesAtPageEdge(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 8, Contacts: 300, Accounts: 1, Opportunities: 1, MaxBatch: 10}, streams: []string{"contacts"}})
	rows := e.h.Rows(fake.Contact)
	tie := rows[len(rows)-1].Modstamp.Add(time.Hour)
	var ids []string
	for i := 0; i < 35; i++ {
		ids = append(ids, rows[i*7].ID)
	}
	if err := e.h.Touch(fake.Contact, tie, ids...); err != nil {
		t.Fatal(err)
	}
	after := []string{rows[1].ID, rows[2].ID}
	if err := e.h.Touch(fake.Contact, tie.Add(time.Second), after...); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	since := connector.Cursor{Modified: tie, ID: ids[16]} // mid-tie
	upper := tie.Add(time.Minute)

	recs, pages, err := e.pull(t, "contacts", since, upper)
	if err != nil {
		t.Fatal(err)
	}
	// The inclusive lower bound brings the whole tie back, across pages.
	tiedPages := 0
	for off, n := 0, 0; n < len(pages); off, n = off+pages[n], n+1 {
		if slices.ContainsFunc(recs[off:off+pages[n]], func(r connector.Record) bool { return r.Modified.Equal(tie) }) {
			tiedPages++
		}
	}
	if tiedPages < 2 {
		t.Errorf("the tie spans %d pages, want a page edge inside it", tiedPages)
	}
	got := keep(recs, since, upper)
	want := expected(e.h, fake.Contact, since, upper)
	sameIDs(t, got, want)
	if len(want) != 35-17+2 {
		t.Errorf("window holds %d records, want %d", len(want), 35-17+2)
	}
	for _, id := range ids[:17] {
		if _, ok := got[id]; ok {
			t.Errorf("%s is at or before the cursor but was kept", id)
		}
	}
}

func TestTombstones(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 9, Contacts: 500, Accounts: 1, Opportunities: 1, DeletedPercent: -1, MaxBatch: 100}, streams: []string{"contacts"}})
	upper1 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	first, _, err := e.pull(t, "contacts", connector.Cursor{}, upper1)
	if err != nil {
		t.Fatal(err)
	}
	kept := keep(first, connector.Cursor{}, upper1)
	for _, r := range kept {
		if r.Deleted {
			t.Fatalf("tombstone %s before any delete", r.ID)
		}
	}
	// The saved cursor is the last kept record.
	var cur connector.Cursor
	for _, r := range kept {
		if c := connector.CursorOf(r); cur.Less(c) {
			cur = c
		}
	}
	rows := e.h.Rows(fake.Contact)
	del := []string{rows[0].ID, rows[250].ID, rows[499].ID}
	at := upper1.Add(time.Hour)
	if err := e.h.Delete(fake.Contact, at, del...); err != nil {
		t.Fatal(err)
	}
	upper2 := at.Add(time.Hour)
	second, _, err := e.pull(t, "contacts", cur, upper2)
	if err != nil {
		t.Fatal(err)
	}
	got := keep(second, cur, upper2)
	if len(got) != len(del) {
		t.Errorf("second pull kept %d records, want the %d deletes", len(got), len(del))
	}
	for _, id := range del {
		r, ok := got[id]
		if !ok || !r.Deleted || !r.Modified.Equal(at) {
			t.Errorf("tombstone %s: %+v", id, r)
		}
		if len(r.Fields) != len(e.streams["contacts"].Fields()) {
			t.Errorf("tombstone %s lacks fields", id)
		}
	}
}

func TestPolicyClassify(t *testing.T) {
	p := Policy{ConcurrentWait: 7 * time.Second}
	req := httptest.NewRequest(http.MethodGet, "https://x.my.salesforce.com/services/data/v60.0/queryAll?q=SELECT+Id+FROM+Contact", nil)
	resp := func(status int) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Request: req}
	}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		retry  bool
		wait   time.Duration
		err    string
	}{
		{"ok", 200, `{"totalSize":0,"done":true,"records":[]}`, false, 0, ""},
		{"daily quota", 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, false, 0, "24-hour"},
		{"concurrent", 403, `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, true, 7 * time.Second, ""},
		{"no access", 403, `[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS"}]`, false, 0, "INSUFFICIENT_ACCESS: insufficient access"},
		{"session", 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, false, 0, "INVALID_SESSION_ID"},
		{"bad query", 400, `[{"message":"unexpected token: FROM","errorCode":"MALFORMED_QUERY"}]`, false, 0, "MALFORMED_QUERY: unexpected token: FROM"},
		{"bad field", 400, `[{"message":"\nSELECT Id, Foo__c FROM Contact\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Contact'.","errorCode":"INVALID_FIELD"}]`, false, 0, "INVALID_FIELD: No such column 'Foo__c' on entity 'Contact'."},
		{"locator", 400, `[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}]`, false, 0, "INVALID_QUERY_LOCATOR"},
		{"not salesforce", 404, `<html>Not Found</html>`, false, 0, ""},
		{"unavailable", 503, `[{"message":"Server is unavailable","errorCode":"SERVER_UNAVAILABLE"}]`, true, 0, ""},
		{"unknown", 500, `[{"message":"An unexpected error occurred.","errorCode":"UNKNOWN_EXCEPTION"}]`, true, 0, ""},
		{"html 502", 502, `<html>Bad Gateway</html>`, true, 0, ""},
		{"proxy 429", 429, ``, true, 0, ""},
	} {
		d := p.Classify(resp(tc.status), []byte(tc.body))
		if d.Retry != tc.retry || d.Wait != tc.wait {
			t.Errorf("%s: retry %v wait %v, want %v %v", tc.name, d.Retry, d.Wait, tc.retry, tc.wait)
		}
		if (d.Err != nil) != (tc.err != "") || (d.Err != nil && !strings.Contains(d.Err.Error(), tc.err)) {
			t.Errorf("%s: err %v, want one containing %q", tc.name, d.Err, tc.err)
		}
	}
	if d := (Policy{}).Classify(resp(403), []byte(`[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)); d.Wait != 5*time.Second {
		t.Errorf("default concurrent wait %v, want 5s", d.Wait)
	}
}

func TestPolicyPace(t *testing.T) {
	p := Policy{}
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"api-usage=18/5000", 0},
		{"api-usage=10018/100000; api-bursts=1/750", 0},
		{"api-usage=80000/100000", 100 * time.Millisecond},
		{"api-usage=90000/100000", time.Second},
		{"api-usage=95000/100000; per-app-api-usage=17/250(appName=sample-connected-app)", 5500 * time.Millisecond},
		{"per-app-api-usage=249/250(appName=x); api-usage=100000/100000", 10 * time.Second},
		{"api-usage=120000/100000", 10 * time.Second},
		{"api-usage=garbage", 0},
		{"api-usage=5/0", 0},
	} {
		r := &http.Response{StatusCode: 200, Header: http.Header{}}
		if tc.header != "" {
			r.Header.Set("Sforce-Limit-Info", tc.header)
		}
		if got := p.Pace(r); got != tc.want {
			t.Errorf("Pace(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestNoSecretInErrors(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 10, Contacts: 300, Accounts: 1, Opportunities: 1, MaxBatch: 100},
		streams: []string{"contacts"}, http: func(c *httpclient.Config) { c.RetryMax = 1 }})
	if _, _, err := e.pull(t, "contacts", connector.Cursor{}, far()); err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, f := range []fake.Fault{fake.ServerUnavailable, fake.DropConnection, fake.InvalidLocator, fake.TotalRequestsLimit} {
		e.h.ClearFaults()
		e.h.FailAfter(1, f, 5)
		_, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
		if err == nil {
			t.Errorf("fault %d: no error", f)
		}
		errs = append(errs, err)
	}
	e.h.ClearFaults()
	e.h.RevokeRefreshToken()
	e.h.FailNext(fake.ExpireSession, 1)
	_, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
	errs = append(errs, err)
	if len(e.tokens) == 0 {
		t.Fatalf("saw %d tokens on the wire", len(e.tokens))
	}
	for _, err := range errs {
		e.checkNoSecret(t, err) // the client secret, refresh token and every access token
		if err != nil && strings.Contains(err.Error(), "Bearer") {
			t.Errorf("error shows an Authorization header: %v", err)
		}
	}
	if !strings.Contains(e.logs.String(), "http request") {
		t.Errorf("no debug logs were captured to check")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	vars := map[string]string{"ID": "id-value", "SECRET": "secret-value-123", "REFRESH": "refresh-value-456"}
	base := func() config.Source {
		return config.Source{Name: "crm", Kind: "salesforce",
			Auth:    map[string]string{"client_id": "ID", "client_secret": "SECRET", "refresh_token": "REFRESH"},
			Streams: []config.Stream{{Name: "contacts"}}}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*config.Source)
		want   string
	}{
		{"unknown stream", func(s *config.Source) { s.Streams[0].Name = "leads" }, `unknown stream "leads"`},
		{"missing role", func(s *config.Source) { delete(s.Auth, "refresh_token") }, "auth.refresh_token"},
		{"empty env", func(s *config.Source) { s.Auth["client_secret"] = "UNSET" }, "UNSET is empty"},
		{"bad option", func(s *config.Source) { s.Options = map[string]string{"sandbox": "yes"} }, "options.sandbox"},
		{"bad field type", func(s *config.Source) { s.Streams[0].Fields = []string{"Foo__c:decimal"} }, "not string, int"},
		{"bad field name", func(s *config.Source) { s.Streams[0].Fields = []string{"Foo; DROP"} }, "not a Salesforce field"},
		{"bad login", func(s *config.Source) { s.BaseURL = "ftp://x" }, "not an http(s) URL"},
	} {
		src := base()
		tc.mutate(&src)
		_, err := New(src, connector.Deps{Getenv: func(k string) string { return vars[k] }})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
			continue
		}
		for _, v := range vars {
			if strings.Contains(err.Error(), v) {
				t.Errorf("%s: error shows a secret: %v", tc.name, err)
			}
		}
	}
	streams, err := New(base(), connector.Deps{Getenv: func(k string) string { return vars[k] }})
	if err != nil || len(streams) != 1 || streams[0].Name() != "contacts" {
		t.Fatalf("New: %v %v", streams, err)
	}
}

func TestSOQL(t *testing.T) {
	s := &stream{object: "Contact", fields: []connector.Field{{Name: "Email"}, {Name: "Account.Name"}}}
	since := connector.Cursor{Modified: time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.FixedZone("x", 3600)), ID: "003"}
	upper := time.Date(2024, 1, 3, 0, 0, 0, 1e6, time.UTC)
	got := s.soql(since, upper)
	want := "SELECT Id, SystemModstamp, IsDeleted, Email, Account.Name FROM Contact WHERE SystemModstamp >= 2024-01-02T02:04:05Z AND SystemModstamp <= 2024-01-03T00:00:01Z ORDER BY SystemModstamp, Id"
	if got != want {
		t.Errorf("soql:\n got %s\nwant %s", got, want)
	}
	if got := s.soql(connector.Cursor{}, time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)); !strings.Contains(got, "FROM Contact WHERE SystemModstamp <= 2024-01-03T00:00:00Z ORDER") {
		t.Errorf("soql without a cursor: %s", got)
	}
}

func TestValueParsing(t *testing.T) {
	v, err := value([]byte(`"2024-01-02T03:04:05.000+0100"`), connector.Timestamp)
	if err != nil || !v.(time.Time).Equal(time.Date(2024, 1, 2, 2, 4, 5, 0, time.UTC)) || v.(time.Time).Location() != time.UTC {
		t.Errorf("dateTime: %v %v", v, err)
	}
	if _, err := value([]byte(`"2024-01-02T03:04:05Z"`), connector.Timestamp); err == nil {
		t.Error("a dateTime not in Salesforce's format was accepted")
	}
	if v, _ := value([]byte(`12.0`), connector.Int); v != int64(12) {
		t.Errorf("int 12.0 = %#v", v)
	}
	if v, _ := value([]byte(`1234.56`), connector.Float); v != 1234.56 {
		t.Errorf("float = %#v", v)
	}
	if v, _ := value([]byte(`"O\"Brien"`), connector.String); v != `O"Brien` {
		t.Errorf("escaped string = %#v", v)
	}
	if v, _ := value([]byte(`null`), connector.Date); v != nil {
		t.Errorf("null = %#v", v)
	}
	rec := map[string]json.RawMessage{"Account": json.RawMessage(`{"attributes":{"type":"Account"},"Name":"Company 1"}`), "Owner": json.RawMessage(`null`)}
	if got := string(lookup(rec, "Account.Name")); got != `"Company 1"` {
		t.Errorf("Account.Name = %s", got)
	}
	if got := lookup(rec, "Owner.Name"); got != nil {
		t.Errorf("Owner.Name under a null owner = %s", got)
	}
}

func TestResolveNextStaysOnInstance(t *testing.T) {
	inst, _ := url.Parse("https://x.my.salesforce.com")
	if u, err := resolveNext(inst, "/services/data/v60.0/query/01gD0000002HU6KIAW-2000"); err != nil || u.String() != "https://x.my.salesforce.com/services/data/v60.0/query/01gD0000002HU6KIAW-2000" {
		t.Errorf("resolve: %v %v", u, err)
	}
	if _, err := resolveNext(inst, "https://evil.example.com/services/data/v60.0/query/x-1"); err == nil {
		t.Error("a nextRecordsUrl on another host was followed")
	}
}

// BenchmarkFakeServe measures the fake alone: pages fetched and counted,
// not decoded.
func BenchmarkFakeServe(b *testing.B) {
	const n = 20_000
	h := fake.NewHandler(fake.Options{Seed: 1, Contacts: n, Accounts: 1, Opportunities: 1, DeletedPercent: -1})
	srv := httptest.NewServer(h)
	defer srv.Close()
	tok := fetchToken(b, srv.URL)
	total := 0
	start := time.Now()
	for b.Loop() {
		got := fetchAll(b, srv.URL, tok, "SELECT Id, SystemModstamp, IsDeleted, FirstName, LastName, Email, Phone, AccountId, LeadSource, CreatedDate FROM Contact ORDER BY SystemModstamp, Id")
		if got != n {
			b.Fatalf("fake served %d records, want %d", got, n)
		}
		total += got
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "records/s")
}

func fetchToken(t testing.TB, base string) string {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {fake.DefaultClientID}, "client_secret": {fake.DefaultClientSecret}, "refresh_token": {fake.DefaultRefreshToken}}
	res, err := http.PostForm(base+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	tok, _, _ := strings.Cut(strings.TrimPrefix(string(b), `{"access_token":"`), `"`)
	return tok
}

func fetchAll(t testing.TB, base, tok, soql string) int {
	t.Helper()
	next := "/services/data/v60.0/queryAll?" + url.Values{"q": {soql}}.Encode()
	n := 0
	for next != "" {
		req, _ := http.NewRequest(http.MethodGet, base+next, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		// Count without decoding: this measures the fake, not the connector.
		n += bytes.Count(b, []byte(`{"attributes":`))
		next = ""
		if _, rest, ok := bytes.Cut(b, []byte(`"nextRecordsUrl":"`)); ok {
			u, _, _ := bytes.Cut(rest, []byte(`"`))
			next = string(u)
		}
	}
	return n
}

func BenchmarkPull(b *testing.B) {
	const n = 60_000
	e := newEnv(b, setup{opts: fake.Options{Seed: 11, Contacts: n, Accounts: 1, Opportunities: 1}, streams: []string{"contacts"},
		http: func(c *httpclient.Config) { c.Log = zerolog.Nop() }})
	b.ResetTimer()
	total := 0
	start := time.Now()
	for b.Loop() {
		err := e.streams["contacts"].Pull(context.Background(), connector.Cursor{}, far(), func(rs []connector.Record) error {
			total += len(rs)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "records/s")
	if total%n != 0 {
		b.Fatalf("pulled %d records, not a multiple of %d", total, n)
	}
}

func TestUnknownFieldFailsClearly(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 12, Contacts: 50, Accounts: 1, Opportunities: 1}, streams: []string{"contacts"},
		src: func(s *config.Source) { s.Streams[0].Fields = []string{"Favourite_Colour__c"} }})
	_, _, err := e.pull(t, "contacts", connector.Cursor{}, far())
	if err == nil || !strings.Contains(err.Error(), "INVALID_FIELD: No such column 'Favourite_Colour__c' on entity 'Contact'") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("want a 400 INVALID_FIELD error, got %v", err)
	}
	if st := e.h.Stats(); st.DataRequests != 1 {
		t.Errorf("%d data requests, want 1 (not retried)", st.DataRequests)
	}
}

func TestStreamsShareOneSessionConcurrently(t *testing.T) {
	e := newEnv(t, setup{opts: fake.Options{Seed: 13, Contacts: 900, Accounts: 300, Opportunities: 600, MaxBatch: 100}})
	e.h.FailAfter(4, fake.ExpireSession, 1)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for name := range e.streams {
		wg.Go(func() {
			err := e.streams[name].Pull(context.Background(), connector.Cursor{}, far(), func([]connector.Record) error { return nil })
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if st := e.h.Stats(); st.TokenRequests != 2 {
		t.Errorf("%d token requests for three streams and one expiry, want 2", st.TokenRequests)
	}
}
