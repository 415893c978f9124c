package meta

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
	"github.com/segmint/segmint/lib/connector/meta/fake"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging/logtest"
)

const (
	testToken = "EAAGsecretTOKEN0123456789abcdef"
	tokenEnv  = "SEGMINT_META_TOKEN"
)

// env is one test's fake, stream and recorders.
type env struct {
	h      *fake.Handler
	srv    *httptest.Server
	st     connector.Daily
	logs   *logtest.SyncBuffer
	mu     sync.Mutex
	sleeps []time.Duration
}

func (e *env) slept() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

type setupOpt struct {
	fake   fake.Options
	source func(*config.Source)
	deps   func(*connector.Deps)
	policy Policy
}

func setup(t testing.TB, o setupOpt) *env {
	t.Helper()
	if o.fake.Token == "" {
		o.fake.Token = testToken
	}
	if o.fake.Ads == 0 {
		o.fake.Ads = 30
	}
	if o.policy.Minute == 0 {
		o.policy.Minute = 10 * time.Millisecond
	}
	e := &env{h: fake.NewHandler(o.fake), logs: &logtest.SyncBuffer{}}
	e.srv = httptest.NewServer(e.h)
	t.Cleanup(e.srv.Close)
	src := config.Source{
		Name: "meta", Kind: "meta", BaseURL: e.srv.URL, Account: fake.DefaultAccount,
		Auth: map[string]string{"token": tokenEnv}, RateLimit: 100000, PageSize: 7,
		Streams: []config.Stream{{Name: StreamAdInsights}},
	}
	if o.source != nil {
		o.source(&src)
	}
	deps := connector.Deps{
		Getenv: func(k string) string {
			if k == tokenEnv {
				return testToken
			}
			return ""
		},
		Log: zerolog.New(e.logs).Level(zerolog.DebugLevel),
		HTTP: httpclient.Config{
			RetryMax: 3, WaitMin: time.Millisecond, WaitMax: 20 * time.Millisecond,
			Timeout: 2 * time.Second, MaxHintWait: 200 * time.Millisecond,
			Sleep: func(ctx context.Context, d time.Duration) error {
				e.mu.Lock()
				e.sleeps = append(e.sleeps, d)
				e.mu.Unlock()
				return ctx.Err()
			},
		},
		Now: time.Now,
	}
	if o.deps != nil {
		o.deps(&deps)
	}
	streams, err := newStreams(src, deps, o.policy)
	if err != nil {
		t.Fatalf("newStreams: %v", err)
	}
	if len(streams) != 1 {
		t.Fatalf("got %d streams, want 1", len(streams))
	}
	e.st = streams[0].(connector.Daily)
	return e
}

