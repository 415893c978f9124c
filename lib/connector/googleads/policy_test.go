package googleads

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/connector/connectortest"
	"github.com/segmint/segmint/lib/httpclient"
)

// Bodies in the shapes the Google Ads REST interface returns.
const (
	quota30s = `[{
  "error": {
    "code": 429,
    "message": "Resource has been exhausted (e.g. check quota).",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {
        "@type": "type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure",
        "errors": [
          {
            "errorCode": {"quotaError": "RESOURCE_EXHAUSTED"},
            "message": "Too many requests. Retry in 30 seconds.",
            "details": {"quotaErrorDetails": {"rateScope": "ACCOUNT", "rateName": "Number of requests per account", "retryDelay": "30s"}}
          }
        ],
        "requestId": "abcDEF123"
      }
    ]
  }
}]`
	quotaDaily = `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED",
"details":[{"@type":"type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure","errors":[{"errorCode":{"quotaError":"RESOURCE_EXHAUSTED"},
"message":"Too many requests.","details":{"quotaErrorDetails":{"rateScope":"DEVELOPER","rateName":"Number of operations for basic access","retryDelay":"86400s"}}}]}]}}`
	unauthenticated = `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED",
"details":[{"@type":"type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure","errors":[{"errorCode":{"authenticationError":"OAUTH_TOKEN_INVALID"},"message":"Oauth token is invalid."}]}]}}`
	queryError = `[{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT",
"details":[{"@type":"type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure","errors":[{"errorCode":{"queryError":"UNRECOGNIZED_FIELD"},"message":"Error in SELECT clause: unrecognized field 'campaign.nme'."}],"requestId":"req42"}]}}]`
	internal     = `[{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}]`
	unavailable  = `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`
	okStream     = `[{"results":[{"campaign":{"resourceName":"customers/1/campaigns/2","id":"2","name":"error"},"metrics":{"clicks":"1"},"segments":{"date":"2024-01-02"}}],"fieldMask":"campaign.id","requestId":"r1"}]`
	streamFailed = `[{"results":[{"campaign":{"id":"2"},"segments":{"date":"2024-01-02"}}],"fieldMask":"campaign.id","requestId":"r1"},
{
  "error": {
    "code": 503,
    "message": "The service is currently unavailable.",
    "status": "UNAVAILABLE"
  }
}
]`
	streamBad = `[{"results":[],"fieldMask":"campaign.id"},{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure","errors":[{"errorCode":{"queryError":"DATE_RANGE_TOO_WIDE"},"message":"The date range is too wide."}]}]}}]`
)

func response(code int) *http.Response {
	return connectortest.Response(http.MethodPost, "https://googleads.googleapis.com/v17/customers/1/googleAds:searchStream", code, nil)
}

func TestPolicyClassify(t *testing.T) {
	p := Policy{MaxHintWait: 2 * time.Minute}
	cases := []struct {
		name    string
		code    int
		body    string
		retry   bool
		wait    time.Duration
		errLike string
	}{
		{"429 retryDelay", 429, quota30s, true, 30 * time.Second, ""},
		{"429 daily quota", 429, quotaDaily, false, 0, "quota exhausted (Number of operations for basic access, scope DEVELOPER)"},
		{"429 without a body", 429, "", true, 0, ""},
		{"401 after refresh", 401, unauthenticated, false, 0, "OAUTH_TOKEN_INVALID"},
		{"400 query error", 400, queryError, false, 0, "unrecognized field 'campaign.nme'"},
		{"500 internal", 500, internal, true, 0, ""},
		{"503 unavailable", 503, unavailable, true, 0, ""},
		{"502 html", 502, "<html>bad gateway</html>", true, 0, ""},
		{"501", 501, `{"error":{"code":501,"status":"UNIMPLEMENTED","message":"x"}}`, false, 0, "UNIMPLEMENTED"},
		{"200 stream", 200, okStream, false, 0, ""},
		{"200 stream ending in UNAVAILABLE", 200, streamFailed, true, 0, ""},
		{"200 stream ending in INVALID_ARGUMENT", 200, streamBad, false, 0, "DATE_RANGE_TOO_WIDE"},
		{"200 empty stream", 200, "[]", false, 0, ""},
	}
	for _, c := range cases {
		d := p.Classify(response(c.code), []byte(c.body))
		if d.Retry != c.retry || d.Wait != c.wait {
			t.Errorf("%s: decision %+v, want retry %v wait %v", c.name, d, c.retry, c.wait)
		}
		switch {
		case c.errLike == "" && d.Err != nil:
			t.Errorf("%s: unexpected error %v", c.name, d.Err)
		case c.errLike != "" && (d.Err == nil || !strings.Contains(d.Err.Error(), c.errLike)):
			t.Errorf("%s: err = %v, want %q", c.name, d.Err, c.errLike)
		}
		if he, ok := d.Err.(*httpclient.HTTPError); d.Err != nil && (!ok || he.StatusCode != c.code || he.Platform != platform) {
			t.Errorf("%s: err %T %v is not an HTTPError of status %d", c.name, d.Err, d.Err, c.code)
		}
	}
	if p.Pace(response(200)) != 0 {
		t.Error("Pace paused without usage headers")
	}
}

func TestPolicyRequestIDInMessage(t *testing.T) {
	d := Policy{}.Classify(response(400), []byte(queryError))
	if d.Err == nil || !strings.Contains(d.Err.Error(), "req42") || !strings.Contains(d.Err.Error(), "queryError=UNRECOGNIZED_FIELD") {
		t.Fatalf("err = %v", d.Err)
	}
}

func TestStreamErrorLooksOnlyAtTheTail(t *testing.T) {
	big := `[{"results":[` + strings.Repeat(`{"campaign":{"id":"1","name":"\"error\""}},`, 5000) + `{"campaign":{"id":"1"}}]}]`
	if st := streamError([]byte(big)); st != nil {
		t.Fatalf("found an error in a clean stream: %+v", st)
	}
	if st := streamError([]byte(streamFailed)); st == nil || st.Status != "UNAVAILABLE" {
		t.Fatalf("streamError = %+v", st)
	}
}
