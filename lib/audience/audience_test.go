package audience

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// The control share of 100,000 ids lies within 4 standard deviations of
// the configured share (a binomial count; far wider than any seed's luck),
// for several shares and scopes, and the segments' groups are independent:
// the overlap of two 10% groups is about 1%.
func TestBucketIsUniformAndScopesIndependent(t *testing.T) {
	const n = 100_000
	for _, share := range []float64{0.05, 0.1, 0.5} {
		inA, inBoth := 0, 0
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("cus_%016x", i)
			a := InControl("salt", "seg_a", id, share)
			b := InControl("salt", "seg_b", id, share)
			if a {
				inA++
			}
			if a && b {
				inBoth++
			}
		}
		within(t, "share", inA, n, share)
		within(t, "overlap", inBoth, n, share*share)
	}
}

// within fails unless k of n is within 4 binomial standard deviations of p.
func within(t *testing.T, what string, k, n int, p float64) {
	t.Helper()
	sd := math.Sqrt(float64(n) * p * (1 - p))
	if d := math.Abs(float64(k) - float64(n)*p); d > 4*sd {
		t.Errorf("%s %.2f: %d of %d, %.1f sd from %.0f", what, p, k, n, d/sd, float64(n)*p)
	}
}

// The assignment depends on salt, scope and id only, and the
// length prefixes keep ("ab","c") apart from ("a","bc").
func TestBucketIsAFunctionOfItsInputs(t *testing.T) {
	if Bucket("s", "seg", "cus_1") != Bucket("s", "seg", "cus_1") {
		t.Fatal("not deterministic")
	}
	if Bucket("s", "ab", "c") == Bucket("s", "a", "bc") {
		t.Error("scope and id run together")
	}
	if Bucket("s1", "seg", "cus_1") == Bucket("s2", "seg", "cus_1") {
		t.Error("the salt plays no part")
	}
	// A known value, so that a change of the hashing (which would move
	// every person to another group) cannot pass unnoticed.
	if got := Bucket("segmint", "win_back", "cus_0000000000000001"); math.Abs(got-knownBucket) > 1e-15 {
		t.Errorf("Bucket changed: %.17g", got)
	}
}

// knownBucket is Bucket("segmint", "win_back", "cus_0000000000000001"),
// computed with Python's hashlib: sha256 over each string preceded by its
// length as 8 big-endian bytes; the top 53 bits of the digest / 2**53.
const knownBucket = 0.3324244783231721

func TestSuppressionReasonsAndPurposes(t *testing.T) {
	list := NewList()
	email, _ := normalize.Email("Ann@Example.com ")
	for _, e := range []struct{ kind, value string }{
		{KindEmail, " ANN@example.com"}, {KindPhone, "07400 123456"}, {KindCustomerNumber, "12345"},
		{KindEmailSHA256, "AB" + normalize.Hash("x")[2:]},
	} {
		if err := list.Add(e.kind, e.value, "GB"); err != nil {
			t.Fatal(err)
		}
	}
	phone, _ := normalize.Phone("+447400123456", "GB")
	cases := []struct {
		p    Person
		want map[string]string // purpose -> reason
	}{
		{Person{CustomerID: "a", DeletionRequested: true, ConsentDenied: true},
			map[string]string{config.PurposeEmail: ReasonDeletion, config.PurposeAds: ReasonDeletion, config.PurposeAnalytics: ReasonDeletion}},
		{Person{CustomerID: "b", ConsentDenied: true, EmailSHA256: []string{normalize.Hash(email)}},
			map[string]string{config.PurposeEmail: ReasonConsent, config.PurposeAds: ReasonConsent, config.PurposeAnalytics: ""}},
		{Person{CustomerID: "c", EmailSHA256: []string{normalize.Hash(email)}},
			map[string]string{config.PurposeEmail: ReasonList, config.PurposeAds: ReasonList, config.PurposeAnalytics: ""}},
		{Person{CustomerID: "d", PhoneSHA256: []string{normalize.Hash(phone)}},
			map[string]string{config.PurposeEmail: ReasonList, config.PurposeAds: ReasonList}},
		{Person{CustomerID: "e", CustomerNumbers: []string{"999", "12345"}}, map[string]string{config.PurposeAds: ReasonList}},
		{Person{CustomerID: "f", EmailSHA256: []string{"ab" + normalize.Hash("x")[2:]}}, map[string]string{config.PurposeEmail: ReasonList}},
		{Person{CustomerID: "g", EmailSHA256: []string{normalize.Hash("other@example.com")}, CustomerNumbers: []string{"999"}},
			map[string]string{config.PurposeEmail: "", config.PurposeAds: "", config.PurposeAnalytics: ""}},
	}
	for _, c := range cases {
		for purpose, want := range c.want {
			if got := Suppressed(c.p, purpose, list); got != want {
				t.Errorf("%s for %s: %q, want %q", c.p.CustomerID, purpose, got, want)
			}
		}
	}
	if got := Suppressed(Person{CustomerID: "h", ConsentDenied: true}, config.PurposeEmail, nil); got != ReasonConsent {
		t.Errorf("without a list: %q", got)
	}
}

