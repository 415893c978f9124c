package googleads

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/connector/googleads/fake"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging/logtest"
)

// Secrets as the environment holds them; distinctive so a leak is found.
const (
	devToken     = "devtok-S3CRET-1111"
	clientID     = "client-id-S3CRET-2222.apps.googleusercontent.com"
	clientSecret = "client-secret-S3CRET-3333"
	refreshToken = "refresh-S3CRET-4444"
)

type env struct {
	srv  *httptest.Server
	h    *fake.Handler
	opts fake.Options
	vars map[string]string
	logs *logtest.SyncBuffer
}

func newEnv(t testing.TB, opts fake.Options) *env {
	t.Helper()
	opts.DeveloperToken, opts.ClientID, opts.ClientSecret, opts.RefreshToken = devToken, clientID, clientSecret, refreshToken
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	h := fake.NewHandler(opts)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	if opts.CustomerID == "" {
		opts.CustomerID = fake.DefaultCustomerID
	}
	return &env{srv: srv, h: h, opts: opts, logs: &logtest.SyncBuffer{}, vars: map[string]string{
		"GADS_DEV": devToken, "GADS_CID": clientID, "GADS_CSECRET": clientSecret, "GADS_REFRESH": refreshToken,
	}}
}

func (e *env) source(options map[string]string, streams ...string) config.Source {
	src := config.Source{
		Name: "gads", Kind: "google_ads", BaseURL: e.srv.URL, Account: "123-456-7890",
		Auth: map[string]string{
			"developer_token": "GADS_DEV", "client_id": "GADS_CID",
			"client_secret": "GADS_CSECRET", "refresh_token": "GADS_REFRESH",
		},
		RateLimit: 1000,
		Options:   map[string]string{"token_url": e.srv.URL, "currency": "EUR"},
	}
	for k, v := range options {
		src.Options[k] = v
	}
	for _, s := range streams {
		src.Streams = append(src.Streams, config.Stream{Name: s})
	}
	return src
}

func (e *env) deps() connector.Deps {
	return connector.Deps{
		Getenv: func(k string) string { return e.vars[k] },
		Log:    zerolog.New(e.logs).Level(zerolog.DebugLevel),
		HTTP: httpclient.Config{
			Log:      zerolog.New(e.logs).Level(zerolog.DebugLevel),
			RetryMax: 3, WaitMin: time.Millisecond, WaitMax: 20 * time.Millisecond,
			Timeout: 2 * time.Second, MaxHintWait: time.Second,
		},
		Now: time.Now,
	}
}

func (e *env) daily(t testing.TB, options map[string]string, name string, mod ...func(*connector.Deps)) connector.Daily {
	t.Helper()
	deps := e.deps()
	for _, m := range mod {
		m(&deps)
	}
	streams, err := New(e.source(options, name), deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return streams[0].(connector.Daily)
}

type result struct {
	recs  []connector.Record
	pages int
	err   error
}

func pull(d connector.Daily, from, to time.Time) result {
	var r result
	r.err = d.PullDays(context.Background(), from, to, func(recs []connector.Record) error {
		r.pages++
		r.recs = append(r.recs, recs...)
		return nil
	})
	return r
}

// fault is n answers of one kind the fake gives before it answers well.
type fault struct {
	n int
	f fake.Fault
}

// pullFaulty pulls campaign_daily of 2024-01-01 from a fake with opts that
// first gives faults, in order, with mod applied to the connector's
// dependencies. It returns the fake, the result and how long the pull took.
func pullFaulty(t *testing.T, opts fake.Options, faults []fault, mod ...func(*connector.Deps)) (*fake.Handler, result, time.Duration) {
	t.Helper()
	e := newEnv(t, opts)
	d := e.daily(t, nil, CampaignDaily, mod...)
	for _, f := range faults {
		e.h.FailNext(f.n, f.f)
	}
	start := time.Now()
	r := pull(d, day("2024-01-01"), day("2024-01-01"))
	return e.h, r, time.Since(start)
}

// shortTimeout gives up on an HTTP request after 100 ms.
func shortTimeout(dp *connector.Deps) { dp.HTTP.Timeout = 100 * time.Millisecond }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

type key struct {
	id  string
	day time.Time
}

// unique indexes records by (ID, Day) and fails on a duplicate.
func unique(t *testing.T, recs []connector.Record) map[key]connector.Record {
	t.Helper()
	m := map[key]connector.Record{}
	for _, r := range recs {
		k := key{r.ID, r.Day}
		if _, dup := m[k]; dup {
			t.Fatalf("duplicate record %s on %s", r.ID, r.Day.Format(time.DateOnly))
		}
		m[k] = r
	}
	return m
}

func checkSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range []string{devToken, clientID, clientSecret, refreshToken, "ya29."} {
		if strings.Contains(s, sec) {
			t.Errorf("%s reveals a secret (%q): %s", what, sec, s)
		}
	}
}

