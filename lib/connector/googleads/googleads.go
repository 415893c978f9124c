// Package googleads is the Google Ads API connector: daily campaign and ad
// group metrics read with GAQL through the REST interface's searchStream.
//
// # Configuration
//
// A source of kind google_ads sets:
//
//   - account: the customer id (dashes allowed: 123-456-7890).
//   - base_url: the API root (default https://googleads.googleapis.com).
//   - auth: environment variable names for the roles developer_token,
//     client_id, client_secret and refresh_token (all required).
//   - rate_limit: requests per second (default 2).
//   - lookback_days: re-read window, an orchestrator setting; the default
//     for Google Ads is DefaultLookbackDays.
//   - page_size: ignored; searchStream streams the whole result in batches
//     of up to 10,000 rows.
//   - options.login_customer_id: the manager account id, sent as the
//     login-customer-id header when the account is reached through a
//     manager.
//   - options.token_url: the OAuth 2.0 token endpoint root (default
//     https://oauth2.googleapis.com; the request goes to {token_url}/token).
//   - options.currency: the account's currency (ISO 4217), copied into each
//     record's currency field; without it the field is null.
//   - options.api_version: the API version in the path (default v17).
//   - options.days_per_request: how many days one searchStream request
//     covers (default 1). One day per request keeps each response small,
//     since lib/httpclient reads a response whole before it is decoded.
//
// # Streams
//
// campaign_daily (FROM campaign) and ad_group_daily (FROM ad_group) are
// Daily streams: one record per entity and day, ID the campaign or ad group
// id, Day segments.date. Money arrives in micros of the account currency
// (metrics.cost_micros) and is delivered as cost in currency units;
// conversions_value is already in currency units. int64 values arrive as
// JSON strings (the proto3 JSON mapping) and are delivered as int64. A
// metric the API leaves out is null.
//
// # Auth, retries and errors
//
// The access token comes from the OAuth 2.0 refresh flow and is refreshed a
// minute before it expires, and once more when the API answers 401
// UNAUTHENTICATED. Throttling (HTTP 429 RESOURCE_EXHAUSTED) is retried after
// the GoogleAdsFailure's quotaErrorDetails.retryDelay; a delay longer than
// the client's MaxHintWait (the daily operations quota) fails the pull. 5xx
// answers are retried. searchStream reports an error that happens after the
// first batch as a last {"error": ...} element inside an HTTP 200 array: a
// transient one is retried, any other fails the pull. See Policy.
package googleads

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/money"
)

// Defaults.
const (
	// DefaultLookbackDays is how many recent days the orchestrator re-reads,
	// because Google Ads restates recent metrics (late conversions, invalid
	// click credits).
	DefaultLookbackDays = 30
	// DefaultRate is the request rate per account, per second.
	DefaultRate = 2.0
	// DefaultBaseURL is the Google Ads API's public endpoint.
	DefaultBaseURL = "https://googleads.googleapis.com"
	// DefaultTokenURL is Google's OAuth 2.0 token endpoint root.
	DefaultTokenURL = "https://oauth2.googleapis.com"
	// DefaultAPIVersion is the API version used.
	DefaultAPIVersion = "v17"
	// DefaultDaysPerRequest is the number of days one request covers.
	DefaultDaysPerRequest = 1
	// CampaignDaily is the campaign metrics stream's name.
	CampaignDaily = "campaign_daily"
	// AdGroupDaily is the ad group metrics stream's name.
	AdGroupDaily = "ad_group_daily"

	platform = "google_ads"
)

// Sentinel errors.
var (
	// ErrUnknownStream is returned for a stream name the connector lacks.
	ErrUnknownStream = errors.New("unknown stream")
	// ErrMissingSecret is returned when a required secret is not configured.
	ErrMissingSecret = errors.New("missing secret")
)

// spec describes one stream.
type spec struct {
	name     string
	resource string // GAQL FROM
	selects  []string
	fields   []connector.Field
}

