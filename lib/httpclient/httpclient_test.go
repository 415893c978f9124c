package httpclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func fastConfig() Config {
	return Config{Platform: "test", RetryMax: 3, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond, Timeout: 2 * time.Second}
}

// script serves the given statuses in order, then 200s.
func script(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			w.WriteHeader(statuses[i])
			w.Write([]byte(`{"error":"scripted"}`))
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func get(t *testing.T, c *Client, u string) (*Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(t.Context(), req)
}

func TestRetriesServerErrorsThenSucceeds(t *testing.T) {
	srv, n := script(t, 503, 500)
	resp, err := get(t, New(fastConfig()), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"ok":true}` || n.Load() != 3 {
		t.Errorf("body %s after %d attempts", resp.Body, n.Load())
	}
}

func TestClientErrorIsNotRetried(t *testing.T) {
	srv, n := script(t, 400)
	_, err := get(t, New(fastConfig()), srv.URL)
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 400 || n.Load() != 1 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
	}
	if !strings.Contains(err.Error(), "scripted") {
		t.Errorf("error lacks the body: %v", err)
	}
}

func TestGivesUpAfterRetryMax(t *testing.T) {
	srv, n := script(t, 503, 503, 503, 503, 503, 503)
	_, err := get(t, New(fastConfig()), srv.URL)
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 || he.Attempts != 4 || n.Load() != 4 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
	}
}

// hintPolicy asks to wait the duration in the X-Wait header and stops at
// once on a 418.
type hintPolicy struct{ paced atomic.Int32 }

func (p *hintPolicy) Classify(resp *http.Response, body []byte) Decision {
	switch {
	case resp.StatusCode == http.StatusTeapot:
		return Decision{Err: errors.New("daily quota spent")}
	case resp.StatusCode == http.StatusTooManyRequests:
		d, _ := time.ParseDuration(resp.Header.Get("X-Wait"))
		return Decision{Retry: true, Wait: d}
	}
	return DefaultPolicy{}.Classify(resp, body)
}

func (p *hintPolicy) Pace(resp *http.Response) time.Duration {
	if resp.Header.Get("X-Usage") == "high" {
		p.paced.Add(1)
		return time.Millisecond
	}
	return 0
}

func TestPolicyHintsAndStops(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("X-Wait", "2ms")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("X-Usage", "high")
			w.Write([]byte("ok"))
		default:
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	cfg := fastConfig()
	p := &hintPolicy{}
	cfg.Policy = p
	var slept []time.Duration
	cfg.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	c := New(cfg)
	if _, err := get(t, c, srv.URL); err != nil {
		t.Fatal(err)
	}
	if p.paced.Load() != 1 {
		t.Error("Pace was not consulted")
	}
	_, err := get(t, c, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "daily quota spent") || n.Load() != 3 {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
	if len(slept) != 1 || slept[0] <= 0 || slept[0] > time.Millisecond {
		t.Errorf("pacing pauses %v, want one of at most 1ms", slept)
	}
}

func TestBackoffHonoursHintsAndRetryAfter(t *testing.T) {
	c := New(Config{Platform: "x", MaxHintWait: time.Minute})
	resp := &http.Response{Header: http.Header{}}
	resp.Header.Set("Retry-After", "7")
	if d := c.backoff(time.Millisecond, time.Second, 0, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7: %s", d)
	}
	resp.Header.Set(hintHeader, "3s")
	if d := c.backoff(time.Millisecond, time.Second, 0, resp); d != 3*time.Second {
		t.Errorf("hint 3s: %s", d)
	}
	for attempt := range 10 {
		if d := c.backoff(100*time.Millisecond, time.Second, attempt, nil); d < 50*time.Millisecond || d > time.Second {
			t.Errorf("attempt %d: %s outside the bounds", attempt, d)
		}
	}
}

func TestHintLongerThanAllowedFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Wait", "3h")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	cfg := fastConfig()
	cfg.Policy = &hintPolicy{}
	start := time.Now()
	_, err := get(t, New(cfg), srv.URL)
	var he *HTTPError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("waited instead of failing")
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select { // stall the first attempt past the client's timeout
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte("late but fine"))
	}))
	defer srv.Close()
	cfg := fastConfig()
	cfg.Timeout = 50 * time.Millisecond
	resp, err := get(t, New(cfg), srv.URL)
	if err != nil || string(resp.Body) != "late but fine" || n.Load() != 2 {
		t.Fatalf("resp %v err %v attempts %d", resp, err, n.Load())
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	// A transport error (nothing listens on port 1) for a URL with a token.
	cfg := fastConfig()
	cfg.RetryMax = 1
	_, err := get(t, New(cfg), "http://127.0.0.1:1/v19.0/act_1/insights?access_token=SECRET123&limit=5")
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "SECRET123") {
		t.Fatalf("token leaked: %v", err)
	}
	// An HTTP error for the same kind of URL.
	srv, _ := script(t, 400)
	_, err = get(t, New(fastConfig()), srv.URL+"/x?api_key=SECRET456&client_secret=S789&q=ok")
	if err == nil || strings.Contains(err.Error(), "SECRET456") || strings.Contains(err.Error(), "S789") || !strings.Contains(err.Error(), "q=ok") {
		t.Fatalf("err %v", err)
	}
}

func TestRedact(t *testing.T) {
	u, _ := url.Parse("https://user:pw@graph.example/v1?access_token=abc&fields=a,b&refresh_token=r")
	got := Redact(u)
	for _, leak := range []string{"abc", "pw", "=r&", "=r"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q leaks %q", got, leak)
		}
	}
	if !strings.Contains(got, "fields=a%2Cb") {
		t.Errorf("%q lost a harmless parameter", got)
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	srv, _ := script(t, 503, 503, 503, 503)
	cfg := fastConfig()
	cfg.WaitMin, cfg.WaitMax = time.Hour, time.Hour
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := New(cfg).Do(ctx, req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}