func TestPullDaysPagingAndTypes(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 25, AdGroupsPerCampaign: 3, BatchSize: 7})
	d := e.daily(t, map[string]string{"days_per_request": "3"}, CampaignDaily)
	from, to := day("2024-01-01"), day("2024-01-08")
	r := pull(d, from, to)
	if r.err != nil {
		t.Fatal(r.err)
	}
	// 8 days in requests of 3, 3 and 2 days: 75, 75 and 50 rows in batches of 7.
	if want := 11 + 11 + 8; r.pages != want {
		t.Errorf("pages = %d, want %d", r.pages, want)
	}
	if st := e.h.Stats(); st.StreamRequests != 3 || st.TokenRequests != 1 {
		t.Errorf("stats = %+v, want 3 stream requests and 1 token request", st)
	}
	got := unique(t, r.recs)
	if len(got) != 8*25 {
		t.Fatalf("records = %d, want %d", len(got), 8*25)
	}
	fields := d.Fields()
	for dd := from; !dd.After(to); dd = dd.AddDate(0, 0, 1) {
		for i := range 25 {
			id := fmt.Sprint(fake.CampaignID(i))
			rec, ok := got[key{id, dd}]
			if !ok {
				t.Fatalf("missing campaign %s on %s", id, dd.Format(time.DateOnly))
			}
			for _, f := range fields {
				if _, ok := rec.Fields[f.Name]; !ok {
					t.Fatalf("record lacks field %s", f.Name)
				}
			}
			want := fake.MetricsFor(7, fake.CampaignID(i), dd.Unix()/86400, 0)
			if rec.Fields["cost"] != float64(want.CostMicros)/1e6 || rec.Fields["impressions"] != want.Impressions ||
				rec.Fields["clicks"] != want.Clicks || rec.Fields["conversions"] != want.Conversions ||
				rec.Fields["conversions_value"] != want.ConversionsValue {
				t.Fatalf("metrics of %s on %s = %v, want %+v", id, dd.Format(time.DateOnly), rec.Fields, want)
			}
			if rec.Fields["campaign_name"] != fmt.Sprintf("Campaign %d", i+1) || rec.Fields["currency"] != "EUR" ||
				rec.Fields["customer_id"] != "1234567890" || rec.Fields["campaign_id"] != id {
				t.Fatalf("fields = %v", rec.Fields)
			}
			if s, _ := rec.Fields["campaign_status"].(string); s == "" {
				t.Fatalf("campaign_status = %v", rec.Fields["campaign_status"])
			}
			if !rec.Day.Equal(dd) || rec.Day.Location() != time.UTC || rec.Fields["date"] != rec.Day {
				t.Fatalf("day = %v, date field %v, want %v UTC", rec.Day, rec.Fields["date"], dd)
			}
		}
	}
	// Spot check one exact conversion: a known cost in micros becomes currency units.
	var sample connector.Record
	for _, rec := range r.recs {
		if c := rec.Fields["cost"].(float64); c > 0 {
			sample = rec
			break
		}
	}
	micros := fake.MetricsFor(7, mustInt(sample.ID), sample.Day.Unix()/86400, 0).CostMicros
	if micros <= 0 || sample.Fields["cost"].(float64) != float64(micros)/1e6 {
		t.Errorf("cost %v is not %d micros", sample.Fields["cost"], micros)
	}
}

