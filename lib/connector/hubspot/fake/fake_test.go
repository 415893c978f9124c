package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, base, path, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("%s: body %q is not JSON", path, b)
	}
	return resp.StatusCode, resp.Header, body
}

func TestListPagesAuthAndLimits(t *testing.T) {
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	srv := New(Options{Token: "tok", Max: 3, Daily: 4, Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	srv.Seed(9, now, 1)

	if code, _, body := get(t, ts.URL, "/crm/v3/objects/contacts", ""); code != 401 || body["category"] != "INVALID_AUTHENTICATION" {
		t.Errorf("no token: %d %v", code, body)
	}
	if code, _, body := get(t, ts.URL, "/crm/v3/objects/contacts?limit=101", "tok"); code != 400 || body["category"] != "VALIDATION_ERROR" {
		t.Errorf("limit 101: %d %v", code, body)
	}
	seen, after := 0, ""
	for range 2 {
		code, h, body := get(t, ts.URL, "/crm/v3/objects/contacts?limit=5&properties=email,nope&after="+url.QueryEscape(after), "tok")
		if code != 200 || h.Get("X-HubSpot-RateLimit-Max") != "3" {
			t.Fatalf("page: %d %v", code, body)
		}
		for _, r := range body["results"].([]any) {
			props := r.(map[string]any)["properties"].(map[string]any)
			if !strings.HasSuffix(props["email"].(string), "@mail.example") || props["nope"] != nil || props["hs_object_id"] == nil {
				t.Errorf("properties %v", props)
			}
			seen++
		}
		if next, ok := body["paging"].(map[string]any); ok {
			after = next["next"].(map[string]any)["after"].(string)
		}
	}
	if code, _, body := get(t, ts.URL, "/crm/v3/objects/contacts", "tok"); code != 429 || body["policyName"] != "TEN_SECONDLY_ROLLING" {
		t.Errorf("fourth request in the window: %d %v", code, body)
	}
	now = now.Add(11 * time.Second)
	_, _, _ = get(t, ts.URL, "/crm/v3/objects/contacts?archived=true", "tok")
	if code, _, body := get(t, ts.URL, "/crm/v3/objects/contacts", "tok"); code != 429 || body["policyName"] != "DAILY" {
		t.Errorf("past the daily quota: %d %v", code, body)
	}
	archived := 0
	for _, o := range srv.objects["contacts"] {
		if !o.ArchivedAt.IsZero() {
			archived++
		}
	}
	if seen+archived != 9 {
		t.Errorf("paging returned %d live records of 9 (%d archived)", seen, archived)
	}
}

func TestFaultsSkipRepeatDropAndStall(t *testing.T) {
	srv := New(Options{Token: "tok"})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	srv.Seed(3, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), 1)
	srv.Inject(Fault{Status: 503, Body: `{"status":"error","message":"unavailable"}`, Skip: 1, Times: 2}, Fault{Drop: true})
	codes := []int{}
	for range 3 {
		code, _, _ := get(t, ts.URL, "/crm/v3/objects/contacts", "tok")
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[200 503 503]" {
		t.Errorf("answers %v, want one through, then the fault twice", codes)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := client.Get(ts.URL + "/crm/v3/objects/contacts"); err == nil {
		resp.Body.Close()
		t.Errorf("dropped request answered %d", resp.StatusCode)
	}
	srv.Inject(Fault{Stall: true})
	client.Timeout = 50 * time.Millisecond
	if resp, err := client.Get(ts.URL + "/crm/v3/objects/contacts"); err == nil {
		resp.Body.Close()
		t.Errorf("stalled request answered %d", resp.StatusCode)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Status != 0 {
		t.Errorf("a stalled request recorded as %d, want 0", last.Status)
	}
	if n := srv.ClearFaults(); n != 0 {
		t.Errorf("%d faults left", n)
	}
	if got := len(srv.Objects("contacts")); got != 3 {
		t.Errorf("Objects: %d contacts, want 3", got)
	}
}

// BenchmarkList measures the fake alone: it pages through 50,000 contacts
// in pages of 100 with a plain client that reads and discards each page.
func BenchmarkList(b *testing.B) {
	const n = 50_000
	srv := New(Options{Token: "tok", Max: 1 << 30, Daily: 1 << 30})
	srv.Seed(n, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), 1)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	live := 0
	for _, o := range srv.Objects("contacts") {
		if o.ArchivedAt.IsZero() {
			live++
		}
	}
	marker := []byte(`"paging":{"next":{"after":"`)
	buf := make([]byte, 0, 1<<20)
	total := 0
	for b.Loop() {
		after := ""
		for {
			req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet,
				ts.URL+"/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,phone,lifecyclestage&after="+after, nil)
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := ts.Client().Do(req)
			if err != nil {
				b.Fatal(err)
			}
			buf = buf[:0]
			for {
				if len(buf) == cap(buf) {
					buf = append(buf, 0)[:len(buf)]
				}
				m, err := resp.Body.Read(buf[len(buf):cap(buf)])
				buf = buf[:len(buf)+m]
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("HTTP %d: %s", resp.StatusCode, buf)
			}
			i := bytes.Index(buf, marker)
			if i < 0 {
				break
			}
			rest := buf[i+len(marker):]
			after = string(rest[:bytes.IndexByte(rest, '"')])
		}
		total += live
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}
