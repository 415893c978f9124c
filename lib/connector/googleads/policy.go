package googleads

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/httpclient"
)

// Policy reads the Google Ads API's answers for lib/httpclient:
//
//   - HTTP 429 RESOURCE_EXHAUSTED: retried after the GoogleAdsFailure's
//     quotaErrorDetails.retryDelay (or the client's backoff when absent); a
//     retryDelay longer than MaxHintWait (the daily operations quota) fails
//     at once with an error naming the quota.
//   - HTTP 500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED and other
//     5xx but 501: retried.
//   - HTTP 200 whose stream ends with an {"error": ...} element (searchStream
//     reports errors after the first batch that way): retried when the
//     status is transient, failed with the error's message otherwise.
//   - HTTP 401, 403, 400, 404: failed at once with the API's own error code
//     and message (the 401 comes after the auth transport has already
//     refreshed the token once).
//
// Google Ads sends no usage headers, so Pace never slows down; the client's
// rate limiter (2 requests/s by default) keeps the pace.
type Policy struct {
	// MaxHintWait is the longest retryDelay waited out (default 2 min).
	MaxHintWait time.Duration
}

// rpcStatus is a google.rpc.Status as the REST interface renders it.
type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
	Details []struct {
		Type   string `json:"@type"`
		Errors []struct {
			ErrorCode map[string]string `json:"errorCode"`
			Message   string            `json:"message"`
			Details   struct {
				QuotaErrorDetails *struct {
					RateScope  string `json:"rateScope"`
					RateName   string `json:"rateName"`
					RetryDelay string `json:"retryDelay"`
				} `json:"quotaErrorDetails"`
			} `json:"details"`
		} `json:"errors"`
		RequestID string `json:"requestId"`
	} `json:"details"`
}

// retryDelay is the longest quotaErrorDetails.retryDelay, with the quota's
// scope and name.
func (s *rpcStatus) retryDelay() (d time.Duration, scope, name string) {
	for _, det := range s.Details {
		for _, e := range det.Errors {
			q := e.Details.QuotaErrorDetails
			if q == nil {
				continue
			}
			if v, err := time.ParseDuration(q.RetryDelay); err == nil && v > d {
				d, scope, name = v, q.RateScope, q.RateName
			}
		}
	}
	return d, scope, name
}

// String renders the status with the GoogleAdsFailure's error codes and
// messages and the request id, for error messages.
func (s *rpcStatus) String() string {
	var b strings.Builder
	b.WriteString(s.Status)
	if s.Message != "" {
		b.WriteString(": ")
		b.WriteString(s.Message)
	}
	for _, det := range s.Details {
		for _, e := range det.Errors {
			b.WriteString(" [")
			first := true
			for k, v := range e.ErrorCode {
				if !first {
					b.WriteByte(' ')
				}
				first = false
				b.WriteString(k + "=" + v)
			}
			if e.Message != "" {
				b.WriteString(": " + e.Message)
			}
			b.WriteByte(']')
		}
		if det.RequestID != "" {
			b.WriteString(" (request id " + det.RequestID + ")")
		}
	}
	return b.String()
}

// transient reports whether an error status is worth another attempt.
func transient(status string) bool {
	switch status {
	case "INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED", "RESOURCE_EXHAUSTED":
		return true
	}
	return false
}

// parseStatus reads an error body: a google.rpc.Status object
// {"error":{...}} or searchStream's array of them [{"error":{...}}].
func parseStatus(body []byte) *rpcStatus {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		return firstStatus(body)
	}
	var w wrappedStatus
	if json.Unmarshal(body, &w) == nil {
		return w.Error
	}
	return nil
}

// wrappedStatus is an error body, {"error":{...}}.
type wrappedStatus struct {
	Error *rpcStatus `json:"error"`
}

