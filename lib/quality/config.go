package quality

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Rule kinds.
const (
	// KindNotNull fails a row whose column is null (see IsNull) or equals
	// one of the rule's NullValues.
	KindNotNull = "not_null"
	// KindUnique fails every row whose key (one column, or several) repeats
	// the key of an earlier row.
	KindUnique = "unique"
	// KindAcceptedValues fails a non-null value whose text (see Format) is
	// not one of the rule's Values.
	KindAcceptedValues = "accepted_values"
	// KindRange fails a non-null value outside [Min, Max] (both inclusive).
	KindRange = "range"
	// KindPattern fails a non-null value whose text does not match the
	// rule's Go regular expression.
	KindPattern = "pattern"
	// KindRelationships fails a non-null value whose text is not in the key
	// set the caller passes under the rule's To.
	KindRelationships = "relationships"
	// KindFreshness fails the dataset when its newest timestamp in the
	// column is older than MaxAgeHours as of Inputs.Now.
	KindFreshness = "freshness"
)

// Severities.
const (
	// SeverityWarn reports a failing rule without stopping the run.
	SeverityWarn = "warn"
	// SeverityError stops the run when the rule fails (see GateError).
	SeverityError = "error"
)

// Config is the quality section of a configuration: the rules of every
// dataset checked.
type Config struct {
	// Datasets holds one entry per dataset checked.
	Datasets []Dataset `yaml:"datasets"`
}

// Dataset is the quality configuration of one dataset.
type Dataset struct {
	// Name is the dataset's name, as in store keys (e.g. "raw/retail/orders"
	// or "orders"); it names the report and the quarantine.
	Name string `yaml:"name"`
	// PII lists the columns holding personal data: sample values and
	// quarantined values of these columns are hashed (see HashValue).
	PII []string `yaml:"pii"`
	// Rules are checked in order.
	Rules []Rule `yaml:"rules"`
}

// Rule is one check. Kind decides which of the kind-specific settings
// apply; setting one that does not apply is a configuration error.
type Rule struct {
	// Name identifies the rule in results, quarantine and reports; unique
	// within its dataset. Default: kind and columns joined by "_", e.g.
	// "not_null_customer_id" or "unique_invoice_stock_code".
	Name string `yaml:"name"`
	// Kind is one of not_null, unique, accepted_values, range, pattern,
	// relationships, freshness.
	Kind string `yaml:"kind"`
	// Column is the column checked. Every kind but unique needs it.
	Column string `yaml:"column"`
	// Columns is a composite key for unique (instead of Column).
	Columns []string `yaml:"columns"`
	// Severity is warn or error; default error (as in dbt).
	Severity string `yaml:"severity"`
	// MaxFailures lets at most this many rows fail before the rule fails.
	MaxFailures *int `yaml:"max_failures"`
	// MaxFailureShare lets at most this share of checked rows (0..1) fail
	// before the rule fails: 0.01 means "fail if more than 1% fail". At most
	// one of MaxFailures and MaxFailureShare may be set; with neither, one
	// failing row fails the rule.
	MaxFailureShare *float64 `yaml:"max_failure_share"`

	// NullValues (not_null) are extra texts counted as null, compared
	// after trimming spaces, case-insensitively: e.g. ["unknown", "n/a"].
	NullValues []string `yaml:"null_values"`
	// Values (accepted_values) are the accepted texts, compared exactly.
	Values []string `yaml:"values"`
	// Min and Max (range) are inclusive bounds, either both numbers
	// ("1900", "0.01") or both times (RFC 3339 or "2006-01-02"); one may
	// be empty for an open end.
	Min string `yaml:"min"`
	// Max is the upper bound, as Min.
	Max string `yaml:"max"`
	// Pattern (pattern) is a Go regular expression (RE2 syntax); a value
	// passes when the expression matches anywhere in its text, so anchor
	// it with ^...$ for a whole-value match.
	Pattern string `yaml:"pattern"`
	// To (relationships) names the key set the caller passes in
	// Inputs.Keys, conventionally "<dataset>.<column>", e.g.
	// "customers.customer_id".
	To string `yaml:"to"`
	// MaxAgeHours (freshness) is the largest age, in hours, the newest
	// timestamp of the column may have as of Inputs.Now.
	MaxAgeHours float64 `yaml:"max_age_hours"`
}

// columns of the rule: Columns for a composite unique rule, else Column.
func (r Rule) columns() []string {
	if len(r.Columns) > 0 {
		return r.Columns
	}
	if r.Column == "" {
		return nil
	}
	return []string{r.Column}
}