func day(s string) time.Time {
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// pull runs PullDays and returns the records, the number of pages emitted
// and the error.
func pull(e *env, from, to string) ([]connector.Record, int, error) {
	var recs []connector.Record
	pages := 0
	err := e.st.PullDays(context.Background(), day(from), day(to), func(rs []connector.Record) error {
		pages++
		recs = append(recs, rs...)
		return nil
	})
	return recs, pages, err
}

type key struct {
	id  string
	day string
}

func keyOf(r connector.Record) key { return key{r.ID, r.Day.Format(dayLayout)} }

// checkComplete asserts recs are exactly the fake's rows, each once, with
// the right typed values.
func checkComplete(t *testing.T, e *env, recs []connector.Record, from, to string) {
	t.Helper()
	want := e.h.Expected(day(from), day(to))
	if len(recs) != len(want) {
		t.Errorf("got %d records, want %d", len(recs), len(want))
	}
	got := map[key]connector.Record{}
	for _, r := range recs {
		k := keyOf(r)
		if _, dup := got[k]; dup {
			t.Errorf("record %v delivered twice", k)
		}
		got[k] = r
	}
	fields := e.st.Fields()
	for _, in := range want {
		r, ok := got[key{in.AdID, in.DateStart}]
		if !ok {
			t.Errorf("record ad %s day %s missing", in.AdID, in.DateStart)
			continue
		}
		for _, f := range fields {
			if _, ok := r.Fields[f.Name]; !ok {
				t.Fatalf("record %s/%s lacks field %s", in.AdID, in.DateStart, f.Name)
			}
		}
		if r.Day.Location() != time.UTC || !r.Day.Equal(day(in.DateStart)) {
			t.Errorf("Day = %v, want %s UTC", r.Day, in.DateStart)
		}
		checks := map[string]any{
			"impressions": in.Impressions, "reach": in.Reach, "clicks": in.Clicks,
			"spend": in.Spend(), "link_clicks": in.LinkClicks, "landing_page_views": in.LandingPageViews,
			"leads": in.Leads, "purchases": in.Purchases, "purchase_value": in.PurchaseValue(),
			"ad_id": in.AdID, "ad_name": in.AdName, "campaign_id": in.CampaignID, "campaign_name": in.CampaignName,
			"adset_id": in.AdsetID, "account_currency": "USD", "account_id": "1234567890",
			"date_start": day(in.DateStart), "date_stop": day(in.DateStart),
		}
		for name, w := range checks {
			if g := r.Fields[name]; g != w {
				t.Errorf("%s/%s %s = %#v (%T), want %#v (%T)", in.AdID, in.DateStart, name, g, g, w, w)
			}
		}
	}
}

func TestSyncPullPagesEveryRecordOnce(t *testing.T) {
	e := setup(t, setupOpt{})
	recs, pages, err := pull(e, "2024-03-01", "2024-03-05")
	if err != nil {
		t.Fatal(err)
	}
	if pages < 15 {
		t.Errorf("only %d pages: paging not exercised", pages)
	}
	checkComplete(t, e, recs, "2024-03-01", "2024-03-05")
	if s := e.h.Stats(); s.ReportRuns != 0 || s.Pages != pages {
		t.Errorf("stats %+v: want a synchronous read of %d pages", s, pages)
	}
	// A spot check of money parsed from a string.
	for _, r := range recs {
		if v, ok := r.Fields["spend"].(float64); !ok || v < 0 {
			t.Fatalf("spend %#v is not a float64 amount", r.Fields["spend"])
		}
	}
}

// Ads of one day span page edges (page size 7, about 28 ads a day): each
// day must come back whole, each (ad, day) once.
func TestDaySplitAcrossPageEdges(t *testing.T) {
	e := setup(t, setupOpt{})
	var pagesPerDay = map[string]map[int]bool{}
	n := 0
	var recs []connector.Record
	err := e.st.PullDays(context.Background(), day("2024-03-01"), day("2024-03-03"), func(rs []connector.Record) error {
		n++
		for _, r := range rs {
			d := r.Day.Format(dayLayout)
			if pagesPerDay[d] == nil {
				pagesPerDay[d] = map[int]bool{}
			}
			pagesPerDay[d][n] = true
		}
		recs = append(recs, rs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for d, p := range pagesPerDay {
		if len(p) < 2 {
			t.Errorf("day %s fits on one page: the edge is not exercised", d)
		}
	}
	checkComplete(t, e, recs, "2024-03-01", "2024-03-03")
}

func TestAsyncReportRun(t *testing.T) {
	e := setup(t, setupOpt{fake: fake.Options{AsyncPolls: 3}, source: func(s *config.Source) { s.PageSize = 100 }})
	recs, _, err := pull(e, "2024-02-01", "2024-03-01")
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, e, recs, "2024-02-01", "2024-03-01")
	s := e.h.Stats()
	if s.ReportRuns != 1 || s.Polls != 4 {
		t.Errorf("stats %+v: want 1 report run polled 4 times", s)
	}
	// The waits between polls go through the injected sleep and grow.
	var polls []time.Duration
	polls = append(polls, e.slept()...)
	if len(polls) != 3 || polls[0] != DefaultPollInterval || polls[1] != 2*DefaultPollInterval || polls[2] != 4*DefaultPollInterval {
		t.Errorf("poll waits %v, want %v doubling, 3 times", polls, DefaultPollInterval)
	}
}

func TestAsyncDaysOption(t *testing.T) {
	e := setup(t, setupOpt{source: func(s *config.Source) { s.Options = map[string]string{"async_days": "2"}; s.PageSize = 50 }})
	if _, _, err := pull(e, "2024-03-01", "2024-03-02"); err != nil {
		t.Fatal(err)
	}
	if s := e.h.Stats(); s.ReportRuns != 0 {
		t.Errorf("2 days with async_days 2 started %d report runs", s.ReportRuns)
	}
	recs, _, err := pull(e, "2024-03-01", "2024-03-03")
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, e, recs, "2024-03-01", "2024-03-03")
	if s := e.h.Stats(); s.ReportRuns != 1 {
		t.Errorf("3 days with async_days 2 started %d report runs, want 1", s.ReportRuns)
	}
}

func TestReportRunFailsOrNeverCompletes(t *testing.T) {
	e := setup(t, setupOpt{})
	e.h.FailNext(fake.FaultReportFailed, 1)
	_, _, err := pull(e, "2024-01-01", "2024-01-31")
	if !errors.Is(err, ErrReportFailed) || !strings.Contains(err.Error(), "Job Failed") {
		t.Errorf("err = %v, want ErrReportFailed naming Job Failed", err)
	}

	e = setup(t, setupOpt{fake: fake.Options{AsyncPolls: 100}, source: func(s *config.Source) {
		s.Options = map[string]string{"async_max_polls": "4"}
	}})
	_, _, err = pull(e, "2024-01-01", "2024-01-31")
	if !errors.Is(err, ErrReportTimeout) {
		t.Errorf("err = %v, want ErrReportTimeout", err)
	}
	if s := e.h.Stats(); s.Polls != 4 {
		t.Errorf("polled %d times, want 4", s.Polls)
	}
}

// A pull that dies on page k is retried whole: the second pull alone is
// complete, and with what the first emitted, de-duplicated by (ad, day),
// nothing is lost or doubled.
func TestResumeAfterCrashBetweenPages(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		kind     fake.FaultKind
	}{
		{"sync dropped connection", "2024-03-01", "2024-03-04", fake.FaultDrop},
		{"report run 500s", "2024-01-01", "2024-01-20", fake.FaultServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, setupOpt{})
			// Beyond the first attempt and 3 retries (net/http itself
			// resends a GET once when a reused connection drops).
			e.h.FailPage(4, tc.kind, 8)
			first, pages, err := pull(e, tc.from, tc.to)
			if err == nil || !strings.Contains(err.Error(), "page 4") {
				t.Fatalf("err = %v, want a failure on page 4", err)
			}
			if pages != 3 {
				t.Errorf("emitted %d pages before the failure, want 3", pages)
			}
			e.h.ClearFaults() // the outage is over
			second, _, err := pull(e, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			checkComplete(t, e, second, tc.from, tc.to)
			merged := map[key]bool{}
			for _, r := range append(first, second...) {
				merged[keyOf(r)] = true
			}
			if want := len(e.h.Expected(day(tc.from), day(tc.to))); len(merged) != want {
				t.Errorf("merged %d distinct records, want %d", len(merged), want)
			}
		})
	}
}

