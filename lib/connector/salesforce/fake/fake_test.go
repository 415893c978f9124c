package fake

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func token(t *testing.T, base string, form url.Values) (int, string) {
	t.Helper()
	res, err := http.PostForm(base+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func get(t *testing.T, base, path, tok string, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func TestFakeShapes(t *testing.T) {
	h := NewHandler(Options{Seed: 1, Contacts: 700, Accounts: 1, Opportunities: 1, DeletedPercent: 10})
	srv := httptest.NewServer(h)
	defer srv.Close()

	good := url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}, "refresh_token": {DefaultRefreshToken}}
	bad := url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}, "refresh_token": {"nope"}}
	if code, body := token(t, srv.URL, bad); code != 400 || !strings.Contains(body, `"error":"invalid_grant"`) {
		t.Errorf("bad refresh token: %d %s", code, body)
	}
	code, body := token(t, srv.URL, good)
	if code != 200 || !strings.Contains(body, `"instance_url":"`+srv.URL+`"`) || !strings.Contains(body, `"token_type":"Bearer"`) {
		t.Fatalf("token: %d %s", code, body)
	}
	tok, _, _ := strings.Cut(strings.TrimPrefix(body, `{"access_token":"`), `"`)

	q := func(res, soql string) string {
		return "/services/data/v60.0/" + res + "?" + url.Values{"q": {soql}}.Encode()
	}
	if code, _, body := get(t, srv.URL, q("query", "SELECT Id FROM Contact"), "wrong", nil); code != 401 || body != `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]` {
		t.Errorf("wrong token: %d %s", code, body)
	}
	if code, _, body := get(t, srv.URL, q("query", "SELECT Id, Foo__c FROM Contact"), tok, nil); code != 400 || !strings.Contains(body, "INVALID_FIELD") {
		t.Errorf("unknown field: %d %s", code, body)
	}
	if code, _, body := get(t, srv.URL, q("query", "SELECT Id FROM Contact WHERE SystemModstamp >= '2024-01-01T00:00:00Z'"), tok, nil); code != 400 {
		t.Errorf("quoted dateTime accepted: %d %s", code, body)
	}
	code, hdr, body := get(t, srv.URL, q("queryAll", "SELECT Id, SystemModstamp, IsDeleted, Birthdate FROM Contact ORDER BY SystemModstamp, Id"), tok, map[string]string{"Sforce-Query-Options": "batchSize=250"})
	if code != 200 || !strings.HasPrefix(body, `{"totalSize":700,"done":false,"nextRecordsUrl":"/services/data/v60.0/query/`) {
		t.Fatalf("queryAll: %d %.200s", code, body)
	}
	if n := strings.Count(body, `"attributes"`); n != 250 {
		t.Errorf("first batch holds %d records, want 250", n)
	}
	if !strings.Contains(hdr.Get("Sforce-Limit-Info"), "api-usage=") {
		t.Errorf("no Sforce-Limit-Info: %v", hdr)
	}
	if !strings.Contains(body, `"SystemModstamp":"2024-01-01T`) || !strings.Contains(body, `.000+0000"`) || !strings.Contains(body, `"IsDeleted":true`) {
		t.Errorf("values not in Salesforce's format: %.400s", body)
	}
	_, _, live := get(t, srv.URL, q("query", "SELECT Id FROM Contact"), tok, nil)
	if strings.HasPrefix(live, `{"totalSize":700,`) {
		t.Errorf("query (not queryAll) returned deleted records: %.60s", live)
	}
	if code, _, body := get(t, srv.URL, "/services/data/v60.0/query/01gNOPE-2000", tok, nil); code != 400 || !strings.Contains(body, "INVALID_QUERY_LOCATOR") {
		t.Errorf("unknown locator: %d %s", code, body)
	}
}