func TestListRefusesWhatItCannotRead(t *testing.T) {
	l := NewList()
	for _, e := range []struct{ kind, value string }{
		{KindEmail, "not an address"}, {KindPhone, "12"}, {KindEmailSHA256, "abc"},
		{KindPhoneSHA256, normalize.Hash("x")[:63] + "g"}, {KindCustomerNumber, ""}, {"fax", "1"},
	} {
		if err := l.Add(e.kind, e.value, "GB"); err == nil {
			t.Errorf("%s %q accepted", e.kind, e.value)
		}
	}
	if l.Len() != 0 {
		t.Errorf("%d entries", l.Len())
	}
}

// Two nights: b merged into a (both members: no change, a carries b),
// d merged into e (d a member, e not before: e is not an add), c left,
// f is new, g merged into h and h is not a member tonight (a remove of h,
// previously g).
func TestDiffAcrossMerges(t *testing.T) {
	prev := []string{"a", "b", "c", "d", "g"}
	now := []string{"a", "e", "f"}
	merges := Merges{"b": "a", "d": "x", "x": "e", "g": "h"}
	adds, removes, merged := Diff(prev, now, merges)
	if want := []Change{{CustomerID: "f"}}; !reflect.DeepEqual(adds, want) {
		t.Errorf("adds %+v, want %+v", adds, want)
	}
	if want := []Change{{CustomerID: "c"}, {CustomerID: "h", Previous: "g"}}; !reflect.DeepEqual(removes, want) {
		t.Errorf("removes %+v, want %+v", removes, want)
	}
	if want := map[string][]string{"a": {"b"}, "e": {"d"}}; !reflect.DeepEqual(merged, want) {
		t.Errorf("merged %v, want %v", merged, want)
	}
}

func TestResolveStopsOnACycle(t *testing.T) {
	m := Merges{"a": "b", "b": "a"}
	if got := m.Resolve("a"); got != "a" && got != "b" {
		t.Errorf("Resolve = %q", got)
	}
}

// After takes the merges of the nights after since only: a night's ids
// are not resolved by merges that happened before they existed (an id
// merged away and given again after a split).
func TestAfterTakesTheLaterNightsOnly(t *testing.T) {
	day := func(s string) rundate.Date { return rundatetest.Parse(t, s) }
	days := []MergeDay{{Day: day("2026-01-02"), Merges: Merges{"a": "b"}}, {Day: day("2026-01-04"), Merges: Merges{"c": "a"}}}
	if got := After(days, day("2026-01-01")); !reflect.DeepEqual(got, Merges{"a": "b", "c": "a"}) || got.Resolve("c") != "b" {
		t.Errorf("after the 1st: %v", got)
	}
	if got := After(days, day("2026-01-03")); !reflect.DeepEqual(got, Merges{"c": "a"}) || got.Resolve("c") != "a" {
		t.Errorf("after the 3rd: %v", got)
	}
}
