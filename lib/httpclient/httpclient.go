// Package httpclient is the one HTTP client every API connector uses, and
// the one retry layer: go-retryablehttp with bounded retries, a backoff that
// honours Retry-After and each platform's own wait hints, a per-account rate
// limiter, pacing that slows down before a platform says no, contexts on
// every call, and logs that never show a token (Authorization headers are
// never logged and secret query-string values are redacted everywhere,
// error messages included).
//
// A platform plugs in a Policy that reads its throttling signals: HubSpot's
// 429 policyName, Google Ads' RESOURCE_EXHAUSTED retryDelay, Meta's HTTP 400
// with codes 4/17/613/80000-80014 and X-Business-Use-Case-Usage, and so on.
package httpclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/segmint/segmint/lib/logging"
)

// Decision is what a Policy makes of one response.
type Decision struct {
	// Retry asks for another attempt.
	Retry bool
	// Wait is the platform's wait hint before the next attempt; 0 means
	// the client's own exponential backoff (or Retry-After when present).
	Wait time.Duration
	// Err stops at once with this error (a daily quota spent, say).
	Err error
}

// Policy reads one platform's responses.
type Policy interface {
	// Classify decides about a response whose body has been read into body.
	// It is called for every response, successful ones included.
	Classify(resp *http.Response, body []byte) Decision
	// Pace looks at the usage headers of a successful response and returns
	// how long to hold the next request back, so that the client slows
	// down before the platform refuses; 0 means no pause.
	Pace(resp *http.Response) time.Duration
}

// Config configures a Client. Zero values take the defaults named.
type Config struct {
	// Platform names the API in errors and logs ("hubspot").
	Platform string
	// RetryMax is the number of retries after the first attempt (default 5).
	RetryMax int
	// WaitMin and WaitMax bound the exponential backoff (default 500 ms, 30 s).
	WaitMin, WaitMax time.Duration
	// MaxHintWait is the longest platform-hinted wait honoured; a longer
	// hint (a daily quota) fails the call instead (default
	// DefaultMaxHintWait).
	MaxHintWait time.Duration
	// Rate is the request rate allowed per account, per second (0: no limit).
	Rate float64
	// Burst is the rate limiter's burst (default 1).
	Burst int
	// Timeout bounds one attempt (default DefaultTimeout).
	Timeout time.Duration
	// Policy reads the platform's signals (default: DefaultPolicy).
	Policy Policy
	// Transport is the underlying round tripper (default: pooled transport).
	Transport http.RoundTripper
	// Log receives debug lines for requests and retries.
	Log zerolog.Logger
	// Sleep waits for d or until ctx ends; tests replace it (default: Sleep).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client sends requests to one account of one platform.
type Client struct {
	cfg     Config
	rc      *retryablehttp.Client
	limiter *rate.Limiter

	mu        sync.Mutex
	pauseTill time.Time
}

// Defaults of Config, for connectors that need the value in force.
const (
	DefaultMaxHintWait = 2 * time.Minute
	DefaultTimeout     = 60 * time.Second
)

// hintHeader carries a policy's wait hint from CheckRetry to Backoff on the
// response itself (never sent anywhere).
const hintHeader = "X-Segmint-Wait-Hint"

// maxBody bounds one buffered response body.
const maxBody = 256 << 20

// New builds a client.
func New(cfg Config) *Client {
	c := &Client{cfg: cfg.withDefaults()}
	if c.cfg.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(c.cfg.Rate), c.cfg.Burst)
	}
	c.rc = c.retryClient()
	return c
}

// withDefaults is cfg with the defaults in place of the settings left zero.
func (cfg Config) withDefaults() Config {
	if cfg.RetryMax == 0 {
		cfg.RetryMax = 5
	}
	if cfg.WaitMin == 0 {
		cfg.WaitMin = 500 * time.Millisecond
	}
	if cfg.WaitMax == 0 {
		cfg.WaitMax = 30 * time.Second
	}
	if cfg.MaxHintWait == 0 {
		cfg.MaxHintWait = DefaultMaxHintWait
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Burst == 0 {
		cfg.Burst = 1
	}
	if cfg.Policy == nil {
		cfg.Policy = DefaultPolicy{}
	}
	if cfg.Sleep == nil {
		cfg.Sleep = Sleep
	}
	return cfg
}

// retryClient is the retrying client under c: its retries, backoff and
// logging are c's.
func (c *Client) retryClient() *retryablehttp.Client {
	transport := c.cfg.Transport
	if transport == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: transport, Timeout: c.cfg.Timeout}
	rc.Logger = nil // we log ourselves, redacted
	rc.RetryMax = c.cfg.RetryMax
	rc.RetryWaitMin, rc.RetryWaitMax = c.cfg.WaitMin, c.cfg.WaitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = c.backoff
	rc.RequestLogHook = c.beforeAttempt
	rc.ErrorHandler = c.giveUp
	return rc
}

