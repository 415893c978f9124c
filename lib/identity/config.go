package identity

import (
	"errors"
	"fmt"
	"strings"
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid identity config")

// Config holds the resolution rules. The zero value has no caps and no extra
// blocked values; [DefaultConfig] has the recommended caps.
type Config struct {
	// PersonCap[k] is the most distinct identifiers of kind k one person may
	// hold (see the package documentation for how it is applied). Absent or
	// 0 means no cap.
	PersonCap map[Kind]int `yaml:"person_cap"`
	// ValueCap[k] is the most distinct records one identifier of kind k may
	// join; an identifier carried by more records links none of them. Absent
	// or 0 means no cap.
	ValueCap map[Kind]int `yaml:"value_cap"`
	// Blocked lists extra values that never link, compared byte for byte
	// with the normalised value, for every kind.
	Blocked []string `yaml:"blocked"`
}

// DefaultConfig returns the recommended rules: person caps crm_id 1,
// customer_number 1, email 5, phone 3, device 10, cookie 20; value caps
// email 10, phone 5, device 5, cookie 10 (crm_id and customer_number
// uncapped); no extra blocked values.
func DefaultConfig() Config {
	return Config{
		PersonCap: map[Kind]int{CRMID: 1, CustomerNumber: 1, Email: 5, Phone: 3, Device: 10, Cookie: 20},
		ValueCap:  map[Kind]int{Email: 10, Phone: 5, Device: 5, Cookie: 10},
	}
}

// caps is a Config flattened for the hot loop: index = kind priority.
type caps struct {
	person [numKinds]int
	value  [numKinds]int
	extra  map[string]struct{}
}

// compile validates c and flattens it.
func (c Config) compile() (caps, error) {
	var out caps
	if err := compileCaps("person_cap", c.PersonCap, &out.person); err != nil {
		return caps{}, err
	}
	if err := compileCaps("value_cap", c.ValueCap, &out.value); err != nil {
		return caps{}, err
	}
	out.extra = blockedSet(c.Blocked)
	return out, nil
}

// compileCaps checks the caps of setting name, m, and flattens them into
// dst by kind priority.
func compileCaps(name string, m map[Kind]int, dst *[numKinds]int) error {
	for _, k := range Kinds() {
		n, ok := m[k]
		if !ok {
			continue
		}
		if n < 0 || n > 65000 {
			return fmt.Errorf("%w: %s[%s] = %d, want 0..65000", ErrConfig, name, k, n)
		}
		dst[kindIndex(k)] = n
	}
	for k := range m {
		if kindIndex(k) < 0 {
			return fmt.Errorf("%w: %s: unknown kind %q", ErrConfig, name, k)
		}
	}
	return nil
}

// blockedSet is the set of the configured extra blocked values.
func blockedSet(blocked []string) map[string]struct{} {
	set := make(map[string]struct{}, len(blocked))
	for _, v := range blocked {
		set[v] = struct{}{}
	}
	return set
}

// Block rule names, used as the Reason of [EventBlocked] events.
const (
	// RuleToken: the value, trimmed and lower-cased, is a placeholder:
	// "", "null", "nil", "none", "n/a", "na", "unknown", "undefined", "test",
	// "-", or consists only of '0' characters (e.g. "0", "0000").
	RuleToken = "placeholder"
	// RuleTestEmail: an e-mail whose local part (before the last '@', with
	// any "+tag" removed, lower-cased) is test, noreply, no-reply,
	// donotreply or do-not-reply, or whose domain (lower-cased) is
	// example.com, example.org, example.net, a subdomain of one of them, or
	// ends in one of the reserved top-level domains .test, .invalid,
	// .localhost. (The reserved .example TLD is not blocked: segmint's
	// synthetic sample uses it to stand in for real providers' domains, as
	// RFC 2606 intends, and it never occurs in real exports.)
	RuleTestEmail = "test_email"
	// RuleInvalidEmail: an e-mail value without exactly one '@' with text on
	// both sides.
	RuleInvalidEmail = "invalid_email"
)

// BlockReason applies the built-in block rules (not [Config].Blocked) to a
// normalised value of kind k. It returns the rule name and true when the
// value must never link anything.
func BlockReason(k Kind, value string) (string, bool) {
	v := strings.TrimSpace(value)
	if isPlaceholder(v) {
		return RuleToken, true
	}
	if k != Email {
		return "", false
	}
	return emailBlockReason(v)
}

// isPlaceholder reports whether the trimmed value v is a placeholder of
// [RuleToken]: one of its tokens in any case, or only '0' characters.
func isPlaceholder(v string) bool {
	if len(v) <= len("undefined") {
		for _, t := range []string{"", "null", "nil", "none", "n/a", "na", "unknown", "undefined", "test", "-"} {
			if strings.EqualFold(v, t) {
				return true
			}
		}
	}
	return strings.Trim(v, "0") == ""
}

// emailBlockReason applies the e-mail rules, [RuleInvalidEmail] and
// [RuleTestEmail], to the trimmed e-mail v.
func emailBlockReason(v string) (string, bool) {
	at := strings.IndexByte(v, '@')
	if at <= 0 || at != strings.LastIndexByte(v, '@') || at == len(v)-1 {
		return RuleInvalidEmail, true
	}
	if isTestLocal(v[:at]) || isTestDomain(v[at+1:]) {
		return RuleTestEmail, true
	}
	return "", false
}

// isTestLocal reports whether the local part of an e-mail, with any
// "+tag" removed, is one [RuleTestEmail] names, in any case.
func isTestLocal(local string) bool {
	if p := strings.IndexByte(local, '+'); p >= 0 {
		local = local[:p]
	}
	for _, l := range []string{"test", "noreply", "no-reply", "donotreply", "do-not-reply"} {
		if strings.EqualFold(local, l) {
			return true
		}
	}
	return false
}

// isTestDomain reports whether the domain of an e-mail is one
// [RuleTestEmail] names, in any case: an example domain or a subdomain of
// one, or a reserved top-level domain.
func isTestDomain(domain string) bool {
	for _, d := range []string{"example.com", "example.org", "example.net"} {
		if strings.EqualFold(domain, d) || hasSuffixFold(domain, "."+d) {
			return true
		}
	}
	for _, tld := range []string{".test", ".invalid", ".localhost"} {
		if hasSuffixFold(domain, tld) {
			return true
		}
	}
	return false
}

// hasSuffixFold is strings.HasSuffix ignoring ASCII and Unicode case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