func mustInt(s string) int64 {
	var v int64
	if _, err := fmt.Sscan(s, &v); err != nil {
		panic(err)
	}
	return v
}

func TestAdGroupDaily(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 4, AdGroupsPerCampaign: 5, BatchSize: 6})
	d := e.daily(t, nil, AdGroupDaily)
	r := pull(d, day("2024-03-01"), day("2024-03-04"))
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := unique(t, r.recs)
	if len(got) != 4*4*5 {
		t.Fatalf("records = %d, want 80", len(got))
	}
	rec := got[key{fmt.Sprint(fake.AdGroupID(2, 3)), day("2024-03-02")}]
	if rec.Fields["campaign_id"] != fmt.Sprint(fake.CampaignID(2)) || rec.Fields["ad_group_name"] != "Ad group 3.4" ||
		rec.Fields["ad_group_id"] != rec.ID {
		t.Errorf("fields = %v", rec.Fields)
	}
	if _, ok := rec.Fields["campaign_name"]; ok {
		t.Errorf("ad group records carry campaign_name")
	}
}

// TestPullDaysBatchEdges is the daily counterpart of ties at a page edge:
// one day's rows straddle batch boundaries and batches mix days; every
// (id, day) arrives exactly once.
func TestPullDaysBatchEdges(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 10, BatchSize: 4})
	d := e.daily(t, map[string]string{"days_per_request": "5"}, CampaignDaily)
	r := pull(d, day("2024-02-27"), day("2024-03-02")) // across a month end, leap day included
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.pages != 13 { // 50 rows in batches of 4
		t.Errorf("pages = %d, want 13", r.pages)
	}
	got := unique(t, r.recs)
	if len(got) != 50 {
		t.Fatalf("records = %d, want 50", len(got))
	}
	if _, ok := got[key{fmt.Sprint(fake.CampaignID(9)), day("2024-02-29")}]; !ok {
		t.Error("leap day missing")
	}
}

func TestResumeAfterCrash(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 12, BatchSize: 5})
	d := e.daily(t, nil, CampaignDaily)
	from, to := day("2024-01-01"), day("2024-01-05")
	// Requests 1 and 2 (days 1 and 2) succeed; day 3's request is cut off
	// after one batch on every attempt (1 + RetryMax).
	e.h.FailAfter(2, 4, fake.Fault{Kind: fake.Drop, After: 1})
	first := pull(d, from, to)
	if first.err == nil {
		t.Fatal("pull through a dropped connection succeeded")
	}
	if !strings.Contains(first.err.Error(), "2024-01-03") {
		t.Errorf("error does not name the failed days: %v", first.err)
	}
	if len(first.recs) != 2*12 {
		t.Errorf("emitted %d records before the crash, want 24", len(first.recs))
	}
	if st := e.h.Stats(); st.StreamRequests != 2+4 {
		t.Errorf("stream requests = %d, want 6", st.StreamRequests)
	}
	// The caller committed nothing; the next run pulls the same days again.
	second := pull(d, from, to)
	if second.err != nil {
		t.Fatal(second.err)
	}
	got := unique(t, second.recs)
	if len(got) != 5*12 {
		t.Fatalf("second pull = %d records, want 60", len(got))
	}
	merged := map[key]connector.Record{}
	for _, r := range append(first.recs, second.recs...) {
		merged[key{r.ID, r.Day}] = r
	}
	if len(merged) != 60 {
		t.Errorf("merged = %d records, want 60", len(merged))
	}
}

