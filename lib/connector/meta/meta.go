// Package meta is the Meta (Facebook) Marketing API connector: ad insights
// per ad and day from GET /{ad_account_id}/insights (level=ad,
// time_increment=1), read synchronously for short ranges and through an
// asynchronous report run (POST insights, poll the AdReportRun, then read
// its insights) for long ones.
//
// Source settings: account is the ad account id ("act_123" or "123");
// auth.token names the environment variable holding a system-user access
// token (sent as the access_token parameter, as the Graph API documents;
// there is no refresh flow, so an expired token is a clear error);
// base_url defaults to https://graph.facebook.com; rate_limit to 2
// requests/s; page_size to 500. Options:
//
//	async_days          ranges longer than this many days use a report run (7)
//	async_max_polls     status polls before giving up on a report run (60)
//	async_poll_interval first wait between polls, doubling up to 1 min ("2s")
//	api_version         Graph API version ("v19.0")
//
// Stream ad_insights: one record per ad and day; ID is ad_id, Day is
// date_start. Numbers arrive as strings and are parsed; actions and
// action_values are flattened into link_clicks, landing_page_views, leads,
// purchases and purchase_value. A stream's extra fields may name further
// insights fields ("frequency", "cpm") or single actions
// ("actions:video_view" becomes the int column actions_video_view,
// "action_values:add_to_cart" the float column action_values_add_to_cart).
package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/httpclient"
)

// Defaults.
const (
	// DefaultBaseURL is the Graph API host.
	DefaultBaseURL = "https://graph.facebook.com"
	// APIVersion is the Graph API version asked for unless
	// options.api_version says otherwise.
	APIVersion = "v19.0"
	// DefaultLookbackDays is how many recent days are re-read, because
	// Meta restates them (attribution windows of up to 28 days).
	DefaultLookbackDays = 28
	// DefaultRate is the request rate per ad account, per second.
	DefaultRate = 2.0
	// DefaultPageSize is the limit asked per page.
	DefaultPageSize = 500
	// DefaultAsyncDays is the longest range read synchronously.
	DefaultAsyncDays = 7
	// DefaultMaxPolls bounds the status polls of one report run.
	DefaultMaxPolls = 60
	// DefaultPollInterval is the first wait between status polls; it
	// doubles up to MaxPollInterval.
	DefaultPollInterval = 2 * time.Second
	// MaxPollInterval is the longest wait between status polls.
	MaxPollInterval = time.Minute
	// StreamAdInsights is the name of the ad insights stream.
	StreamAdInsights = "ad_insights"
)

// Sentinel errors.
var (
	// ErrUnknownStream is a configured stream this connector does not have.
	ErrUnknownStream = errors.New("unknown stream")
	// ErrMissingToken is an access token that is not configured or empty.
	ErrMissingToken = errors.New("access token missing")
	// ErrTokenInvalid is an expired or invalid access token (code 190).
	ErrTokenInvalid = errors.New("access token invalid or expired")
	// ErrThrottled is a throttling answer that could not be waited out.
	ErrThrottled = errors.New("throttled")
	// ErrReportFailed is a report run that ended Job Failed or Job Skipped.
	ErrReportFailed = errors.New("report run failed")
	// ErrReportTimeout is a report run still running after the last poll.
	ErrReportTimeout = errors.New("report run not done")
	// ErrMalformed is a response of the wrong shape.
	ErrMalformed = errors.New("malformed response")
)

// New returns the configured streams of a Meta source.
func New(src config.Source, deps connector.Deps) ([]connector.Stream, error) {
	return newStreams(src, deps, Policy{})
}

// settings are what every stream of a source shares.
type settings struct {
	client       *httpclient.Client
	base         *url.URL // scheme and host (and any path prefix) of the API
	version      string
	account      string // act_...
	pageSize     int
	asyncDays    int
	maxPolls     int
	pollInterval time.Duration
	sleep        func(context.Context, time.Duration) error
	timeout      time.Duration // of one attempt
}

