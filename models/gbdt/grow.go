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
	nodes, leaves := g.root(rows, grad)
	for len(leaves) < g.maxLeaf {
		bi := bestLeaf(leaves)
		if bi < 0 {
			break
		}
		left, right := g.split(leaves[bi], &nodes, len(leaves)+1)
		leaves[bi] = left
		leaves = append(leaves, right)
	}
	g.setValues(nodes, leaves)
	return nodes, leaves
}

// root gathers the rows and their gradients into the first buffer and
// makes the tree's root, with its histogram and best split when it may be
// split.
func (g *grower) root(rows []int32, grad []gpair) ([]tnode, []*leaf) {
	g.reserve(len(rows))
	sum := g.gather(rows, grad)
	root := &leaf{node: 0, start: 0, end: len(rows), sum: sum}
	if g.splittable(root, 1) {
		root.hist = g.newHist()
		g.buildRoot(root)
	}
	return []tnode{{feat: -1, n: sum.n}}, []*leaf{root}
}

// reserve sizes the row, gradient and flag buffers for a tree of n rows.
func (g *grower) reserve(n int) {
	for k := range 2 {
		g.rows[k] = resize(g.rows[k], n)
		g.gp[k] = resize(g.gp[k], n)
	}
	g.flags = resize(g.flags, n)
}

// gather copies the rows and their gradients, in row order, into the first
// buffer and returns their sums, added up per chunk of rowChunk rows and
// then over chunks in order, the same with any number of workers.
func (g *grower) gather(rows []int32, grad []gpair) hbin {
	n := len(rows)
	parts := make([]hbin, (n+rowChunk-1)/rowChunk)
	parallel(len(parts), g.workers, func(c int) {
		lo, hi := c*rowChunk, min(n, (c+1)*rowChunk)
		parts[c] = g.gatherChunk(rows[lo:hi], grad, lo)
	})
	var sum hbin
	for _, s := range parts {
		sum.g += s.g
		sum.h += s.h
	}
	sum.n = int64(n)
	return sum
}

// gatherChunk copies one chunk of rows, and their gradients, to position
// lo of the first buffer and returns the sums of the gradients (not the
// row count).
func (g *grower) gatherChunk(rows []int32, grad []gpair, lo int) hbin {
	copy(g.rows[0][lo:lo+len(rows)], rows)
	var s hbin
	for i, r := range rows {
		p := grad[r]
		g.gp[0][lo+i] = p
		s.g += float64(p.g)
		s.h += float64(p.h)
	}
	return s
}

// bestLeaf is the index of the splittable leaf with the largest gain (the
// first among equals), or -1 when no leaf can be split.
func bestLeaf(leaves []*leaf) int {
	bi := -1
	for i, l := range leaves {
		if l.canSplit && (bi < 0 || l.best.gain > leaves[bi].best.gain) {
			bi = i
		}
	}
	return bi
}

// setValues gives each leaf's node its value, the shrunk Newton step
// -G/(H+λ)·lr, and hands the leaves' histograms back.
func (g *grower) setValues(nodes []tnode, leaves []*leaf) {
	for _, l := range leaves {
		g.release(l.hist)
		l.hist = nil
		nodes[l.node].value = -l.sum.g / (l.sum.h + g.lambda) * g.lr
	}
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
		g.fillHist(h, f, rows, gp)
		g.splits[i], g.found[i] = g.bestFor(f, h, l.sum)
	})
	l.best, l.canSplit = g.pick()
}

// fillHist sets h to feature f's histogram of the rows (see buildHist),
// with f's part of the scratch space.
func (g *grower) fillHist(h []hbin, f int, rows []int32, gp []gpair) {
	clear(h)
	buildHist(h, g.scratch[3*g.d.off[f]:3*g.d.off[f+1]], g.d.bins[f], rows, gp)
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
	left, right := children(p, s, nl, nodes)
	if !g.splittable(left, nLeaves) && !g.splittable(right, nLeaves) {
		g.release(p.hist)
		return left, right
	}
	g.searchChildren(p, left, right, nLeaves)
	return left, right
}

