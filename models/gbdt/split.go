package gbdt

import (
	"cmp"
	"slices"
)

// hbin is one histogram slot: the sums of gradients and hessians and the
// number of rows whose bin code it is.
type hbin struct {
	g, h float64
	n    int64
}

func (a *hbin) add(b hbin) { a.g += b.g; a.h += b.h; a.n += b.n }

// push adds one row's gradient pair.
func (a *hbin) push(p gpair) { a.g += float64(p.g); a.h += float64(p.h); a.n++ }

// sub returns a-b; an empty result is exactly zero so that rounding never
// leaves a tiny negative hessian behind.
func sub(a, b hbin) hbin {
	d := hbin{a.g - b.g, a.h - b.h, a.n - b.n}
	if d.n == 0 {
		return hbin{}
	}
	return d
}

// bitset256 marks bin codes.
type bitset256 [4]uint64

func (s *bitset256) set(b int)        { s[b>>6] |= 1 << (b & 63) }
func (s *bitset256) has(b uint8) bool { return s[b>>6]&(1<<(b&63)) != 0 }

// split is the best way found to split one leaf.
type split struct {
	gain     float64
	feat     int
	thr      uint8 // numeric: value bins <= thr go left
	missLeft bool  // missing values go left
	cat      bool
	left     bitset256 // categorical: bins (the missing bin included) that go left
	l        hbin      // sums of the left child
}

// splitRules are the limits a split must respect.
type splitRules struct {
	lambda          float64
	minRows         int64
	minHess         float64
	minGain         float64
	minDataPerGroup int64
	catSmooth       float64
	catL2           float64
	maxCatThreshold int
	maxCatToOnehot  int
}

func (r *splitRules) ok(l, rt hbin) bool {
	return l.n >= r.minRows && rt.n >= r.minRows && l.h >= r.minHess && rt.h >= r.minHess
}

// score is the loss reduction of a leaf with sums g, h under L2 penalty
// lambda, up to the constant factor: G²/(H+λ).
func score(g, h, lambda float64) float64 { return g * g / (h + lambda) }

// gainOf is the loss reduction of splitting parent into l and parent-l,
// ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ)].
func gainOf(parent, l hbin, lambda float64) float64 {
	rg, rh := parent.g-l.g, parent.h-l.h
	return 0.5 * (score(l.g, l.h, lambda) + score(rg, rh, lambda) - score(parent.g, parent.h, lambda))
}

// bestNumeric finds the best threshold of a numeric feature whose histogram
// is hist (nb value bins, then the missing bin). Missing values try both
// sides; when the leaf has none, they go to the side with more rows.
func (r *splitRules) bestNumeric(hist []hbin, parent hbin, feat int) (split, bool) {
	nb := len(hist) - 1
	miss := hist[nb]
	best := split{feat: feat, gain: r.minGain}
	found := false
	parentScore := score(parent.g, parent.h, r.lambda)
	// consider scores a left side l (and its complement) as a candidate.
	consider := func(l hbin, thr int, missLeft bool) {
		rn, rh := parent.n-l.n, parent.h-l.h
		if l.n < r.minRows || rn < r.minRows || l.h < r.minHess || rh < r.minHess {
			return
		}
		gain := 0.5 * (score(l.g, l.h, r.lambda) + score(parent.g-l.g, rh, r.lambda) - parentScore)
		if gain > best.gain {
			best.gain, best.thr, best.missLeft, best.l = gain, uint8(thr), missLeft, l
			found = true
		}
	}
	var cum hbin
	last := nb - 1 // the last value bin: a threshold there sends every value left
	for b := range last {
		hb := &hist[b]
		if hb.n == 0 {
			continue // same partition as the previous threshold
		}
		cum.g += hb.g
		cum.h += hb.h
		cum.n += hb.n
		if cum.n < r.minRows {
			continue
		}
		if parent.n-cum.n-miss.n < r.minRows && miss.n == 0 {
			break // the right side only shrinks from here
		}
		consider(cum, b, false)
		if miss.n > 0 {
			consider(hbin{cum.g + miss.g, cum.h + miss.h, cum.n + miss.n}, b, true)
		}
	}
	if miss.n > 0 && last >= 0 {
		all := sub(parent, miss) // every value left, missing right
		consider(all, last, false)
	}
	if found && miss.n == 0 {
		best.missLeft = best.l.n >= parent.n-best.l.n
	}
	return best, found
}

