package meta

import (
	"net/http"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/connector/connectortest"
)

func response(status int, headers map[string]string) *http.Response {
	return connectortest.Response(http.MethodGet, "https://graph.facebook.com/v19.0/act_1/insights", status, headers)
}

const bucHeader = `{"1098765432101234":[{"type":"ads_insights","call_count":100,"total_cputime":40,"total_time":38,"estimated_time_to_regain_access":7}]}`

func TestPolicyClassify(t *testing.T) {
	p := Policy{}
	cases := []struct {
		name    string
		status  int
		headers map[string]string
		body    string
		retry   bool
		wait    time.Duration
	}{
		{"ok", 200, nil, `{"data":[]}`, false, 0},
		{"BUC throttle waits the estimate", 400, map[string]string{HeaderBUCUsage: bucHeader},
			`{"error":{"message":"(#80000) There have been too many calls from this ad-account. Wait a bit and try again.","type":"OAuthException","is_transient":true,"code":80000,"error_subcode":2446079,"fbtrace_id":"AbC"}}`, true, 7 * time.Minute},
		{"user limit 403 without estimate backs off", 403, nil,
			`{"error":{"message":"(#17) User request limit reached","type":"OAuthException","is_transient":true,"code":17,"error_subcode":2446079,"fbtrace_id":"x"}}`, true, 0},
		{"app limit with estimate 0 backs off", 400, map[string]string{HeaderBUCUsage: `{"1":[{"type":"ads_insights","call_count":100,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}`},
			`{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"error_subcode":1504022,"fbtrace_id":"x"}}`, true, 0},
		{"account limit uses reset_time_duration", 400, map[string]string{HeaderAdAccountUsage: `{"acc_id_util_pct":100,"reset_time_duration":90,"ads_api_access_tier":"standard_access"}`},
			`{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"error_subcode":1487742,"fbtrace_id":"x"}}`, true, 90 * time.Second},
		{"expired token is final", 400, nil,
			`{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}}`, false, 0},
		{"invalid token 401 is final", 401, nil,
			`{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"x"}}`, false, 0},
		{"bad parameter is final", 400, nil,
			`{"error":{"message":"(#100) foo is not valid for fields param","type":"OAuthException","code":100,"fbtrace_id":"x"}}`, false, 0},
		{"reduce the data is final", 500, nil,
			`{"error":{"message":"Please reduce the amount of data you're asking for, then retry your request","type":"OAuthException","code":1,"error_subcode":99,"fbtrace_id":"x"}}`, false, 0},
		{"service unavailable retried", 500, nil,
			`{"error":{"message":"Service temporarily unavailable","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"x"}}`, true, 0},
		{"transient 400 retried", 400, nil,
			`{"error":{"message":"Your request encountered an intermittent error.","type":"OAuthException","is_transient":true,"code":2,"error_subcode":1504043,"fbtrace_id":"x"}}`, true, 0},
		{"html 502 retried", 502, nil, `<html>Bad Gateway</html>`, true, 0},
		{"429 retried", 429, nil, ``, true, 0},
		{"plain 404 final", 404, nil, `not found`, false, 0},
	}
	for _, c := range cases {
		d := p.Classify(response(c.status, c.headers), []byte(c.body))
		if d.Retry != c.retry || d.Wait != c.wait || d.Err != nil {
			t.Errorf("%s: %+v, want retry %v wait %v", c.name, d, c.retry, c.wait)
		}
	}
	// The minute unit is injectable.
	d := Policy{Minute: time.Millisecond}.Classify(response(400, map[string]string{HeaderBUCUsage: bucHeader}), []byte(`{"error":{"code":80004,"type":"OAuthException","message":"x"}}`))
	if !d.Retry || d.Wait != 7*time.Millisecond {
		t.Errorf("scaled minute: %+v", d)
	}
}

func TestPolicyPace(t *testing.T) {
	p := Policy{}
	cases := []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"no headers", nil, 0},
		{"low BUC", map[string]string{HeaderBUCUsage: `{"1":[{"type":"ads_insights","call_count":40,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":0}]}`}, 0},
		{"BUC call_count at 75", map[string]string{HeaderBUCUsage: `{"1":[{"type":"ads_insights","call_count":75,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":0}]}`}, time.Second},
		{"BUC cputime at 85 of two entries", map[string]string{HeaderBUCUsage: `{"1":[{"type":"ads_management","call_count":5,"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":0}],"2":[{"type":"ads_insights","call_count":20,"total_cputime":85,"total_time":30,"estimated_time_to_regain_access":0}]}`}, 3 * time.Second},
		{"ad account usage", map[string]string{HeaderAdAccountUsage: `{"acc_id_util_pct":95,"reset_time_duration":0,"ads_api_access_tier":"standard_access"}`}, 5 * time.Second},
		{"insights throttle", map[string]string{HeaderInsightsThrottle: `{"app_id_util_pct":80,"acc_id_util_pct":10,"ads_api_access_tier":"standard_access"}`}, 2 * time.Second},
		{"app usage", map[string]string{HeaderAppUsage: `{"call_count":76,"total_cputime":1,"total_time":1}`}, 1200 * time.Millisecond},
		{"regain estimate on a success", map[string]string{HeaderBUCUsage: `{"1":[{"type":"ads_insights","call_count":10,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":1}]}`}, time.Minute},
		{"garbage header", map[string]string{HeaderBUCUsage: `not json`}, 0},
	}
	for _, c := range cases {
		if got := p.Pace(response(200, c.headers)); got != c.want {
			t.Errorf("%s: Pace = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseErrorFromSnippet(t *testing.T) {
	// httpclient keeps 300 characters of a body: the code survives a cut.
	cut := `{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbCd`
	if e, ok := ParseError([]byte(cut)); !ok || e.Code != 190 {
		t.Errorf("ParseError(cut) = %+v, %v", e, ok)
	}
	if e, ok := ParseError([]byte(`{"error":{"message":"(#80000) There have been too many calls`)); !ok || e.Code != 80000 {
		t.Errorf("ParseError(message only) = %+v, %v", e, ok)
	}
	if _, ok := ParseError([]byte(`{"data":[]}`)); ok {
		t.Error("a data body parsed as an error")
	}
}