func specFor(name string) (spec, bool) {
	metrics := []string{"metrics.impressions", "metrics.clicks", "metrics.cost_micros", "metrics.conversions", "metrics.conversions_value"}
	metricFields := []connector.Field{
		{Name: "impressions", Type: connector.Int},
		{Name: "clicks", Type: connector.Int},
		{Name: "cost", Type: connector.Float},
		{Name: "conversions", Type: connector.Float},
		{Name: "conversions_value", Type: connector.Float},
		{Name: "currency", Type: connector.String},
	}
	switch name {
	case CampaignDaily:
		return spec{
			name:     name,
			resource: "campaign",
			selects:  append([]string{"segments.date", "campaign.id", "campaign.name", "campaign.status"}, metrics...),
			fields: append([]connector.Field{
				{Name: "date", Type: connector.Date},
				{Name: "customer_id", Type: connector.String},
				{Name: "campaign_id", Type: connector.String},
				{Name: "campaign_name", Type: connector.String},
				{Name: "campaign_status", Type: connector.String},
			}, metricFields...),
		}, true
	case AdGroupDaily:
		return spec{
			name:     name,
			resource: "ad_group",
			selects:  append([]string{"segments.date", "campaign.id", "ad_group.id", "ad_group.name"}, metrics...),
			fields: append([]connector.Field{
				{Name: "date", Type: connector.Date},
				{Name: "customer_id", Type: connector.String},
				{Name: "campaign_id", Type: connector.String},
				{Name: "ad_group_id", Type: connector.String},
				{Name: "ad_group_name", Type: connector.String},
			}, metricFields...),
		}, true
	}
	return spec{}, false
}

// New builds the configured streams of one Google Ads customer account.
func New(src config.Source, deps connector.Deps) ([]connector.Stream, error) {
	if deps.Getenv == nil {
		return nil, fmt.Errorf("googleads: source %q: no environment reader in deps", src.Name)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	s, err := settingsOf(src, deps.Getenv)
	if err != nil {
		return nil, err
	}
	specs, err := specsOf(src)
	if err != nil {
		return nil, err
	}
	client, tokens := newClients(src, deps, s)
	out := make([]connector.Stream, 0, len(specs))
	for _, sp := range specs {
		out = append(out, s.newStream(sp, client, tokens, deps.Log))
	}
	return out, nil
}

// newStream makes the stream of sp on the account of s, sending through
// client and logging to log.
func (s settings) newStream(sp spec, client *httpclient.Client, tokens *tokenSource, log zerolog.Logger) *stream {
	return &stream{
		spec: sp, client: client, tokens: tokens,
		endpoint:       fmt.Sprintf("%s/%s/customers/%s/googleAds:searchStream", s.baseURL, s.version, s.customerID),
		customerID:     s.customerID,
		currency:       s.currency,
		daysPerRequest: s.days,
		log:            log.With().Str(logging.FieldStream, sp.name).Logger(),
	}
}

// settings are a source's account, secrets and options, checked and with
// their defaults.
type settings struct {
	customerID string
	login      string            // the manager account's customer id, or ""
	secrets    map[string]string // per auth role
	days       int               // days per request
	baseURL    string
	tokenURL   string // {token_url}/token
	version    string
	currency   any // string or nil
}

// settingsOf reads and checks the settings of src, its secrets from getenv.
func settingsOf(src config.Source, getenv func(string) string) (settings, error) {
	var s settings
	var err error
	if s.customerID, err = customerIDOf(src.Account); err != nil {
		return s, fmt.Errorf("googleads: source %q: account: %w", src.Name, err)
	}
	if s.secrets, err = secretsOf(src, getenv); err != nil {
		return s, err
	}
	opts, err := optionsOf(src)
	if err != nil {
		return s, err
	}
	if s.login, err = loginCustomerID(src, opts); err != nil {
		return s, err
	}
	if s.days, err = daysPerRequest(src, opts); err != nil {
		return s, err
	}
	if err := s.endpoints(src, opts); err != nil {
		return s, err
	}
	s.version = or(opts["api_version"], DefaultAPIVersion)
	if c := opts["currency"]; c != "" {
		s.currency = strings.ToUpper(c)
	}
	return s, nil
}

// loginCustomerID is options.login_customer_id, normalised; "" unless
// set.
func loginCustomerID(src config.Source, opts map[string]string) (string, error) {
	v := opts["login_customer_id"]
	if v == "" {
		return "", nil
	}
	id, err := customerIDOf(v)
	if err != nil {
		return "", fmt.Errorf("googleads: source %q: options.login_customer_id: %w", src.Name, err)
	}
	return id, nil
}

// daysPerRequest is options.days_per_request, DefaultDaysPerRequest
// unless set.
func daysPerRequest(src config.Source, opts map[string]string) (int, error) {
	v := opts["days_per_request"]
	if v == "" {
		return DefaultDaysPerRequest, nil
	}
	days, err := strconv.Atoi(v)
	if err != nil || days < 1 {
		return days, fmt.Errorf("googleads: source %q: options.days_per_request: %q is not a positive whole number", src.Name, v)
	}
	return days, nil
}

// endpoints sets the API root (base_url) and the token URL
// (options.token_url) of s, with their defaults, checked.
func (s *settings) endpoints(src config.Source, opts map[string]string) error {
	s.baseURL = strings.TrimRight(or(src.BaseURL, DefaultBaseURL), "/")
	s.tokenURL = strings.TrimRight(or(opts["token_url"], DefaultTokenURL), "/") + "/token"
	for _, u := range []string{s.baseURL, s.tokenURL} {
		if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
			return fmt.Errorf("googleads: source %q: %q is not an absolute URL", src.Name, u)
		}
	}
	return nil
}