// Parse reads a quality configuration from YAML (unknown fields are
// errors), applies defaults and validates it.
func Parse(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse quality config: %w", err)
	}
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// SetDefaults fills a rule's default name and severity.
func (c *Config) SetDefaults() {
	for i := range c.Datasets {
		c.Datasets[i].SetDefaults()
	}
}

// SetDefaults fills each rule's default name and severity.
func (d *Dataset) SetDefaults() {
	for i := range d.Rules {
		r := &d.Rules[i]
		if r.Severity == "" {
			r.Severity = SeverityError
		}
		if r.Name == "" && r.Kind != "" {
			parts := append([]string{r.Kind}, r.columns()...)
			r.Name = snake(strings.Join(parts, "_"))
		}
	}
}

// snake lower-cases s and turns every run of other characters than
// letters and digits into one "_".
func snake(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			under = false
			continue
		}
		if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, d := range c.Datasets {
		where := fmt.Sprintf("quality.datasets[%d]", i)
		if d.Name != "" && seen[d.Name] {
			errs = append(errs, fmt.Errorf("%s.name: %q appears twice", where, d.Name))
		}
		seen[d.Name] = true
		errs = append(errs, d.validate(where)...)
	}
	return errors.Join(errs...)
}

// Validate reports every problem of one dataset's rules at once; call it
// after SetDefaults (Parse and Evaluate do), as an empty severity is an error.
func (d *Dataset) Validate() error {
	return errors.Join(d.validate("quality." + d.Name)...)
}

func (d *Dataset) validate(where string) []error {
	var errs []error
	if d.Name == "" {
		errs = append(errs, fmt.Errorf("%s.name: required", where))
	}
	for i, p := range d.PII {
		if p == "" {
			errs = append(errs, fmt.Errorf("%s.pii[%d]: empty column name", where, i))
		}
	}
	names := map[string]bool{}
	for i, r := range d.Rules {
		rw := fmt.Sprintf("%s.rules[%d]", where, i)
		if r.Name != "" && names[r.Name] {
			errs = append(errs, fmt.Errorf("%s.name: %q appears twice", rw, r.Name))
		}
		names[r.Name] = true
		_, rerrs := compile(r, rw)
		errs = append(errs, rerrs...)
	}
	return errs
}

// compiled is a rule with its settings parsed.
type compiled struct {
	Rule
	cols    []string
	nulls   map[string]bool // not_null: lower-cased extra null texts
	values  map[string]bool // accepted_values
	re      *regexp.Regexp  // pattern
	lo, hi  *bound          // range
	timeRng bool            // range over times, not numbers
}

// compile checks one rule and parses its settings; where prefixes the
// messages.
func compile(r Rule, where string) (*compiled, []error) {
	p := &ruleProblems{where: where}
	p.checkCommon(r)
	if !p.checkSettings(r) {
		return nil, p.errs
	}
	c := &compiled{Rule: r, cols: r.columns()}
	p.checkColumns(r, c.cols)
	switch r.Kind {
	case KindNotNull:
		c.nulls = nullTexts(r.NullValues)
	case KindAcceptedValues:
		c.values = p.acceptedValues(r.Values)
	case KindRange:
		p.compileRange(c)
	case KindPattern:
		c.re = p.compilePattern(r.Pattern)
	case KindRelationships:
		if r.To == "" {
			p.add("to: required: the key set's name, e.g. customers.customer_id")
		}
	case KindFreshness:
		p.checkFreshness(r)
	}
	return c, p.errs
}

// ruleProblems collects the problems of one rule, each message prefixed
// with where the rule is.
type ruleProblems struct {
	where string
	errs  []error
}

// add records the problem "<where>.<format>" formatted as fmt.Errorf does.
func (p *ruleProblems) add(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s."+format, append([]any{p.where}, args...)...))
}

// checkCommon checks the settings every kind has: name, severity and the
// failure threshold.
func (p *ruleProblems) checkCommon(r Rule) {
	if r.Name == "" {
		p.add("name: required")
	}
	switch r.Severity {
	case SeverityWarn, SeverityError:
	default:
		p.add("severity: %q is not warn or error", r.Severity)
	}
	if r.MaxFailures != nil && r.MaxFailureShare != nil {
		p.add("max_failures: set only one of max_failures and max_failure_share")
	}
	if r.MaxFailures != nil && *r.MaxFailures < 0 {
		p.add("max_failures: %d is negative", *r.MaxFailures)
	}
	if s := r.MaxFailureShare; s != nil && (math.IsNaN(*s) || *s < 0 || *s > 1) {
		p.add("max_failure_share: %g is outside 0..1", *s)
	}
}

