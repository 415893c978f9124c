package audience

import (
	"fmt"

	"github.com/segmint/segmint/lib/normalize"
)

// Reasons a person is suppressed.
const (
	ReasonDeletion = "deletion_requested"
	ReasonConsent  = "consent_denied"
	ReasonList     = "suppression_list"
)

// Person is what suppression needs of one customer.
type Person struct {
	CustomerID string
	// CustomerNumbers are every source customer number of the person.
	CustomerNumbers   []string
	DeletionRequested bool
	ConsentDenied     bool
	// EmailSHA256 and PhoneSHA256 are the hashes of every normalised
	// e-mail and E.164 phone known for the person (unified/customers' and
	// those of the contacts an export would use), each checked against
	// the list.
	EmailSHA256, PhoneSHA256 []string
}

// List is a suppression list: people matched by the SHA-256 of their
// normalised e-mail or E.164 phone, or by customer number.
type List struct {
	emails, phones, numbers map[string]bool
}

// NewList is an empty suppression list.
func NewList() *List {
	return &List{emails: map[string]bool{}, phones: map[string]bool{}, numbers: map[string]bool{}}
}

// Entry kinds of a suppression list.
const (
	KindEmail          = "email"
	KindPhone          = "phone"
	KindCustomerNumber = "customer_number"
	KindEmailSHA256    = "email_sha256"
	KindPhoneSHA256    = "phone_sha256"
)

// Add puts one entry on the list: a raw e-mail or phone (normalised as
// identity resolution does, phones read in region when they carry no
// country code), its SHA-256 (64 hex digits, either case), or a customer
// number. It reports an entry it cannot read.
func (l *List) Add(kind, value, region string) error {
	switch kind {
	case KindEmail:
		return l.addRaw(l.emails, kind, value, func(v string) (string, bool) { return normalize.Email(v) })
	case KindPhone:
		return l.addRaw(l.phones, kind, value, func(v string) (string, bool) { return normalize.Phone(v, region) })
	case KindEmailSHA256:
		return addHash(l.emails, kind, value)
	case KindPhoneSHA256:
		return addHash(l.phones, kind, value)
	case KindCustomerNumber:
		if value == "" {
			return fmt.Errorf("empty %s", kind)
		}
		l.numbers[value] = true
		return nil
	}
	return fmt.Errorf("unknown suppression kind %q (want email, phone, customer_number, email_sha256 or phone_sha256)", kind)
}

// addRaw normalises value and adds its hash.
func (l *List) addRaw(set map[string]bool, kind, value string, norm func(string) (string, bool)) error {
	v, ok := norm(value)
	if !ok {
		return fmt.Errorf("not a valid %s", kind)
	}
	set[normalize.Hash(v)] = true
	return nil
}

// addHash adds a hex SHA-256, lower-cased.
func addHash(set map[string]bool, kind, value string) error {
	h, ok := hexSHA256(value)
	if !ok {
		return fmt.Errorf("%s is not 64 hex digits", kind)
	}
	set[h] = true
	return nil
}

// hexSHA256 is s lower-cased when it is 64 hex digits.
func hexSHA256(s string) (string, bool) {
	if len(s) != 64 {
		return "", false
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			b[i] = c + 'a' - 'A'
		default:
			return "", false
		}
	}
	return string(b), true
}

// Len is the number of entries.
func (l *List) Len() int { return len(l.emails) + len(l.phones) + len(l.numbers) }

// has reports whether the person is on the list.
func (l *List) has(p Person) bool {
	if l == nil {
		return false
	}
	return anyIn(l.emails, p.EmailSHA256) || anyIn(l.phones, p.PhoneSHA256) || anyIn(l.numbers, p.CustomerNumbers)
}

// anyIn reports whether one of the hashes is in set.
func anyIn(set map[string]bool, hashes []string) bool {
	for _, h := range hashes {
		if h != "" && set[h] {
			return true
		}
	}
	return false
}

// Suppressed is the reason p may not appear in a file of purpose, or ""
// when it may. list may be nil.
func Suppressed(p Person, purpose string, list *List) string {
	switch {
	case p.DeletionRequested:
		return ReasonDeletion
	case !Marketing(purpose):
		return ""
	case p.ConsentDenied:
		return ReasonConsent
	case list.has(p):
		return ReasonList
	}
	return ""
}