// Response is a successful response with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Do sends req and returns a response with a status below 400, or an error:
// *HTTPError for a refused request, the context's error when it ended.
func (c *Client) Do(ctx context.Context, req *http.Request) (*Response, error) {
	resp, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := bodyOf(resp)
	if err != nil {
		return nil, fmt.Errorf("%s: read %s: %w", c.cfg.Platform, Redact(req.URL), err)
	}
	if resp.StatusCode >= 400 {
		return nil, c.httpError(resp, body, 1)
	}
	if d := c.cfg.Policy.Pace(resp); d > 0 {
		c.pause(d)
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// send sends req through the retrying client, which retries it as the
// policy says: the last response, or an error (the context's when it
// ended).
func (c *Client) send(ctx context.Context, req *http.Request) (*http.Response, error) {
	rreq, err := retryablehttp.FromRequest(req.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("%s: prepare %s %s: %w", c.cfg.Platform, req.Method, Redact(req.URL), err)
	}
	resp, err := c.rc.Do(rreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s %s: %w", c.cfg.Platform, req.Method, Redact(req.URL), ctx.Err())
		}
		return nil, err
	}
	return resp, nil
}

// bodyOf is the body of resp: the one checkRetry buffered, else read now.
func bodyOf(resp *http.Response) ([]byte, error) {
	if bb, ok := resp.Body.(*bufferedBody); ok {
		return bb.b, nil // read once in checkRetry: no second copy
	}
	return readBody(resp)
}

// pause holds the client's next requests back for d from now, unless an
// earlier pause already runs longer.
func (c *Client) pause(d time.Duration) {
	c.mu.Lock()
	if t := time.Now().Add(d); t.After(c.pauseTill) {
		c.pauseTill = t
	}
	c.mu.Unlock()
	c.cfg.Log.Debug().Str(logging.FieldPlatform, c.cfg.Platform).Dur(logging.FieldPause, d).Msg("usage high: slowing down")
}

// beforeAttempt runs before every attempt: it waits for its turn, then logs
// the request.
func (c *Client) beforeAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	c.waitTurn(req.Context())
	c.cfg.Log.Debug().Str(logging.FieldPlatform, c.cfg.Platform).Str(logging.FieldMethod, req.Method).
		Str(logging.FieldURL, Redact(req.URL)).Int(logging.FieldAttempt, attempt+1).Msg("http request")
}

// waitTurn holds an attempt back for any pause the platform's usage
// headers asked for, then for the rate limiter.
func (c *Client) waitTurn(ctx context.Context) {
	c.mu.Lock()
	pause := time.Until(c.pauseTill)
	c.mu.Unlock()
	if pause > 0 {
		_ = c.cfg.Sleep(ctx, pause)
	}
	if c.limiter != nil {
		_ = c.limiter.Wait(ctx) // a cancelled context surfaces from the request itself
	}
}

// checkRetry buffers the body, asks the policy, and decides.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		retry, perr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		return retry, redactErr(perr)
	}
	body, rerr := bufferBody(resp)
	if rerr != nil {
		return true, nil // a body cut off mid-way: try again
	}
	return c.decide(resp, body, c.cfg.Policy.Classify(resp, body))
}

// bufferBody reads the body of resp into memory, where Do finds it.
func bufferBody(resp *http.Response) ([]byte, error) {
	body, err := readBody(resp)
	resp.Body.Close()
	resp.Body = &bufferedBody{Reader: bytes.NewReader(body), b: body}
	return body, err
}

// decide turns the policy's decision d about resp into checkRetry's
// answer: stop with d's error, or when d asks to wait longer than
// MaxHintWait; else retry as d says.
func (c *Client) decide(resp *http.Response, body []byte, d Decision) (bool, error) {
	if d.Err != nil {
		return false, d.Err
	}
	if d.Retry && d.Wait > c.cfg.MaxHintWait {
		return false, NewHTTPError(c.cfg.Platform, resp, body,
			fmt.Sprintf("asked to wait %s, longer than the %s allowed", d.Wait, c.cfg.MaxHintWait))
	}
	if d.Retry {
		c.noteRetry(resp, d.Wait)
	}
	return d.Retry, nil
}

// noteRetry stashes the policy's wait hint for backoff on resp, which is
// to be retried, and logs it.
func (c *Client) noteRetry(resp *http.Response, wait time.Duration) {
	if wait > 0 {
		resp.Header.Set(hintHeader, wait.String())
	}
	c.cfg.Log.Debug().Str(logging.FieldPlatform, c.cfg.Platform).Int(logging.FieldStatus, resp.StatusCode).
		Str(logging.FieldURL, Redact(resp.Request.URL)).Dur(logging.FieldHint, wait).Msg("retryable response")
}

// backoff honours, in order: the policy's hint, Retry-After, then
// exponential backoff with jitter between WaitMin and WaitMax.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := c.hinted(resp); ok {
			return d
		}
	}
	d := float64(minWait) * math.Pow(2, float64(attempt))
	d = min(d, float64(maxWait))
	jitter := 0.5 + rand.Float64()/2 // 50-100 % of the step
	return time.Duration(d * jitter)
}

