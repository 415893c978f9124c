package recommend

import (
	"math"
	"reflect"
	"testing"
	"time"
)

var day0 = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

func on(days int) time.Time { return day0.AddDate(0, 0, days) }

// basket is A: p1 p2 p3, B: p1 p2, C: p2 p3, D: p4, all on day 1. Buyers:
// p1 {A,B}, p2 {A,B,C}, p3 {A,C}, p4 {D}, so
// sim(p1,p2) = 2/sqrt(2*3), sim(p1,p3) = 1/sqrt(2*2), sim(p2,p3) = 2/sqrt(3*2).
func basket() []Purchase {
	var ps []Purchase
	for c, items := range map[string][]string{"A": {"p1", "p2", "p3"}, "B": {"p1", "p2", "p1"}, "C": {"p2", "p3"}, "D": {"p4"}} {
		for _, p := range items {
			ps = append(ps, Purchase{Customer: c, Product: p, At: on(1)})
		}
	}
	return ps
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestCosineSimilarity(t *testing.T) {
	m := Fit(basket(), on(2), Options{})
	s6 := 2 / math.Sqrt(6)
	for _, tc := range []struct {
		i, j string
		want float64
	}{{"p1", "p2", s6}, {"p2", "p1", s6}, {"p1", "p3", 0.5}, {"p2", "p3", s6}, {"p1", "p4", 0}, {"p1", "p1", 0}, {"p1", "nope", 0}} {
		if got := m.Similarity(tc.i, tc.j); !near(got, tc.want) {
			t.Errorf("sim(%s,%s) = %v, want %v", tc.i, tc.j, got, tc.want)
		}
	}
}

// Lift on the basket (N = 4 customers): lift(p1,p2) = 2*4/(2*3) = 4/3,
// lift(p1,p3) = 1*4/(2*2) = 1, lift(p2,p3) = 2*4/(3*2) = 4/3.
func TestLiftSimilarity(t *testing.T) {
	m := Fit(basket(), on(2), Options{Similarity: SimilarityLift})
	for _, tc := range []struct {
		i, j string
		want float64
	}{{"p1", "p2", 4.0 / 3}, {"p1", "p3", 1}, {"p3", "p2", 4.0 / 3}, {"p4", "p1", 0}} {
		if got := m.Similarity(tc.i, tc.j); !near(got, tc.want) {
			t.Errorf("lift(%s,%s) = %v, want %v", tc.i, tc.j, got, tc.want)
		}
	}
	// B (p1, p2): p3 scores lift(p1,p3) + lift(p2,p3).
	if got := m.Recommend("B", 1, false, nil); len(got) != 1 || got[0].Product != "p3" || !near(got[0].Score, 1+4.0/3) {
		t.Errorf("B: %+v", got)
	}
}

func TestRecommendRanksAndFallback(t *testing.T) {
	s6 := 2 / math.Sqrt(6)
	cases := []struct {
		name     string
		opts     Options
		customer string
		popular  bool
		want     []Recommendation
	}{
		// B bought p1, p2: p3 scores sim(p1,p3)+sim(p2,p3); p4 comes from
		// the popular list (1 of 4 buyers), p1 and p2 are never repeated.
		{"item item then popular", Options{}, "B", false, []Recommendation{
			{1, "p3", 0.5 + s6, SourceItemItem}, {2, "p4", 0.25, SourcePopular}}},
		{"popular baseline", Options{}, "B", true, []Recommendation{
			{1, "p3", 0.5, SourcePopular}, {2, "p4", 0.25, SourcePopular}}},
		// A customer without history: popularity p2 3/4, p1 2/4, p3 2/4
		// (tie: the smaller id), p4 1/4.
		{"new customer", Options{}, "E", false, []Recommendation{
			{1, "p2", 0.75, SourcePopular}, {2, "p1", 0.5, SourcePopular}, {3, "p3", 0.5, SourcePopular}, {4, "p4", 0.25, SourcePopular}}},
		// With repeats: p3 0.5+s6, then p1 (from p2) and p2 (from p1), both
		// s6, the smaller id first.
		{"repeats allowed", Options{AllowRepeats: true}, "B", false, []Recommendation{
			{1, "p3", 0.5 + s6, SourceItemItem}, {2, "p1", s6, SourceItemItem}, {3, "p2", s6, SourceItemItem}, {4, "p4", 0.25, SourcePopular}}},
		// One neighbour each: p1 keeps p2, p2 keeps p1 (tie with p3, smaller
		// id): B's only neighbours are its own products, so all popular.
		{"one neighbour", Options{Neighbours: 1}, "B", false, []Recommendation{
			{1, "p3", 0.5, SourcePopular}, {2, "p4", 0.25, SourcePopular}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := Fit(basket(), on(2), tc.opts)
			got := m.Recommend(tc.customer, 5, tc.popular, nil)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.Rank != w.Rank || g.Product != w.Product || g.Source != w.Source || !near(g.Score, w.Score) {
					t.Errorf("rank %d: got %+v, want %+v", i+1, g, w)
				}
			}
		})
	}
}

