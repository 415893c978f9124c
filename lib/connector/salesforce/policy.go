package salesforce

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/httpclient"
)

// Policy reads Salesforce's REST API signals for lib/httpclient:
//
//   - 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." means the
//     org's rolling 24-hour allocation is spent: it fails at once with a
//     clear error (waiting minutes does not help).
//   - 403 REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit exceeded"
//     means too many long-running requests at once: retried after
//     ConcurrentWait.
//   - 5xx (503 SERVER_UNAVAILABLE, 500 UNKNOWN_EXCEPTION) and 429 from a
//     proxy are retried with the client's backoff (Retry-After honoured).
//   - 401 is not retried here: the auth transport has already refreshed the
//     session once.
//   - Other refusals with a Salesforce error body (400 INVALID_FIELD,
//     MALFORMED_QUERY, INVALID_QUERY_LOCATOR, 403 INSUFFICIENT_ACCESS, ...)
//     fail at once with the errorCode and the gist of the message.
//
// Pace reads Sforce-Limit-Info (api-usage=used/limit) and slows down as the
// org's daily usage nears its allocation.
type Policy struct {
	// ConcurrentWait is the wait before retrying a request refused by the
	// concurrent long-running request limit (default 5 s).
	ConcurrentWait time.Duration
	// SlowAt is the usage share from which each request is held back by
	// Pause/10 (default 0.75).
	SlowAt float64
	// PauseAt is the usage share from which each request is held back by
	// Pause, growing linearly to 10 × Pause at 100 % (default 0.9).
	PauseAt float64
	// Pause is the hold-back at PauseAt (default 1 s).
	Pause time.Duration
}

func (p Policy) withDefaults() Policy {
	if p.ConcurrentWait <= 0 {
		p.ConcurrentWait = 5 * time.Second
	}
	if p.SlowAt <= 0 {
		p.SlowAt = 0.75
	}
	if p.PauseAt <= 0 || p.PauseAt >= 1 {
		p.PauseAt = 0.9
	}
	if p.Pause <= 0 {
		p.Pause = time.Second
	}
	return p
}

// apiError is one element of Salesforce's error array.
type apiError struct {
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
}

// errorOf reads the first error of a Salesforce error body
// ([{"message":..., "errorCode":...}]); zero when the body is not one.
func errorOf(body []byte) apiError {
	var errs []apiError
	if json.Unmarshal(body, &errs) != nil || len(errs) == 0 {
		var one apiError // some gateways answer a single object
		if json.Unmarshal(body, &one) != nil {
			return apiError{}
		}
		return one
	}
	return errs[0]
}

// isConcurrentLimit tells the waitable REQUEST_LIMIT_EXCEEDED (concurrent
// long-running requests) from the daily allocation.
func isConcurrentLimit(msg string) bool {
	return strings.Contains(msg, "Concurrent")
}

// Classify implements httpclient.Policy.
func (p Policy) Classify(resp *http.Response, body []byte) httpclient.Decision {
	p = p.withDefaults()
	status := resp.StatusCode
	if status < 400 {
		return httpclient.Decision{}
	}
	e := errorOf(body)
	switch {
	case status == http.StatusForbidden && e.ErrorCode == "REQUEST_LIMIT_EXCEEDED":
		return p.limitExceeded(resp, body, e)
	case status == http.StatusTooManyRequests || status >= 500:
		return httpclient.Decision{Retry: true}
	case e.ErrorCode != "":
		// A refusal retrying cannot mend: name Salesforce's errorCode and
		// the gist of its message (an INVALID_FIELD message repeats the
		// whole query before saying which column is unknown).
		return httpclient.Decision{Err: httpclient.NewHTTPError(platform, resp, body, e.ErrorCode+": "+gist(e.Message))}
	}
	return httpclient.Decision{}
}

// limitExceeded decides about a 403 REQUEST_LIMIT_EXCEEDED (e): wait out
// the concurrent limit, fail on the daily allocation.
func (p Policy) limitExceeded(resp *http.Response, body []byte, e apiError) httpclient.Decision {
	if isConcurrentLimit(e.Message) {
		return httpclient.Decision{Retry: true, Wait: p.ConcurrentWait}
	}
	return httpclient.Decision{Err: httpclient.NewHTTPError(platform, resp, body, "REQUEST_LIMIT_EXCEEDED ("+strings.TrimSpace(e.Message)+
		"): the org's rolling 24-hour API request allocation is spent; not retried, run again once usage has fallen or the allocation is raised")}
}

// gist keeps what follows an "ERROR at Row:..." line, if any, on one line.
func gist(msg string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "ERROR at Row") {
			lines = lines[i+1:]
			break
		}
	}
	s := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// Pace implements httpclient.Policy.
func (p Policy) Pace(resp *http.Response) time.Duration {
	p = p.withDefaults()
	used, limit, ok := apiUsage(resp.Header.Get("Sforce-Limit-Info"))
	if !ok || limit <= 0 {
		return 0
	}
	share := float64(used) / float64(limit)
	switch {
	case share >= 1:
		return 10 * p.Pause
	case share >= p.PauseAt:
		f := 1 + 9*(share-p.PauseAt)/(1-p.PauseAt)
		return time.Duration(f * float64(p.Pause)).Round(time.Millisecond)
	case share >= p.SlowAt:
		return p.Pause / 10
	}
	return 0
}

// apiUsage parses "api-usage=18/5000" out of Sforce-Limit-Info (which may
// also carry per-app-api-usage=... and api-bursts=..., separated by ";").
func apiUsage(h string) (used, limit int64, ok bool) {
	for _, part := range strings.Split(h, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found || k != "api-usage" {
			continue
		}
		u, l, found := strings.Cut(v, "/")
		if !found {
			return 0, 0, false
		}
		var err1, err2 error
		used, err1 = strconv.ParseInt(strings.TrimSpace(u), 10, 64)
		limit, err2 = strconv.ParseInt(strings.TrimSpace(l), 10, 64)
		return used, limit, err1 == nil && err2 == nil
	}
	return 0, 0, false
}