// secretsOf reads the value of every auth role of src from the environment
// variable it names.
func secretsOf(src config.Source, getenv func(string) string) (map[string]string, error) {
	secrets := map[string]string{}
	for _, role := range []string{"developer_token", "client_id", "client_secret", "refresh_token"} {
		env := src.Auth[role]
		if env == "" {
			return nil, fmt.Errorf("googleads: source %q: auth.%s: %w (name the environment variable that holds it)", src.Name, role, ErrMissingSecret)
		}
		v := getenv(env)
		if v == "" {
			return nil, fmt.Errorf("googleads: source %q: auth.%s: %w: environment variable %s is empty", src.Name, role, ErrMissingSecret, env)
		}
		secrets[role] = v
	}
	return secrets, nil
}

// optionsOf returns src's options, trimmed, refusing unknown ones.
func optionsOf(src config.Source) (map[string]string, error) {
	opts := map[string]string{}
	for k, v := range src.Options {
		switch k {
		case "login_customer_id", "token_url", "currency", "api_version", "days_per_request":
			opts[k] = strings.TrimSpace(v)
		default:
			return nil, fmt.Errorf("googleads: source %q: options.%s: unknown option (login_customer_id, token_url, currency, api_version, days_per_request)", src.Name, k)
		}
	}
	return opts, nil
}

// specsOf returns the specs of src's streams, refusing unknown streams and
// extra fields.
func specsOf(src config.Source) ([]spec, error) {
	var specs []spec
	for _, st := range src.Streams {
		sp, ok := specFor(st.Name)
		if !ok {
			return nil, fmt.Errorf("googleads: source %q: stream %q: %w (known: %s, %s)", src.Name, st.Name, ErrUnknownStream, CampaignDaily, AdGroupDaily)
		}
		if len(st.Fields) > 0 {
			return nil, fmt.Errorf("googleads: source %q: stream %q: extra fields are not supported (the connector selects a fixed GAQL field list)", src.Name, st.Name)
		}
		specs = append(specs, sp)
	}
	return specs, nil
}

// newClients makes the API client, which authenticates every request
// with the token source it also returns.
func newClients(src config.Source, deps connector.Deps, s settings) (*httpclient.Client, *tokenSource) {
	base := deps.BaseTransport()
	tokens := newTokenSource(deps, base, s)
	cfg := deps.HTTP
	cfg.Platform = platform
	cfg.Log = deps.Log
	cfg.Policy = Policy{MaxHintWait: cfg.MaxHintWait}
	cfg.Rate = src.RateLimit
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	cfg.Transport = &authTransport{base: base, tokens: tokens, developerToken: s.secrets["developer_token"], loginCustomerID: s.login}
	return httpclient.New(cfg), tokens
}

