package quality

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"
)

// MaxSamples is the largest number of distinct failing values a Result
// keeps.
const MaxSamples = 5

// NullText is the sample text of a null value (never hashed).
const NullText = "<null>"

// ErrStop is what every GateError wraps: an error-level rule failed and
// the run must stop before anything downstream is written.
var ErrStop = errors.New("quality gate: stop the run")

// GateError lists the error-level rules of a dataset that failed.
// errors.Is(err, ErrStop) holds for it.
type GateError struct {
	// Dataset is the dataset checked.
	Dataset string
	// Rules are the failing error-level rules' names, in rule order.
	Rules []string
}

// Error names the dataset and the failing rules.
func (e *GateError) Error() string {
	return fmt.Sprintf("quality gate: dataset %s: error-level rules over threshold: %s",
		e.Dataset, strings.Join(e.Rules, ", "))
}

// Unwrap returns ErrStop.
func (e *GateError) Unwrap() error { return ErrStop }

// KeySet is the set of key texts (see Format) a relationships rule looks
// values up in.
type KeySet map[string]struct{}

// NewKeySet builds a key set from values, skipping nulls (see IsNull).
func NewKeySet(values ...any) KeySet {
	ks := make(KeySet, len(values))
	for _, v := range values {
		if !IsNull(v) {
			ks[Format(v)] = struct{}{}
		}
	}
	return ks
}

// TypeCheck is the caller's count of one column's type parsing, for
// instance while reading a CSV file into typed values; it counts under
// the validity dimension.
type TypeCheck struct {
	// Column is the column parsed.
	Column string `json:"column"`
	// Type is the type the values were parsed as (e.g. "decimal").
	Type string `json:"type"`
	// Checked is the number of non-null values the caller tried to parse.
	Checked int `json:"checked"`
	// Failed is the number of those that did not parse.
	Failed int `json:"failed"`
}

// Inputs are what Evaluate needs besides the rules and the rows.
type Inputs struct {
	// RunID names the run in the report.
	RunID string
	// Now is the time freshness is judged at and the report's AsOf: the
	// run's as-of time, never the wall clock of a re-run. Required when a
	// freshness rule is present.
	Now time.Time
	// Keys are the key sets of relationships rules, by the rules' To.
	Keys map[string]KeySet
	// TypeChecks are the caller's type parse counts (validity).
	TypeChecks []TypeCheck
	// ErrorFailuresOnly leaves warn-level rules' rows out of
	// Outcome.Failures, for a caller that quarantines only what error-level
	// rules refuse: on millions of rows a warn rule that fails often
	// (missing customers) would list millions of rows nobody reads. Results
	// and the report count every failure either way.
	ErrorFailuresOnly bool
}

// Result is the outcome of one rule.
type Result struct {
	// Rule is the rule's name.
	Rule string `json:"rule"`
	// Kind is the rule's kind.
	Kind string `json:"kind"`
	// Columns are the columns checked.
	Columns []string `json:"columns"`
	// Severity is warn or error.
	Severity string `json:"severity"`
	// Dimensions are the quality dimensions the rule counts in.
	Dimensions []string `json:"dimensions"`
	// Checked is the number of rows checked: every row for not_null; rows
	// whose key is not entirely null for unique; rows with a non-null
	// value for accepted_values, range, pattern and relationships; 1 (the
	// dataset) for freshness.
	Checked int `json:"checked"`
	// Failed is the number of checked rows that failed: for unique, the
	// rows whose key repeats an earlier row's key (Checked minus the number
	// of distinct keys); for freshness, 1 when the newest timestamp is
	// older than the allowed age or there is none, else 0.
	Failed int `json:"failed"`
	// Share is Failed/Checked, 0 when nothing was checked.
	Share float64 `json:"share"`
	// Passed is true when Failed is within the threshold: Failed <=
	// MaxFailures when set, Share <= MaxFailureShare when set, else
	// Failed == 0.
	Passed bool `json:"passed"`
	// Samples are up to MaxSamples distinct failing values, in row order
	// of first failure (for unique, the repeated keys, columns joined by
	// " | "; for freshness, the newest timestamp when stale). Values of
	// PII columns are hashed (see HashValue); nulls read NullText.
	Samples []string `json:"samples,omitempty"`
	// Hashed is true when at least one column of the samples is PII.
	Hashed bool `json:"hashed,omitempty"`
}

