package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/segmint/segmint/lib/httpclient"
)

// Roles in a source's auth map; each names an environment variable.
const (
	authToken        = "token"
	authRefreshToken = "refresh_token"
	authClientID     = "client_id"
	authClientSecret = "client_secret"
)

// refreshMargin is how long before its expiry an OAuth access token is
// replaced (at most half its lifetime). HubSpot asks apps to refresh by
// expires_in rather than wait for a 401, and a full pull of a large account
// outlives a 30-minute token.
const refreshMargin = 5 * time.Minute

// auth hands out bearer tokens: a private app's token, or OAuth access
// tokens obtained with a refresh token. It is safe for concurrent streams.
type auth struct {
	// static is a private app token; empty for OAuth.
	static string
	// env names the variable the static token or refresh token came from,
	// for error messages.
	env string

	// OAuth only.
	tokenURL string
	form     url.Values // grant_type, client_id, client_secret, refresh_token
	client   *httpclient.Client
	now      func() time.Time

	mu      sync.Mutex
	access  string
	renewAt time.Time
}

// newAuth reads the secrets the auth map names. A refresh_token role
// selects OAuth (with client_id and client_secret); otherwise token is a
// private app token.
func newAuth(roles map[string]string, getenv func(string) string, base string, client *httpclient.Client, now func() time.Time) (*auth, error) {
	sr := &secretReader{roles: roles, getenv: getenv}
	if _, ok := roles[authRefreshToken]; !ok {
		a := &auth{static: sr.secret(authToken), env: roles[authToken]}
		return a, errors.Join(sr.errs...)
	}
	if _, ok := roles[authToken]; ok {
		sr.errs = append(sr.errs, errors.New("auth: give either token (private app) or refresh_token, client_id and client_secret (OAuth), not both"))
	}
	a := &auth{env: roles[authRefreshToken], tokenURL: base + "/oauth/v1/token", client: client, now: now, form: sr.refreshForm()}
	return a, errors.Join(sr.errs...)
}

// secretReader reads the secrets an auth map names from the environment
// and collects what is wrong with them.
type secretReader struct {
	roles  map[string]string
	getenv func(string) string
	errs   []error
}

// secret is the value of the environment variable role names, trimmed;
// "" when there is none.
func (r *secretReader) secret(role string) string {
	env := r.roles[role]
	if env == "" {
		r.errs = append(r.errs, fmt.Errorf("auth.%s: required (the name of an environment variable)", role))
		return ""
	}
	v := strings.TrimSpace(r.getenv(env))
	if v == "" {
		r.errs = append(r.errs, fmt.Errorf("auth.%s: environment variable %s is empty or unset", role, env))
	}
	return v
}

// refreshForm is the form that trades the refresh token for an access
// token, with the OAuth app's credentials.
func (r *secretReader) refreshForm() url.Values {
	return url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {r.secret(authClientID)},
		"client_secret": {r.secret(authClientSecret)},
		"refresh_token": {r.secret(authRefreshToken)},
	}
}

// source says where the token comes from, for error messages.
func (a *auth) source() string {
	if a.static != "" {
		return "the private app token in " + a.env
	}
	return "an access token from the refresh token in " + a.env
}

// refreshable reports whether a refused token can be replaced.
func (a *auth) refreshable() bool { return a.static == "" }

// token returns a bearer token, fetching an access token when there is
// none or the current one is about to expire. Concurrent callers wait for
// one fetch.
func (a *auth) token(ctx context.Context) (string, error) {
	if a.static != "" {
		return a.static, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.access != "" && a.now().Before(a.renewAt) {
		return a.access, nil
	}
	access, ttl, err := a.fetch(ctx)
	if err != nil {
		return "", fmt.Errorf("refresh the access token with the refresh token in %s: %w", a.env, err)
	}
	a.access, a.renewAt = access, a.now().Add(ttl-min(refreshMargin, ttl/2))
	return access, nil
}

// invalidate drops tok after HubSpot refused it, unless another caller has
// already replaced it.
func (a *auth) invalidate(tok string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.access == tok {
		a.access = ""
	}
}

// tokenResponse is the body of POST /oauth/v1/token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// fetch trades the refresh token for an access token.
func (a *auth) fetch(ctx context.Context) (string, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.tokenURL, strings.NewReader(a.form.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.client.Do(ctx, req)
	if err != nil {
		return "", 0, err
	}
	return parseToken(resp.Body)
}

// parseToken reads the token endpoint's answer: the access token and its
// lifetime.
func parseToken(body []byte) (string, time.Duration, error) {
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", 0, fmt.Errorf("decode the token response: %w", err)
	}
	if tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return "", 0, errors.New("the token response has no access_token or expires_in")
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn) * time.Second, nil
}