// children records split s, which sends nl of leaf p's rows left, in p's
// node, appends the two child nodes and returns the child leaves, whose
// rows are in the other buffer.
func children(p *leaf, s split, nl int, nodes *[]tnode) (*leaf, *leaf) {
	li, ri := len(*nodes), len(*nodes)+1
	nd := &(*nodes)[p.node]
	nd.feat, nd.left, nd.right = s.feat, li, ri
	nd.thr, nd.missLeft, nd.cat, nd.leftBins, nd.gain = s.thr, s.missLeft, s.cat, s.left, s.gain
	lsum, rsum := s.l, sub(p.sum, s.l)
	*nodes = append(*nodes, tnode{feat: -1, n: lsum.n}, tnode{feat: -1, n: rsum.n})
	left := &leaf{node: li, start: p.start, end: p.start + nl, buf: 1 - p.buf, sum: lsum, depth: p.depth + 1}
	right := &leaf{node: ri, start: p.start + nl, end: p.end, buf: 1 - p.buf, sum: rsum, depth: p.depth + 1}
	return left, right
}

// searchChildren gives the children of leaf p their histograms, the
// parent's becoming the larger child's, and finds the best split of each
// child that may still be split.
func (g *grower) searchChildren(p, left, right *leaf, nLeaves int) {
	cs := g.newChildSearch(left, right, nLeaves)
	cs.small.hist = g.newHist()
	cs.large.hist = p.hist
	workers := g.workers
	if len(cs.rows) < smallNode {
		workers = 1 // scanning the bins costs more than handing out work
	}
	parallel(len(g.feats), workers, cs.feature)
	cs.pick()
}

// childSearch is the split search of the two children of a split: the
// histogram of the smaller child is built from its rows, the larger one's
// derived from the parent's by subtraction.
type childSearch struct {
	g                  *grower
	small, large       *leaf
	canSmall, canLarge bool
	rows               []int32 // the smaller child's rows
	gp                 []gpair // and their gradients
	// splits and found are the smaller child's best split per feature;
	// the larger child's go to g.splits and g.found.
	splits []split
	found  []bool
}

// newChildSearch sets up the search of the children left and right of a
// split, after which the tree has nLeaves leaves.
func (g *grower) newChildSearch(left, right *leaf, nLeaves int) childSearch {
	small, large := left, right
	if right.sum.n < left.sum.n {
		small, large = right, left
	}
	cs := childSearch{g: g, small: small, large: large,
		canSmall: g.splittable(small, nLeaves), canLarge: g.splittable(large, nLeaves),
		splits: make([]split, len(g.feats)), found: make([]bool, len(g.feats))}
	cs.rows, cs.gp = g.leafRows(small)
	return cs
}

// feature builds both children's histograms of the i-th feature of the
// tree and finds each child's best split on it.
func (cs childSearch) feature(i int) {
	g := cs.g
	f := g.feats[i]
	hs, hl := g.d.hist(cs.small.hist, f), g.d.hist(cs.large.hist, f)
	g.fillHist(hs, f, cs.rows, cs.gp)
	for k := range hl {
		hl[k] = sub(hl[k], hs[k])
	}
	if cs.canSmall {
		cs.splits[i], cs.found[i] = g.bestFor(f, hs, cs.small.sum)
	}
	if cs.canLarge {
		g.splits[i], g.found[i] = g.bestFor(f, hl, cs.large.sum)
	}
}

// pick keeps each splittable child's best split over the features.
func (cs childSearch) pick() {
	g := cs.g
	if cs.canLarge {
		cs.large.best, cs.large.canSplit = g.pick()
	}
	if cs.canSmall {
		copy(g.splits, cs.splits)
		copy(g.found, cs.found)
		cs.small.best, cs.small.canSplit = g.pick()
	}
}

// leafRows returns a leaf's rows and their gradients.
func (g *grower) leafRows(l *leaf) ([]int32, []gpair) {
	return g.rows[l.buf][l.start:l.end], g.gp[l.buf][l.start:l.end]
}