func TestRefreshOn401(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 3})
	d := e.daily(t, nil, CampaignDaily)
	if r := pull(d, day("2024-01-01"), day("2024-01-01")); r.err != nil {
		t.Fatal(r.err)
	}
	e.h.ExpireTokens() // the token dies before its announced expiry
	r := pull(d, day("2024-01-02"), day("2024-01-02"))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.recs) != 3 {
		t.Errorf("records = %d, want 3", len(r.recs))
	}
	if st := e.h.Stats(); st.TokenRequests != 2 || st.StreamRequests != 3 {
		t.Errorf("stats = %+v, want 2 token and 3 stream requests", st)
	}
}

func TestExpiredTokenRefreshedBeforeUse(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 2})
	var mu sync.Mutex
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	d := e.daily(t, nil, CampaignDaily, func(dp *connector.Deps) {
		dp.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	for _, s := range []string{"2024-01-01", "2024-01-02"} {
		if r := pull(d, day(s), day(s)); r.err != nil {
			t.Fatal(r.err)
		}
		mu.Lock()
		now = now.Add(fake.DefaultTokenTTL) // the token is about to expire
		mu.Unlock()
	}
	if st := e.h.Stats(); st.TokenRequests != 2 || st.StreamRequests != 2 {
		t.Errorf("stats = %+v, want a fresh token per request and no 401", st)
	}
}

func TestUnauthenticatedAfterRefresh(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 2})
	d := e.daily(t, nil, CampaignDaily)
	e.h.FailNext(5, fake.Fault{Kind: fake.Unauthenticated})
	r := pull(d, day("2024-01-01"), day("2024-01-01"))
	if r.err == nil || !strings.Contains(r.err.Error(), "UNAUTHENTICATED") || !strings.Contains(r.err.Error(), "HTTP 401") {
		t.Fatalf("err = %v, want a clear 401", r.err)
	}
	if st := e.h.Stats(); st.StreamRequests != 2 || st.TokenRequests != 2 {
		t.Errorf("stats = %+v, want one refresh and one retry, no more", st)
	}
	checkSecrets(t, "error", r.err.Error())
}

func TestBadRefreshToken(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 2})
	e.vars["GADS_REFRESH"] = "refresh-S3CRET-revoked"
	d := e.daily(t, nil, CampaignDaily)
	r := pull(d, day("2024-01-01"), day("2024-01-01"))
	if r.err == nil || !strings.Contains(r.err.Error(), "invalid_grant") {
		t.Fatalf("err = %v, want invalid_grant", r.err)
	}
	if st := e.h.Stats(); st.TokenRequests != 1 || st.StreamRequests != 0 {
		t.Errorf("stats = %+v, want one token request and no stream request", st)
	}
	checkSecrets(t, "error", r.err.Error())
	if strings.Contains(r.err.Error(), "revoked") {
		t.Errorf("error reveals the refresh token: %v", r.err)
	}
}

func TestThrottleHonoursRetryDelay(t *testing.T) {
	h, r, el := pullFaulty(t, fake.Options{Campaigns: 3}, []fault{{2, fake.Fault{Kind: fake.RateLimited, RetryDelay: 60 * time.Millisecond}}})
	if r.err != nil {
		t.Fatal(r.err)
	}
	// WaitMax is 20 ms: only the hint explains two waits of 60 ms.
	if el < 120*time.Millisecond {
		t.Errorf("took %v, want at least the two hinted 60 ms waits", el)
	}
	if st := h.Stats(); st.StreamRequests != 3 || len(r.recs) != 3 {
		t.Errorf("stats = %+v, records %d", st, len(r.recs))
	}
}

func TestDailyQuotaFailsFast(t *testing.T) {
	h, r, el := pullFaulty(t, fake.Options{Campaigns: 3}, []fault{{1, fake.Fault{Kind: fake.QuotaExhausted}}})
	if r.err == nil || !strings.Contains(r.err.Error(), "quota exhausted") || !strings.Contains(r.err.Error(), "24h0m0s") {
		t.Fatalf("err = %v, want a quota error", r.err)
	}
	if el > time.Second {
		t.Errorf("took %v", el)
	}
	if st := h.Stats(); st.StreamRequests != 1 {
		t.Errorf("stream requests = %d, want 1 (no retry)", st.StreamRequests)
	}
}

