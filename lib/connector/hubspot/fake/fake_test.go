package fake

import (
	"encoding/json"
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
