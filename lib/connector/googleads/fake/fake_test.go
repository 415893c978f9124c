package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func token(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID},
		"client_secret": {DefaultClientSecret}, "refresh_token": {DefaultRefreshToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" || body.ExpiresIn != 3599 || body.TokenType != "Bearer" {
		t.Fatalf("token response %+v, %v", body, err)
	}
	return body.AccessToken
}

func stream(t *testing.T, srv *httptest.Server, tok, query string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v17/customers/"+DefaultCustomerID+"/googleAds:searchStream",
		strings.NewReader(`{"query":`+strconvQuote(query)+`}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("developer-token", DefaultDeveloperToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestStreamShapes(t *testing.T) {
	srv := httptest.NewServer(NewHandler(Options{Campaigns: 3, BatchSize: 2}))
	defer srv.Close()
	tok := token(t, srv)
	code, body := stream(t, srv, tok, "SELECT segments.date, campaign.id, metrics.cost_micros FROM campaign WHERE segments.date BETWEEN '2024-01-01' AND '2024-01-01'")
	var batches []struct {
		Results []struct {
			Campaign struct{ ResourceName, ID string }
			Metrics  map[string]any
			Segments struct{ Date string }
		}
		FieldMask string
		RequestID string
	}
	if code != 200 || json.Unmarshal([]byte(body), &batches) != nil || len(batches) != 2 || len(batches[0].Results) != 2 {
		t.Fatalf("%d %s", code, body)
	}
	r := batches[0].Results[0]
	if r.Campaign.ID != "100000000" || r.Campaign.ResourceName != "customers/1234567890/campaigns/100000000" ||
		r.Segments.Date != "2024-01-01" || batches[0].FieldMask != "segments.date,campaign.id,metrics.costMicros" {
		t.Errorf("row %+v, mask %q", r, batches[0].FieldMask)
	}
	if _, ok := r.Metrics["costMicros"].(string); !ok || len(r.Metrics) != 1 {
		t.Errorf("metrics %v: want only costMicros, as a string", r.Metrics)
	}

	code, body = stream(t, srv, tok, "SELECT campaign.nme FROM campaign WHERE segments.date BETWEEN '2024-01-01' AND '2024-01-01'")
	if code != 400 || !strings.HasPrefix(body, `[{"error":{"code":400`) || !strings.Contains(body, "UNRECOGNIZED_FIELD") {
		t.Errorf("bad field: %d %s", code, body)
	}
	code, body = stream(t, srv, "ya29.wrong", "SELECT campaign.id FROM campaign WHERE segments.date BETWEEN '2024-01-01' AND '2024-01-01'")
	if code != 401 || !strings.Contains(body, `"status":"UNAUTHENTICATED"`) {
		t.Errorf("bad token: %d %s", code, body)
	}
	resp, _ := http.PostForm(srv.URL+"/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID},
		"client_secret": {DefaultClientSecret}, "refresh_token": {"nope"}})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "invalid_grant") {
		t.Errorf("bad refresh token: %d %s", resp.StatusCode, b)
	}
}
