package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
)

// Options configures Generate.
type Options struct {
	// Customers are the real customers (see LoadCustomers); at least one,
	// with distinct non-empty numbers and a FirstOrder.
	Customers []Customer
	// Seed seeds the PCG generator; equal seeds give equal datasets.
	Seed uint64
	// Source names where Customers came from, for the manifest only.
	Source string
}

// ErrNoCustomers is returned by Generate when Options has no customers.
var ErrNoCustomers = errors.New("no customers")

// pcgStream is the PCG stream constant (the second PCG seed word).
const pcgStream = 0x5e9a1d7c3b2f4e61

// gen holds the state of one Generate call.
type gen struct {
	rng        *rand.Rand
	used       map[string]bool // every id and normalised identifier given out
	start, end time.Time
	customers  map[string]Customer
	camps      []Campaign
	d          *Dataset
	bridge     map[string]bool // persons whose customer number is only in purchase events
	windows    [][2]time.Time  // per person: when they are active, [from, to)
}

// Generate builds a synthetic dataset for opts.Customers: one person per
// customer plus round(ProspectShare x customers) prospects, with their CRM
// contacts, touchpoints and ad clicks, the ad platforms' daily metrics,
// consent events and deletion requests. It reads no clock and no global
// state: the result depends on opts only.
func Generate(opts Options) (*Dataset, error) {
	cs, err := checkCustomers(opts.Customers)
	if err != nil {
		return nil, err
	}
	g := newGen(opts, cs)
	g.persons(cs)
	g.familyTablets()
	for i := range g.d.Persons {
		g.contacts(&g.d.Persons[i])
	}
	g.callCentre()
	for i := range g.d.Persons {
		g.sessions(&g.d.Persons[i])
	}
	g.finish()
	mrng := rand.New(rand.NewPCG(opts.Seed, marketingStream))
	g.adMetrics(mrng)
	g.consent(mrng)
	return g.d, nil
}

// newGen starts the generation for the checked customers cs: the
// generator seeded, the span, its campaigns and the customers by number.
func newGen(opts Options, cs []Customer) *gen {
	g := &gen{
		rng:       rand.New(rand.NewPCG(opts.Seed, pcgStream)),
		used:      map[string]bool{},
		customers: map[string]Customer{},
		bridge:    map[string]bool{},
	}
	g.start, g.end = span(cs)
	g.camps = campaigns(g.start, g.end)
	g.d = &Dataset{Seed: opts.Seed, Source: opts.Source, Start: g.start, End: g.end, Campaigns: g.camps}
	for _, c := range cs {
		g.customers[c.Number] = c
	}
	return g
}

// checkCustomers sorts a copy of the customers by number and checks that
// each has a number, a first order no later than its last, and appears
// once.
func checkCustomers(in []Customer) ([]Customer, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("check options: %w", ErrNoCustomers)
	}
	cs := append([]Customer(nil), in...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].Number < cs[j].Number })
	for i, c := range cs {
		if c.Number == "" || c.FirstOrder.IsZero() || c.LastOrder.Before(c.FirstOrder) {
			return nil, fmt.Errorf("check customer %q: needs a number and first <= last order", c.Number)
		}
		if i > 0 && cs[i-1].Number == c.Number {
			return nil, fmt.Errorf("check customer %q: listed twice", c.Number)
		}
	}
	return cs, nil
}

// span is [60 days before the first order's day, the day after the last
// order's day).
func span(cs []Customer) (time.Time, time.Time) {
	lo, hi := cs[0].FirstOrder, cs[0].LastOrder
	for _, c := range cs {
		if c.FirstOrder.Before(lo) {
			lo = c.FirstOrder
		}
		if c.LastOrder.After(hi) {
			hi = c.LastOrder
		}
	}
	return lo.UTC().Truncate(24*time.Hour).AddDate(0, 0, -60), hi.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
}

func (g *gen) persons(cs []Customer) {
	nProspects := int(math.Round(ProspectShare * float64(len(cs))))
	for i := range len(cs) + nProspects {
		p := Person{ID: fmt.Sprintf("P%05d", i+1)}
		if i < len(cs) {
			p.CustomerNumber, p.Country = cs[i].Number, cs[i].Country
		} else {
			p.Country = cs[g.rng.IntN(len(cs))].Country
		}
		w := g.window(p)
		g.windows = append(g.windows, w)
		g.identity(&p, w[0])
		g.d.Persons = append(g.d.Persons, p)
	}
}