// newTokenSource makes the OAuth 2.0 refresh-flow token source, whose
// client goes through base with the default retry policy and no rate
// limit.
func newTokenSource(deps connector.Deps, base http.RoundTripper, s settings) *tokenSource {
	tokenCfg := deps.HTTP
	tokenCfg.Log = deps.Log
	tokenCfg.Platform = platform + " oauth"
	tokenCfg.Policy = httpclient.DefaultPolicy{}
	tokenCfg.Rate = 0
	tokenCfg.Transport = base
	return &tokenSource{
		client:   httpclient.New(tokenCfg),
		tokenURL: s.tokenURL,
		form: url.Values{
			"grant_type":    {"refresh_token"},
			"client_id":     {s.secrets["client_id"]},
			"client_secret": {s.secrets["client_secret"]},
			"refresh_token": {s.secrets["refresh_token"]},
		},
		now: deps.Now,
	}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// customerIDOf normalises a customer id: digits, dashes dropped.
func customerIDOf(s string) (string, error) {
	id := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	if id == "" {
		return "", fmt.Errorf("a customer id is required")
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("%q is not a customer id (digits, dashes allowed)", s)
		}
	}
	return id, nil
}

// stream is one Daily stream.
type stream struct {
	spec           spec
	client         *httpclient.Client
	tokens         *tokenSource
	endpoint       string
	customerID     string
	currency       any // string or nil
	daysPerRequest int
	log            zerolog.Logger
}

var _ connector.Daily = (*stream)(nil)

// Name implements connector.Stream.
func (s *stream) Name() string { return s.spec.name }

// Fields implements connector.Stream.
func (s *stream) Fields() []connector.Field {
	return append([]connector.Field(nil), s.spec.fields...)
}

// PullDays implements connector.Daily: one searchStream request per
// days_per_request days, each batch of the stream emitted as one page.
func (s *stream) PullDays(ctx context.Context, from, to time.Time, emit func([]connector.Record) error) error {
	from, to = dateOf(from), dateOf(to)
	for start := from; !start.After(to); {
		end := start.AddDate(0, 0, s.daysPerRequest-1)
		if end.After(to) {
			end = to
		}
		if err := s.pullRange(ctx, start, end, emit); err != nil {
			return err
		}
		start = end.AddDate(0, 0, 1)
	}
	return nil
}

func dateOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// pullRange reads the days from..to with one searchStream request.
func (s *stream) pullRange(ctx context.Context, from, to time.Time, emit func([]connector.Record) error) error {
	span := from.Format(time.DateOnly) + ".." + to.Format(time.DateOnly)
	body, err := json.Marshal(map[string]string{"query": s.query(from, to)})
	if err != nil {
		return fmt.Errorf("googleads: %s %s: encode query: %w", s.spec.name, span, err)
	}
	resp, err := s.search(ctx, body)
	if err != nil {
		return fmt.Errorf("googleads: %s %s: %w", s.spec.name, span, err)
	}
	n, err := s.decode(resp.Body, from, to, emit)
	if err != nil {
		return fmt.Errorf("googleads: %s %s: %w", s.spec.name, span, err)
	}
	s.log.Debug().Str(logging.FieldDays, span).Int(logging.FieldRows, n).Msg("google ads stream read")
	return nil
}

// query is the stream's GAQL query for the days from..to.
func (s *stream) query(from, to time.Time) string {
	return fmt.Sprintf("SELECT %s FROM %s WHERE segments.date BETWEEN '%s' AND '%s'",
		strings.Join(s.spec.selects, ", "), s.spec.resource, from.Format(time.DateOnly), to.Format(time.DateOnly))
}

// search sends the searchStream request whose body is body: the response,
// or an error saying which step failed.
func (s *stream) search(ctx context.Context, body []byte) (*httpclient.Response, error) {
	// Fetch the token first, so that a refused refresh token fails here
	// once instead of as a transport error the client would retry.
	if _, err := s.tokens.token(ctx, ""); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(ctx, req)
	if err != nil {
		return nil, s.explain(ctx, err)
	}
	return resp, nil
}

