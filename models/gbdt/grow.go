package gbdt

// gpair is a row's gradient and hessian of the loss.
type gpair struct{ g, h float64 }

// tnode is a tree node as training builds it, on bin codes.
type tnode struct {
	feat        int // -1 for a leaf
	left, right int
	thr         uint8
	missLeft    bool
	cat         bool
	leftBins    bitset256
	gain        float64
	n           int64
	value       float64
}

// goLeft says where a row with bin code b goes.
func (nd *tnode) goLeft(b uint8, missBin uint8) bool {
	if nd.cat {
		return nd.leftBins.has(b)
	}
	if b == missBin {
		return nd.missLeft
	}
	return b <= nd.thr
}

// leaf is a leaf of the tree being grown: its rows are rows[start:end] of
// the grower, its histogram and best split are kept until it is split.
type leaf struct {
	node       int
	start, end int
	sum        hbin
	depth      int
	hist       []hbin
	best       split
	canSplit   bool
}

// grower grows one tree at a time leaf-wise (best first) on a dataset.
type grower struct {
	d       *dataset
	rules   splitRules
	maxLeaf int
	maxDep  int
	lambda  float64
	lr      float64
	workers int

	rows   []int32 // the tree's rows, partitioned so that each leaf's are contiguous
	gp     []gpair // gp[i] belongs to rows[i]
	tmpR   []int32
	tmpG   []gpair
	feats  []int // features the current tree may split on
	splits []split
	found  []bool
	spare  [][]hbin
}

func newGrower(d *dataset, p *Params, workers int) *grower {
	return &grower{
		d: d,
		rules: splitRules{
			lambda:          p.Lambda,
			minRows:         int64(p.MinSamplesLeaf),
			minHess:         p.MinChildWeight,
			minGain:         p.MinSplitGain,
			minDataPerGroup: int64(p.MinDataPerGroup),
			catSmooth:       p.CatSmooth,
			catL2:           p.CatL2,
			maxCatThreshold: p.MaxCatThreshold,
			maxCatToOnehot:  p.MaxCatToOnehot,
		},
		maxLeaf: p.MaxLeaves,
		maxDep:  p.MaxDepth,
		lambda:  p.Lambda,
		lr:      p.LearningRate,
		workers: workers,
		splits:  make([]split, len(d.feats)),
		found:   make([]bool, len(d.feats)),
	}
}

func (g *grower) newHist() []hbin {
	if n := len(g.spare); n > 0 {
		h := g.spare[n-1]
		g.spare = g.spare[:n-1]
		return h
	}
	return make([]hbin, g.d.off[len(g.d.feats)])
}

func (g *grower) release(h []hbin) {
	if h != nil {
		g.spare = append(g.spare, h)
	}
}

// grow builds a tree on the given rows (ascending) with the gradients of
// every row in grad, splitting only on feats. It returns the nodes and the
// leaves, whose rows are g.rows[start:end].
func (g *grower) grow(rows []int32, grad []gpair, feats []int) ([]tnode, []*leaf) {
	g.feats = feats
	n := len(rows)
	g.rows = growInt32(g.rows, n)
	g.gp = growPairs(g.gp, n)
	g.tmpR = growInt32(g.tmpR, n)
	g.tmpG = growPairs(g.tmpG, n)
	copy(g.rows, rows)
	var sum hbin
	for i, r := range rows {
		p := grad[r]
		g.gp[i] = p
		sum.g += p.g
		sum.h += p.h
	}
	sum.n = int64(n)

	nodes := []tnode{{feat: -1, n: sum.n}}
	root := &leaf{node: 0, start: 0, end: n, sum: sum}
	leaves := []*leaf{root}
	if g.splittable(root, 1) {
		root.hist = g.newHist()
		g.buildRoot(root)
	}
	for len(leaves) < g.maxLeaf {
		bi := -1
		for i, l := range leaves {
			if l.canSplit && (bi < 0 || l.best.gain > leaves[bi].best.gain) {
				bi = i
			}
		}
		if bi < 0 {
			break
		}
		parent := leaves[bi]
		left, right := g.split(parent, &nodes, len(leaves)+1)
		leaves[bi] = left
		leaves = append(leaves, right)
	}
	for _, l := range leaves {
		g.release(l.hist)
		l.hist = nil
		nodes[l.node].value = -l.sum.g / (l.sum.h + g.lambda) * g.lr
	}
	return nodes, leaves
}

// splittable says whether a leaf may still be split when the tree will have
// nLeaves leaves.
func (g *grower) splittable(l *leaf, nLeaves int) bool {
	if nLeaves >= g.maxLeaf {
		return false
	}
	if g.maxDep > 0 && l.depth >= g.maxDep {
		return false
	}
	return l.sum.n >= 2*g.rules.minRows
}

