package synth

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/fixture"
)

// normEmail is the identity rule: lower-case, trimmed.
func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func isBlocked(v string) bool {
	for _, b := range BlockedValues() {
		if strings.TrimSpace(v) == b {
			return true
		}
	}
	return false
}

func isTest(e string) bool {
	for _, t := range TestAddresses() {
		if normEmail(e) == t {
			return true
		}
	}
	return false
}

func digits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func persons(d *Dataset) map[string]Person {
	m := map[string]Person{}
	for _, p := range d.Persons {
		m[p.ID] = p
	}
	return m
}

func TestEveryCustomerAppears(t *testing.T) {
	cs := sample(t)
	d := generate(t, cs, DefaultSeed)
	inCRM, inEvents := map[string]bool{}, map[string]bool{}
	for _, c := range d.Contacts {
		inCRM[strings.TrimSuffix(c.CustomerNumber, ".0")] = true
	}
	for _, e := range d.Touchpoints {
		inEvents[e.CustomerNumber] = true
	}
	crmEmails := map[string]map[string]bool{} // person -> normalised CRM e-mails
	for _, c := range d.Contacts {
		if crmEmails[c.PersonID] == nil {
			crmEmails[c.PersonID] = map[string]bool{}
		}
		crmEmails[c.PersonID][normEmail(c.Email)] = true
	}
	byNumber := map[string]Person{}
	for _, p := range d.Persons {
		byNumber[p.CustomerNumber] = p
	}
	bridged := 0
	for _, c := range cs {
		t.Run(c.Number, func(t *testing.T) {
			if !inCRM[c.Number] && !inEvents[c.Number] {
				t.Fatalf("customer %s appears in no record", c.Number)
			}
			if inCRM[c.Number] {
				return
			}
			// Only an e-mail links the CRM contact: a purchase event must
			// repeat it with the customer number.
			bridged++
			p := byNumber[c.Number]
			for _, e := range d.Touchpoints {
				if e.CustomerNumber == c.Number && crmEmails[p.ID][normEmail(e.Email)] {
					return
				}
			}
			t.Errorf("customer %s: no purchase event carries a CRM e-mail of %s", c.Number, p.ID)
		})
	}
	if share := float64(bridged) / float64(len(cs)); share < 0.2 || share > 0.5 {
		t.Errorf("%.2f of customers lack the number in the CRM, want 0.2-0.5 (1 - CRMNumberRate)", share)
	}
	if want := int(ProspectShare*float64(len(cs)) + 0.5); len(d.Persons)-len(cs) != want {
		t.Errorf("%d prospects, want %d", len(d.Persons)-len(cs), want)
	}
}

// TestPurchasesAtRealOrders: every real order is one purchase event at the
// invoice time, and a customer's events stay near their order period.
func TestPurchasesAtRealOrders(t *testing.T) {
	cs := sample(t)
	d := generate(t, cs, DefaultSeed)
	ps := persons(d)
	purchases := map[string]time.Time{}
	for _, e := range d.Touchpoints {
		if e.EventType == "purchase" {
			purchases[e.OrderID] = e.Time
		}
		if !e.Time.Before(d.End) || e.Time.Before(d.Start) {
			t.Errorf("event %s at %s outside [%s, %s)", e.EventID, e.Time, d.Start, d.End)
		}
	}
	byNumber := map[string]Customer{}
	orders := 0
	for _, c := range cs {
		byNumber[c.Number] = c
		for _, o := range c.Orders {
			orders++
			if got, ok := purchases[o.Invoice]; !ok || !got.Equal(o.Time) {
				t.Errorf("order %s of %s: purchase at %v (found %v), want %v", o.Invoice, c.Number, got, ok, o.Time)
			}
		}
	}
	if len(purchases) != orders {
		t.Errorf("%d purchase events, want %d real orders", len(purchases), orders)
	}
	for _, e := range d.Touchpoints {
		c, ok := byNumber[ps[e.PersonID].CustomerNumber]
		if !ok {
			continue
		}
		lo, hi := c.FirstOrder.AddDate(0, 0, -61), c.LastOrder.AddDate(0, 0, 46)
		if e.Time.Before(lo) || e.Time.After(hi) {
			t.Errorf("event %s of customer %s at %s outside its order period %s..%s", e.EventID, c.Number, e.Time, lo, hi)
		}
	}
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// TestMessRates measures the mess in the written values with rules of its
// own and checks each rate against the bounds in testdata/README.md.
func TestMessRates(t *testing.T) {
	cs := sample(t)
	for _, seed := range []uint64{DefaultSeed, 1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { messRates(t, generate(t, cs, seed)) })
	}
}

