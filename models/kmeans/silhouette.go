package kmeans

import (
	"math"
	"math/rand/v2"
	"slices"
)

// sampleRows draws min(size, n) distinct row indexes with rng, in
// increasing order.
func sampleRows(rng *rand.Rand, n, size int) []int {
	if size >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := rng.Perm(n)[:size]
	slices.Sort(idx)
	return idx
}

// silhouette is the mean silhouette coefficient of the rows idx under
// labels, distances taken among those rows only (scikit-learn's
// silhouette_score with sample_size). A row alone in its cluster scores 0.
// It returns -1 when the rows fall in fewer than two clusters, so that such
// a k is never preferred.
func (s *space) silhouette(idx []int, labels []int32, k int) float64 {
	ss := silhouetteSample{x: s.x, idx: idx, labels: labels}
	var present int
	ss.size, present = clusterSizes(idx, labels, k)
	if present < 2 {
		return -1
	}
	score := make([]float64, len(idx))
	s.chunks(len(idx), func(_, lo, hi int) {
		sum := make([]float64, k)
		for a := lo; a < hi; a++ {
			score[a] = ss.score(a, sum)
		}
	})
	total := 0.0
	for _, v := range score {
		total += v
	}
	return total / float64(len(idx))
}

// clusterSizes counts the rows idx of each of the k clusters, and the
// clusters that have any.
func clusterSizes(idx []int, labels []int32, k int) (size []int, present int) {
	size = make([]int, k)
	for _, i := range idx {
		if size[labels[i]] == 0 {
			present++
		}
		size[labels[i]]++
	}
	return size, present
}

// silhouetteSample is the sample of rows the silhouette is computed on.
type silhouetteSample struct {
	x      *matrix
	idx    []int
	labels []int32
	size   []int // the sampled rows of each cluster
}

// score is the silhouette of the a-th sampled row; sum is room for one
// value per cluster.
func (ss *silhouetteSample) score(a int, sum []float64) float64 {
	clear(sum)
	ra := ss.x.row(ss.idx[a])
	for _, i := range ss.idx {
		sum[ss.labels[i]] += math.Sqrt(sqdist(ra, ss.x.row(i)))
	}
	return silhouetteOf(sum, ss.size, ss.labels[ss.idx[a]])
}

// silhouetteOf is (b-a)/max(a, b) for a row of cluster own whose distances
// to the rows of each cluster add up to sum: a is its mean distance to the
// other rows of own, b the lowest mean distance to another cluster. It is
// 0 for a row alone in its cluster, or whose distances are all 0.
func silhouetteOf(sum []float64, size []int, own int32) float64 {
	if size[own] == 1 {
		return 0
	}
	in := sum[own] / float64(size[own]-1)
	out := math.Inf(1)
	for c, n := range size {
		if int32(c) != own && n > 0 {
			out = min(out, sum[c]/float64(n))
		}
	}
	if m := max(in, out); m > 0 {
		return (out - in) / m
	}
	return 0
}
