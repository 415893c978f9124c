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
	try := func(l hbin, thr int, missLeft bool) {
		rt := sub(parent, l)
		if !r.ok(l, rt) {
			return
		}
		if gain := gainOf(parent, l, r.lambda); gain > best.gain {
			best.gain, best.thr, best.missLeft, best.l = gain, uint8(thr), missLeft, l
			found = true
		}
	}
	var cum hbin
	for b := 0; b < nb-1; b++ {
		cum.add(hist[b])
		if hist[b].n == 0 {
			continue // same partition as the previous threshold
		}
		try(cum, b, false)
		if miss.n > 0 {
			withMiss := cum
			withMiss.add(miss)
			try(withMiss, b, true)
		}
	}
	if miss.n > 0 {
		cum.add(hist[nb-1])
		try(cum, nb-1, false) // every value left, missing right
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
	found := false
	var used []int
	for b, hb := range hist {
		if hb.n > 0 {
			used = append(used, b)
		}
	}
	if len(used) < 2 {
		return best, false
	}
	if len(used) <= r.maxCatToOnehot {
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
		return r.finishCat(best, hist, parent, found)
	}
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
	maxCats := min(r.maxCatThreshold, (len(cands)+1)/2)
	lambda := r.lambda + r.catL2
	bestDir, bestLen := 0, 0
	for dir := range 2 {
		var l hbin
		var group int64
		for k := range maxCats {
			b := cands[k]
			if dir == 1 {
				b = cands[len(cands)-1-k]
			}
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
				bestDir, bestLen = dir, k+1
				found = true
			}
		}
	}
	if found {
		best.left = bitset256{}
		for k := range bestLen {
			b := cands[k]
			if bestDir == 1 {
				b = cands[len(cands)-1-k]
			}
			best.left.set(b)
		}
	}
	return r.finishCat(best, hist, parent, found)
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
