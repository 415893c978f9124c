package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
)

// maxMoves is the number of figures "what changed" names.
const maxMoves = 8

// move is one figure of D against the day before.
type move struct {
	what        string
	now, before float64
	text        func(float64) string
}

// sentence says the move in words.
func (m move) sentence(yesterday string) string {
	verb := "rose"
	if m.now < m.before {
		verb = "fell"
	}
	if m.before == 0 {
		return fmt.Sprintf("%s: %s, from none on %s.", m.what, m.text(m.now), yesterday)
	}
	return fmt.Sprintf("%s %s %.1f%% to %s (%s on %s).", m.what, verb, math.Abs(100*change(m.now, m.before)), m.text(m.now), m.text(m.before), yesterday)
}

// whatChanged fills the largest moves since yesterday, in words: the
// headline figures and each channel's revenue and spend of D against
// D-1, the lifecycle flows, the segments' adds and removes, the models'
// decisions and the quality rules that failed.
func whatChanged(page *Page, d rundate.Date) {
	end := dayOf(d.Start().Unix())
	yesterday := d.AddDays(-1).String()
	first := firstOrders(page.in.orders)
	now, before := periodFigures(page.in, first, end, end), periodFigures(page.in, first, end-1, end-1)
	cur := page.Currency
	amount := func(v float64) string { return moneyText(money.CentsFromFloat(v), cur) }
	count := func(v float64) string { return numberText(v) }
	moves := []move{
		{"Revenue", now.revenue.Float(), before.revenue.Float(), amount},
		{"Orders", float64(now.orders), float64(before.orders), count},
		{"New customers", float64(now.newCustomers), float64(before.newCustomers), count},
		{"Ad spend", now.spend.Float(), before.spend.Float(), amount},
	}
	if page.in.daily != nil {
		key := func(r kpi.Daily) string { return r.Channel }
		prev := map[string]*activity{}
		for _, a := range sumBy(page.in.daily, end-1, end-1, key) {
			prev[a.name] = a
		}
		for _, a := range sumBy(page.in.daily, end, end, key) {
			b := prev[a.name]
			if b == nil {
				b = &activity{}
			}
			moves = append(moves, move{"Attributed revenue of " + a.name, a.revenue.Float(), b.revenue.Float(), amount})
			if a.paid || b.paid {
				moves = append(moves, move{"Spend on " + a.name, a.spend.Float(), b.spend.Float(), amount})
			}
		}
	}
	moves = slices.DeleteFunc(moves, func(m move) bool { return m.now == m.before })
	slices.SortStableFunc(moves, func(a, b move) int { return cmp.Compare(weight(b), weight(a)) })
	for _, m := range moves[:min(maxMoves, len(moves))] {
		page.Changes = append(page.Changes, m.sentence(yesterday))
	}
	page.Changes = append(page.Changes, eventSentences(page)...)
}

// weight ranks a move: its relative size, a figure that appears counting
// as a doubling.
func weight(m move) float64 {
	if m.before == 0 {
		return 1
	}
	return math.Abs(change(m.now, m.before))
}

// eventSentences are the night's changes that are not figures: the
// largest lifecycle flows, the segments that changed, the models'
// decisions and the quality rules that failed.
func eventSentences(page *Page) []string {
	var out []string
	for _, f := range page.in.flows[:min(3, len(page.in.flows))] {
		out = append(out, fmt.Sprintf("%s moved from %s to %s since %s.", customers(f.n), f.from, f.to, page.in.prevDate))
	}
	segs := slices.Clone(page.Audiences)
	segs = slices.DeleteFunc(segs, func(a AudienceRow) bool { return a.firstNight || a.adds+a.removes == 0 })
	slices.SortStableFunc(segs, func(a, b AudienceRow) int { return cmp.Compare(b.adds+b.removes, a.adds+a.removes) })
	for _, a := range segs[:min(3, len(segs))] {
		out = append(out, fmt.Sprintf("Segment %s: %s added, %s removed, now %s members.", a.Name, intText(a.adds), intText(a.removes), intText(a.Members)))
	}
	for _, m := range page.Models {
		switch {
		case m.Decision == "not trained":
			out = append(out, fmt.Sprintf("Model %s was not trained tonight: %s.", m.Model, m.Reason))
		case m.Drifted:
			out = append(out, fmt.Sprintf("Model %s drifted (PSI above 0.25): %s.", m.Model, m.Drift))
		}
	}
	for _, r := range page.Rules {
		if r.Severity == "error" {
			out = append(out, fmt.Sprintf("Quality rule %s refused %s of %s rows of %s.", r.Rule, r.Failed, r.Checked, r.Dataset))
		}
	}
	return out
}

// customers is "1 customer" or "n customers".
func customers(n int64) string {
	if n == 1 {
		return "1 customer"
	}
	return intText(n) + " customers"
}