// identity invents names, e-mails, phone, devices and cookies; a cookie
// id ends with its creation time, in the 30 days before from.
func (g *gen) identity(p *Person, from time.Time) {
	plan := planFor(p.Country)
	p.FirstName, p.LastName = pick(g.rng, firstNames(plan.lang)), pick(g.rng, lastNames(plan.lang))
	f, l := asciiFold(p.FirstName), asciiFold(p.LastName)
	locals := []string{f + "." + l, f + l, f + "_" + l, f[:1] + "." + l, f[:1] + l, l + "." + f,
		fmt.Sprintf("%s.%s%d", f, l, 1+g.rng.IntN(99)), fmt.Sprintf("%s%d", f, 1950+g.rng.IntN(55))}
	p.Emails = append(p.Emails, g.unique(pick(g.rng, locals), pick(g.rng, freeMailDomains())))
	if chance(g.rng, 0.2) {
		p.Emails = append(p.Emails, g.unique(f+"."+l, pick(g.rng, workDomains())))
	}
	if chance(g.rng, PhoneRate) {
		p.Phone = g.phone(plan)
	}
	for range pickWeighted(g.rng, []int{25, 40, 25, 10}) {
		p.Devices = append(p.Devices, g.uuid(chance(g.rng, 0.5)))
	}
	for range 1 + pickWeighted(g.rng, []int{35, 30, 20, 10, 5}) {
		p.Cookies = append(p.Cookies, g.fresh(func() string {
			return fmt.Sprintf("GA1.2.%d.%d", 1000000000+g.rng.Int64N(9000000000), g.timeIn(from.Add(-30*24*time.Hour), from).Unix())
		}))
	}
}

// phone returns a fresh E.164 number of the plan. After every 50 draws
// that hit numbers already given out, two digits of the plan's prefix
// become random, so a small range (the USA's 10,000) widens instead of
// running out.
func (g *gen) phone(plan phonePlan) string {
	prefix, rest := plan.prefix, plan.rest
	for tries := 1; ; tries++ {
		if e := e164(plan, prefix+g.digits(rest)); !g.used[e] {
			g.used[e] = true
			return e
		}
		if tries%50 == 0 && len(prefix) > 2 {
			prefix, rest = prefix[:len(prefix)-2], rest+2
		}
	}
}

// unique returns local@domain, with digits appended to local until no
// other person has the address.
func (g *gen) unique(local, domain string) string {
	e := local + "@" + domain
	for g.used[e] {
		e = fmt.Sprintf("%s%d@%s", local, 1+g.rng.IntN(999), domain)
	}
	g.used[e] = true
	return e
}

// fresh draws with next until it returns a value not given out before.
func (g *gen) fresh(next func() string) string {
	for {
		if v := next(); !g.used[v] {
			g.used[v] = true
			return v
		}
	}
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// uuid returns a fresh random (version 4) UUID, upper-case as iOS writes
// advertising ids or lower-case as Android does.
func (g *gen) uuid(upper bool) string {
	return g.fresh(func() string {
		a, b := g.rng.Uint64(), g.rng.Uint64()
		b = b&^(0xc<<60) | 0x8<<60
		s := fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, b>>48, b&0xffffffffffff)
		if upper {
			s = strings.ToUpper(s)
		}
		return s
	})
}

// pickWeighted returns i with probability w[i] / sum(w).
func pickWeighted(rng *rand.Rand, w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	n := rng.IntN(sum)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// timeIn returns a time in [a, b) in whole seconds (a when b <= a).
func (g *gen) timeIn(a, b time.Time) time.Time { return timeBetween(g.rng, a, b) }

// familyTablets gives FamilyTablets shared tablets to groups of 2-3
// persons of one country (any country when too few share it).
func (g *gen) familyTablets() {
	ps := g.d.Persons
	taken := map[int]bool{}
	for range FamilyTablets {
		size := 2 + g.rng.IntN(2)
		if len(ps)-len(taken) < size {
			return
		}
		group := g.tabletGroup(ps, taken, size)
		tablet := g.uuid(false)
		for _, j := range group {
			taken[j] = true
			ps[j].SharedDevice = tablet
			if len(ps[j].Devices) == 3 {
				ps[j].Devices[2] = tablet
			} else {
				ps[j].Devices = append(ps[j].Devices, tablet)
			}
		}
	}
}

// tabletGroup draws a group of size persons not taken yet: an anchor, then
// others of its country, then of any country if need be.
func (g *gen) tabletGroup(ps []Person, taken map[int]bool, size int) []int {
	anchor := g.rng.IntN(len(ps))
	for taken[anchor] {
		anchor = (anchor + 1) % len(ps)
	}
	group := []int{anchor}
	for _, same := range []bool{true, false} {
		for _, j := range g.rng.Perm(len(ps)) {
			if len(group) == size {
				break
			}
			if j != anchor && !taken[j] && !slices.Contains(group, j) && (!same || ps[j].Country == ps[anchor].Country) {
				group = append(group, j)
			}
		}
	}
	return group
}
