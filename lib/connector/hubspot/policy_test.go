package hubspot

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/connector/connectortest"
)

func response(status int, header map[string]string) *http.Response {
	return connectortest.Response(http.MethodGet, "https://api.hubapi.com/crm/v3/objects/contacts?limit=100", status, header)
}

func TestClassify(t *testing.T) {
	rateLimit := func(policy string) string {
		return `{"status":"error","message":"You have reached your limit.","errorType":"RATE_LIMIT","policyName":"` + policy + `"}`
	}
	cases := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		retry     bool
		wait      time.Duration
		errSubstr string
	}{
		{"success", 200, nil, `{}`, false, 0, ""},
		{"ten-secondly waits the interval", 429, map[string]string{headerInterval: "10000"}, rateLimit(policyTenSecondly), true, 10 * time.Second, ""},
		{"ten-secondly without headers", 429, nil, rateLimit(policyTenSecondly), true, 10 * time.Second, ""},
		{"Retry-After wins", 429, map[string]string{headerInterval: "10000", "Retry-After": "2"}, rateLimit(policyTenSecondly), true, 2 * time.Second, ""},
		{"secondly", 429, nil, rateLimit(policySecondly), true, time.Second, ""},
		{"a proxy's 429", 429, nil, `<html>slow down</html>`, true, 0, ""},
		{"daily fails at once", 429, map[string]string{headerDaily: "250000"}, rateLimit(policyDaily), false, 0, "daily API limit is spent (policy DAILY, 250000 requests a day"},
		{"5xx retried", 502, nil, `<html>`, true, 0, ""},
		{"401 names its category", 401, nil, `{"status":"error","message":"The OAuth token used to make this call expired 2 hour(s) ago.","category":"EXPIRED_AUTHENTICATION"}`, false, 0, "EXPIRED_AUTHENTICATION: The OAuth token"},
		{"OAuth endpoint's status", 400, nil, `{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token"}`, false, 0, "BAD_REFRESH_TOKEN: missing"},
		{"4xx without HubSpot's body", 404, nil, `not found`, false, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := policy{}.Classify(response(tc.status, tc.header), []byte(tc.body))
			if d.Retry != tc.retry || d.Wait != tc.wait {
				t.Errorf("retry %t wait %v, want %t %v", d.Retry, d.Wait, tc.retry, tc.wait)
			}
			if tc.errSubstr == "" {
				if d.Err != nil {
					t.Errorf("err = %v", d.Err)
				}
				return
			}
			if d.Err == nil || !strings.Contains(d.Err.Error(), tc.errSubstr) {
				t.Fatalf("err = %v, want %q", d.Err, tc.errSubstr)
			}
			if tc.status == 429 && !errors.Is(d.Err, ErrDailyLimit) {
				t.Errorf("err = %v, want ErrDailyLimit", d.Err)
			}
		})
	}
}

func TestPace(t *testing.T) {
	window := func(limit, left string) map[string]string {
		return map[string]string{headerInterval: "10000", headerMax: limit, headerRemaining: left}
	}
	cases := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"no headers", nil, 0},
		{"plenty left", window("100", "57"), 0},
		{"just above a tenth", window("100", "11"), 0},
		{"a tenth left", window("100", "10"), 10 * time.Second / 11},
		{"one left", window("100", "1"), 5 * time.Second},
		{"none left: the whole interval", window("100", "0"), 10 * time.Second},
		{"small allowance keeps one spare", window("5", "1"), 5 * time.Second},
		{"garbage", window("many", "few"), 0},
		{"secondly window", map[string]string{headerSecondly: "10", headerSecondlyLeft: "0"}, time.Second},
		{"the longer of both", map[string]string{headerInterval: "10000", headerMax: "100", headerRemaining: "4", headerSecondly: "10", headerSecondlyLeft: "0"}, 2 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := (policy{}).Pace(response(200, tc.header)); got != tc.want {
				t.Errorf("pause %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	day := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		typ  string
		in   string
		want any
		ok   bool
	}{
		{"string", " Ada ", "Ada", true},
		{"string", "", nil, true},
		{"int", "42", int64(42), true},
		{"int", "42.0", int64(42), true},
		{"int", "42.5", nil, false},
		{"int", "1e300", nil, false},
		{"float", "1234.50", 1234.5, true},
		{"float", "n/a", nil, false},
		{"bool", "true", true, true},
		{"timestamp", "2024-05-03T10:00:00.123Z", day.Add(10*time.Hour + 123*time.Millisecond), true},
		{"timestamp", "2024-05-03T12:00:00+02:00", day.Add(10 * time.Hour), true},
		{"timestamp", "2024-05-03", day, true},
		{"timestamp", "1714730400000", day.Add(10 * time.Hour), true},
		{"timestamp", "yesterday", nil, false},
	}
	for _, tc := range cases {
		got, ok := parseValue(connector.Type(tc.typ), tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseValue(%s, %q) = %#v, %t; want %#v, %t", tc.typ, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzDecodePage feeds list answers to the decoder and the record
// conversion: anything may fail, nothing may panic, and every record kept
// lies in the window.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"results":[{"id":"101","properties":{"email":"a@x.io","createdate":"2024-05-01T00:00:00Z","lastmodifieddate":null},"updatedAt":"2024-05-01T10:00:00.000Z","archived":false}],"paging":{"next":{"after":"MTAy"}}}`))
	f.Add([]byte(`{"results":[{"id":"7","properties":{"amount":12.5,"closedate":true},"updatedAt":"2024-05-01T10:00:00Z","archived":true,"archivedAt":"2024-05-02T00:00:00Z"}]}`))
	f.Add([]byte(`{"results":[{"id":"8","properties":{"numberofemployees":"1e400"},"updatedAt":"2024-05-01T10:00:00Z"}]}`))
	s := &stream{object: "deals", props: append(defaultProperties["deals"], property{"numberofemployees", "int"})}
	since, upper := t0, t0.Add(48*time.Hour)
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePage(body, s.props)
		if err != nil {
			return
		}
		for _, archived := range []bool{false, true} {
			recs, err := s.records(p.Results, archived, connector.Cursor{Modified: since}, upper, &pullStats{invalid: map[string]int64{}})
			if err != nil {
				continue
			}
			for _, r := range recs {
				if r.Modified.Before(since) || r.Modified.After(upper) || r.ID == "" || (archived && !r.Deleted) {
					t.Fatalf("record %+v kept outside the window or without its tombstone", r)
				}
			}
		}
	})
}