// Meta has no refresh flow for system-user tokens: an expired or invalid
// token is one clear error, never retried.
func TestExpiredTokenIsNotRetried(t *testing.T) {
	for _, status := range []int{400, 401} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := setup(t, setupOpt{})
			e.h.Inject(fake.Fault{Kind: fake.FaultTokenExpired, Status: status})
			_, _, err := pull(e, "2024-03-01", "2024-03-02")
			if !errors.Is(err, ErrTokenInvalid) {
				t.Fatalf("err = %v, want ErrTokenInvalid", err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", status)) || !strings.Contains(err.Error(), "Session has expired") {
				t.Errorf("err = %v: want the status and Meta's message", err)
			}
			if n := e.h.Stats().Requests; n != 1 {
				t.Errorf("%d requests, want 1 (no retry)", n)
			}
		})
	}
	t.Run("wrong token", func(t *testing.T) {
		e := setup(t, setupOpt{fake: fake.Options{Token: "another-token", AuthStatus: 401}})
		_, _, err := pull(e, "2024-03-01", "2024-03-02")
		if !errors.Is(err, ErrTokenInvalid) || e.h.Stats().Requests != 1 {
			t.Errorf("err = %v after %d requests, want ErrTokenInvalid after 1", err, e.h.Stats().Requests)
		}
	})
}