// kindSettings lists the kind-specific settings in the order they are
// reported.
func kindSettings() []string {
	return []string{"columns", "null_values", "values", "min", "max", "pattern", "to", "max_age_hours"}
}

// allowedSettings are the kind-specific settings that apply, per kind.
func allowedSettings() map[string][]string {
	return map[string][]string{
		KindNotNull:        {"null_values"},
		KindUnique:         {"columns"},
		KindAcceptedValues: {"values"},
		KindRange:          {"min", "max"},
		KindPattern:        {"pattern"},
		KindRelationships:  {"to"},
		KindFreshness:      {"max_age_hours"},
	}
}

// settingsSet reports which kind-specific settings of r are set.
func settingsSet(r Rule) map[string]bool {
	return map[string]bool{
		"columns":       len(r.Columns) > 0,
		"null_values":   len(r.NullValues) > 0,
		"values":        len(r.Values) > 0,
		"min":           r.Min != "",
		"max":           r.Max != "",
		"pattern":       r.Pattern != "",
		"to":            r.To != "",
		"max_age_hours": r.MaxAgeHours != 0,
	}
}

// checkSettings refuses the kind-specific settings that do not apply to
// r's kind. It reports false when the kind is unknown.
func (p *ruleProblems) checkSettings(r Rule) bool {
	set := settingsSet(r)
	ok, known := allowedSettings()[r.Kind]
	if !known {
		p.add("kind: %q is not one of not_null, unique, accepted_values, range, pattern, relationships, freshness", r.Kind)
		return false
	}
	for _, k := range kindSettings() {
		if set[k] && !slices.Contains(ok, k) {
			p.add("%s: does not apply to a %s rule", k, r.Kind)
		}
	}
	return true
}

// checkColumns checks the rule's column or columns; cols are the rule's
// columns.
func (p *ruleProblems) checkColumns(r Rule, cols []string) {
	switch {
	case r.Kind == KindUnique && r.Column != "" && len(r.Columns) > 0:
		p.add("columns: set column or columns, not both")
	case len(cols) == 0:
		p.add("column: required for a %s rule", r.Kind)
	}
	for i, col := range r.Columns {
		if col == "" {
			p.add("columns[%d]: empty column name", i)
		} else if slices.Contains(r.Columns[:i], col) {
			p.add("columns[%d]: %q appears twice", i, col)
		}
	}
}

// nullTexts is the set of a not_null rule's extra null texts, trimmed and
// lower-cased.
func nullTexts(values []string) map[string]bool {
	nulls := map[string]bool{}
	for _, v := range values {
		nulls[strings.ToLower(strings.TrimSpace(v))] = true
	}
	return nulls
}

// acceptedValues is the set of an accepted_values rule's values, at least
// one.
func (p *ruleProblems) acceptedValues(values []string) map[string]bool {
	if len(values) == 0 {
		p.add("values: at least one accepted value is required")
	}
	set := map[string]bool{}
	for _, v := range values {
		set[v] = true
	}
	return set
}

// compileRange parses and checks the bounds of a range rule into c.
func (p *ruleProblems) compileRange(c *compiled) {
	var err error
	if c.lo, err = parseBound(c.Min); err != nil {
		p.add("min: %w", err)
	}
	if c.hi, err = parseBound(c.Max); err != nil {
		p.add("max: %w", err)
	}
	switch {
	case c.Min == "" && c.Max == "":
		p.add("min: a range rule needs min, max or both")
	case c.lo != nil && c.hi != nil:
		if c.lo.isTime != c.hi.isTime {
			p.add("max: min and max must both be numbers or both be times")
		} else if c.lo.compare(c.hi) > 0 {
			p.add("max: %s is below min %s", c.Max, c.Min)
		}
	}
	c.timeRng = c.lo != nil && c.lo.isTime || c.hi != nil && c.hi.isTime
}

// compilePattern compiles a pattern rule's expression, which is required.
func (p *ruleProblems) compilePattern(pattern string) *regexp.Regexp {
	re, err := regexp.Compile(pattern)
	switch {
	case pattern == "":
		p.add("pattern: required for a pattern rule")
	case err != nil:
		p.add("pattern: %w", err)
	}
	return re
}

// checkFreshness checks a freshness rule's age, and that it has no failure
// threshold.
func (p *ruleProblems) checkFreshness(r Rule) {
	if !(r.MaxAgeHours > 0) || math.IsInf(r.MaxAgeHours, 0) {
		p.add("max_age_hours: %g must be a positive number of hours", r.MaxAgeHours)
	}
	if r.MaxFailures != nil || r.MaxFailureShare != nil {
		p.add("max_failures: a freshness rule has no threshold (the dataset is fresh or not)")
	}
}
