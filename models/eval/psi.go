package eval

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// PSIEpsilon replaces the share of a bin that holds no rows on one side, so
// that an empty bin adds a large but finite term instead of infinity.
const PSIEpsilon = 1e-4

// PSIResult is the population stability index and its parts.
type PSIResult struct {
	// Value is the index: below 0.1 is usually read as stable, 0.1 to 0.25
	// as a moderate shift, above 0.25 as a major one.
	Value float64 `json:"value"`
	// Edges are the inner bin edges; bin i holds the values in
	// (Edges[i-1], Edges[i]], the first and last bins are open-ended.
	Edges []float64 `json:"edges"`
	// Expected and Actual are each bin's share of the rows (after the
	// epsilon), Contribution its term of the sum.
	Expected     []float64 `json:"expected"`
	Actual       []float64 `json:"actual"`
	Contribution []float64 `json:"contribution"`
}

// PSI is the population stability index of the actual score distribution
// against the expected one (usually the training or last month's scores):
// sum over bins of (a - e) x ln(a / e), with a and e the two shares of rows
// in each bin.
//
// The bins are the expected distribution's quantiles: the inner edges are its
// k/bins quantiles (linear interpolation, numpy's default) for k = 1 ..
// bins-1, with repeated edges (from tied scores) kept once, so there can be
// fewer bins than asked. Bins are closed on the right. A share of 0 is
// replaced by PSIEpsilon (the other shares are not renormalised).
func PSI(expected, actual []float64, bins int) (PSIResult, error) {
	if err := psiInput(expected, actual, bins); err != nil {
		return PSIResult{}, fmt.Errorf("psi: %w", err)
	}
	r := PSIResult{Edges: innerEdges(expected, bins)}
	r.Expected = shares(expected, r.Edges)
	r.Actual = shares(actual, r.Edges)
	r.sum()
	return r, nil
}

// psiInput checks PSI's inputs.
func psiInput(expected, actual []float64, bins int) error {
	if err := finite("expected", expected); err != nil {
		return err
	}
	if err := finite("actual", actual); err != nil {
		return err
	}
	if bins < 2 {
		return fmt.Errorf("%d bins: %w", bins, ErrBins)
	}
	return nil
}

// innerEdges are the k/bins quantiles of v for k = 1 .. bins-1, each kept
// once.
func innerEdges(v []float64, bins int) []float64 {
	sorted := slices.Sorted(slices.Values(v))
	var edges []float64
	for k := 1; k < bins; k++ {
		e := quantile(sorted, float64(k)/float64(bins))
		if len(edges) == 0 || e != edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	return edges
}

// sum computes each bin's term from the shares and adds them up, in bin
// order.
func (r *PSIResult) sum() {
	r.Contribution = make([]float64, len(r.Expected))
	for i, e := range r.Expected {
		a := r.Actual[i]
		r.Contribution[i] = (a - e) * math.Log(a/e)
		r.Value += r.Contribution[i]
	}
}

// shares returns the share of v in each bin cut by the inner edges, with
// PSIEpsilon for an empty bin.
func shares(v, edges []float64) []float64 {
	out := make([]float64, len(edges)+1)
	for _, x := range v {
		out[sort.SearchFloat64s(edges, x)]++
	}
	for i := range out {
		out[i] /= float64(len(v))
		if out[i] == 0 {
			out[i] = PSIEpsilon
		}
	}
	return out
}