func TestThrottleRetriedAfterHint(t *testing.T) {
	for _, tc := range []struct {
		code, status, regain int
	}{
		{80000, 400, 3}, {17, 403, 0}, {4, 400, 1}, {613, 400, 2},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			e := setup(t, setupOpt{})
			e.h.Inject(fake.Fault{Kind: fake.FaultThrottle, Code: tc.code, Status: tc.status, RegainMinutes: tc.regain, Page: 2})
			recs, _, err := pull(e, "2024-03-01", "2024-03-02")
			if err != nil {
				t.Fatal(err)
			}
			checkComplete(t, e, recs, "2024-03-01", "2024-03-02")
			log := e.h.Log()
			for i, en := range log {
				if en.Fault != "throttle" {
					continue
				}
				if i+1 >= len(log) || log[i+1].Page != 2 || log[i+1].Status != 200 {
					t.Fatalf("the throttled page was not retried: %+v", log)
				}
				// estimated_time_to_regain_access is in minutes; the test
				// policy's minute is 10 ms.
				if gap, want := log[i+1].At.Sub(en.At), time.Duration(tc.regain)*10*time.Millisecond; gap < want {
					t.Errorf("retried after %v, before the hinted %v", gap, want)
				}
				return
			}
			t.Fatal("no throttled request")
		})
	}
}

func TestThrottleTooLongFailsClearly(t *testing.T) {
	e := setup(t, setupOpt{})
	e.h.Inject(fake.Fault{Kind: fake.FaultThrottle, Code: 80000, RegainMinutes: 60})
	start := time.Now()
	_, _, err := pull(e, "2024-03-01", "2024-03-02")
	if !errors.Is(err, ErrThrottled) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err = %v, want ErrThrottled saying the wait is too long", err)
	}
	if n := e.h.Stats().Requests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: the quota was waited for", d)
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	e := setup(t, setupOpt{})
	e.h.FailPage(2, fake.FaultServerError, 2)
	recs, pages, err := pull(e, "2024-03-01", "2024-03-02")
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, e, recs, "2024-03-01", "2024-03-02")
	if s := e.h.Stats(); s.Requests != pages+2 || s.Faults != 2 {
		t.Errorf("stats %+v for %d pages: want 2 extra requests", s, pages)
	}
}

func TestTimeoutRetriedThenSuccessOrClearError(t *testing.T) {
	timeout := func(d *connector.Deps) { d.HTTP.Timeout = 100 * time.Millisecond; d.HTTP.RetryMax = 2 }
	t.Run("recovers", func(t *testing.T) {
		e := setup(t, setupOpt{fake: fake.Options{StallFor: 2 * time.Second}, deps: timeout})
		e.h.FailPage(2, fake.FaultStall, 1)
		recs, _, err := pull(e, "2024-03-01", "2024-03-02")
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, e, recs, "2024-03-01", "2024-03-02")
	})
	t.Run("gives up", func(t *testing.T) {
		e := setup(t, setupOpt{fake: fake.Options{StallFor: 2 * time.Second}, deps: timeout})
		e.h.FailPage(2, fake.FaultStall, 10)
		start := time.Now()
		_, _, err := pull(e, "2024-03-01", "2024-03-02")
		if err == nil || !strings.Contains(err.Error(), "page 2") || !strings.Contains(err.Error(), "100ms timeout") {
			t.Fatalf("err = %v, want a timeout on page 2", err)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("took %v for 3 attempts of 100 ms", d)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("token in error: %v", err)
		}
	})
}