// buildRoot fills the root's histogram and finds its best split.
func (g *grower) buildRoot(l *leaf) {
	rows, gp := g.rows[l.start:l.end], g.gp[l.start:l.end]
	parallel(len(g.feats), g.workers, func(i int) {
		f := g.feats[i]
		h := l.hist[g.d.off[f]:g.d.off[f+1]]
		clear(h)
		buildHist(h, g.d.bins[f], rows, gp)
		g.splits[i], g.found[i] = g.bestFor(f, h, l.sum)
	})
	l.best, l.canSplit = g.pick()
}

// bestFor finds the best split of feature f from its histogram h.
func (g *grower) bestFor(f int, h []hbin, sum hbin) (split, bool) {
	if g.d.feats[f].categorical {
		return g.rules.bestCategorical(h, sum, f)
	}
	return g.rules.bestNumeric(h, sum, f)
}

// pick returns the best of the per-feature splits, the first feature winning
// ties, so the result does not depend on which goroutine finished first.
func (g *grower) pick() (split, bool) {
	var best split
	ok := false
	for i := range g.feats {
		if g.found[i] && (!ok || g.splits[i].gain > best.gain) {
			best, ok = g.splits[i], true
		}
	}
	return best, ok
}

// split splits leaf p by its best split into two new leaves, building the
// histogram of the smaller child and deriving the larger one's by
// subtraction from the parent's. nLeaves is the leaf count after the split.
func (g *grower) split(p *leaf, nodes *[]tnode, nLeaves int) (*leaf, *leaf) {
	s := p.best
	nl := g.partition(p, &s)
	li, ri := len(*nodes), len(*nodes)+1
	nd := &(*nodes)[p.node]
	nd.feat, nd.left, nd.right = s.feat, li, ri
	nd.thr, nd.missLeft, nd.cat, nd.leftBins, nd.gain = s.thr, s.missLeft, s.cat, s.left, s.gain
	lsum := s.l
	rsum := sub(p.sum, lsum)
	*nodes = append(*nodes, tnode{feat: -1, n: lsum.n}, tnode{feat: -1, n: rsum.n})
	left := &leaf{node: li, start: p.start, end: p.start + nl, sum: lsum, depth: p.depth + 1}
	right := &leaf{node: ri, start: p.start + nl, end: p.end, sum: rsum, depth: p.depth + 1}

	splitL, splitR := g.splittable(left, nLeaves), g.splittable(right, nLeaves)
	if !splitL && !splitR {
		g.release(p.hist)
		return left, right
	}
	small, large := left, right
	if right.sum.n < left.sum.n {
		small, large = right, left
	}
	small.hist = g.newHist()
	large.hist = p.hist // the parent's histogram becomes the larger child's
	rows, gp := g.rows[small.start:small.end], g.gp[small.start:small.end]
	smallSplits := make([]split, len(g.feats))
	smallFound := make([]bool, len(g.feats))
	canSmall, canLarge := g.splittable(small, nLeaves), g.splittable(large, nLeaves)
	parallel(len(g.feats), g.workers, func(i int) {
		f := g.feats[i]
		a, b := g.d.off[f], g.d.off[f+1]
		hs, hl := small.hist[a:b], large.hist[a:b]
		clear(hs)
		buildHist(hs, g.d.bins[f], rows, gp)
		for k := range hl {
			hl[k] = sub(hl[k], hs[k])
		}
		if canSmall {
			smallSplits[i], smallFound[i] = g.bestFor(f, hs, small.sum)
		}
		if canLarge {
			g.splits[i], g.found[i] = g.bestFor(f, hl, large.sum)
		}
	})
	if canLarge {
		large.best, large.canSplit = g.pick()
	}
	if canSmall {
		copy(g.splits, smallSplits)
		copy(g.found, smallFound)
		small.best, small.canSplit = g.pick()
	}
	return left, right
}

// partition reorders rows[p.start:p.end] (and their gradients) so that the
// rows going left come first, both sides keeping their order, and returns
// the number going left.
func (g *grower) partition(p *leaf, s *split) int {
	col := g.d.bins[s.feat]
	miss := g.d.feats[s.feat].missingBin()
	nd := tnode{thr: s.thr, missLeft: s.missLeft, cat: s.cat, leftBins: s.left}
	rows, gp := g.rows[p.start:p.end], g.gp[p.start:p.end]
	nl, nr := 0, 0
	for i, r := range rows {
		if nd.goLeft(col[r], miss) {
			rows[nl], gp[nl] = r, gp[i]
			nl++
		} else {
			g.tmpR[nr], g.tmpG[nr] = r, gp[i]
			nr++
		}
	}
	copy(rows[nl:], g.tmpR[:nr])
	copy(gp[nl:], g.tmpG[:nr])
	return nl
}

// buildHist adds the rows' gradients into the histogram of one feature.
func buildHist(h []hbin, col []uint8, rows []int32, gp []gpair) {
	gp = gp[:len(rows)]
	for i, r := range rows {
		b := &h[col[r]]
		b.g += gp[i].g
		b.h += gp[i].h
		b.n++
	}
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

func growPairs(s []gpair, n int) []gpair {
	if cap(s) < n {
		return make([]gpair, n)
	}
	return s[:n]
}