// RowFailure is one row that broke a row rule (not_null, accepted_values,
// range, pattern, relationships): the caller quarantines the row with the
// rule and the value.
type RowFailure struct {
	// Row is the row's position in the Rows evaluated.
	Row int `json:"row"`
	// Rule is the broken rule's name.
	Rule string `json:"rule"`
	// Kind is the broken rule's kind.
	Kind string `json:"kind"`
	// Severity is the broken rule's severity.
	Severity string `json:"severity"`
	// Column is the column checked.
	Column string `json:"column"`
	// Value is the failing value's text (Format; NullText for null),
	// hashed when the column is PII.
	Value string `json:"value"`
}

// Outcome is everything Evaluate found.
type Outcome struct {
	// Results hold one entry per rule, in rule order.
	Results []Result
	// Failures are the row rules' failing rows, ordered by row and then
	// by rule order. Unique failures are not listed: which copy to keep is
	// the de-duplication step's decision.
	Failures []RowFailure
	// Report is the dataset's quality report for the run.
	Report Report
}

// HashValue is the hash a PII value is shown as: the lower-case hex
// SHA-256 of the value's text trimmed of spaces and lower-cased (the
// normalisation ad platforms expect of e-mail addresses).
func HashValue(text string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(text))))
	return hex.EncodeToString(sum[:])
}

// DimensionsOf returns the quality dimensions a rule kind counts in.
func DimensionsOf(kind string) []string {
	switch kind {
	case KindNotNull:
		return []string{DimCompleteness}
	case KindUnique:
		return []string{DimConsistency}
	case KindAcceptedValues, KindPattern:
		return []string{DimAccuracy, DimValidity}
	case KindRange:
		return []string{DimAccuracy}
	case KindRelationships:
		return []string{DimAccuracy, DimConsistency}
	case KindFreshness:
		return []string{DimTimeliness}
	}
	return nil
}

// Evaluate checks rows against the dataset's rules. It applies the
// rules' defaults to a copy of d and fails, with a nil Outcome, when a
// rule is invalid, a column is missing from the rows, a relationships key
// set is missing from in.Keys, or a freshness rule has no in.Now.
//
// Otherwise the Outcome is complete; the error is then nil, or a
// *GateError (wrapping ErrStop) when an error-level rule failed: the
// caller writes the quarantine and the report, and stops the run.
func Evaluate(d Dataset, rows Rows, in Inputs) (*Outcome, error) {
	d.Rules = slices.Clone(d.Rules)
	d.SetDefaults()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("check quality rules: %w", err)
	}
	rules, err := compileFor(d.Rules, rows, in)
	if err != nil {
		return nil, fmt.Errorf("evaluate quality of %s: %w", d.Name, err)
	}
	out := evaluate(d, rules, rows, in)
	if stop := stopping(out.Results); len(stop) > 0 {
		return out, &GateError{Dataset: d.Name, Rules: stop}
	}
	return out, nil
}

// compileFor compiles the validated rules and reports, all at once, the
// columns the rows lack and the inputs the rules need but were not given.
func compileFor(rs []Rule, rows Rows, in Inputs) ([]*compiled, error) {
	var rules []*compiled
	var errs []error
	for i, r := range rs {
		c, _ := compile(r, fmt.Sprintf("rules[%d]", i))
		rules = append(rules, c)
		for _, col := range c.cols {
			if _, ok := rows.Column(col); !ok {
				errs = append(errs, fmt.Errorf("rule %s: column %q not in the rows", r.Name, col))
			}
		}
		if r.Kind == KindRelationships && in.Keys[r.To] == nil {
			errs = append(errs, fmt.Errorf("rule %s: key set %q not given", r.Name, r.To))
		}
		if r.Kind == KindFreshness && in.Now.IsZero() {
			errs = append(errs, fmt.Errorf("rule %s: freshness needs the run's as-of time", r.Name))
		}
	}
	return rules, errors.Join(errs...)
}

// evaluate runs the rules over the rows: their results, their row
// failures and the report.
func evaluate(d Dataset, rules []*compiled, rows Rows, in Inputs) *Outcome {
	pii := piiColumns(d.PII)
	out := &Outcome{}
	var perRule [][]RowFailure
	for _, c := range rules {
		res, rf := c.eval(rows, in, pii)
		out.Results = append(out.Results, res)
		perRule = append(perRule, rf)
	}
	out.Failures = byRowThenRule(perRule)
	out.Report = newReport(d.Name, in, rows.Len(), out.Results)
	return out
}

// piiColumns is the set of the dataset's PII columns.
func piiColumns(cols []string) map[string]bool {
	pii := map[string]bool{}
	for _, c := range cols {
		pii[c] = true
	}
	return pii
}

