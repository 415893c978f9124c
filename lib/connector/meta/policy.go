package meta

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/segmint/segmint/lib/httpclient"
)

// Graph API error codes the connector acts on. See "Marketing API Rate
// Limiting" and "Graph API Handling Errors" on developers.facebook.com.
const (
	// CodeUnknown is "An unknown error occurred" (usually transient).
	CodeUnknown = 1
	// CodeServiceUnavailable is "Service temporarily unavailable".
	CodeServiceUnavailable = 2
	// CodeAppRateLimit is "Application request limit reached".
	CodeAppRateLimit = 4
	// CodeUserRateLimit is "User request limit reached".
	CodeUserRateLimit = 17
	// CodeInvalidParameter is "Invalid parameter".
	CodeInvalidParameter = 100
	// CodeTokenInvalid is an invalid or expired access token (OAuthException).
	CodeTokenInvalid = 190
	// CodeAccountRateLimit is "Calls to this api have exceeded the rate limit".
	CodeAccountRateLimit = 613
	// CodeBUCFirst and CodeBUCLast bound the Business Use Case throttling
	// codes (80000 ads insights, 80004 ads management, ...).
	CodeBUCFirst = 80000
	CodeBUCLast  = 80014
	// SubcodeReduceData is code 1's "Please reduce the amount of data
	// you're asking for": the same request fails again, so it is not retried.
	SubcodeReduceData = 99
)

// Usage headers Meta sends with Marketing API responses.
const (
	HeaderBUCUsage         = "X-Business-Use-Case-Usage"
	HeaderAdAccountUsage   = "X-Ad-Account-Usage"
	HeaderInsightsThrottle = "X-FB-Ads-Insights-Throttle"
	HeaderAppUsage         = "X-App-Usage"
)

// Policy reads Meta's throttling signals for lib/httpclient. Throttling is
// not a 429: it is an HTTP 400 (sometimes 403) whose error code is 4, 17,
// 613 or 80000-80014, with the wait in the X-Business-Use-Case-Usage
// header's estimated_time_to_regain_access (minutes). The zero value is
// ready to use.
type Policy struct {
	// Threshold is the usage percentage from which Pace slows down
	// (default 75).
	Threshold float64
	// Step is the pause at the threshold; each further 5 % adds one more
	// step (default 1 s).
	Step time.Duration
	// Minute is the unit of estimated_time_to_regain_access (default one
	// minute; tests shrink it).
	Minute time.Duration
}

func (p Policy) threshold() float64 {
	if p.Threshold <= 0 {
		return 75
	}
	return p.Threshold
}

func (p Policy) step() time.Duration {
	if p.Step <= 0 {
		return time.Second
	}
	return p.Step
}

func (p Policy) minute() time.Duration {
	if p.Minute <= 0 {
		return time.Minute
	}
	return p.Minute
}

// APIError is the "error" object of a Graph API error body:
// {"error":{"message","type","code","error_subcode","is_transient",
// "error_user_title","error_user_msg","fbtrace_id"}}.
type APIError struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode"`
	IsTransient bool   `json:"is_transient"`
	UserTitle   string `json:"error_user_title"`
	UserMessage string `json:"error_user_msg"`
	FBTraceID   string `json:"fbtrace_id"`
}

// codeInText finds a code in a cut-off body snippet or a "(#80000)" message.
var codeInText = regexp.MustCompile(`"code"\s*:\s*(\d+)|\(#(\d+)\)`)

