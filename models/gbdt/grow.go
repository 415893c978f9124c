package gbdt

// gpair is a row's gradient and hessian of the loss. They are kept in
// float32, as scikit-learn does, to halve the bytes that histogram building
// and partitioning move; histograms sum them in float64.
type gpair struct{ g, h float32 }

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

// leaf is a leaf of the tree being grown: its rows are
// rows[buf][start:end] of the grower (see grower.leafRows), its histogram
// and best split are kept until it is split.
type leaf struct {
	node       int
	start, end int
	buf        int
	sum        hbin
	depth      int
	hist       []hbin
	best       split
	canSplit   bool
}

// rowChunk is the number of rows one goroutine handles at a time when
// work is split by rows; fixed, so that results do not depend on the
// number of goroutines.
const rowChunk = 16384

// smallNode is the row count below which a node's histograms are built on
// one goroutine.
const smallNode = 1024

// grower grows one tree at a time leaf-wise (best first) on a dataset.
type grower struct {
	d       *dataset
	rules   splitRules
	maxLeaf int
	maxDep  int
	lambda  float64
	lr      float64
	workers int

	// rows holds the tree's rows twice over, partitioned so that each
	// leaf's are contiguous: a leaf's rows are in one of the two buffers
	// and its children's in the other, so partitioning writes each row
	// once, without copying back. gp[k][i] belongs to rows[k][i].
	rows   [2][]int32
	gp     [2][]gpair
	flags  []uint8 // partition: 1 where a row goes left
	feats  []int   // features the current tree may split on
	splits []split
	found  []bool
	spare  [][]hbin
	// scratch holds three histograms' worth of slots per feature;
	// buildHist of feature f uses its part as extra accumulators.
	scratch []hbin
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
		scratch: make([]hbin, 3*d.off[len(d.feats)]),
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
// leaves, whose rows are g.leafRows(l).
func (g *grower) grow(rows []int32, grad []gpair, feats []int) ([]tnode, []*leaf) {
	g.feats = feats
	n := len(rows)
	for k := range 2 {
		g.rows[k] = resize(g.rows[k], n)
		g.gp[k] = resize(g.gp[k], n)
	}
	g.flags = resize(g.flags, n)
	// Gather the gradients in row order; the root's sums are added up per
	// chunk of rowChunk rows and then over chunks in order, the same with
	// any number of workers.
	parts := make([]hbin, (n+rowChunk-1)/rowChunk)
	parallel(len(parts), g.workers, func(c int) {
		lo, hi := c*rowChunk, min(n, (c+1)*rowChunk)
		copy(g.rows[0][lo:hi], rows[lo:hi])
		var s hbin
		for i, r := range rows[lo:hi] {
			p := grad[r]
			g.gp[0][lo+i] = p
			s.g += float64(p.g)
			s.h += float64(p.h)
		}
		parts[c] = s
	})
	var sum hbin
	for _, s := range parts {
		sum.g += s.g
		sum.h += s.h
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
	rows, gp := g.leafRows(l)
	if len(rows) == g.d.rows {
		rows = nil // every row, in order
	}
	parallel(len(g.feats), g.workers, func(i int) {
		f := g.feats[i]
		h := g.d.hist(l.hist, f)
		clear(h)
		buildHist(h, g.scratch[3*g.d.off[f]:3*g.d.off[f+1]], g.d.bins[f], rows, gp)
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
	left := &leaf{node: li, start: p.start, end: p.start + nl, buf: 1 - p.buf, sum: lsum, depth: p.depth + 1}
	right := &leaf{node: ri, start: p.start + nl, end: p.end, buf: 1 - p.buf, sum: rsum, depth: p.depth + 1}

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
	rows, gp := g.leafRows(small)
	smallSplits := make([]split, len(g.feats))
	smallFound := make([]bool, len(g.feats))
	canSmall, canLarge := g.splittable(small, nLeaves), g.splittable(large, nLeaves)
	workers := g.workers
	if len(rows) < smallNode {
		workers = 1 // scanning the bins costs more than handing out work
	}
	parallel(len(g.feats), workers, func(i int) {
		f := g.feats[i]
		hs, hl := g.d.hist(small.hist, f), g.d.hist(large.hist, f)
		clear(hs)
		buildHist(hs, g.scratch[3*g.d.off[f]:3*g.d.off[f+1]], g.d.bins[f], rows, gp)
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

// leafRows returns a leaf's rows and their gradients.
func (g *grower) leafRows(l *leaf) ([]int32, []gpair) {
	return g.rows[l.buf][l.start:l.end], g.gp[l.buf][l.start:l.end]
}

// partition writes the rows of leaf p (and their gradients) into the other
// buffer at the same place, the rows going left first, both sides keeping
// their order, and returns the number going left. Large leaves are
// partitioned by chunks of rowChunk rows in parallel: each chunk marks its
// rows and counts those going left, then writes them at offsets summed over
// the chunks before it.
func (g *grower) partition(p *leaf, s *split) int {
	col := g.d.bins[s.feat]
	miss := g.d.feats[s.feat].missingBin()
	nd := tnode{thr: s.thr, missLeft: s.missLeft, cat: s.cat, leftBins: s.left}
	// left[b] is 1 when bin code b goes left: a table look-up and
	// arithmetic instead of branches that a random split mispredicts.
	var left [256]uint8
	for b := range left {
		if nd.goLeft(uint8(b), miss) {
			left[b] = 1
		}
	}
	rows, gp := g.leafRows(p)
	n := len(rows)
	dstR, dstG := g.rows[1-p.buf][p.start:p.end], g.gp[1-p.buf][p.start:p.end]
	if n < 2*rowChunk || g.workers < 2 {
		nl := 0
		for _, r := range rows {
			nl += int(left[col[r]])
		}
		l, rt := 0, nl
		for i, r := range rows {
			f := int(left[col[r]])
			k := rt
			if f == 1 {
				k = l
			}
			dstR[k], dstG[k] = r, gp[i]
			l += f
			rt += 1 - f
		}
		return nl
	}
	chunks := (n + rowChunk - 1) / rowChunk
	lefts := make([]int, chunks)
	flags := g.flags[:n]
	parallel(chunks, g.workers, func(c int) {
		lo, hi := c*rowChunk, min(n, (c+1)*rowChunk)
		k := 0
		for i, r := range rows[lo:hi] {
			f := left[col[r]]
			flags[lo+i] = f
			k += int(f)
		}
		lefts[c] = k
	})
	nl := 0
	for _, k := range lefts {
		nl += k
	}
	parallel(chunks, g.workers, func(c int) {
		lo, hi := c*rowChunk, min(n, (c+1)*rowChunk)
		l := 0
		for _, k := range lefts[:c] {
			l += k
		}
		r := nl + lo - l
		for i := lo; i < hi; i++ {
			f := int(flags[i])
			k := r
			if f == 1 {
				k = l
			}
			dstR[k], dstG[k] = rows[i], gp[i]
			l += f
			r += 1 - f
		}
	})
	return nl
}

// buildHist adds the rows' gradients into the histogram h of one feature;
// rows nil means every row of col in order (the root without subsampling),
// read without indirection. Rows take turns among h and three more
// histograms (in scratch, at least three times as long as h) that are added
// in at the end: consecutive rows often share a bin (at the root a bin can
// hold nearly every row), and four accumulators cut the chain of dependent
// additions to a quarter.
func buildHist(h, scratch []hbin, col []uint8, rows []int32, gp []gpair) {
	if rows == nil {
		buildHistAll(h, scratch, col, gp)
		return
	}
	gp = gp[:len(rows)]
	if len(rows) < 8*len(h) {
		// Few rows: clearing and adding the extra histograms costs more
		// than they save.
		for i, r := range rows {
			h[col[r]].push(gp[i])
		}
		return
	}
	h1, h2, h3 := spareHists(scratch, len(h))
	i := 0
	for ; i+3 < len(rows); i += 4 {
		r := rows[i : i+4 : i+4]
		p := gp[i : i+4 : i+4]
		b0, b1, b2, b3 := &h[col[r[0]]], &h1[col[r[1]]], &h2[col[r[2]]], &h3[col[r[3]]]
		b0.push(p[0])
		b1.push(p[1])
		b2.push(p[2])
		b3.push(p[3])
	}
	for ; i < len(rows); i++ {
		h[col[rows[i]]].push(gp[i])
	}
	foldHists(h, h1, h2, h3)
}

// buildHistAll is buildHist over every row of col.
func buildHistAll(h, scratch []hbin, col []uint8, gp []gpair) {
	gp = gp[:len(col)]
	h1, h2, h3 := spareHists(scratch, len(h))
	i := 0
	for ; i+3 < len(col); i += 4 {
		c := col[i : i+4 : i+4]
		p := gp[i : i+4 : i+4]
		b0, b1, b2, b3 := &h[c[0]], &h1[c[1]], &h2[c[2]], &h3[c[3]]
		b0.push(p[0])
		b1.push(p[1])
		b2.push(p[2])
		b3.push(p[3])
	}
	for ; i < len(col); i++ {
		h[col[i]].push(gp[i])
	}
	foldHists(h, h1, h2, h3)
}

// spareHists clears and hands out the three extra histograms of nb bins
// that scratch holds: the unrolled loops add every fourth row into each, so
// that successive adds do not wait on one another.
func spareHists(scratch []hbin, nb int) (h1, h2, h3 []hbin) {
	clear(scratch[:3*nb])
	return scratch[:nb], scratch[nb : 2*nb], scratch[2*nb : 3*nb]
}

// foldHists adds the extra histograms into h.
func foldHists(h, h1, h2, h3 []hbin) {
	for k := range h {
		h[k].add(h1[k])
		h[k].add(h2[k])
		h[k].add(h3[k])
	}
}

// resize returns a slice of length n, s's array when it is long enough
// (holding whatever it held) and a new one otherwise.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
