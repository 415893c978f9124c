package recommend

import "slices"

// topK returns the k best of items, best first, where better is a strict
// total order; it keeps a heap of k (the worst on top), so choosing from n
// items costs n log k rather than a full sort. items is reused.
func topK[T any](items []T, k int, better func(a, b T) bool) []T {
	if len(items) <= k {
		slices.SortFunc(items, func(a, b T) int { return order(better, a, b) })
		return items
	}
	h := items[:k] // a heap in place: items[0] is the worst kept
	for i := k/2 - 1; i >= 0; i-- {
		down(h, i, better)
	}
	for _, it := range items[k:] {
		if better(it, h[0]) {
			h[0] = it
			down(h, 0, better)
		}
	}
	slices.SortFunc(h, func(a, b T) int { return order(better, a, b) })
	return slices.Clip(h)
}

func order[T any](better func(a, b T) bool, a, b T) int {
	switch {
	case better(a, b):
		return -1
	case better(b, a):
		return 1
	}
	return 0
}

// down restores the heap below i, the worst item on top.
func down[T any](h []T, i int, better func(a, b T) bool) {
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && better(h[worst], h[l]) {
			worst = l
		}
		if r < len(h) && better(h[worst], h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}