func TestMalformedPage(t *testing.T) {
	for _, kind := range []fake.FaultKind{fake.FaultMalformed, fake.FaultWrongShape} {
		t.Run(kind.String(), func(t *testing.T) {
			e := setup(t, setupOpt{})
			e.h.FailPage(3, kind, 1)
			_, pages, err := pull(e, "2024-03-01", "2024-03-02")
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "page 3") {
				t.Fatalf("err = %v, want ErrMalformed naming page 3", err)
			}
			if pages != 2 {
				t.Errorf("emitted %d pages, want 2", pages)
			}
		})
	}
}

func TestDecodeRejectsBadRows(t *testing.T) {
	e := setup(t, setupOpt{})
	is := e.st.(*insights)
	from, to := day("2024-03-01"), day("2024-03-01")
	for name, body := range map[string]string{
		"spend not a number": `{"data":[{"ad_id":"1","date_start":"2024-03-01","date_stop":"2024-03-01","spend":"12,34"}]}`,
		"no ad_id":           `{"data":[{"date_start":"2024-03-01"}]}`,
		"day out of range":   `{"data":[{"ad_id":"1","date_start":"2024-02-28"}]}`,
		"bad action value":   `{"data":[{"ad_id":"1","date_start":"2024-03-01","actions":[{"action_type":"link_click","value":"x"}]}]}`,
		"data not an array":  `{"data":{"ad_id":"1"}}`,
		"NUL after the page": "{\"data\":[]}\x00",
	} {
		if _, _, err := is.decode([]byte(body), from, to); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
	recs, _, err := is.decode([]byte(`{"data":[{"ad_id":"1","date_start":"2024-03-01","spend":"0.1","impressions":"","actions":[{"action_type":"omni_purchase","value":"2"},{"action_type":"offsite_conversion.fb_pixel_purchase","value":"2"},{"action_type":"purchase","value":"2.6"}],"action_values":[{"action_type":"omni_purchase","value":"19.99"}]}]}`), from, to)
	if err != nil {
		t.Fatal(err)
	}
	f := recs[0].Fields
	if f["purchases"] != int64(3) || f["purchase_value"] != 19.99 || f["impressions"] != nil || f["spend"] != 0.1 || f["leads"] != int64(0) || f["campaign_id"] != nil {
		t.Errorf("fields %v: want purchases 3 (purchase wins, rounded), value 19.99, null impressions and campaign, 0 leads", f)
	}
}

// A day Meta restates within the look-back window comes back with its new
// metrics on the next pull; the other days do not change.
func TestRestatedDay(t *testing.T) {
	e := setup(t, setupOpt{source: func(s *config.Source) { s.PageSize = 40 }})
	before, _, err := pull(e, "2024-03-01", "2024-03-05")
	if err != nil {
		t.Fatal(err)
	}
	e.h.Restate(day("2024-03-03"))
	after, _, err := pull(e, "2024-03-01", "2024-03-05")
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, e, after, "2024-03-01", "2024-03-05")
	old := map[key]connector.Record{}
	for _, r := range before {
		old[keyOf(r)] = r
	}
	changed := map[string]int{}
	for _, r := range after {
		o := old[keyOf(r)]
		if o.Fields == nil || o.Fields["impressions"] != r.Fields["impressions"] || o.Fields["spend"] != r.Fields["spend"] {
			changed[r.Day.Format(dayLayout)]++
		}
	}
	if len(changed) != 1 || changed["2024-03-03"] == 0 {
		t.Errorf("changed records by day %v, want only 2024-03-03", changed)
	}
}