func Test5xxThenSuccess(t *testing.T) {
	h, r, _ := pullFaulty(t, fake.Options{Campaigns: 3}, []fault{{1, fake.Fault{Kind: fake.Unavailable}}, {1, fake.Fault{Kind: fake.Internal}}})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if st := h.Stats(); st.StreamRequests != 3 || len(r.recs) != 3 {
		t.Errorf("stats = %+v, records %d", st, len(r.recs))
	}
}

func Test5xxBeyondRetries(t *testing.T) {
	_, r, _ := pullFaulty(t, fake.Options{Campaigns: 3}, []fault{{4, fake.Fault{Kind: fake.Unavailable}}})
	if r.err == nil || !strings.Contains(r.err.Error(), "HTTP 503 after 4 attempt(s)") {
		t.Fatalf("err = %v", r.err)
	}
}

func TestTimeoutRetried(t *testing.T) {
	h, r, el := pullFaulty(t, fake.Options{Campaigns: 3}, []fault{{1, fake.Fault{Kind: fake.Stall, Stall: 10 * time.Second}}}, shortTimeout)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if el > 2*time.Second || len(r.recs) != 3 {
		t.Errorf("took %v, records %d", el, len(r.recs))
	}
	if st := h.Stats(); st.StreamRequests != 2 {
		t.Errorf("stream requests = %d, want 2", st.StreamRequests)
	}
}

func TestTimeoutGivesUp(t *testing.T) {
	_, r, _ := pullFaulty(t, fake.Options{Campaigns: 3}, []fault{{4, fake.Fault{Kind: fake.Stall, Stall: 10 * time.Second}}}, shortTimeout)
	if r.err == nil || !strings.Contains(r.err.Error(), "giving up after 4 attempts") || !strings.Contains(r.err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout after 4 attempts", r.err)
	}
}

func TestMalformedBatch(t *testing.T) {
	for _, kind := range []fake.FaultKind{fake.Malformed, fake.WrongShape} {
		h, r, _ := pullFaulty(t, fake.Options{Campaigns: 12, BatchSize: 5}, []fault{{1, fake.Fault{Kind: kind, After: 2}}})
		if r.err == nil || !strings.Contains(r.err.Error(), "batch 3") || !strings.Contains(r.err.Error(), "2024-01-01") {
			t.Fatalf("kind %d: err = %v, want an error naming batch 3", kind, r.err)
		}
		if r.pages != 2 || len(r.recs) != 10 {
			t.Errorf("kind %d: emitted %d pages, %d records before the bad batch", kind, r.pages, len(r.recs))
		}
		if st := h.Stats(); st.StreamRequests != 1 {
			t.Errorf("kind %d: stream requests = %d, want 1", kind, st.StreamRequests)
		}
	}
}