func messRates(t *testing.T, d *Dataset) {
	var real, caseMess, spaces, tests, blockedEmail, blockedPhone, withNumber, floats int
	perPerson := map[string]int{}
	shapes := map[string]int{}
	for _, c := range d.Contacts {
		perPerson[c.PersonID]++
		switch e := c.Email; {
		case isTest(e):
			tests++
		case isBlocked(e):
			blockedEmail++
		default:
			real++
			if strings.TrimSpace(e) != strings.ToLower(strings.TrimSpace(e)) {
				caseMess++
			}
			if e != strings.TrimSpace(e) {
				spaces++
			}
		}
		if isBlocked(c.Phone) {
			blockedPhone++
		} else {
			shapes[phoneShape(c.Phone)]++
		}
		if c.CustomerNumber != "" {
			withNumber++
			if strings.HasSuffix(c.CustomerNumber, ".0") {
				floats++
			}
		}
	}
	dups := 0
	for _, n := range perPerson {
		if n == 2 {
			dups++
		}
	}
	var loggedIn, touchCase, touchNull, app, blockedDevice, blockedCookie int
	for _, e := range d.Touchpoints {
		if e.Email != "" {
			loggedIn++
			if e.Email == "null" {
				touchNull++
			} else if strings.TrimSpace(e.Email) != strings.ToLower(strings.TrimSpace(e.Email)) {
				touchCase++
			}
		}
		if e.Source == "app" {
			app++
			if isBlocked(e.DeviceID) {
				blockedDevice++
			}
		}
	}
	for _, a := range d.AdClicks {
		if isBlocked(a.CookieID) {
			blockedCookie++
		}
	}
	n := len(d.Contacts)
	tests2 := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"duplicate contacts per person", share(dups, len(d.Persons)), 0.13, 0.27},
		{"crm e-mail case", share(caseMess, real), 0.25, 0.45},
		{"crm e-mail spaces", share(spaces, real), 0.05, 0.16},
		{"crm test address", share(tests, n), 0.004, 0.05},
		{"crm blocked e-mail", share(blockedEmail, n), 0.005, 0.07},
		{"crm blocked phone", share(blockedPhone, n), 0.06, 0.20},
		{"crm float customer number", share(floats, withNumber), 0.01, 0.10},
		{"touchpoint e-mail case", share(touchCase, loggedIn), 0.08, 0.22},
		{"touchpoint e-mail null", share(touchNull, loggedIn), 0.003, 0.05},
		{"app blocked device", share(blockedDevice, app), 0.01, 0.07},
		{"ad click blocked cookie", share(blockedCookie, len(d.AdClicks)), 0.02, 0.09},
	}
	for _, tt := range tests2 {
		t.Run(tt.name, func(t *testing.T) {
			t.Logf("rate %.3f (bounds %.3f-%.3f)", tt.got, tt.lo, tt.hi)
			if tt.got < tt.lo || tt.got > tt.hi {
				t.Errorf("rate %.3f, want %.3f-%.3f", tt.got, tt.lo, tt.hi)
			}
		})
	}
	t.Run("phone formats", func(t *testing.T) {
		for _, s := range []string{"national", "+cc", "00cc", "parentheses", "dashes", "+cc (0)"} {
			if shapes[s] == 0 {
				t.Errorf("no phone written as %s (%v)", s, shapes)
			}
		}
	})
}

// phoneShape classifies a written phone number.
func phoneShape(p string) string {
	switch {
	case strings.Contains(p, "(0)"):
		return "+cc (0)"
	case strings.HasPrefix(p, "("), strings.Contains(p, " ("):
		return "parentheses"
	case strings.HasPrefix(p, "+"):
		return "+cc"
	case strings.HasPrefix(p, "00"):
		return "00cc"
	case strings.Contains(p, "-"):
		return "dashes"
	}
	return "national"
}