// firstStatus is the first status of searchStream's array of error
// bodies, [{"error":{...}}].
func firstStatus(body []byte) *rpcStatus {
	var arr []wrappedStatus
	if json.Unmarshal(body, &arr) == nil {
		for _, w := range arr {
			if w.Error != nil {
				return w.Error
			}
		}
	}
	return nil
}

// streamTail is how far from the end of a 200 stream an error element is
// looked for.
const streamTail = 64 << 10

// streamError finds an {"error": ...} element ending a searchStream array.
// It looks only at the tail of the body, so it costs nothing on large
// streams; each candidate is confirmed by parsing it.
func streamError(body []byte) *rpcStatus {
	b := bytes.TrimRight(body, " \t\r\n")
	if len(b) < 2 || b[len(b)-1] != ']' {
		return nil
	}
	b = b[:len(b)-1]
	lo := max(0, len(b)-streamTail)
	key := []byte(`"error"`)
	for end := len(b); end > lo; {
		i := bytes.LastIndex(b[lo:end], key)
		if i < 0 {
			return nil
		}
		i += lo
		end = i
		j := bytes.LastIndexByte(b[:i], '{')
		if j < 0 {
			return nil
		}
		var el struct {
			Error *rpcStatus `json:"error"`
		}
		if json.Unmarshal(b[j:], &el) == nil && el.Error != nil {
			return el.Error
		}
	}
	return nil
}

// Classify implements httpclient.Policy.
func (p Policy) Classify(resp *http.Response, body []byte) httpclient.Decision {
	code := resp.StatusCode
	if code < 300 {
		return p.midStream(resp, body)
	}
	st := parseStatus(body)
	switch {
	case code == http.StatusTooManyRequests || st != nil && st.Status == "RESOURCE_EXHAUSTED":
		if st == nil {
			return httpclient.Decision{Retry: true}
		}
		return p.throttle(resp, st)
	case code >= 500 && code != http.StatusNotImplemented:
		return httpclient.Decision{Retry: true}
	case st == nil:
		return httpclient.Decision{}
	case code == http.StatusUnauthorized:
		return httpclient.Decision{Err: p.refused(resp, "authentication refused even after refreshing the access token: "+st.String())}
	case code == http.StatusForbidden:
		return httpclient.Decision{Err: p.refused(resp, "permission denied (check the developer token, the customer id and login_customer_id): "+st.String())}
	default:
		return httpclient.Decision{Err: p.refused(resp, st.String())}
	}
}

// midStream decides about a successful response: fine, unless its stream
// ends with an error element, which is retried when transient.
func (p Policy) midStream(resp *http.Response, body []byte) httpclient.Decision {
	st := streamError(body)
	if st == nil {
		return httpclient.Decision{}
	}
	if transient(st.Status) {
		return p.throttle(resp, st)
	}
	return httpclient.Decision{Err: p.refused(resp, fmt.Sprintf("searchStream failed mid-stream: %s", st))}
}

// throttle retries after the status's retryDelay, or fails when the delay
// is longer than MaxHintWait (a daily quota).
func (p Policy) throttle(resp *http.Response, st *rpcStatus) httpclient.Decision {
	d, scope, name := st.retryDelay()
	limit := p.MaxHintWait
	if limit <= 0 {
		limit = httpclient.DefaultMaxHintWait
	}
	if d > limit {
		return httpclient.Decision{Err: p.refused(resp, fmt.Sprintf(
			"quota exhausted (%s, scope %s): the API asks to wait %s, longer than the %s allowed; try again after the quota resets or raise the developer token's access level",
			name, scope, d, limit))}
	}
	return httpclient.Decision{Retry: true, Wait: d}
}

func (p Policy) refused(resp *http.Response, msg string) *httpclient.HTTPError {
	return httpclient.NewHTTPError(platform, resp, nil, msg)
}

// Pace implements httpclient.Policy: Google Ads sends no usage headers.
func (Policy) Pace(*http.Response) time.Duration { return 0 }
