package identity

// Evaluate measures predicted links against the truth, pairwise. pred and
// truth map record key -> cluster id (a customer id, a true person id).
// Only records present in both maps count. A pair of distinct records is
// predicted linked when pred gives both the same id, and truly linked when
// truth does. Then
//
//	precision = |pairs linked in both| / |pairs linked in pred|
//	recall    = |pairs linked in both| / |pairs linked in truth|
//
// with precision 1 when pred links no pair and recall 1 when truth links no
// pair. Pairs are never materialised: with n(P∩T) the number of records in
// predicted cluster P and true cluster T, |both| = Σ C(n(P∩T), 2),
// |pred| = Σ C(n(P), 2) and |truth| = Σ C(n(T), 2), where C(n, 2) =
// n(n-1)/2.
func Evaluate(pred map[string]string, truth map[string]string) (precision, recall float64) {
	inter, pn, tn := clusterSizes(pred, truth)
	both, predPairs, truthPairs := pairsIn(inter), pairsIn(pn), pairsIn(tn)
	precision, recall = 1, 1
	if predPairs > 0 {
		precision = float64(both) / float64(predPairs)
	}
	if truthPairs > 0 {
		recall = float64(both) / float64(truthPairs)
	}
	return precision, recall
}

// clusterCell is a (predicted cluster, true cluster) pair.
type clusterCell struct{ p, t string }

// clusterSizes counts the records present in both maps: n(P∩T) per cell,
// n(P) per predicted cluster and n(T) per true cluster.
func clusterSizes(pred map[string]string, truth map[string]string) (inter map[clusterCell]int64, pn, tn map[string]int64) {
	inter, pn, tn = make(map[clusterCell]int64), make(map[string]int64), make(map[string]int64)
	for rec, p := range pred {
		t, ok := truth[rec]
		if !ok {
			continue
		}
		inter[clusterCell{p, t}]++
		pn[p]++
		tn[t]++
	}
	return inter, pn, tn
}

// pairsIn is Σ C(n, 2) over the cluster sizes n: the pairs of records
// linked within the clusters.
func pairsIn[K comparable](sizes map[K]int64) int64 {
	var pairs int64
	for _, n := range sizes {
		pairs += n * (n - 1) / 2
	}
	return pairs
}