// newStreams builds the configured streams of src, their requests retried
// under pol.
func newStreams(src config.Source, deps connector.Deps, pol Policy) ([]connector.Stream, error) {
	token, err := tokenOf(src, deps.Getenv)
	if err != nil {
		return nil, err
	}
	s, err := settingsOf(src)
	if err != nil {
		return nil, err
	}
	s.connect(src, deps, pol, token)
	var out []connector.Stream
	for _, st := range src.Streams {
		switch st.Name {
		case StreamAdInsights:
			is, err := newInsights(s, st.Fields)
			if err != nil {
				return nil, err
			}
			out = append(out, is)
		default:
			return nil, fmt.Errorf("meta: stream %q (have %s): %w", st.Name, StreamAdInsights, ErrUnknownStream)
		}
	}
	return out, nil
}

// tokenOf reads the access token from the environment variable src's
// auth.token names.
func tokenOf(src config.Source, getenv func(string) string) (string, error) {
	env := src.Auth["token"]
	if env == "" {
		return "", fmt.Errorf("meta: auth.token must name the environment variable holding the access token: %w", ErrMissingToken)
	}
	if getenv == nil {
		return "", fmt.Errorf("meta: no environment to read %s from: %w", env, ErrMissingToken)
	}
	token := getenv(env)
	if token == "" {
		return "", fmt.Errorf("meta: environment variable %s is empty: %w", env, ErrMissingToken)
	}
	return token, nil
}

// settingsOf checks src's account, base URL and options and returns the
// settings without a client.
func settingsOf(src config.Source) (*settings, error) {
	account, err := adAccount(src.Account)
	if err != nil {
		return nil, err
	}
	base, err := baseURLOf(src)
	if err != nil {
		return nil, err
	}
	s := &settings{
		base: base, version: APIVersion, account: account,
		pageSize: src.PageSize, asyncDays: DefaultAsyncDays,
		maxPolls: DefaultMaxPolls, pollInterval: DefaultPollInterval,
	}
	if s.pageSize == 0 {
		s.pageSize = DefaultPageSize
	}
	if err := s.readOptions(src.Options); err != nil {
		return nil, err
	}
	return s, nil
}

// baseURLOf is the API root of src, DefaultBaseURL unless set.
func baseURLOf(src config.Source) (*url.URL, error) {
	baseStr := src.BaseURL
	if baseStr == "" {
		baseStr = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(baseStr, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("meta: base_url %q is not an http(s) URL", baseStr)
	}
	return base, nil
}

// readOptions sets what the source's options set: the API version and
// the report runs' settings.
func (s *settings) readOptions(opts map[string]string) error {
	if v := opts["api_version"]; v != "" {
		s.version = v
	}
	var err error
	if s.asyncDays, err = intOption(opts, "async_days", DefaultAsyncDays, 0); err != nil {
		return err
	}
	if s.maxPolls, err = intOption(opts, "async_max_polls", DefaultMaxPolls, 1); err != nil {
		return err
	}
	if v := opts["async_poll_interval"]; v != "" {
		if s.pollInterval, err = time.ParseDuration(v); err != nil || s.pollInterval < 0 {
			return fmt.Errorf("meta: options.async_poll_interval %q is not a duration", v)
		}
	}
	return nil
}

// connect gives s its HTTP client, which sends token with every request
// and retries under pol, and the client's sleep and attempt timeout.
func (s *settings) connect(src config.Source, deps connector.Deps, pol Policy, token string) {
	cfg := deps.HTTP
	cfg.Platform = "meta"
	cfg.Policy = pol
	cfg.Rate = src.RateLimit
	if cfg.Rate == 0 {
		cfg.Rate = DefaultRate
	}
	cfg.Transport = &authTransport{base: deps.BaseTransport(), token: token}
	cfg.Log = deps.Log
	s.sleep = cfg.Sleep
	if s.sleep == nil {
		s.sleep = httpclient.Sleep
	}
	s.client = httpclient.New(cfg)
	s.timeout = cfg.Timeout
	if s.timeout == 0 {
		s.timeout = httpclient.DefaultTimeout
	}
}

func adAccount(a string) (string, error) {
	id := strings.TrimPrefix(strings.TrimSpace(a), "act_")
	if id == "" {
		return "", errors.New("meta: account: the ad account id (act_123...) is required")
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("meta: account %q is not an ad account id such as act_123", a)
		}
	}
	return "act_" + id, nil
}