// TestSharedIdentifiers: the only identifiers that two persons share are
// the family tablets and the call-centre phone; both exist as documented.
func TestSharedIdentifiers(t *testing.T) {
	d := generate(t, sample(t), DefaultSeed)
	ps := persons(d)
	owners := map[string]map[string]bool{}
	own := func(kind, v, person string) {
		if isBlocked(v) || (kind == "email" && isTest(v)) {
			return
		}
		k := kind + ":" + v
		if owners[k] == nil {
			owners[k] = map[string]bool{}
		}
		owners[k][person] = true
	}
	callCentre := map[string]bool{}
	for _, c := range d.Contacts {
		own("email", normEmail(c.Email), c.PersonID)
		if isBlocked(c.Phone) {
			continue
		}
		if digits(c.Phone) == digits(CallCentrePhone) || strings.HasSuffix(digits(c.Phone), "2079460958") {
			callCentre[c.PersonID] = true
			continue
		}
		if nsn := digits(ps[c.PersonID].Phone); nsn == "" || !strings.HasSuffix(digits(c.Phone), nsn[len(nsn)-8:]) {
			t.Errorf("contact %s: phone %q is not its person's %q", c.ContactID, c.Phone, ps[c.PersonID].Phone)
		}
	}
	for _, e := range d.Touchpoints {
		own("email", normEmail(e.Email), e.PersonID)
		own("device", e.DeviceID, e.PersonID)
		own("cookie", e.CookieID, e.PersonID)
	}
	for _, a := range d.AdClicks {
		own("cookie", a.CookieID, a.PersonID)
	}
	tablets := map[string]bool{}
	for _, p := range d.Persons {
		if p.SharedDevice != "" {
			tablets["device:"+p.SharedDevice] = true
		}
	}
	t.Run("call-centre phone", func(t *testing.T) {
		if len(callCentre) < 20 || len(callCentre) != CallCentreContacts {
			t.Errorf("call-centre phone on contacts of %d persons, want %d", len(callCentre), CallCentreContacts)
		}
	})
	t.Run("family tablets", func(t *testing.T) {
		if len(tablets) != FamilyTablets {
			t.Fatalf("%d family tablets, want %d", len(tablets), FamilyTablets)
		}
		for k := range tablets {
			if n := len(owners[k]); n < 2 || n > 3 {
				t.Errorf("%s used in events of %d persons, want 2-3", k, n)
			}
		}
	})
	t.Run("nothing else shared", func(t *testing.T) {
		for k, o := range owners {
			if len(o) > 1 && !tablets[k] {
				t.Errorf("%s belongs to %d persons", k, len(o))
			}
		}
	})
}

// TestTruth: truth.csv names every record once, with its person, and
// every real customer number.
func TestTruth(t *testing.T) {
	cs := sample(t)
	d := generate(t, cs, DefaultSeed)
	dir := t.TempDir()
	if err := d.WriteFiles(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	rows := fixture.ReadCSV(t, filepath.Join(dir, TruthFile))
	truth := map[string]string{}
	for _, r := range rows[1:] {
		k := r[0] + ":" + r[1]
		if _, dup := truth[k]; dup {
			t.Errorf("%s twice in truth", k)
		}
		truth[k] = r[2]
	}
	ps := persons(d)
	check := func(kind, id, person string) {
		got, ok := truth[kind+":"+id]
		if !ok || got != person {
			t.Errorf("truth of %s %s = %q (%v), want %q", kind, id, got, ok, person)
		}
		if _, ok := ps[got]; !ok {
			t.Errorf("truth of %s %s names unknown person %q", kind, id, got)
		}
	}
	tests := []struct {
		name  string
		count int
		each  func()
	}{
		{"customer", len(cs), func() {
			for _, p := range d.Persons {
				if p.CustomerNumber != "" {
					check("customer", p.CustomerNumber, p.ID)
				}
			}
		}},
		{"crm_contact", len(d.Contacts), func() {
			for _, c := range d.Contacts {
				check("crm_contact", c.ContactID, c.PersonID)
			}
		}},
		{"touchpoint", len(d.Touchpoints), func() {
			for _, e := range d.Touchpoints {
				check("touchpoint", e.EventID, e.PersonID)
			}
		}},
		{"ad_click", len(d.AdClicks), func() {
			for _, a := range d.AdClicks {
				check("ad_click", a.ClickID, a.PersonID)
			}
		}},
	}
	total := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.count == 0 {
				t.Fatal("no records")
			}
			tt.each()
		})
		total += tt.count
	}
	if len(truth) != total {
		t.Errorf("truth has %d rows, want %d (one per record)", len(truth), total)
	}
}

func BenchmarkGenerate(b *testing.B) {
	cs := sample(b)
	for b.Loop() {
		d, err := Generate(Options{Customers: cs, Seed: DefaultSeed})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(d.Touchpoints)), "events/op")
	}
}
