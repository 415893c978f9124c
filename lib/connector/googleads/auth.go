package googleads

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
	"time"

	"github.com/segmint/segmint/lib/httpclient"
)

// tokenSource holds the OAuth 2.0 access token and refreshes it with the
// refresh token (Google's "refresh an access token (offline access)" flow).
// Refreshes are serialised: concurrent callers wait for one refresh.
type tokenSource struct {
	client   *httpclient.Client // talks to the token endpoint
	tokenURL string             // {token_url}/token
	form     url.Values         // grant_type, client_id, client_secret, refresh_token
	now      func() time.Time

	mu        sync.Mutex
	access    string
	refreshAt time.Time // a minute (or half the lifetime) before expiry
	lastErr   error     // the last refresh failure, for the error of a refused request
}

// expiryMargin refreshes a token this long before it expires (at most half
// its lifetime before).
const expiryMargin = time.Minute

// token returns a valid access token. stale, when not empty, is a token the
// API has just refused: a new one is fetched unless another caller already
// replaced it.
func (ts *tokenSource) token(ctx context.Context, stale string) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.access != "" && ts.access != stale && ts.now().Before(ts.refreshAt) {
		return ts.access, nil
	}
	tok, err := ts.refresh(ctx)
	ts.lastErr = err
	if err != nil {
		return "", err
	}
	return tok, nil
}

func (ts *tokenSource) failure() error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.lastErr
}

// refresh asks the token endpoint for a new access token; ts.mu is held.
func (ts *tokenSource) refresh(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.tokenURL, strings.NewReader(ts.form.Encode()))
	if err != nil {
		return "", fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := ts.client.Do(ctx, req)
	if err != nil {
		return "", fmt.Errorf("refresh access token: %w", err)
	}
	access, life, err := parseToken(resp.Body)
	if err != nil {
		return "", err
	}
	ts.access = access
	ts.refreshAt = ts.now().Add(life - min(expiryMargin, life/2))
	return ts.access, nil
}

// parseToken reads the token endpoint's answer: the access token and its
// lifetime (an hour unless it says).
func parseToken(b []byte) (string, time.Duration, error) {
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return "", 0, fmt.Errorf("refresh access token: decode response: %w", err)
	}
	if body.AccessToken == "" {
		return "", 0, fmt.Errorf("refresh access token: the response has no access_token")
	}
	if body.ExpiresIn <= 0 {
		body.ExpiresIn = 3600
	}
	return body.AccessToken, time.Duration(body.ExpiresIn) * time.Second, nil
}

// authTransport adds the Google Ads headers to every request and, on a 401,
// refreshes the access token once and sends the request again.
type authTransport struct {
	base            http.RoundTripper
	tokens          *tokenSource
	developerToken  string
	loginCustomerID string
}

// maxErrBody bounds the 401 body read before a retry.
const maxErrBody = 1 << 20

// RoundTrip implements http.RoundTripper.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	tok, err := t.tokens.token(req.Context(), "")
	if err != nil {
		return nil, err
	}
	resp, err := t.send(req, body, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// The token was refused (expired or revoked early): refresh once.
	return t.resend(req, body, tok, resp)
}

// requestBody reads and closes the body of req, to send it as often as
// needed: nil without one.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return b, nil
}

// resend replaces the token tok, which the 401 resp refused, and sends
// req, whose body is body, again.
func (t *authTransport) resend(req *http.Request, body []byte, tok string, resp *http.Response) (*http.Response, error) {
	errBody, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrBody))
	resp.Body.Close()
	fresh, rerr := t.tokens.token(req.Context(), tok)
	if rerr != nil {
		// Hand the 401 back; the policy fails it and the stream adds why
		// the refresh failed.
		resp.Body = io.NopCloser(bytes.NewReader(errBody))
		return resp, nil
	}
	return t.send(req, body, fresh)
}

func (t *authTransport) send(req *http.Request, body []byte, token string) (*http.Response, error) {
	r := req.Clone(req.Context())
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("developer-token", t.developerToken)
	if t.loginCustomerID != "" {
		r.Header.Set("login-customer-id", t.loginCustomerID)
	}
	return t.base.RoundTrip(r)
}