func TestErrorInside200Stream(t *testing.T) {
	t.Run("transient is retried", func(t *testing.T) {
		h, r, _ := pullFaulty(t, fake.Options{Campaigns: 12, BatchSize: 5}, []fault{{1, fake.Fault{Kind: fake.StreamError, After: 2, Status: "INTERNAL"}}})
		if r.err != nil {
			t.Fatal(r.err)
		}
		if got := unique(t, r.recs); len(got) != 12 {
			t.Errorf("records = %d, want 12", len(got))
		}
		if st := h.Stats(); st.StreamRequests != 2 {
			t.Errorf("stream requests = %d, want 2", st.StreamRequests)
		}
	})
	t.Run("permanent fails", func(t *testing.T) {
		h, r, _ := pullFaulty(t, fake.Options{Campaigns: 12, BatchSize: 5}, []fault{{1, fake.Fault{Kind: fake.StreamError, After: 1, Status: "INVALID_ARGUMENT"}}})
		if r.err == nil || !strings.Contains(r.err.Error(), "mid-stream") || !strings.Contains(r.err.Error(), "INVALID_ARGUMENT") {
			t.Fatalf("err = %v", r.err)
		}
		if st := h.Stats(); st.StreamRequests != 1 {
			t.Errorf("stream requests = %d, want 1", st.StreamRequests)
		}
	})
	t.Run("transient beyond retries", func(t *testing.T) {
		_, r, _ := pullFaulty(t, fake.Options{Campaigns: 12, BatchSize: 5}, []fault{{4, fake.Fault{Kind: fake.StreamError, After: 1, Status: "UNAVAILABLE"}}})
		if r.err == nil || !strings.Contains(r.err.Error(), "mid-stream") {
			t.Fatalf("err = %v", r.err)
		}
		if len(r.recs) != 0 {
			t.Errorf("emitted %d records of a failed stream", len(r.recs))
		}
	})
}

func TestRestatedDay(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 6})
	d := e.daily(t, nil, CampaignDaily)
	from, to := day("2024-05-01"), day("2024-05-05")
	before := pull(d, from, to)
	if before.err != nil {
		t.Fatal(before.err)
	}
	restated := day("2024-05-03")
	e.h.Restate(restated)
	after := pull(d, from, to)
	if after.err != nil {
		t.Fatal(after.err)
	}
	b, a := unique(t, before.recs), unique(t, after.recs)
	if len(a) != len(b) || len(a) != 30 {
		t.Fatalf("records before %d, after %d, want 30", len(b), len(a))
	}
	changed := 0
	for k, ra := range a {
		rb := b[k]
		same := fmt.Sprint(ra.Fields) == fmt.Sprint(rb.Fields)
		if !k.day.Equal(restated) {
			if !same {
				t.Errorf("%s on %s changed without a restatement", k.id, k.day.Format(time.DateOnly))
			}
			continue
		}
		want := fake.MetricsFor(7, mustInt(k.id), restated.Unix()/86400, 1)
		if ra.Fields["impressions"] != want.Impressions || ra.Fields["cost"] != float64(want.CostMicros)/1e6 {
			t.Errorf("%s: restated metrics %v, want %+v", k.id, ra.Fields, want)
		}
		if !same {
			changed++
		}
	}
	if changed == 0 {
		t.Error("the restated day came back unchanged")
	}
}

func TestLoginCustomerID(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 2, LoginCustomerID: "9998887777"})
	ok := e.daily(t, map[string]string{"login_customer_id": "999-888-7777"}, CampaignDaily)
	if r := pull(ok, day("2024-01-01"), day("2024-01-01")); r.err != nil || len(r.recs) != 2 {
		t.Fatalf("with login-customer-id: %v, %d records", r.err, len(r.recs))
	}
	without := e.daily(t, nil, CampaignDaily)
	r := pull(without, day("2024-01-01"), day("2024-01-01"))
	if r.err == nil || !strings.Contains(r.err.Error(), "USER_PERMISSION_DENIED") || !strings.Contains(r.err.Error(), "HTTP 403 after 1 attempt") {
		t.Fatalf("without login-customer-id: err = %v", r.err)
	}
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 2})
	var errs []error
	// A wrong developer token: the API refuses it (401 DEVELOPER_TOKEN_INVALID).
	e.vars["GADS_DEV"] = "devtok-S3CRET-wrong"
	d := e.daily(t, nil, CampaignDaily)
	r := pull(d, day("2024-01-01"), day("2024-01-01"))
	if r.err == nil || !strings.Contains(r.err.Error(), "DEVELOPER_TOKEN_INVALID") {
		t.Fatalf("err = %v", r.err)
	}
	errs = append(errs, r.err)
	e.vars["GADS_DEV"] = devToken
	d = e.daily(t, nil, CampaignDaily)
	for _, f := range []fake.Fault{{Kind: fake.QuotaExhausted}, {Kind: fake.Malformed}, {Kind: fake.StreamError, Status: "PERMISSION_DENIED"}} {
		e.h.FailNext(1, f)
		errs = append(errs, pull(d, day("2024-01-01"), day("2024-01-01")).err)
	}
	e.h.FailNext(2, fake.Fault{Kind: fake.Unauthenticated})
	errs = append(errs, pull(d, day("2024-01-01"), day("2024-01-01")).err)
	// The token endpoint refusing the client.
	e.vars["GADS_CSECRET"] = "client-secret-S3CRET-wrong"
	errs = append(errs, pull(e.daily(t, nil, CampaignDaily), day("2024-01-01"), day("2024-01-01")).err)
	for _, err := range errs {
		if err == nil {
			t.Fatal("an injected failure did not fail the pull")
		}
		checkSecrets(t, "error", err.Error())
		if strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("error reveals a secret: %v", err)
		}
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "http request") {
		t.Fatalf("no debug logs captured: %q", logs)
	}
	checkSecrets(t, "logs", logs)
	if strings.Contains(logs, "S3CRET") {
		t.Errorf("logs reveal a secret")
	}
}