// bestCategorical finds the best split of a categorical feature in the
// manner of LightGBM: with few categories one against the rest, else the
// categories (the missing bin among them) ordered by G/(H+catSmooth) and cut
// at the best point scanning from either end, with at most maxCatThreshold
// categories on the cut-off side. Categories with fewer than catSmooth rows
// at the leaf are not placed and go right.
func (r *splitRules) bestCategorical(hist []hbin, parent hbin, feat int) (split, bool) {
	best := split{feat: feat, cat: true, gain: r.minGain}
	var used []int
	for b, hb := range hist {
		if hb.n > 0 {
			used = append(used, b)
		}
	}
	if len(used) < 2 {
		return best, false
	}
	found := false
	if len(used) <= r.maxCatToOnehot {
		best, found = r.bestOneHot(best, hist, parent, used)
	} else {
		best, found = r.bestCut(best, hist, parent, r.orderedCategories(hist, parent, used))
	}
	return r.finishCat(best, hist, parent, found)
}

// bestOneHot improves best with the best split of one used category
// against the rest.
func (r *splitRules) bestOneHot(best split, hist []hbin, parent hbin, used []int) (split, bool) {
	found := false
	for _, b := range used {
		l := hist[b]
		if !r.ok(l, sub(parent, l)) {
			continue
		}
		if gain := gainOf(parent, l, r.lambda); gain > best.gain {
			best.gain, best.l = gain, l
			best.left = bitset256{}
			best.left.set(b)
			found = true
		}
	}
	return best, found
}

// orderedCategories are the used categories with enough support, ordered
// by G/(H+catSmooth).
func (r *splitRules) orderedCategories(hist []hbin, parent hbin, used []int) []int {
	// Support is the hessian scaled to rows (the row count for squared
	// error), as LightGBM and scikit-learn measure it.
	perHess := float64(parent.n) / parent.h
	cands := used[:0:0]
	for _, b := range used {
		if hist[b].h*perHess >= r.catSmooth {
			cands = append(cands, b)
		}
	}
	ratio := func(b int) float64 { return hist[b].g / (hist[b].h + r.catSmooth) }
	slices.SortStableFunc(cands, func(a, b int) int { return cmp.Compare(ratio(a), ratio(b)) })
	return cands
}

// bestCut improves best with the best cut of the ordered categories cands
// scanning from either end, with at most maxCatThreshold categories on the
// cut-off (left) side.
func (r *splitRules) bestCut(best split, hist []hbin, parent hbin, cands []int) (split, bool) {
	maxCats := min(r.maxCatThreshold, (len(cands)+1)/2)
	found := false
	bestDir, bestLen := 0, 0
	for dir := range 2 {
		if n := r.scanCut(&best, hist, parent, cands, dir, maxCats); n > 0 {
			bestDir, bestLen, found = dir, n, true
		}
	}
	if found {
		best.left = bitset256{}
		for k := range bestLen {
			best.left.set(catAt(cands, bestDir, k))
		}
	}
	return best, found
}

// scanCut scans the cuts of up to maxCats categories from one end of cands
// (dir 0 the start, 1 the end) and improves best with them. It returns the
// number of categories of the best improving cut, or 0.
func (r *splitRules) scanCut(best *split, hist []hbin, parent hbin, cands []int, dir, maxCats int) int {
	lambda := r.lambda + r.catL2
	bestLen := 0
	var l hbin
	var group int64
	for k := range maxCats {
		b := catAt(cands, dir, k)
		l.add(hist[b])
		group += hist[b].n
		if l.n < r.minRows || l.h < r.minHess {
			continue
		}
		rt := sub(parent, l)
		if rt.n < r.minRows || rt.h < r.minHess {
			break
		}
		if group < r.minDataPerGroup {
			continue
		}
		group = 0
		if gain := gainOf(parent, l, lambda); gain > best.gain {
			best.gain, best.l = gain, l
			bestLen = k + 1
		}
	}
	return bestLen
}

// catAt is the k-th category of cands counted from the start (dir 0) or
// the end (dir 1).
func catAt(cands []int, dir, k int) int {
	if dir == 1 {
		return cands[len(cands)-1-k]
	}
	return cands[k]
}

// finishCat records where missing values go: by the missing bin's side when
// the leaf had missing values, else to the side with more rows.
func (r *splitRules) finishCat(best split, hist []hbin, parent hbin, found bool) (split, bool) {
	if !found {
		return best, false
	}
	nb := len(hist) - 1
	if hist[nb].n > 0 {
		best.missLeft = best.left.has(uint8(nb))
	} else {
		best.missLeft = best.l.n >= parent.n-best.l.n
		if best.missLeft {
			best.left.set(nb)
		}
	}
	return best, true
}