// ParseError reads a Graph API error body. A body cut short (an error
// message's snippet) still yields its code when the code is in it.
func ParseError(body []byte) (APIError, bool) {
	var env struct {
		Error *APIError `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err == nil {
		if env.Error != nil && (env.Error.Code != 0 || env.Error.Message != "") {
			return *env.Error, true
		}
		return APIError{}, false
	}
	return codeIn(body)
}

// codeIn finds the code of an error in a body that is not JSON: a cut-off
// snippet or a "(#80000)" message.
func codeIn(body []byte) (APIError, bool) {
	m := codeInText.FindSubmatch(body)
	if m == nil {
		return APIError{}, false
	}
	digits := m[1]
	if digits == nil {
		digits = m[2]
	}
	code, _ := strconv.Atoi(string(digits))
	return APIError{Code: code}, true
}

// IsThrottle reports whether a Graph API error code means throttling.
func IsThrottle(code int) bool {
	switch code {
	case CodeAppRateLimit, CodeUserRateLimit, CodeAccountRateLimit, 32:
		return true
	}
	return code >= CodeBUCFirst && code <= CodeBUCLast
}

// Classify implements httpclient.Policy.
func (p Policy) Classify(resp *http.Response, body []byte) httpclient.Decision {
	if resp.StatusCode < 400 {
		return httpclient.Decision{}
	}
	apiErr, ok := ParseError(body)
	switch {
	case ok && IsThrottle(apiErr.Code):
		return httpclient.Decision{Retry: true, Wait: p.regainWait(resp.Header)}
	case ok && apiErr.Code == CodeTokenInvalid:
		return httpclient.Decision{} // no refresh flow for system-user tokens
	case ok && apiErr.Code == CodeUnknown && apiErr.Subcode == SubcodeReduceData:
		return httpclient.Decision{}
	case ok && (apiErr.IsTransient || apiErr.Code == CodeServiceUnavailable || apiErr.Code == CodeUnknown):
		return httpclient.Decision{Retry: true}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return httpclient.Decision{Retry: true}
	}
	return httpclient.Decision{}
}

// regainWait is the longest estimated_time_to_regain_access of the
// X-Business-Use-Case-Usage header, else X-Ad-Account-Usage's
// reset_time_duration (seconds); 0 lets the client back off on its own.
func (p Policy) regainWait(h http.Header) time.Duration {
	u := readUsage(h)
	if u.regainMinutes > 0 {
		return time.Duration(u.regainMinutes * float64(p.minute()))
	}
	if u.resetSeconds > 0 {
		return time.Duration(u.resetSeconds * float64(time.Second))
	}
	return 0
}

// Pace implements httpclient.Policy: it holds the next request back once a
// usage figure (call_count, total_cputime, total_time, acc_id_util_pct,
// app_id_util_pct) passes the threshold, longer the closer it gets to 100 %.
func (p Policy) Pace(resp *http.Response) time.Duration {
	u := readUsage(resp.Header)
	var d time.Duration
	if t := p.threshold(); u.pct >= t {
		d = time.Duration((1 + (u.pct-t)/5) * float64(p.step()))
	}
	if u.regainMinutes > 0 {
		d = max(d, time.Duration(u.regainMinutes*float64(p.minute())))
	}
	return min(d, MaxPace)
}

// MaxPace bounds one pause Pace asks for.
const MaxPace = 2 * time.Minute

type usage struct {
	pct           float64 // highest utilisation percentage seen
	regainMinutes float64
	resetSeconds  float64
}

// bucEntry is one entry of X-Business-Use-Case-Usage.
type bucEntry struct {
	Type          string  `json:"type"`
	CallCount     float64 `json:"call_count"`
	TotalCPUTime  float64 `json:"total_cputime"`
	TotalTime     float64 `json:"total_time"`
	EstimatedTime float64 `json:"estimated_time_to_regain_access"`
}

// readUsage reads the usage headers of a response, each that is there.
func readUsage(h http.Header) usage {
	var u usage
	if v := h.Get(HeaderBUCUsage); v != "" {
		u.readBUC(v)
	}
	if v := h.Get(HeaderAdAccountUsage); v != "" {
		u.readAdAccount(v)
	}
	if v := h.Get(HeaderInsightsThrottle); v != "" {
		u.readInsightsThrottle(v)
	}
	if v := h.Get(HeaderAppUsage); v != "" {
		u.readApp(v)
	}
	return u
}

// readBUC reads X-Business-Use-Case-Usage: the highest usage and the
// longest wait of its entries.
func (u *usage) readBUC(v string) {
	var m map[string][]bucEntry
	if json.Unmarshal([]byte(v), &m) == nil {
		for _, entries := range m {
			for _, e := range entries {
				u.pct = max(u.pct, e.CallCount, e.TotalCPUTime, e.TotalTime)
				u.regainMinutes = max(u.regainMinutes, e.EstimatedTime)
			}
		}
	}
}

// readAdAccount reads X-Ad-Account-Usage: the account's usage and the
// time until it resets.
func (u *usage) readAdAccount(v string) {
	var a struct {
		Acc   float64 `json:"acc_id_util_pct"`
		Reset float64 `json:"reset_time_duration"`
	}
	if json.Unmarshal([]byte(v), &a) == nil {
		u.pct = max(u.pct, a.Acc)
		u.resetSeconds = max(u.resetSeconds, a.Reset)
	}
}

// readInsightsThrottle reads X-FB-Ads-Insights-Throttle: the app's and
// the account's usage.
func (u *usage) readInsightsThrottle(v string) {
	var t struct {
		App float64 `json:"app_id_util_pct"`
		Acc float64 `json:"acc_id_util_pct"`
	}
	if json.Unmarshal([]byte(v), &t) == nil {
		u.pct = max(u.pct, t.App, t.Acc)
	}
}

// readApp reads X-App-Usage: the app's highest usage.
func (u *usage) readApp(v string) {
	var a struct {
		CallCount    float64 `json:"call_count"`
		TotalCPUTime float64 `json:"total_cputime"`
		TotalTime    float64 `json:"total_time"`
	}
	if json.Unmarshal([]byte(v), &a) == nil {
		u.pct = max(u.pct, a.CallCount, a.TotalCPUTime, a.TotalTime)
	}
}