func intOption(opts map[string]string, name string, def, least int) (int, error) {
	v := opts[name]
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		return 0, fmt.Errorf("meta: options.%s %q is not a whole number >= %d", name, v, least)
	}
	return n, nil
}

// authTransport adds the access token to every request's query string, so
// that no URL the client logs or puts in an error ever carries it.
type authTransport struct {
	base  http.RoundTripper
	token string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	u := *req.URL
	tok := "access_token=" + url.QueryEscape(t.token)
	if u.RawQuery == "" {
		u.RawQuery = tok
	} else {
		u.RawQuery += "&" + tok
	}
	r.URL = &u
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// apiURL builds base + /version/path?query.
func (s *settings) apiURL(path string, q url.Values) string {
	u := *s.base
	u.Path = s.base.Path + "/" + s.version + "/" + path
	u.RawQuery = q.Encode()
	return u.String()
}

// nextURL checks a paging.next URL and strips its access_token (the
// transport adds the token itself).
func (s *settings) nextURL(next string) (string, error) {
	u, err := url.Parse(next)
	if err != nil {
		return "", fmt.Errorf("paging.next is not a URL: %w", ErrMalformed)
	}
	if u.Scheme != s.base.Scheme || u.Host != s.base.Host {
		return "", fmt.Errorf("paging.next points to %s://%s, not the API host %s: %w", u.Scheme, u.Host, s.base.Host, ErrMalformed)
	}
	q := u.Query()
	if q.Has("access_token") {
		q.Del("access_token")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// do sends one request and maps Graph API errors onto the sentinels.
func (s *settings) do(ctx context.Context, method, target string, form url.Values) (*httpclient.Response, error) {
	req, err := newRequest(ctx, method, target, form)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	resp, err := s.client.Do(ctx, req)
	if err != nil {
		return nil, s.failure(ctx, err)
	}
	return resp, nil
}

// newRequest builds a request, with form as its body unless it is nil.
func newRequest(ctx context.Context, method, target string, form url.Values) (*http.Request, error) {
	if form == nil {
		return http.NewRequestWithContext(ctx, method, target, nil)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, strings.NewReader(form.Encode()))
	if err == nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, err
}

// failure explains the error of a failed request: an attempt that timed
// out as such, a refusal with its sentinel.
func (s *settings) failure(ctx context.Context, err error) error {
	var ne net.Error
	if ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("no answer within the %s timeout: %w", s.timeout, err)
	}
	return classifyErr(err)
}

// classifyErr adds a sentinel to a refused request by its Graph API code.
func classifyErr(err error) error {
	var he *httpclient.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	apiErr, ok := ParseError([]byte(he.Body))
	switch {
	case !ok:
		return err
	case apiErr.Code == CodeTokenInvalid:
		return fmt.Errorf("%w (OAuthException code 190, subcode %d; system-user tokens cannot be refreshed: issue a new one): %w", ErrTokenInvalid, apiErr.Subcode, err)
	case IsThrottle(apiErr.Code):
		return fmt.Errorf("%w (code %d): %w", ErrThrottled, apiErr.Code, err)
	}
	return err
}

// Field names of the ad_insights stream.
var baseFields = []connector.Field{
	{Name: "account_id", Type: connector.String},
	{Name: "date_start", Type: connector.Date},
	{Name: "date_stop", Type: connector.Date},
	{Name: "account_currency", Type: connector.String},
	{Name: "campaign_id", Type: connector.String},
	{Name: "campaign_name", Type: connector.String},
	{Name: "adset_id", Type: connector.String},
	{Name: "ad_id", Type: connector.String},
	{Name: "ad_name", Type: connector.String},
	{Name: "impressions", Type: connector.Int},
	{Name: "reach", Type: connector.Int},
	{Name: "clicks", Type: connector.Int},
	{Name: "spend", Type: connector.Float},
	{Name: "link_clicks", Type: connector.Int},
	{Name: "landing_page_views", Type: connector.Int},
	{Name: "leads", Type: connector.Int},
	{Name: "purchases", Type: connector.Int},
	{Name: "purchase_value", Type: connector.Float},
}

// apiFields are the insights fields always asked for.
const apiFields = "date_start,date_stop,account_currency,campaign_id,campaign_name,adset_id,ad_id,ad_name,impressions,reach,clicks,spend,actions,action_values"

// Flattened actions: the first action type present wins, so that the
// aggregated and per-source types of one event are not added up.
var (
	linkClickTypes = []string{"link_click"}
	landingTypes   = []string{"landing_page_view", "omni_landing_page_view"}
	leadTypes      = []string{"lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"}
	purchaseTypes  = []string{"purchase", "omni_purchase", "offsite_conversion.fb_pixel_purchase"}
)

// knownTypes types extra insights fields; others are strings.
var knownTypes = map[string]connector.Type{
	"frequency": connector.Float, "cpm": connector.Float, "cpc": connector.Float, "ctr": connector.Float,
	"cpp": connector.Float, "unique_ctr": connector.Float, "social_spend": connector.Float,
	"unique_clicks": connector.Int, "inline_link_clicks": connector.Int, "unique_inline_link_clicks": connector.Int,
	"inline_post_engagement": connector.Int, "full_view_impressions": connector.Int, "full_view_reach": connector.Int,
}

// extraField is one field asked for beyond the defaults.
type extraField struct {
	column string
	typ    connector.Type
	api    string // insights field name ("frequency", "actions")
	action string // action type for actions:/action_values: extras
}

// insights is the ad_insights stream.
type insights struct {
	s         *settings
	accountID any // the account id without act_, boxed
	fields    []connector.Field
	extras    []extraField
	query     string // the fields parameter
}

// newInsights makes the ad_insights stream of s, with its extra fields.
func newInsights(s *settings, extra []string) (*insights, error) {
	is := &insights{s: s, fields: append([]connector.Field(nil), baseFields...), accountID: strings.TrimPrefix(s.account, "act_")}
	seen := map[string]bool{}
	for _, f := range is.fields {
		seen[f.Name] = true
	}
	for _, name := range extra {
		ef, err := parseExtra(name)
		if err != nil {
			return nil, err
		}
		if seen[ef.column] {
			continue // a default already
		}
		seen[ef.column] = true
		is.extras = append(is.extras, ef)
		is.fields = append(is.fields, connector.Field{Name: ef.column, Type: ef.typ})
	}
	is.query = fieldsParam(is.extras)
	return is, nil
}

// parseExtra reads the name of an extra field: "actions:TYPE",
// "action_values:TYPE" or an insights field.
func parseExtra(name string) (extraField, error) {
	var ef extraField
	switch {
	case strings.HasPrefix(name, "actions:"):
		ef = extraField{api: "actions", action: strings.TrimPrefix(name, "actions:"), typ: connector.Int}
		ef.column = "actions_" + columnName(ef.action)
	case strings.HasPrefix(name, "action_values:"):
		ef = extraField{api: "action_values", action: strings.TrimPrefix(name, "action_values:"), typ: connector.Float}
		ef.column = "action_values_" + columnName(ef.action)
	default:
		ef = extraField{api: name, column: columnName(name), typ: connector.String}
		if t, ok := knownTypes[name]; ok {
			ef.typ = t
		}
	}
	if name == "" || (ef.api != name && ef.action == "") {
		return extraField{}, fmt.Errorf("meta: stream %s: field %q names no insights field or action type", StreamAdInsights, name)
	}
	return ef, nil
}

// fieldsParam is the fields parameter: apiFields, then the insights
// fields the extras read that it lacks, each once.
func fieldsParam(extras []extraField) string {
	param := apiFields
	seen := map[string]bool{}
	for _, f := range strings.Split(apiFields, ",") {
		seen[f] = true
	}
	for _, ef := range extras {
		if !seen[ef.api] {
			seen[ef.api] = true
			param += "," + ef.api
		}
	}
	return param
}

func columnName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Name implements connector.Stream.
func (is *insights) Name() string { return StreamAdInsights }

// Fields implements connector.Stream.
func (is *insights) Fields() []connector.Field {
	return append([]connector.Field(nil), is.fields...)
}

const dayLayout = "2006-01-02"

// params are the insights request parameters for from..to.
func (is *insights) params(from, to time.Time) url.Values {
	tr, _ := json.Marshal(map[string]string{"since": from.Format(dayLayout), "until": to.Format(dayLayout)})
	return url.Values{
		"level":          {"ad"},
		"time_increment": {"1"},
		"time_range":     {string(tr)},
		"fields":         {is.query},
		"limit":          {strconv.Itoa(is.s.pageSize)},
	}
}

// PullDays implements connector.Daily: a synchronous read for ranges up to
// async_days days, a report run for longer ones.
func (is *insights) PullDays(ctx context.Context, from, to time.Time, emit func([]connector.Record) error) error {
	from, to = utcDay(from), utcDay(to)
	if to.Before(from) {
		return fmt.Errorf("meta: %s: range %s..%s ends before it starts", StreamAdInsights, from.Format(dayLayout), to.Format(dayLayout))
	}
	days := int(to.Sub(from).Hours()/24) + 1
	span := from.Format(dayLayout) + ".." + to.Format(dayLayout)
	if days > is.s.asyncDays {
		return is.pullAsync(ctx, from, to, span, emit)
	}
	first := is.s.apiURL(is.s.account+"/insights", is.params(from, to))
	return is.pages(ctx, first, from, to, "insights "+span, emit)
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// pullAsync starts a report run, polls it until it completes and reads it.
func (is *insights) pullAsync(ctx context.Context, from, to time.Time, span string, emit func([]connector.Record) error) error {
	s := is.s
	id, err := is.startRun(ctx, from, to, span)
	if err != nil {
		return err
	}
	where := "report run " + id + " (" + span + ")"
	if err := s.awaitRun(ctx, id, where); err != nil {
		return err
	}
	first := s.apiURL(id+"/insights", url.Values{"limit": {strconv.Itoa(s.pageSize)}})
	return is.pages(ctx, first, from, to, where, emit)
}

// startRun starts the report run of the span from..to: its id.
func (is *insights) startRun(ctx context.Context, from, to time.Time, span string) (string, error) {
	s := is.s
	resp, err := s.do(ctx, http.MethodPost, s.apiURL(s.account+"/insights", nil), is.params(from, to))
	if err != nil {
		return "", fmt.Errorf("meta: %s: start report run for %s: %w", StreamAdInsights, span, err)
	}
	var run struct {
		ID string `json:"report_run_id"`
	}
	if err := json.Unmarshal(resp.Body, &run); err != nil || run.ID == "" || !digits(run.ID) {
		return "", fmt.Errorf("meta: %s: start report run for %s: no report_run_id in %q: %w", StreamAdInsights, span, snippet(resp.Body), ErrMalformed)
	}
	return run.ID, nil
}

// awaitRun polls report run id, waiting twice as long each time up to
// MaxPollInterval, until it has completed, failed or was polled maxPolls
// times.
func (s *settings) awaitRun(ctx context.Context, id, where string) error {
	wait := s.pollInterval
	var last string
	for poll := 0; ; poll++ {
		if poll == s.maxPolls {
			return fmt.Errorf("meta: %s: %s: still %q after %d polls: %w", StreamAdInsights, where, last, s.maxPolls, ErrReportTimeout)
		}
		if poll > 0 {
			if err := s.sleep(ctx, wait); err != nil {
				return fmt.Errorf("meta: %s: wait for %s: %w", StreamAdInsights, where, err)
			}
			wait = min(2*wait, MaxPollInterval)
		}
		st, err := s.pollRun(ctx, id, where)
		if err != nil {
			return err
		}
		last = fmt.Sprintf("%s, %g%%", *st.Status, st.Percent)
		if done, err := st.finished(where); done || err != nil {
			return err
		}
	}
}

// finished reports whether the report run (where, for errors) has
// completed, or why it failed.
func (st runStatus) finished(where string) (bool, error) {
	switch *st.Status {
	case "Job Completed":
		return st.Percent >= 100, nil
	case "Job Failed", "Job Skipped":
		return false, fmt.Errorf("meta: %s: %s: %s (error %d %s): %w", StreamAdInsights, where, *st.Status, st.ErrorCode, st.ErrorMessage, ErrReportFailed)
	}
	return false, nil
}

// runStatus is a report run's status as a poll reads it.
type runStatus struct {
	Status       *string `json:"async_status"`
	Percent      float64 `json:"async_percent_completion"`
	ErrorCode    int     `json:"error_code"`
	ErrorMessage string  `json:"error_message"`
}

// pollRun reads the status of report run id once.
func (s *settings) pollRun(ctx context.Context, id, where string) (runStatus, error) {
	resp, err := s.do(ctx, http.MethodGet, s.apiURL(id, nil), nil)
	if err != nil {
		return runStatus{}, fmt.Errorf("meta: %s: poll %s: %w", StreamAdInsights, where, err)
	}
	var st runStatus
	if err := json.Unmarshal(resp.Body, &st); err != nil || st.Status == nil {
		return runStatus{}, fmt.Errorf("meta: %s: poll %s: no async_status in %q: %w", StreamAdInsights, where, snippet(resp.Body), ErrMalformed)
	}
	return st, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func snippet(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}

// page is one insights page.
type page struct {
	Data []row
	Next string
}

type action struct {
	Type  string
	Value string
}

// row is one insights row: every number is a string. Text fields hold nil
// (null or absent) or a string, boxed once per distinct value.
type row struct {
	DateStart, DateStop                         string
	AdID                                        string
	AdIDAny                                     any
	Currency, CampaignID, CampaignName, AdsetID any
	AdName                                      any
	Impressions, Reach, Clicks, Spend           json.RawMessage
	Actions, ActionValues                       []action
}

// pages reads first and every paging.next after it, emitting page by page.
func (is *insights) pages(ctx context.Context, target string, from, to time.Time, where string, emit func([]connector.Record) error) error {
	seen := map[string]bool{}
	for n := 1; target != ""; n++ {
		if seen[target] {
			return fmt.Errorf("meta: %s: %s page %d: paging.next repeats an earlier page: %w", StreamAdInsights, where, n, ErrMalformed)
		}
		seen[target] = true
		resp, err := is.s.do(ctx, http.MethodGet, target, nil)
		if err != nil {
			return fmt.Errorf("meta: %s: read %s page %d: %w", StreamAdInsights, where, n, err)
		}
		recs, next, err := is.decode(resp.Body, from, to)
		if err != nil {
			return fmt.Errorf("meta: %s: %s page %d: %w", StreamAdInsights, where, n, err)
		}
		if len(recs) > 0 {
			if err := emit(recs); err != nil {
				return fmt.Errorf("meta: %s: emit %s page %d: %w", StreamAdInsights, where, n, err)
			}
		}
		target = next
	}
	return nil
}

// decode turns one page body into records and the URL of the next page,
// checked ("" on the last page).
func (is *insights) decode(body []byte, from, to time.Time) ([]connector.Record, string, error) {
	p, raws, err := parsePage(body, needRaw(is.extras))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if p.Data == nil {
		return nil, "", fmt.Errorf("no data array in %q: %w", snippet(body), ErrMalformed)
	}
	recs, err := is.records(p.Data, raws, from, to)
	if err != nil || p.Next == "" {
		return recs, "", err
	}
	next, err := is.s.nextURL(p.Next)
	return recs, next, err
}

// records converts the rows of a page, with their raw values (for extra
// fields) when raws is not nil.
func (is *insights) records(rows []row, raws []map[string]json.RawMessage, from, to time.Time) ([]connector.Record, error) {
	recs := make([]connector.Record, 0, len(rows))
	days := dayCache{}
	for i := range rows {
		var raw map[string]json.RawMessage
		if raws != nil {
			raw = raws[i]
		}
		r, err := is.record(&rows[i], raw, days, from, to)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, err)
		}
		recs = append(recs, r)
	}
	return recs, nil
}

func needRaw(extras []extraField) bool {
	for _, e := range extras {
		if e.action == "" {
			return true
		}
	}
	return false
}

// dayCache parses each date string of a page once.
type dayCache map[string]dayVal

type dayVal struct {
	t time.Time
	v any // t boxed
}

// parse reads a YYYY-MM-DD date; "" is a null.
func (c dayCache) parse(s string) (time.Time, any, error) {
	if s == "" {
		return time.Time{}, nil, nil
	}
	if d, ok := c[s]; ok {
		return d.t, d.v, nil
	}
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return time.Time{}, nil, err
	}
	c[s] = dayVal{t, t}
	return t, c[s].v, nil
}

// record converts one row (raw its raw values, for extra fields): its
// ad and day, its text fields, its metrics, its actions and its extra
// fields.
func (is *insights) record(r *row, raw map[string]json.RawMessage, days dayCache, from, to time.Time) (connector.Record, error) {
	day, dayAny, err := r.day(days, from, to)
	if err != nil {
		return connector.Record{}, err
	}
	_, stop, err := days.parse(r.DateStop)
	if err != nil {
		return connector.Record{}, fmt.Errorf("ad %s: date_stop %q: %w", r.AdID, r.DateStop, ErrMalformed)
	}
	f := make(map[string]any, len(is.fields))
	is.putTexts(f, r, dayAny, stop)
	if err := putMetrics(f, r); err != nil {
		return connector.Record{}, err
	}
	var errs []error
	putActions(f, r, &errs)
	for _, e := range is.extras {
		f[e.column] = e.value(r, raw, &errs)
	}
	if len(errs) > 0 {
		return connector.Record{}, fmt.Errorf("ad %s day %s: %w", r.AdID, r.DateStart, errors.Join(errs...))
	}
	return connector.Record{ID: r.AdID, Day: day, Fields: f}, nil
}

// day checks the row's ad id and reads its day, date_start, which must be
// within from..to: the day, and boxed.
func (r *row) day(days dayCache, from, to time.Time) (time.Time, any, error) {
	if r.AdID == "" {
		return time.Time{}, nil, fmt.Errorf("no ad_id: %w", ErrMalformed)
	}
	day, dayAny, err := days.parse(r.DateStart)
	if err != nil || r.DateStart == "" {
		return time.Time{}, nil, fmt.Errorf("ad %s: date_start %q: %w", r.AdID, r.DateStart, ErrMalformed)
	}
	if day.Before(from) || day.After(to) {
		return time.Time{}, nil, fmt.Errorf("ad %s: day %s outside the range asked for: %w", r.AdID, r.DateStart, ErrMalformed)
	}
	return day, dayAny, nil
}

// putTexts sets the row's account, dates, and campaign, ad set and ad ids
// and names in f.
func (is *insights) putTexts(f map[string]any, r *row, dayAny, stop any) {
	f["account_id"] = is.accountID
	f["date_start"] = dayAny
	f["date_stop"] = stop
	f["account_currency"] = r.Currency
	f["campaign_id"] = r.CampaignID
	f["campaign_name"] = r.CampaignName
	f["adset_id"] = r.AdsetID
	f["ad_id"] = r.AdIDAny
	f["ad_name"] = r.AdName
}

// putMetrics parses the row's impressions, reach, clicks and spend into f.
func putMetrics(f map[string]any, r *row) error {
	for _, m := range []struct {
		name string
		raw  json.RawMessage
		typ  connector.Type
	}{{"impressions", r.Impressions, connector.Int}, {"reach", r.Reach, connector.Int}, {"clicks", r.Clicks, connector.Int}, {"spend", r.Spend, connector.Float}} {
		v, err := number(m.raw, m.typ)
		if err != nil {
			return fmt.Errorf("ad %s day %s: %s: %w", r.AdID, r.DateStart, m.name, err)
		}
		f[m.name] = v
	}
	return nil
}

// putActions sets the flattened actions of the row in f, adding to errs
// those whose values do not parse.
func putActions(f map[string]any, r *row, errs *[]error) {
	f["link_clicks"] = actionValue(r.Actions, linkClickTypes, connector.Int, errs)
	f["landing_page_views"] = actionValue(r.Actions, landingTypes, connector.Int, errs)
	f["leads"] = actionValue(r.Actions, leadTypes, connector.Int, errs)
	f["purchases"] = actionValue(r.Actions, purchaseTypes, connector.Int, errs)
	f["purchase_value"] = actionValue(r.ActionValues, purchaseTypes, connector.Float, errs)
}

// value is the value of the extra field e in row r (raw its raw values),
// adding to errs why it does not parse.
func (e extraField) value(r *row, raw map[string]json.RawMessage, errs *[]error) any {
	switch e.api {
	case "actions":
		return actionValue(r.Actions, []string{e.action}, connector.Int, errs)
	case "action_values":
		return actionValue(r.ActionValues, []string{e.action}, connector.Float, errs)
	}
	v, err := number(raw[e.api], e.typ)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", e.api, err))
	}
	return v
}