// explain says more of a failed searchStream request: that it timed out,
// why the token refresh failed after a 401, or that a 200 stream kept
// breaking with a transient error.
func (s *stream) explain(ctx context.Context, err error) error {
	var he *httpclient.HTTPError
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
		err = fmt.Errorf("searchStream timed out: %w", err)
	}
	if errors.As(err, &he) {
		switch {
		case he.StatusCode == http.StatusUnauthorized:
			if rerr := s.tokens.failure(); rerr != nil {
				err = fmt.Errorf("%w (and the token refresh failed: %w)", err, rerr)
			}
		case he.StatusCode < 300:
			err = fmt.Errorf("searchStream kept failing mid-stream with a transient error: %w", err)
		}
	}
	return err
}

// row is one GoogleAdsRow with the fields the streams select.
type row struct {
	Campaign struct {
		ID     id      `json:"id"`
		Name   *string `json:"name"`
		Status *string `json:"status"`
	} `json:"campaign"`
	AdGroup struct {
		ID   id      `json:"id"`
		Name *string `json:"name"`
	} `json:"adGroup"`
	Metrics  metrics `json:"metrics"`
	Segments struct {
		Date string `json:"date"`
	} `json:"segments"`
}

// metrics are the metrics of a GoogleAdsRow.
type metrics struct {
	Impressions      int64Value  `json:"impressions"`
	Clicks           int64Value  `json:"clicks"`
	CostMicros       int64Value  `json:"costMicros"`
	Conversions      doubleValue `json:"conversions"`
	ConversionsValue doubleValue `json:"conversionsValue"`
}

// decode reads the stream, a JSON array of SearchGoogleAdsStreamResponse
// batches, row by row (the decoder holds one row at a time) and emits each
// batch's records as one page.
func (s *stream) decode(body []byte, from, to time.Time, emit func([]connector.Record) error) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := expectDelim(dec, '['); err != nil {
		return 0, fmt.Errorf("batch 1: decode stream: %w", err)
	}
	total := 0
	for n := 1; dec.More(); n++ {
		recs, err := s.decodeBatch(dec, from, to)
		if err != nil {
			return total, fmt.Errorf("batch %d: %w", n, err)
		}
		if len(recs) == 0 {
			continue
		}
		if err := emit(recs); err != nil {
			return total, fmt.Errorf("batch %d: emit: %w", n, err)
		}
		total += len(recs)
	}
	if err := expectDelim(dec, ']'); err != nil {
		return total, fmt.Errorf("end of stream: decode: %w", err)
	}
	return total, nil
}

// decodeBatch reads one batch object: its results, or the error element
// that ends a failed stream.
func (s *stream) decodeBatch(dec *json.Decoder, from, to time.Time) ([]connector.Record, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	var recs []connector.Record
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		switch tok {
		case "results":
			recs, err = s.decodeResults(dec, from, to, recs)
		case "error":
			err = streamFailure(dec)
		default:
			err = skipMember(dec, tok)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return recs, nil
}

// decodeResults reads a batch's results array row by row, appending the
// records to recs.
func (s *stream) decodeResults(dec *json.Decoder, from, to time.Time, recs []connector.Record) ([]connector.Record, error) {
	if err := expectDelim(dec, '['); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	for i := 1; dec.More(); i++ {
		var r row
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("row %d: decode: %w", i, err)
		}
		recs = append(recs, connector.Record{})
		if err := s.record(&r, from, to, &recs[len(recs)-1]); err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
	}
	if err := expectDelim(dec, ']'); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	return recs, nil
}

// streamFailure reads the error element that ends a failed stream: the
// error it reports.
func streamFailure(dec *json.Decoder) error {
	var st rpcStatus
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("decode error element: %w", err)
	}
	return fmt.Errorf("searchStream failed mid-stream: %s", &st)
}

// skipMember reads and drops the value of a batch's key tok: a requestId,
// which must be a string, or another key (fieldMask, summaryRow,
// queryResourceConsumption, ...).
func skipMember(dec *json.Decoder, tok json.Token) error {
	if tok == "requestId" {
		var requestID string
		if err := dec.Decode(&requestID); err != nil {
			return fmt.Errorf("decode requestId: %w", err)
		}
		return nil
	}
	var skip json.RawMessage
	if err := dec.Decode(&skip); err != nil {
		return fmt.Errorf("decode %v: %w", tok, err)
	}
	return nil
}