func TestRecommendStopsAtN(t *testing.T) {
	m := Fit(basket(), on(2), Options{})
	if got := m.Recommend("E", 2, false, nil); len(got) != 2 || got[1].Product != "p1" {
		t.Errorf("got %+v, want p2, p1", got)
	}
}

// Purchases on or after the end are not learnt; popularity counts only the
// window's buyers.
func TestFitWindowAndPopularity(t *testing.T) {
	ps := append(basket(),
		Purchase{Customer: "X", Product: "p4", At: on(9)},
		Purchase{Customer: "Y", Product: "p4", At: on(9)},
		Purchase{Customer: "Z", Product: "p1", At: on(12)}) // after the end
	m := Fit(ps, on(10), Options{PopularDays: 5})
	got := m.Recommend("new", 5, true, nil)
	want := []Recommendation{{1, "p4", 1, SourcePopular}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if m.Similarity("p1", "p4") != 0 {
		t.Error("p1 and p4 were never bought together")
	}
}

// On the basket, the test window (days 5..19) has B buying p3 (new) and
// p9 (unknown to the model), A buying p1 again (a repeat: A is no test
// customer), E (new) buying p4, and a purchase on day 20 (outside).
// Item-item: B [p3 p4] hits, recall 1/2; E [p2 p1 p3 p4] hits, recall 1.
// Popular: B [p3 p4], E the same as item-item.
func TestEvaluate(t *testing.T) {
	ps := append(basket(),
		Purchase{Customer: "B", Product: "p3", At: on(6)},
		Purchase{Customer: "B", Product: "p9", At: on(7)},
		Purchase{Customer: "A", Product: "p1", At: on(6)},
		Purchase{Customer: "E", Product: "p4", At: on(8)},
		Purchase{Customer: "F", Product: "p1", At: on(20)})
	ev := Evaluate(ps, on(5), on(20), Options{})
	want := Evaluation{Customers: 2, TrainCustomers: 4, TrainProducts: 4,
		ItemItem: Figures{HitRate5: 1, Recall10: 0.75}, Popular: Figures{HitRate5: 1, Recall10: 0.75}}
	if !reflect.DeepEqual(ev, want) {
		t.Errorf("got %+v, want %+v", ev, want)
	}
	// C (p2, p3) buying p1, its one item-item candidate, ranked first.
	ev = Evaluate(append(basket(), Purchase{Customer: "C", Product: "p1", At: on(6)}), on(5), on(20), Options{})
	if ev.Customers != 1 || ev.ItemItem.HitRate5 != 1 || ev.ItemItem.Recall10 != 1 {
		t.Errorf("C buying p1: got %+v", ev)
	}
}