// The access token travels in the query string (and Meta's paging.next
// carries it): it must not appear in any error or log line.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	faults := []fake.Fault{
		{Kind: fake.FaultServerError, Page: 2, Times: 10},
		{Kind: fake.FaultTokenExpired, Page: 2},
		{Kind: fake.FaultThrottle, Page: 2, RegainMinutes: 90},
		{Kind: fake.FaultDrop, Page: 2, Times: 10},
		{Kind: fake.FaultMalformed, Page: 2},
	}
	for _, f := range faults {
		t.Run(f.Kind.String(), func(t *testing.T) {
			e := setup(t, setupOpt{})
			e.h.Inject(f)
			_, _, err := pull(e, "2024-03-01", "2024-03-02")
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("token in error: %v", err)
			}
			if logs := e.logs.String(); strings.Contains(logs, testToken) || !strings.Contains(logs, "http request") {
				t.Errorf("token in logs, or no request logged:\n%s", logs)
			}
		})
	}
}

func TestPaceSlowsDownOnHighUsage(t *testing.T) {
	e := setup(t, setupOpt{fake: fake.Options{Usage: 90}})
	if _, _, err := pull(e, "2024-03-01", "2024-03-01"); err != nil {
		t.Fatal(err)
	}
	sl := e.slept()
	if len(sl) == 0 || sl[0] < time.Second {
		t.Errorf("pauses %v, want pauses of at least 1 s at 90 %% usage", sl)
	}
	e = setup(t, setupOpt{fake: fake.Options{Usage: 20}})
	if _, _, err := pull(e, "2024-03-01", "2024-03-01"); err != nil {
		t.Fatal(err)
	}
	if sl := e.slept(); len(sl) != 0 {
		t.Errorf("pauses %v at 20 %% usage, want none", sl)
	}
}

func TestExtraFields(t *testing.T) {
	e := setup(t, setupOpt{source: func(s *config.Source) {
		s.Streams[0].Fields = []string{"frequency", "adset_name", "actions:post_engagement", "action_values:omni_purchase", "spend"}
		s.PageSize = 100
	}})
	types := map[string]connector.Type{}
	for _, f := range e.st.Fields() {
		types[f.Name] = f.Type
	}
	for name, typ := range map[string]connector.Type{"frequency": connector.Float, "adset_name": connector.String,
		"actions_post_engagement": connector.Int, "action_values_omni_purchase": connector.Float, "spend": connector.Float} {
		if types[name] != typ {
			t.Errorf("field %s has type %q, want %q", name, types[name], typ)
		}
	}
	recs, _, err := pull(e, "2024-03-01", "2024-03-01")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]fake.Insight{}
	for _, in := range e.h.Expected(day("2024-03-01"), day("2024-03-01")) {
		want[in.AdID] = in
	}
	for _, r := range recs {
		in := want[r.ID]
		if r.Fields["adset_name"] != in.AdsetName || r.Fields["actions_post_engagement"] != in.LinkClicks+in.Leads ||
			r.Fields["action_values_omni_purchase"] != in.PurchaseValue() {
			t.Fatalf("record %s: %v, want %+v", r.ID, r.Fields, in)
		}
		if f, ok := r.Fields["frequency"].(float64); !ok || f < 1 {
			t.Fatalf("frequency %#v", r.Fields["frequency"])
		}
	}
}

func TestNewErrors(t *testing.T) {
	base := config.Source{Kind: "meta", Account: "act_1", Auth: map[string]string{"token": tokenEnv},
		Streams: []config.Stream{{Name: StreamAdInsights}}}
	deps := connector.Deps{Getenv: func(k string) string {
		if k == tokenEnv {
			return testToken
		}
		return ""
	}}
	cases := map[string]struct {
		mod  func(*config.Source)
		want error
	}{
		"unknown stream": {func(s *config.Source) { s.Streams = []config.Stream{{Name: "campaigns"}} }, ErrUnknownStream},
		"no auth role":   {func(s *config.Source) { s.Auth = nil }, ErrMissingToken},
		"empty env":      {func(s *config.Source) { s.Auth = map[string]string{"token": "UNSET"} }, ErrMissingToken},
	}
	for name, c := range cases {
		src := base
		c.mod(&src)
		if _, err := New(src, deps); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
	}
	for _, acct := range []string{"", "act_12x"} {
		src := base
		src.Account = acct
		if _, err := New(src, deps); err == nil {
			t.Errorf("account %q accepted", acct)
		}
	}
	streams, err := New(base, deps)
	if err != nil || len(streams) != 1 || streams[0].Name() != StreamAdInsights {
		t.Fatalf("New = %v, %v", streams, err)
	}
	if _, ok := streams[0].(connector.Daily); !ok {
		t.Error("ad_insights is not a connector.Daily")
	}
}