// expectDelim reads the next token, which must be d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != d {
		return fmt.Errorf("expected %q, got %v", d, tok)
	}
	return nil
}

// record turns one row into a record.
func (s *stream) record(r *row, from, to time.Time, rec *connector.Record) error {
	day, err := time.Parse(time.DateOnly, r.Segments.Date)
	if err != nil {
		return fmt.Errorf("segments.date %q: %w", r.Segments.Date, err)
	}
	if day.Before(from) || day.After(to) {
		return fmt.Errorf("segments.date %s is outside the requested days", r.Segments.Date)
	}
	if r.Campaign.ID == "" {
		return fmt.Errorf("campaign.id missing")
	}
	f := make(map[string]any, len(s.spec.fields))
	f["date"] = day
	f["customer_id"] = s.customerID
	f["campaign_id"] = string(r.Campaign.ID)
	r.Metrics.put(f)
	f["currency"] = s.currency
	entity, err := s.putEntity(f, r)
	if err != nil {
		return err
	}
	*rec = connector.Record{ID: entity, Day: day, Fields: f}
	return nil
}

// put sets the metrics in f, the cost in currency units.
func (m *metrics) put(f map[string]any) {
	f["impressions"] = m.Impressions.value()
	f["clicks"] = m.Clicks.value()
	f["cost"] = m.cost()
	f["conversions"] = m.Conversions.value()
	f["conversions_value"] = m.ConversionsValue.value()
}

// cost is the cost in currency units (metrics.cost_micros is in
// millionths), nil without one.
func (m *metrics) cost() any {
	if !m.CostMicros.set {
		return nil
	}
	return money.Micros(m.CostMicros.v).Float()
}

// putEntity sets the fields of the stream's entity, the row's campaign or
// ad group, in f: the entity's id.
func (s *stream) putEntity(f map[string]any, r *row) (string, error) {
	switch s.spec.resource {
	case "campaign":
		f["campaign_name"] = str(r.Campaign.Name)
		f["campaign_status"] = str(r.Campaign.Status)
	case "ad_group":
		if r.AdGroup.ID == "" {
			return "", fmt.Errorf("ad_group.id missing")
		}
		entity := string(r.AdGroup.ID)
		f["ad_group_id"] = entity
		f["ad_group_name"] = str(r.AdGroup.Name)
		return entity, nil
	}
	return string(r.Campaign.ID), nil
}

func str(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// id is an entity id, sent as a JSON string (int64) or number.
type id string

// UnmarshalJSON implements json.Unmarshaler.
func (x *id) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := string(unquote(b))
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return fmt.Errorf("id %s: %w", b, err)
	}
	*x = id(s)
	return nil
}

// int64Value is an int64 in the proto3 JSON mapping: a string, or a number.
type int64Value struct {
	v   int64
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *int64Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, err := strconv.ParseInt(string(unquote(b)), 10, 64)
	if err != nil {
		return fmt.Errorf("int64 %s: %w", b, err)
	}
	x.v, x.set = v, true
	return nil
}

func (x int64Value) value() any {
	if !x.set {
		return nil
	}
	return x.v
}

// doubleValue is a double in the proto3 JSON mapping: a number, or a string
// (including "NaN", "Infinity", "-Infinity").
type doubleValue struct {
	v   float64
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *doubleValue) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, err := strconv.ParseFloat(string(unquote(b)), 64)
	if err != nil {
		return fmt.Errorf("double %s: %w", b, err)
	}
	x.v, x.set = v, true
	return nil
}

func (x doubleValue) value() any {
	if !x.set {
		return nil
	}
	return x.v
}

func unquote(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return b[1 : len(b)-1]
	}
	return b
}

// DefaultLookbackDays implements the orchestrator's look-back default: the
// days of a window re-read because Google Ads restates them.
func (s *stream) DefaultLookbackDays() int { return DefaultLookbackDays }