func TestNewErrors(t *testing.T) {
	e := newEnv(t, fake.Options{})
	cases := []struct {
		name string
		mod  func(*config.Source)
		want string
		is   error
	}{
		{"unknown stream", func(s *config.Source) { s.Streams = []config.Stream{{Name: "keywords_daily"}} }, `"keywords_daily"`, ErrUnknownStream},
		{"no auth role", func(s *config.Source) { delete(s.Auth, "refresh_token") }, "auth.refresh_token", ErrMissingSecret},
		{"empty env var", func(s *config.Source) { s.Auth["client_secret"] = "GADS_UNSET" }, "GADS_UNSET", ErrMissingSecret},
		{"bad account", func(s *config.Source) { s.Account = "act_123" }, "not a customer id", nil},
		{"unknown option", func(s *config.Source) { s.Options["page_token"] = "x" }, "options.page_token", nil},
		{"bad days_per_request", func(s *config.Source) { s.Options["days_per_request"] = "0" }, "days_per_request", nil},
		{"extra fields", func(s *config.Source) { s.Streams[0].Fields = []string{"metrics.ctr"} }, "extra fields", nil},
	}
	for _, c := range cases {
		src := e.source(nil, CampaignDaily)
		c.mod(&src)
		_, err := New(src, e.deps())
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	streams, err := New(e.source(nil, CampaignDaily, AdGroupDaily), e.deps())
	if err != nil || len(streams) != 2 || streams[0].Name() != CampaignDaily || streams[1].Name() != AdGroupDaily {
		t.Fatalf("New = %v, %v", streams, err)
	}
}

func TestEmitErrorStops(t *testing.T) {
	e := newEnv(t, fake.Options{Campaigns: 10, BatchSize: 3})
	d := e.daily(t, nil, CampaignDaily)
	stop := errors.New("disk full")
	calls := 0
	err := d.PullDays(context.Background(), day("2024-01-01"), day("2024-01-03"), func([]connector.Record) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
}

func BenchmarkPull(b *testing.B) {
	const campaigns, days = 5000, 10
	e := newEnv(b, fake.Options{Campaigns: campaigns})
	d := e.daily(b, map[string]string{"days_per_request": "5"}, CampaignDaily, func(dp *connector.Deps) {
		dp.Log, dp.HTTP.Log = zerolog.Nop(), zerolog.Nop()
	})
	from := day("2024-01-01")
	to := from.AddDate(0, 0, days-1)
	b.ResetTimer()
	start := time.Now()
	total := 0
	for b.Loop() {
		n := 0
		err := d.PullDays(context.Background(), from, to, func(recs []connector.Record) error {
			n += len(recs)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != campaigns*days {
			b.Fatalf("records = %d", n)
		}
		total += n
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "records/s")
}