// byRowThenRule merges the failures of each rule, in rule order, into one
// list ordered by row, then rule: rule order, then a stable sort by row.
func byRowThenRule(perRule [][]RowFailure) []RowFailure {
	total := 0
	for _, rf := range perRule {
		total += len(rf)
	}
	failures := make([]RowFailure, 0, total)
	for _, rf := range perRule {
		failures = append(failures, rf...)
	}
	slices.SortStableFunc(failures, func(a, b RowFailure) int { return cmp.Compare(a.Row, b.Row) })
	return failures
}

// stopping names the failed rules of severity error, which stop the run.
func stopping(results []Result) []string {
	var stop []string
	for _, r := range results {
		if !r.Passed && r.Severity == SeverityError {
			stop = append(stop, r.Rule)
		}
	}
	return stop
}

// sampler keeps up to MaxSamples distinct texts.
type sampler struct {
	texts []string
}

func (s *sampler) add(text string) {
	if len(s.texts) < MaxSamples && !slices.Contains(s.texts, text) {
		s.texts = append(s.texts, text)
	}
}

// show is the text of v for samples and failures: NullText for null,
// the hash for a PII column, else Format(v).
func show(v any, pii bool) string {
	switch {
	case IsNull(v):
		return NullText
	case pii:
		return HashValue(Format(v))
	}
	return Format(v)
}

// eval runs one compiled rule over the rows.
func (c *compiled) eval(rows Rows, in Inputs, pii map[string]bool) (Result, []RowFailure) {
	res := Result{
		Rule: c.Name, Kind: c.Kind, Columns: slices.Clone(c.cols), Severity: c.Severity,
		Dimensions: DimensionsOf(c.Kind),
	}
	for _, col := range c.cols {
		res.Hashed = res.Hashed || pii[col]
	}
	var smp sampler
	var fails []RowFailure
	switch c.Kind {
	case KindUnique:
		c.evalUnique(&res, &smp, rows, pii)
	case KindFreshness:
		c.evalFreshness(&res, &smp, rows, in.Now, pii)
	default:
		fails = c.evalRows(&res, &smp, rows, in, pii)
	}
	c.judge(&res)
	res.Samples = smp.texts
	return res, fails
}

// evalUnique counts the rows of a unique rule that repeat an earlier key
// into res, and samples the repeated keys.
func (c *compiled) evalUnique(res *Result, smp *sampler, rows Rows, pii map[string]bool) {
	getters := make([]Getter, len(c.cols))
	for j, col := range c.cols {
		getters[j], _ = rows.Column(col)
	}
	dups := duplicateRows(rows.Len(), getters)
	res.Checked, res.Failed = dups.checked, len(dups.rows)
	for _, i := range dups.rows {
		if len(smp.texts) >= MaxSamples {
			break
		}
		parts := make([]string, len(getters))
		for j, g := range getters {
			parts[j] = show(g(i), pii[c.cols[j]])
		}
		smp.add(strings.Join(parts, " | "))
	}
}

// evalFreshness checks a freshness rule as of now into res: one check,
// failed when the column's newest time is missing or too old.
func (c *compiled) evalFreshness(res *Result, smp *sampler, rows Rows, now time.Time, pii map[string]bool) {
	get, _ := rows.Column(c.Column)
	var newest time.Time
	found := false
	for i := range rows.Len() {
		if t, ok := asTime(get(i)); ok && (!found || t.After(newest)) {
			newest, found = t, true
		}
	}
	res.Checked = 1
	maxAge := time.Duration(c.MaxAgeHours * float64(time.Hour))
	switch {
	case !found:
		res.Failed = 1
		smp.add(NullText)
	case now.Sub(newest) > maxAge:
		res.Failed = 1
		smp.add(show(newest, pii[c.Column]))
	}
}

// evalRows checks a row rule on every row into res and returns the failing
// rows (only an error rule's with in.ErrorFailuresOnly).
func (c *compiled) evalRows(res *Result, smp *sampler, rows Rows, in Inputs, pii map[string]bool) []RowFailure {
	get, _ := rows.Column(c.Column)
	isPII := pii[c.Column]
	var keys KeySet
	if c.Kind == KindRelationships {
		keys = in.Keys[c.To]
	}
	var fails []RowFailure
	for i := range rows.Len() {
		v := get(i)
		null := IsNull(v)
		if null && c.Kind != KindNotNull {
			continue
		}
		res.Checked++
		if c.passes(v, null, keys) {
			continue
		}
		res.Failed++
		text := show(v, isPII)
		smp.add(text)
		if in.ErrorFailuresOnly && c.Severity != SeverityError {
			continue
		}
		fails = append(fails, RowFailure{
			Row: i, Rule: c.Name, Kind: c.Kind, Severity: c.Severity, Column: c.Column, Value: text,
		})
	}
	return fails
}

