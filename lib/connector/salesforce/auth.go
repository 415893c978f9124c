package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/segmint/segmint/lib/httpclient"
)

// tokenSource holds the OAuth 2.0 session of one source and renews it with
// the refresh-token flow: POST {login}/services/oauth2/token with
// grant_type=refresh_token, client_id, client_secret and refresh_token. It is
// shared by the source's streams and safe for concurrent use.
type tokenSource struct {
	client   *httpclient.Client // without the auth transport
	tokenURL string
	form     string // the encoded form; holds secrets, never logged

	mu       sync.Mutex
	access   string
	instance *url.URL
	lastErr  error // why the last refresh failed, for a 401 that follows
}

func newTokenSource(client *httpclient.Client, login *url.URL, clientID, clientSecret, refreshToken string) *tokenSource {
	return &tokenSource{
		client:   client,
		tokenURL: login.JoinPath("/services/oauth2/token").String(),
		form: url.Values{
			"grant_type":    {"refresh_token"},
			"client_id":     {clientID},
			"client_secret": {clientSecret},
			"refresh_token": {refreshToken},
		}.Encode(),
	}
}

// session returns the access token and instance URL, fetching a token on
// first use.
func (t *tokenSource) session(ctx context.Context) (string, *url.URL, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.access != "" {
		return t.access, t.instance, nil
	}
	if err := t.fetchLocked(ctx); err != nil {
		return "", nil, err
	}
	return t.access, t.instance, nil
}

// peek returns the current access token without fetching one.
func (t *tokenSource) peek() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.access
}

// refresh replaces the stale token unless another request already has.
func (t *tokenSource) refresh(ctx context.Context, stale string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.access != "" && t.access != stale {
		return t.access, nil
	}
	if err := t.fetchLocked(ctx); err != nil {
		return "", err
	}
	return t.access, nil
}

// lastError is why the last refresh failed (nil after a success).
func (t *tokenSource) lastError() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastErr
}

// fetchLocked trades the refresh token for a session; t.mu is held.
func (t *tokenSource) fetchLocked(ctx context.Context) (err error) {
	defer func() { t.lastErr = err }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.tokenURL, strings.NewReader(t.form))
	if err != nil {
		return fmt.Errorf("%w: build token request: %w", ErrAuth, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := t.client.Do(ctx, req)
	if err != nil {
		// The error names the token URL and the endpoint's answer (such as
		// invalid_grant), never the form.
		return fmt.Errorf("%w: refresh access token: %w", ErrAuth, err)
	}
	access, inst, err := parseSession(res.Body)
	if err != nil {
		return err
	}
	t.access, t.instance = access, inst
	return nil
}

// parseSession reads the token endpoint's answer: the access token and
// the instance URL.
func parseSession(body []byte) (string, *url.URL, error) {
	var tr struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
	}
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", nil, fmt.Errorf("%w: decode token response: %w", ErrAuth, err)
	}
	if tr.AccessToken == "" || tr.InstanceURL == "" {
		return "", nil, fmt.Errorf("%w: token response lacks access_token or instance_url", ErrAuth)
	}
	inst, err := url.Parse(strings.TrimRight(tr.InstanceURL, "/"))
	if err != nil || (inst.Scheme != "https" && inst.Scheme != "http") || inst.Host == "" {
		return "", nil, fmt.Errorf("%w: token response has an unusable instance_url", ErrAuth)
	}
	return tr.AccessToken, inst, nil
}

// authTransport adds the bearer token to requests for the instance and,
// on 401 INVALID_SESSION_ID, refreshes the session once and resends the
// request. When the refresh fails it hands back the 401, which the Policy
// does not retry; the refresh error is kept for the connector's message.
type authTransport struct {
	base   http.RoundTripper
	tokens *tokenSource
}

// RoundTrip implements http.RoundTripper.
func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok := a.tokens.peek()
	resp, err := a.send(req, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !invalidSession(resp) {
		return resp, err
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return resp, nil // cannot resend
	}
	fresh, ferr := a.tokens.refresh(req.Context(), tok)
	if ferr != nil {
		return resp, nil
	}
	retry, ok := rewound(req)
	if !ok {
		return resp, nil
	}
	return a.send(retry, fresh)
}

// invalidSession reports whether the 401 resp says INVALID_SESSION_ID; it
// reads the start of the body and leaves it in place.
func invalidSession(resp *http.Response) bool {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return err == nil && errorOf(body).ErrorCode == "INVALID_SESSION_ID"
}

// rewound is req ready to be sent again: req itself without a body to
// renew, else a clone with a new body; false when there is none.
func rewound(req *http.Request) (*http.Request, bool) {
	if req.GetBody == nil {
		return req, true
	}
	b, err := req.GetBody()
	if err != nil {
		return nil, false
	}
	retry := req.Clone(req.Context())
	retry.Body = b
	return retry, true
}

func (a *authTransport) send(req *http.Request, tok string) (*http.Response, error) {
	r := req.Clone(req.Context())
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return a.base.RoundTrip(r)
}