// number parses a JSON value (Meta sends numbers as strings) as typ; a
// missing, null or empty value is nil. Strings are kept as they are.
func number(raw json.RawMessage, typ connector.Type) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	switch {
	case raw[0] == '"' && len(raw) >= 2 && raw[len(raw)-1] == '"' && !bytes.ContainsAny(raw[1:len(raw)-1], `"\\`):
		s = string(raw[1 : len(raw)-1])
		if s == "" {
			return nil, nil
		}
	case raw[0] == '"':
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", snippet(raw), ErrMalformed)
		}
		if s == "" {
			return nil, nil
		}
	case typ == connector.String:
		return string(raw), nil // an object or number kept as its JSON text
	default:
		s = string(raw)
	}
	if typ == connector.Int || typ == connector.Float {
		return parseNumber(s, typ)
	}
	return s, nil
}

// parseNumber reads a count (typ Int) or an amount (typ Float).
func parseNumber(s string, typ connector.Type) (any, error) {
	if typ == connector.Int {
		return parseCount(s)
	}
	return parseAmount(s)
}

// parseAmount reads a finite number.
func parseAmount(s string) (any, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("%q is not a number: %w", s, ErrMalformed)
	}
	return v, nil
}

// parseCount reads a count; a fractional count (modelled conversions) is
// rounded to the nearest whole number.
func parseCount(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<62 {
		return 0, fmt.Errorf("%q is not a count: %w", s, ErrMalformed)
	}
	return int64(math.Round(v)), nil
}

// actionValue is the value of the first of types present in list; an
// action Meta leaves out happened zero times.
func actionValue(list []action, types []string, typ connector.Type, errs *[]error) any {
	for _, t := range types {
		for _, a := range list {
			if a.Type != t {
				continue
			}
			v, err := parseNumber(a.Value, typ)
			if err != nil {
				*errs = append(*errs, fmt.Errorf("action %s: %w", t, err))
				return nil
			}
			return v
		}
	}
	if typ == connector.Int {
		return int64(0)
	}
	return 0.0
}

// DefaultLookbackDays implements the orchestrator's look-back default: the
// days of a window re-read because Meta restates them.
func (is *insights) DefaultLookbackDays() int { return DefaultLookbackDays }
