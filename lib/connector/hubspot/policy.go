package hubspot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/segmint/segmint/lib/httpclient"
)

// HubSpot's rate-limit policies, as a 429 body's policyName names them.
const (
	policyTenSecondly = "TEN_SECONDLY_ROLLING"
	policySecondly    = "SECONDLY"
	policyDaily       = "DAILY"
)

// Rate-limit headers of every HubSpot API response.
const (
	headerDaily          = "X-HubSpot-RateLimit-Daily"
	headerDailyRemaining = "X-HubSpot-RateLimit-Daily-Remaining"
	headerInterval       = "X-HubSpot-RateLimit-Interval-Milliseconds"
	headerMax            = "X-HubSpot-RateLimit-Max"
	headerRemaining      = "X-HubSpot-RateLimit-Remaining"
	headerSecondly       = "X-HubSpot-RateLimit-Secondly"
	headerSecondlyLeft   = "X-HubSpot-RateLimit-Secondly-Remaining"
)

// apiError is HubSpot's error body. A 429 carries errorType RATE_LIMIT and
// policyName; a 401 carries category EXPIRED_AUTHENTICATION or
// INVALID_AUTHENTICATION.
type apiError struct {
	Status     string `json:"status"`
	Message    string `json:"message"`
	Category   string `json:"category"`
	ErrorType  string `json:"errorType"`
	PolicyName string `json:"policyName"`
}

// ErrDailyLimit is the account's daily request limit spent: a pull cannot
// go on before midnight in the account's time zone. The client returns it
// inside an *httpclient.HTTPError (status 429).
var ErrDailyLimit = errors.New("the HubSpot account's daily API limit is spent")

// policy reads HubSpot's throttling and error answers for lib/httpclient.
type policy struct{}

// Classify implements httpclient.Policy: a 429 under a rolling window is
// retried after that window (or Retry-After); a 429 under the daily limit
// fails at once, since waiting for midnight in the account's time zone is
// not a retry; 5xx are retried; other 4xx fail with HubSpot's own
// category and message.
func (policy) Classify(resp *http.Response, body []byte) httpclient.Decision {
	switch {
	case resp.StatusCode < 400:
		return httpclient.Decision{}
	case resp.StatusCode >= 500:
		return httpclient.Decision{Retry: true}
	}
	var e apiError
	_ = json.Unmarshal(body, &e) // a body that is not HubSpot's JSON leaves e empty
	if resp.StatusCode == http.StatusTooManyRequests {
		return throttled(e, resp.Header)
	}
	return refused(e)
}

// throttled decides about a 429 whose body is e: fail under the daily
// limit, else wait for the rolling window.
func throttled(e apiError, h http.Header) httpclient.Decision {
	if e.PolicyName == policyDaily {
		return httpclient.Decision{Err: fmt.Errorf("%w (%s)", ErrDailyLimit, dailyMessage(h))}
	}
	return httpclient.Decision{Retry: true, Wait: rateLimitWait(e.PolicyName, h)}
}

// refused decides about another 4xx whose body is e: fail with its
// category and message, if it has a message.
func refused(e apiError) httpclient.Decision {
	if e.Message == "" {
		return httpclient.Decision{} // the client reports the status and body
	}
	msg := e.Message
	if category := e.category(); category != "" {
		msg = category + ": " + msg
	}
	return httpclient.Decision{Err: errors.New(msg)}
}

// category is the kind of refusal: the API puts it in category; the OAuth
// endpoint, in status (BAD_REFRESH_TOKEN, BAD_CLIENT_ID, ...).
func (e apiError) category() string {
	if e.Category == "" && e.Status != "error" {
		return e.Status
	}
	return e.Category
}

func dailyMessage(h http.Header) string {
	msg := "policy DAILY"
	if limit := h.Get(headerDaily); limit != "" {
		msg += fmt.Sprintf(", %s requests a day", limit)
	}
	return msg + "; it resets at midnight in the account's time zone"
}

// rateLimitWait is how long to wait after a 429 of a rolling-window policy:
// Retry-After when HubSpot sends it, else the policy's whole window.
func rateLimitWait(policyName string, h http.Header) time.Duration {
	if d, ok := httpclient.RetryAfter(h); ok {
		return d
	}
	switch policyName {
	case policySecondly:
		return time.Second
	case policyTenSecondly:
		if ms, ok := headerInt(h, headerInterval); ok && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
		return 10 * time.Second
	}
	return 0 // not HubSpot's body (a proxy's 429): exponential backoff
}

// Pace implements httpclient.Policy. When few requests are left in a rate
// window, the next request waits interval/(remaining+1). HubSpot does not
// say when its rolling window frees slots, so this spreads what is left
// over a full interval: even if no slot frees, the window cannot run dry
// before one interval has passed, and while slots do free the pauses stay
// short. Remaining 0 waits the whole interval.
func (policy) Pace(resp *http.Response) time.Duration {
	h := resp.Header
	var pause time.Duration
	if iv, ok := headerInt(h, headerInterval); ok && iv > 0 {
		pause = windowPause(h, headerMax, headerRemaining, time.Duration(iv)*time.Millisecond)
	}
	return max(pause, windowPause(h, headerSecondly, headerSecondlyLeft, time.Second))
}

// windowPause applies the pacing rule to one window: low means at most a
// tenth of the window's allowance (at least one request) is left.
func windowPause(h http.Header, maxKey, remainingKey string, interval time.Duration) time.Duration {
	limit, ok1 := headerInt(h, maxKey)
	left, ok2 := headerInt(h, remainingKey)
	if !ok1 || !ok2 || limit <= 0 {
		return 0
	}
	left = max(left, 0)
	if left > max(limit/10, 1) {
		return 0
	}
	return interval / time.Duration(left+1)
}

func headerInt(h http.Header, key string) (int64, bool) {
	n, err := strconv.ParseInt(h.Get(key), 10, 64)
	return n, err == nil
}
