// Package clv holds segmint's customer-lifetime-value models for
// non-contractual settings: per-customer summaries of transactions
// (frequency, recency, age and mean spend, in weeks), the BG/NBD and
// MBG/NBD models of purchase counts and dropout, the NBD model of purchase
// counts without dropout, the Gamma-Gamma model of spend, all fitted by
// maximum likelihood on gonum/optimize, a test of whether the data
// identify dropout at all (FitFamily), and the discounted expected value
// of a customer over a horizon.
//
// The reference is Fader, Hardie and Lee (2005) on the CDNOW cohort and
// the Python library lifetimes; the package tests reproduce their figures
// on the copies in testdata/cdnow.
package clv
