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
	size := make([]int, k)
	for _, i := range idx {
		size[labels[i]]++
	}
	present := 0
	for _, n := range size {
		if n > 0 {
			present++
		}
	}
	if present < 2 {
		return -1
	}
	score := make([]float64, len(idx))
	s.chunks(len(idx), func(_, lo, hi int) {
		sum := make([]float64, k)
		for a := lo; a < hi; a++ {
			clear(sum)
			ra := s.x.row(idx[a])
			for _, i := range idx {
				sum[labels[i]] += math.Sqrt(sqdist(ra, s.x.row(i)))
			}
			own := labels[idx[a]]
			if size[own] == 1 {
				continue // score 0
			}
			in := sum[own] / float64(size[own]-1)
			out := math.Inf(1)
			for c, n := range size {
				if int32(c) != own && n > 0 {
					out = min(out, sum[c]/float64(n))
				}
			}
			if m := max(in, out); m > 0 { // 0 when all its distances are 0
				score[a] = (out - in) / m
			}
		}
	})
	total := 0.0
	for _, v := range score {
		total += v
	}
	return total / float64(len(idx))
}