// judge sets res's failure share and whether the rule passed its
// threshold.
func (c *compiled) judge(res *Result) {
	if res.Checked > 0 {
		res.Share = float64(res.Failed) / float64(res.Checked)
	}
	switch {
	case c.MaxFailures != nil:
		res.Passed = res.Failed <= *c.MaxFailures
	case c.MaxFailureShare != nil:
		res.Passed = res.Share <= *c.MaxFailureShare
	default:
		res.Passed = res.Failed == 0
	}
}

// passes checks one value of a row rule; null is IsNull(v).
func (c *compiled) passes(v any, null bool, keys KeySet) bool {
	switch c.Kind {
	case KindNotNull:
		return !null && !c.nulls[strings.ToLower(strings.TrimSpace(Format(v)))]
	case KindAcceptedValues:
		return c.values[Format(v)]
	case KindPattern:
		return c.re.MatchString(Format(v))
	case KindRelationships:
		_, ok := keys[Format(v)]
		return ok
	case KindRange:
		if c.timeRng {
			t, ok := asTime(v)
			return ok && (c.lo == nil || !t.Before(c.lo.t)) && (c.hi == nil || !t.After(c.hi.t))
		}
		x, ok := asNumber(v)
		return ok && (c.lo == nil || cmpNumber(x, c.lo.n) >= 0) && (c.hi == nil || cmpNumber(x, c.hi.n) <= 0)
	}
	return false
}

// uniqueRows is what the unique rule found: the rows checked (those whose
// key is not entirely null) and the rows whose key repeats an earlier
// row's key, in row order.
type uniqueRows struct {
	checked int
	rows    []int
}

// keyOf appends row i's key to key: per column 0 for null, else 1 and
// the value's text, columns separated by 0x1f. allNull is true when every
// column is null.
func keyOf(key []byte, getters []Getter, i int) (_ []byte, allNull bool) {
	allNull = true
	for j, g := range getters {
		v := g(i)
		if IsNull(v) {
			key = append(key, 0) // null: distinct from every text, equal to null
		} else {
			allNull = false
			key = append(key, 1)
			key = append(key, Format(v)...)
		}
		if j < len(getters)-1 {
			key = append(key, 0x1f)
		}
	}
	return key, allNull
}

// duplicateRows finds the rows whose key repeats an earlier row's key. It
// keeps a 64-bit hash and a row number per row (16 bytes, not the key
// text: a set of ten million keys would take gigabytes), sorts them, and
// compares the keys of rows whose hashes are equal, so that a hash
// collision never counts as a duplicate.
func duplicateRows(n int, getters []Getter) uniqueRows {
	hs := hashKeys(n, getters)
	slices.SortFunc(hs, func(a, b hashedRow) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.row, b.row)
	})
	out := uniqueRows{checked: len(hs), rows: repeatedRows(hs, getters)}
	slices.Sort(out.rows)
	return out
}

// hashedRow is a row and the hash of its key.
type hashedRow struct {
	hash uint64
	row  int
}

// hashKeys hashes the key of every row of 0..n-1 whose key is not entirely
// null, in row order.
func hashKeys(n int, getters []Getter) []hashedRow {
	seed := maphash.MakeSeed()
	hs := make([]hashedRow, 0, n)
	var key []byte
	for i := range n {
		var allNull bool
		key, allNull = keyOf(key[:0], getters, i)
		if !allNull {
			hs = append(hs, hashedRow{maphash.Bytes(seed, key), i})
		}
	}
	return hs
}

// repeatedRows walks hs, sorted by hash then row, and returns the rows
// whose key repeats that of an earlier row of equal hash.
func repeatedRows(hs []hashedRow, getters []Getter) []int {
	f := repeatFinder{getters: getters}
	for start := 0; start < len(hs); {
		end := start + 1
		for end < len(hs) && hs[end].hash == hs[start].hash {
			end++
		}
		if end-start > 1 {
			f.addRun(hs[start:end])
		}
		start = end
	}
	return f.rows
}

// repeatFinder collects the repeated rows of runs of equal hashes, reusing
// its key buffer and list of distinct keys from run to run.
type repeatFinder struct {
	getters  []Getter
	key      []byte
	distinct []string
	rows     []int
}

// addRun adds the rows of run, in row order, whose key an earlier row of
// run has.
func (f *repeatFinder) addRun(run []hashedRow) {
	f.distinct = f.distinct[:0]
	for _, h := range run {
		f.key, _ = keyOf(f.key[:0], f.getters, h.row)
		if slices.Contains(f.distinct, string(f.key)) {
			f.rows = append(f.rows, h.row)
		} else {
			f.distinct = append(f.distinct, string(f.key))
		}
	}
}
