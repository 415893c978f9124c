package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/segmint/segmint/lib/segrule"
)

// Segments configures the published segments.
type Segments struct {
	// RFM enables the RFM segment family.
	RFM RFM `yaml:"rfm"`
	// Rules are the segments defined by a rule over the customer table
	// (README: Segments), each published as segments/<name>.
	Rules []Segment `yaml:"rules"`
	// Control configures the control groups.
	Control Control `yaml:"control"`
	// Triggers configures the nightly trigger lists.
	Triggers Triggers `yaml:"triggers"`
}

// Triggers configures the trigger lists (cart abandoners, customers who
// crossed into at-risk or churned, new customers of top first-order value).
type Triggers struct {
	// Enabled publishes triggers/<trigger>/dt=D.
	Enabled bool `yaml:"enabled"`
	// Purpose is what the lists are for (default email); it decides who
	// is suppressed.
	Purpose string `yaml:"purpose"`
}

// RFM configures RFM segments.
type RFM struct {
	// Enabled publishes segments/rfm.
	Enabled bool `yaml:"enabled"`
	// Purpose is what the family's files are for: email, ads or analytics
	// (default email); it decides who is suppressed.
	Purpose string `yaml:"purpose"`
}

// Segment is one segment defined by a rule.
type Segment struct {
	// Name names the dataset segments/<name>: lower-case letters, digits
	// and underscores, starting with a letter.
	Name string `yaml:"name"`
	// Purpose is email, ads or analytics.
	Purpose string `yaml:"purpose"`
	// Description says who the segment is and what it is for, for the report.
	Description string `yaml:"description"`
	// Rule selects the members (lib/segrule).
	Rule string `yaml:"rule"`
	// ControlShare is the share of members held out as a control group;
	// nil takes control.share.
	ControlShare *float64 `yaml:"control_share"`
}

// Control configures the control groups (lib/audience).
type Control struct {
	// Share is each segment's control share unless it sets its own
	// (default 0.10).
	Share *float64 `yaml:"share"`
	// GlobalShare is the share of all customers that no segment targets
	// (default 0: no global control group).
	GlobalShare float64 `yaml:"global_share"`
	// Salt seeds the assignment (default "segmint"); changing it reassigns
	// everyone, so it is set once.
	Salt string `yaml:"salt"`
}

// Purposes of a segment (lib/audience).
const (
	PurposeEmail     = "email"
	PurposeAds       = "ads"
	PurposeAnalytics = "analytics"
)

// DefaultControlShare is the control share when none is configured.
const DefaultControlShare = 0.10

// MaxControlShare bounds the control shares: a holdout larger than the
// treated group is a mistake, not a design.
const MaxControlShare = 0.5

// Option adjusts how Load and Parse read a configuration.
type Option func(*Config)

// WithRuleColumns lets validation check each segment rule's columns and
// types against schema (lib/audience's Schema), not only its syntax.
func WithRuleColumns(schema segrule.Schema) Option {
	return func(c *Config) { c.ruleSchema = schema }
}

// ShareOf is a segment's control share.
func (s Segments) ShareOf(seg Segment) float64 {
	switch {
	case seg.ControlShare != nil:
		return *seg.ControlShare
	case s.Control.Share != nil:
		return *s.Control.Share
	}
	return DefaultControlShare
}

func (s *Segments) defaults() {
	if s.RFM.Purpose == "" {
		s.RFM.Purpose = PurposeEmail
	}
	if s.Triggers.Purpose == "" {
		s.Triggers.Purpose = PurposeEmail
	}
	if s.Control.Share == nil {
		v := DefaultControlShare
		s.Control.Share = &v
	}
	if s.Control.Salt == "" {
		s.Control.Salt = "segmint"
	}
}

var segmentName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validate checks every segment, its rule against schema when one is set
// (its syntax only otherwise), and the control shares.
func (s Segments) validate(schema segrule.Schema) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if s.RFM.Purpose != "" && !validPurpose(s.RFM.Purpose) {
		add("segments.rfm.purpose: %q is not email, ads or analytics", s.RFM.Purpose)
	}
	if s.Triggers.Purpose != "" && !validPurpose(s.Triggers.Purpose) {
		add("segments.triggers.purpose: %q is not email, ads or analytics", s.Triggers.Purpose)
	}
	if sh := s.Control.Share; sh != nil && !validShare(*sh) {
		add("segments.control.share: %v is not between 0 and %v", *sh, MaxControlShare)
	}
	if !validShare(s.Control.GlobalShare) {
		add("segments.control.global_share: %v is not between 0 and %v", s.Control.GlobalShare, MaxControlShare)
	}
	seen := map[string]bool{}
	for i, seg := range s.Rules {
		errs = append(errs, seg.validate(fmt.Sprintf("segments.rules[%d]", i), seen, schema)...)
		seen[seg.Name] = true
	}
	return errs
}

// validate checks one segment.
func (seg Segment) validate(where string, seen map[string]bool, schema segrule.Schema) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case !segmentName.MatchString(seg.Name):
		add("%s.name: %q is not lower-case letters, digits and underscores starting with a letter", where, seg.Name)
	case seg.Name == "rfm":
		add("%s.name: rfm is the RFM family's name", where)
	case seen[seg.Name]:
		add("%s.name: %q is defined twice", where, seg.Name)
	}
	if !validPurpose(seg.Purpose) {
		add("%s.purpose: %q is not email, ads or analytics", where, seg.Purpose)
	}
	if seg.ControlShare != nil && !validShare(*seg.ControlShare) {
		add("%s.control_share: %v is not between 0 and %v", where, *seg.ControlShare, MaxControlShare)
	}
	check := func() error { _, err := segrule.Compile(seg.Rule, schema); return err }
	if schema == nil {
		check = func() error { return segrule.Parse(seg.Rule) }
	}
	if err := check(); err != nil {
		add("%s.rule (%s): %w", where, seg.Name, err)
	}
	return errs
}

func validPurpose(p string) bool {
	return p == PurposeEmail || p == PurposeAds || p == PurposeAnalytics
}

func validShare(v float64) bool { return v >= 0 && v <= MaxControlShare }

// SuppressionFields are the fields a suppressions stream may map, each one
// way to name a person: a raw e-mail or phone, their SHA-256, or a
// customer number.
func SuppressionFields() []string {
	return []string{"email", "phone", "customer_number", "email_sha256", "phone_sha256"}
}

// validateSuppressions checks that a suppressions stream maps at least one
// of SuppressionFields, each a string, and nothing else.
func (st Stream) validateSuppressions(where string, fields map[string]Column) []error {
	var errs []error
	known := map[string]bool{}
	for _, f := range SuppressionFields() {
		known[f] = true
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	n := 0
	for _, name := range names {
		col := fields[name]
		switch {
		case !known[name] && !strings.HasPrefix(name, "_"):
			errs = append(errs, fmt.Errorf("%s.columns: %q is not a field of entity suppressions (%s)", where, name, strings.Join(SuppressionFields(), ", ")))
		case known[name] && col.Type != TypeString:
			errs = append(errs, fmt.Errorf("%s.columns: field %q of entity suppressions must be a string", where, name))
		case known[name]:
			n++
		}
	}
	if n == 0 {
		errs = append(errs, fmt.Errorf("%s.columns: entity suppressions needs one of %s", where, strings.Join(SuppressionFields(), ", ")))
	}
	return errs
}