// partition writes the rows of leaf p (and their gradients) into the other
// buffer at the same place, the rows going left first, both sides keeping
// their order, and returns the number going left. Large leaves are
// partitioned by chunks of rowChunk rows in parallel (see rowPartition).
func (g *grower) partition(p *leaf, s *split) int {
	rows, gp := g.leafRows(p)
	pt := rowPartition{left: leftTable(s, g.d.feats[s.feat].missingBin()), col: g.d.bins[s.feat], rows: rows, gp: gp,
		dstR: g.rows[1-p.buf][p.start:p.end], dstG: g.gp[1-p.buf][p.start:p.end]}
	if len(rows) < 2*rowChunk || g.workers < 2 {
		return pt.serial()
	}
	return pt.parallel(g.flags[:len(rows)], g.workers)
}

// leftTable is 1 at each bin code that split s sends left (miss is the
// feature's missing bin): partitioning then does a table look-up and
// arithmetic instead of branches that a random split mispredicts.
func leftTable(s *split, miss uint8) [256]uint8 {
	nd := tnode{thr: s.thr, missLeft: s.missLeft, cat: s.cat, leftBins: s.left}
	var left [256]uint8
	for b := range left {
		if nd.goLeft(uint8(b), miss) {
			left[b] = 1
		}
	}
	return left
}

// rowPartition moves a leaf's rows and their gradients into the other
// buffer, those going left first. In parallel, each chunk of rowChunk rows
// marks its rows in flags and counts those going left; then each writes
// its rows at offsets summed over the chunks before it.
type rowPartition struct {
	left  [256]uint8 // see leftTable
	col   []uint8    // the split feature's bin codes
	rows  []int32
	gp    []gpair
	dstR  []int32
	dstG  []gpair
	flags []uint8 // parallel: 1 where a row goes left
	lefts []int   // parallel: the rows going left in each chunk
	nl    int     // parallel: the rows going left in all
}

// serial partitions the rows on one goroutine: it counts the rows going
// left, then writes every row at its place.
func (pt *rowPartition) serial() int {
	left, col, rows := &pt.left, pt.col, pt.rows
	n := len(rows) // gp, dstR and dstG have n rows too
	gp, dstR, dstG := pt.gp[:n], pt.dstR[:n], pt.dstG[:n]
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

// parallel partitions the rows by chunks on up to workers goroutines,
// marking them in flags (one per row). It works on a copy of pt, which
// the goroutines share, so that the serial path allocates nothing.
func (pt rowPartition) parallel(flags []uint8, workers int) int {
	chunks := (len(pt.rows) + rowChunk - 1) / rowChunk
	pt.flags, pt.lefts = flags, make([]int, chunks)
	parallel(chunks, workers, pt.mark)
	for _, k := range pt.lefts {
		pt.nl += k
	}
	parallel(chunks, workers, pt.scatter)
	return pt.nl
}

// mark flags the rows of chunk c that go left and counts them.
func (pt *rowPartition) mark(c int) {
	left, col, rows, flags := &pt.left, pt.col, pt.rows, pt.flags
	lo, hi := c*rowChunk, min(len(rows), (c+1)*rowChunk)
	k := 0
	for i, r := range rows[lo:hi] {
		f := left[col[r]]
		flags[lo+i] = f
		k += int(f)
	}
	pt.lefts[c] = k
}

// scatter writes the rows of chunk c, and their gradients, at their
// places: those going left after those of the chunks before it, those
// going right after every row going left and after those of the chunks
// before it that go right.
func (pt *rowPartition) scatter(c int) {
	rows, gp, flags, dstR, dstG := pt.rows, pt.gp, pt.flags, pt.dstR, pt.dstG
	lo, hi := c*rowChunk, min(len(rows), (c+1)*rowChunk)
	l := 0
	for _, k := range pt.lefts[:c] {
		l += k
	}
	r := pt.nl + lo - l
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
