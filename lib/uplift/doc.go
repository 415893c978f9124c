// Package uplift holds the statistics behind `segmint measure`: how a
// published segment's treated people compare with its random holdout
// (the control group that is not exported) over a measurement window.
//
// Everything here is a pure function of counts or per-person values; the
// distributions come from gonum.org/v1/gonum/stat/distuv. All intervals are
// two-sided at the 95% level (Level).
//
//   - Conversion compares two conversion rates: the difference p1 - p0 with
//     Newcombe's hybrid score interval, the relative difference p1/p0 - 1
//     with Katz's log interval, and a pooled two-proportion z-test.
//   - Means compares per-person means (orders or revenue per person, zeros
//     included) with Welch's t: the difference, its interval on the
//     Welch-Satterthwaite degrees of freedom, and a p-value.
//   - SampleRatio checks the realised split against the configured control
//     share (sample-ratio mismatch) with a chi-square goodness-of-fit test.
//   - BinomialRange gives the exact range of control counts a Binomial(n, s)
//     split lands in with probability at least 1 - alpha.
//
// Results are plain structs with snake_case JSON tags. Values that do not
// exist for the data (a relative difference over a zero control rate, the
// degrees of freedom of two constant groups) are nil pointers, so they
// encode as JSON null; no result field is ever NaN or infinite.
package uplift
