package rfm

import (
	"math/rand/v2"
	"testing"
)

func TestQuintilesKeepTiesAndSpread(t *testing.T) {
	got := quintiles([]int64{10, 20, 30, 40, 50, 50, 60, 70, 80, 90})
	want := []int32{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("quintiles = %v, want %v", got, want)
		}
	}
	// All equal: nobody is worse than anybody, so everybody scores 1.
	for _, s := range quintiles([]int64{7, 7, 7}) {
		if s != 1 {
			t.Fatalf("ties must share a score, got %d", s)
		}
	}
}

func TestScoreAllIndependentOfOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([]Input, 500)
	for i := range in {
		in[i] = Input{RecencyDays: rng.Int64N(400), Frequency: 1 + rng.Int64N(20), Monetary: rng.Int64N(1_000_000)}
	}
	a := ScoreAll(in)
	perm := rng.Perm(len(in))
	shuffled := make([]Input, len(in))
	for i, p := range perm {
		shuffled[i] = in[p]
	}
	b := ScoreAll(shuffled)
	for i, p := range perm {
		if b[i] != a[p] {
			t.Fatalf("customer %d scored %+v shuffled, %+v in order", p, b[i], a[p])
		}
	}
	// Recency: a customer seen more recently never scores lower.
	for i := range in {
		for j := range in {
			if in[i].RecencyDays < in[j].RecencyDays && a[i].R < a[j].R {
				t.Fatalf("recency %d scored %d below recency %d scored %d", in[i].RecencyDays, a[i].R, in[j].RecencyDays, a[j].R)
			}
		}
	}
}

func TestName(t *testing.T) {
	cases := []struct {
		r, f, m int32
		want    string
	}{
		{5, 5, 5, Champions}, {4, 4, 3, Loyal}, {3, 5, 1, Loyal}, {5, 3, 5, PotentialLoyalist},
		{5, 1, 1, New}, {1, 4, 5, AtRisk}, {2, 2, 5, Hibernating}, {3, 2, 2, NeedAttention},
	}
	for _, c := range cases {
		if got := Name(c.r, c.f, c.m); got != c.want {
			t.Errorf("Name(%d,%d,%d) = %s, want %s", c.r, c.f, c.m, got, c.want)
		}
	}
}