func TestPagingNextToAnotherHostIsRefused(t *testing.T) {
	e := setup(t, setupOpt{})
	is := e.st.(*insights)
	if _, err := is.s.nextURL("https://evil.example.com/v19.0/act_1/insights?access_token=x&after=y"); !errors.Is(err, ErrMalformed) {
		t.Errorf("err = %v, want a refusal", err)
	}
	got, err := is.s.nextURL(e.srv.URL + "/v19.0/act_1/insights?access_token=" + testToken + "&after=y")
	if err != nil || strings.Contains(got, testToken) || !strings.Contains(got, "after=y") {
		t.Errorf("nextURL = %q, %v: want the token stripped", got, err)
	}
}

func BenchmarkPull(b *testing.B) {
	e := setup(b, setupOpt{
		fake: fake.Options{Ads: 500, GapEvery: -1, MaxLimit: 5000},
		source: func(s *config.Source) {
			s.PageSize = 1000
			s.Options = map[string]string{"async_days": "1000"}
		},
		deps: func(d *connector.Deps) { d.Log = zerolog.Nop() },
	})
	from, to := day("2024-01-01"), day("2024-04-09") // 100 days x 500 ads
	n := 0
	start := time.Now()
	for b.Loop() {
		err := e.st.PullDays(context.Background(), from, to, func(rs []connector.Record) error {
			n += len(rs)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if n < 50000 {
		b.Fatalf("pulled %d records", n)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "records/s")
}

func TestScannerReadsJSONEdgeCases(t *testing.T) {
	e := setup(t, setupOpt{source: func(s *config.Source) { s.Streams[0].Fields = []string{"adset_name", "cpm"} }})
	is := e.st.(*insights)
	body := `{ "data" : [ {"ad_id":"7","date_start":"2024-03-01","date_stop":null,"ad_name":"Caf\u00e9 \"A\" \ud83d\ude00\/x",
		"campaign_name":null,"adset_name":"S\\1","cpm":12.5,"impressions":1200,"unknown":{"a":[1,2,{"b":null}],"c":true},
		"actions":[{"action_type":"link_click","value":3,"1d_click":"2"}]}],
		"paging":{"cursors":{"before":"QQ","after":"Qg"}},"summary":null }`
	recs, next, err := is.decode([]byte(body), day("2024-03-01"), day("2024-03-01"))
	if err != nil || next != "" || len(recs) != 1 {
		t.Fatalf("decode = %v, %q, %v", recs, next, err)
	}
	f := recs[0].Fields
	for name, want := range map[string]any{"ad_name": "Café \"A\" 😀/x", "campaign_name": nil, "adset_name": `S\1`,
		"cpm": 12.5, "impressions": int64(1200), "link_clicks": int64(3), "date_stop": nil} {
		if f[name] != want {
			t.Errorf("%s = %#v, want %#v", name, f[name], want)
		}
	}
	for _, bad := range []string{`{"data":[{"ad_id":"7"}`, `{"data":[]}x`, `{"data":[{"ad_id":"7\u12"}]}`, `{"data":[1,]}`, `{"data":[],"paging":{"next":tru}}`} {
		if _, _, err := is.decode([]byte(bad), day("2024-03-01"), day("2024-03-01")); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", bad, err)
		}
	}
}