// hinted is the wait resp asks for, if any: the policy's hint, else
// Retry-After (at most MaxHintWait).
func (c *Client) hinted(resp *http.Response) (time.Duration, bool) {
	if h := resp.Header.Get(hintHeader); h != "" {
		if d, err := time.ParseDuration(h); err == nil {
			return d, true
		}
	}
	if d, ok := RetryAfter(resp.Header); ok {
		return min(d, c.cfg.MaxHintWait), true
	}
	return 0, false
}

// giveUp turns the last failure into a redacted error.
func (c *Client) giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if resp != nil {
		return nil, c.refused(resp, err, attempts)
	}
	return nil, fmt.Errorf("%s: giving up after %d attempts: %w", c.cfg.Platform, attempts, redactErr(err))
}

// refused is the error of the last response, resp, after attempts: the
// policy's *HTTPError if it stopped with one, else resp's, with the
// policy's reason err, if any.
func (c *Client) refused(resp *http.Response, err error, attempts int) *HTTPError {
	var prior *HTTPError
	if errors.As(err, &prior) {
		prior.Attempts = attempts
		return prior
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	he := c.httpError(resp, body, attempts)
	if err != nil {
		// A policy's verdict (a spent quota) says more than the body.
		he.Err = redactErr(err)
		he.Message = he.Err.Error()
	}
	return he
}

func (c *Client) httpError(resp *http.Response, body []byte, attempts int) *HTTPError {
	he := NewHTTPError(c.cfg.Platform, resp, body, "")
	he.Attempts = attempts
	return he
}

// NewHTTPError describes resp, refused, for platform: its status, its
// request's method and redacted URL, the start of body, and msg (empty: the
// body explains). A Policy returns one as Decision.Err to stop with its own
// message; the client fills in the attempts.
func NewHTTPError(platform string, resp *http.Response, body []byte, msg string) *HTTPError {
	he := &HTTPError{Platform: platform, StatusCode: resp.StatusCode, Message: msg, Body: snippet(body)}
	if resp.Request != nil {
		he.Method, he.URL = resp.Request.Method, Redact(resp.Request.URL)
	}
	return he
}

// HTTPError is a request the platform refused.
type HTTPError struct {
	Platform   string
	Method     string
	URL        string // redacted
	StatusCode int
	Attempts   int
	// Message explains a refusal the client decided on (a wait too long).
	Message string
	// Body is the start of the response body, for the error message.
	Body string
	// Err is the policy's reason to stop, when it gave one.
	Err error
}

// Unwrap returns the policy's reason, so that errors.Is finds a
// connector's sentinel errors.
func (e *HTTPError) Unwrap() error { return e.Err }

func (e *HTTPError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Body
	}
	return fmt.Sprintf("%s %s %s: HTTP %d after %d attempt(s): %s", e.Platform, e.Method, e.URL, e.StatusCode, e.Attempts, msg)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// bufferedBody is a response body already read into memory.
type bufferedBody struct {
	*bytes.Reader
	b []byte
}

func (*bufferedBody) Close() error { return nil }

// readBody reads a whole body, sized up front when the length is known.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= maxBody {
		b := make([]byte, n)
		_, err := io.ReadFull(resp.Body, b)
		return b, err
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
}

// DefaultPolicy retries 429 and 5xx responses and nothing else.
type DefaultPolicy struct{}

// Classify implements Policy.
func (DefaultPolicy) Classify(resp *http.Response, _ []byte) Decision {
	return Decision{Retry: resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500}
}

// Pace implements Policy.
func (DefaultPolicy) Pace(*http.Response) time.Duration { return 0 }

// RetryAfter reads a Retry-After header in seconds or as an HTTP date.
func RetryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// secretKeys are query-string keys whose values never reach a log or error.
var secretKeys = []string{"token", "key", "secret", "password", "signature", "sig", "code", "auth", "credential"}

// Redact renders u with the values of secret-looking query parameters and
// any user info replaced by REDACTED.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User("REDACTED")
	}
	q := c.Query()
	changed := false
	for k := range q {
		if secretKey(k) {
			q[k] = []string{"REDACTED"}
			changed = true
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// secretKey reports whether the query-string key k looks like it names a
// secret.
func secretKey(k string) bool {
	lk := strings.ToLower(k)
	for _, s := range secretKeys {
		if strings.Contains(lk, s) {
			return true
		}
	}
	return false
}

// redactErr rewrites the URL inside a *url.Error (net/http puts the full
// URL, query string and all, into its errors).
func redactErr(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return &url.Error{Op: ue.Op, URL: "(unparseable URL)", Err: ue.Err}
	}
	return &url.Error{Op: ue.Op, URL: Redact(u), Err: ue.Err}
}

// Sleep waits for d; it returns ctx's error if ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
