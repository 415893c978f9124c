package eval

import (
	"fmt"
	"slices"
	"sort"
)

// Binning chooses how Calibration cuts the probability axis.
type Binning uint8

const (
	// Uniform bins have equal width on [0, 1].
	Uniform Binning = iota
	// Quantile bins hold about equal numbers of predictions: their edges are
	// quantiles of p (linear interpolation, numpy's default). Tied
	// predictions can leave some of them empty.
	Quantile
)

// CalibrationBin is one row of a calibration table. A bin holds the
// predictions in (Lower, Upper]; the first bin also holds Lower itself.
type CalibrationBin struct {
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	// Count is the number of predictions in the bin; the means are 0 when
	// it is 0.
	Count         int     `json:"count"`
	MeanPredicted float64 `json:"mean_predicted"`
	ObservedRate  float64 `json:"observed_rate"`
}

// Calibration compares predicted probabilities p with what happened (0/1
// labels y) in bins of p: a well calibrated model has MeanPredicted close to
// ObservedRate in every bin. The bins and the rows they take are those of
// scikit-learn's calibration_curve with strategy "uniform" or "quantile";
// unlike it, empty bins are returned too (with Count 0), so the table always
// has the requested number of rows.
func Calibration(y, p []float64, bins int, by Binning) ([]CalibrationBin, error) {
	if err := calibrationInput(y, p, bins); err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	edges, err := binEdges(p, bins, by)
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	return calibrate(y, p, edges), nil
}

// calibrationInput checks Calibration's inputs.
func calibrationInput(y, p []float64, bins int) error {
	if err := pair("y", y, "p", p); err != nil {
		return err
	}
	if _, err := labels(y); err != nil {
		return err
	}
	if err := probabilities(p); err != nil {
		return err
	}
	if bins < 1 {
		return fmt.Errorf("%d bins: %w", bins, ErrBins)
	}
	return nil
}

// binEdges are the edges of the bins of p by the binning.
func binEdges(p []float64, bins int, by Binning) ([]float64, error) {
	switch by {
	case Uniform:
		return uniformEdges(bins), nil
	case Quantile:
		return quantileEdges(p, bins), nil
	}
	return nil, fmt.Errorf("unknown binning %d: %w", by, ErrBins)
}

// uniformEdges are the edges of bins of equal width over [0, 1].
func uniformEdges(bins int) []float64 {
	edges := make([]float64, bins+1)
	step := 1 / float64(bins) // as numpy.linspace computes its points
	for i := range edges {
		edges[i] = float64(i) * step
	}
	edges[bins] = 1
	return edges
}

// quantileEdges are the edges of bins holding equal shares of p.
func quantileEdges(p []float64, bins int) []float64 {
	edges := make([]float64, bins+1)
	sorted := slices.Sorted(slices.Values(p))
	for i := range edges {
		edges[i] = quantile(sorted, float64(i)/float64(bins))
	}
	return edges
}

// calibrate puts each row in the bin between the edges that its p falls
// in and averages p and y per bin.
func calibrate(y, p, edges []float64) []CalibrationBin {
	bins := len(edges) - 1
	out := make([]CalibrationBin, bins)
	for i := range out {
		out[i].Lower, out[i].Upper = edges[i], edges[i+1]
	}
	inner := edges[1:bins]
	for i, x := range p {
		b := &out[sort.SearchFloat64s(inner, x)] // edges strictly below x
		b.Count++
		b.MeanPredicted += x
		b.ObservedRate += y[i]
	}
	for i := range out {
		if n := float64(out[i].Count); n > 0 {
			out[i].MeanPredicted /= n
			out[i].ObservedRate /= n
		}
	}
	return out
}

// quantile is the q-quantile of sorted values by linear interpolation
// between order statistics (numpy's default method, including its way of
// interpolating from the nearer end).
func quantile(sorted []float64, q float64) float64 {
	h := q * float64(len(sorted)-1)
	lo := int(h)
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	a, b, t := sorted[lo], sorted[lo+1], h-float64(lo)
	if t >= 0.5 {
		return b - (b-a)*(1-t)
	}
	return a + (b-a)*t
}
