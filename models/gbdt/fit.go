package gbdt

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/segmint/segmint/models/frame"
)

// gradChunk is the number of rows per goroutine when gradients are computed.
const gradChunk = 8192

// Fit trains a model on the frame x with labels y (0/1 for Binary, any
// finite value for Regression and AbsoluteError), one label per row.
//
// With early stopping a stratified share of the rows (ValidationFraction,
// drawn with Seed) is held out and the model keeps the trees up to the
// round with the lowest validation loss. Bins are found on the training
// rows. The result depends only on x, y and p, not on p.Workers or on how
// the goroutines are scheduled: each feature's histogram is summed by one
// goroutine in row order.
func Fit(ctx context.Context, x *frame.Frame, y []float64, p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkInput(x, y, p.Objective); err != nil {
		return nil, fmt.Errorf("gbdt fit: %w", err)
	}
	train, valid, err := holdOut(x.Rows, y, p)
	if err != nil {
		return nil, fmt.Errorf("gbdt fit: %w", err)
	}
	if p.Objective == Binary {
		if err := bothClasses(y, train); err != nil {
			return nil, fmt.Errorf("gbdt fit: %w", err)
		}
	}
	return newBooster(x, y, p, train, valid).run(ctx, x)
}

// checkInput checks the frame's shape, that its values are finite and that
// the labels suit the objective.
func checkInput(x *frame.Frame, y []float64, obj Objective) error {
	if err := checkFrame(x); err != nil {
		return err
	}
	if err := checkFinite(x); err != nil {
		return err
	}
	return checkLabels(y, x.Rows, obj)
}

// holdOut splits the rows into training and validation rows when early
// stopping is on (or, with auto, for a large frame); else every row
// trains.
func holdOut(rows int, y []float64, p Params) (train, valid []int32, err error) {
	if p.EarlyStopping == EarlyStopOn || (p.EarlyStopping == EarlyStopAuto && rows >= AutoEarlyStopRows) {
		tr, va := frame.StratifiedSplit(y, p.ValidationFraction, p.Seed)
		if len(va) == 0 || len(tr) == 0 {
			return nil, nil, fmt.Errorf("%d rows are too few to hold out a validation share of %v", rows, p.ValidationFraction)
		}
		return toInt32(tr), toInt32(va), nil
	}
	return allRows(rows), nil, nil
}

// newBooster bins the features (on the training rows when some are held
// out) and sets up the training and any validation data.
func newBooster(x *frame.Frame, y []float64, p Params, train, valid []int32) *booster {
	workers := p.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var binRows []int32
	if len(valid) > 0 {
		binRows = train
	}
	bins := newBinnings(x, binRows, p.MaxBins, p.Seed, workers)
	b := &booster{p: p, workers: workers, d: newDataset(x, binRows, bins, workers), y: gather(y, binRows)}
	if len(valid) > 0 {
		b.dv, b.yv = newDataset(x, valid, bins, workers), gather(y, valid)
	}
	return b
}

// booster holds the state of one training run. The training rows are
// binned into d and the validation rows into dv, each in its own row
// numbering.
type booster struct {
	p       Params
	workers int
	d       *dataset
	y       []float64
	dv      *dataset // nil without early stopping
	yv      []float64

	raw   []float64 // raw score of every training row
	rawv  []float64 // raw score of every validation row
	grad  []gpair   // gradients of the training rows
	trees [][]tnode
}

// run boosts up to MaxIter rounds, stopping early when the validation loss
// has not improved by Tol for Patience rounds, and returns the model.
func (b *booster) run(ctx context.Context, x *frame.Frame) (*Model, error) {
	base := baseScore(b.y, b.p.Objective)
	rs := b.start(base)
	es := earlyStop{tol: b.p.Tol, patience: b.p.Patience, bestLoss: math.Inf(1)}
	it := 0
	for ; it < b.p.MaxIter; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("gbdt fit: %w", err)
		}
		nodes := b.round(rs)
		b.trees = append(b.trees, nodes)
		if b.dv != nil && es.stop(it, b.validationLoss(nodes)) {
			it++
			break
		}
	}
	if b.dv == nil {
		es.best = it
	}
	return b.model(x, base, it, es.best, es.losses), nil
}

// earlyStop follows the validation loss round by round.
type earlyStop struct {
	tol      float64
	patience int
	best     int // the number of rounds up to the best one
	bestLoss float64
	losses   []float64 // the validation loss after each round
}

// stop records the validation loss after round it (counted from 0) and
// says whether to stop: the loss has not fallen below the best by more
// than tol for patience rounds.
func (e *earlyStop) stop(it int, loss float64) bool {
	e.losses = append(e.losses, loss)
	if loss < e.bestLoss-e.tol {
		e.best, e.bestLoss = it+1, loss
		return false
	}
	return it+1-e.best >= e.patience
}

// roundState is what every boosting round reuses.
type roundState struct {
	g        *grower
	rng      *rand.Rand // row and feature sampling
	all      []int32    // every training row
	allFeats []int      // every feature
}

// start sets every raw score to base and makes the round state.
func (b *booster) start(base float64) *roundState {
	b.raw = filled(b.d.rows, base)
	if b.dv != nil {
		b.rawv = filled(b.dv.rows, base)
	}
	b.grad = make([]gpair, b.d.rows)
	rs := &roundState{
		g:        newGrower(b.d, &b.p, b.workers),
		rng:      rand.New(rand.NewPCG(b.p.Seed, 0x67626474)),
		all:      allRows(b.d.rows),
		allFeats: make([]int, len(b.d.feats)),
	}
	for f := range rs.allFeats {
		rs.allFeats[f] = f
	}
	return rs
}

// round grows one tree on sampled rows and features, adds it to the raw
// scores of the training rows and returns it.
func (b *booster) round(rs *roundState) []tnode {
	b.gradients()
	rows, feats := rs.sample(&b.p)
	nodes, leaves := rs.g.grow(rows, b.grad, feats)
	if b.p.Objective == AbsoluteError {
		b.medianLeaves(rs.g, nodes, leaves)
	}
	b.addLeaves(rs.g, nodes, leaves)
	if len(rows) < len(rs.all) {
		b.addOutside(nodes, rows)
	}
	return nodes
}

// sample draws the rows and the features of the next tree.
func (rs *roundState) sample(p *Params) ([]int32, []int) {
	rows := sampleRows(rs.all, p.Subsample, rs.rng)
	if p.ColSample >= 1 {
		return rows, rs.allFeats
	}
	return rows, sampleFeats(len(rs.allFeats), p.ColSample, rs.rng)
}

// addLeaves adds each leaf's value to the raw scores of its rows, the
// leaves shared among the workers.
func (b *booster) addLeaves(g *grower, nodes []tnode, leaves []*leaf) {
	parallel(len(leaves), b.workers, func(i int) {
		l := leaves[i]
		v := nodes[l.node].value
		rows, _ := g.leafRows(l)
		for _, r := range rows {
			b.raw[r] += v
		}
	})
}

// medianLeaves sets each leaf's value to the median residual (label minus
// raw score) of its rows, shrunk by the learning rate: the absolute
// error's line search, as scikit-learn's _update_leaves_values does.
func (b *booster) medianLeaves(g *grower, nodes []tnode, leaves []*leaf) {
	parallel(len(leaves), b.workers, func(i int) {
		l := leaves[i]
		rows, _ := g.leafRows(l)
		res := make([]float64, len(rows))
		for k, r := range rows {
			res[k] = b.y[r] - b.raw[r]
		}
		nodes[l.node].value = median(res) * b.p.LearningRate
	})
}

// median is the middle value of v (the mean of the two middle ones for an
// even count), as numpy's median; v is reordered.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// validationLoss adds tree nodes to the raw scores of the validation rows
// and returns their loss.
func (b *booster) validationLoss(nodes []tnode) float64 {
	nv := len(b.rawv)
	parallel((nv+rowChunk-1)/rowChunk, b.workers, func(c int) {
		for r := c * rowChunk; r < min(nv, (c+1)*rowChunk); r++ {
			b.rawv[r] += predictBinned(b.dv, nodes, int32(r))
		}
	})
	return lossOf(b.p.Objective, b.rawv, b.yv)
}

// gradients computes the loss gradients of the training rows.
func (b *booster) gradients() {
	raw, y, grad := b.raw, b.y, b.grad
	n := len(raw)
	binary := b.p.Objective == Binary
	parallel((n+gradChunk-1)/gradChunk, b.workers, func(c int) {
		lo, hi := c*gradChunk, min(n, (c+1)*gradChunk)
		if binary {
			for r := lo; r < hi; r++ {
				pr := sigmoid(raw[r])
				h := pr * (1 - pr)
				if h < 1e-16 {
					h = 1e-16
				}
				grad[r] = gpair{float32(pr - y[r]), float32(h)}
			}
			return
		}
		if b.p.Objective == AbsoluteError {
			for r := lo; r < hi; r++ {
				grad[r] = gpair{sign32(raw[r] - y[r]), 1}
			}
			return
		}
		for r := lo; r < hi; r++ {
			grad[r] = gpair{float32(raw[r] - y[r]), 1}
		}
	})
}

// addOutside adds the tree's output to the training rows that were not in
// the tree's sample (ascending).
func (b *booster) addOutside(nodes []tnode, sample []int32) {
	k := 0
	for r := range b.raw {
		if k < len(sample) && sample[k] == int32(r) {
			k++
			continue
		}
		b.raw[r] += predictBinned(b.d, nodes, int32(r))
	}
}

// predictBinned walks a training tree with row r's bin codes in d.
func predictBinned(d *dataset, nodes []tnode, r int32) float64 {
	k := 0
	for nodes[k].feat >= 0 {
		nd := &nodes[k]
		if nd.goLeft(d.bins[nd.feat][r], d.feats[nd.feat].missingBin()) {
			k = nd.left
		} else {
			k = nd.right
		}
	}
	return nodes[k].value
}

// model turns the trees into a Model and compiles it.
func (b *booster) model(x *frame.Frame, base float64, iters, best int, vloss []float64) *Model {
	m := &Model{
		Format:    Format,
		Objective: b.p.Objective,
		BaseScore: base,
		Training: Training{
			Params:         b.p,
			Rows:           b.d.rows,
			ValidationRows: len(b.yv),
			Iterations:     iters,
			BestIteration:  best,
			ValidationLoss: vloss,
		},
	}
	b.exportFeatures(m, x)
	for _, nodes := range b.trees[:best] {
		m.Trees = append(m.Trees, b.exportTree(m, nodes))
	}
	if err := m.compile(); err != nil {
		// The trees were built here, so this is a bug, not bad input.
		panic(fmt.Sprintf("gbdt: trained model does not compile: %v", err))
	}
	return m
}

// exportFeatures lists the frame's features in m, with the thresholds of
// the numeric ones, and starts their importance at zero.
func (b *booster) exportFeatures(m *Model, x *frame.Frame) {
	for f, ff := range x.Features() {
		feat := Feature{Feature: ff}
		if !b.d.feats[f].categorical {
			feat.Thresholds = slices.Clone(b.d.feats[f].thresholds)
		}
		m.Features = append(m.Features, feat)
		m.Importance = append(m.Importance, Importance{Feature: ff.Name})
	}
}

// exportTree writes a training tree for m, adding its splits' gains to
// their features' importance in node order.
func (b *booster) exportTree(m *Model, nodes []tnode) Tree {
	t := Tree{Nodes: make([]Node, len(nodes))}
	for k, nd := range nodes {
		t.Nodes[k] = b.exportNode(nd, m.Features)
		if nd.feat >= 0 {
			m.Importance[nd.feat].Gain += nd.gain
			m.Importance[nd.feat].Splits++
		}
	}
	return t
}

// exportNode writes a training node with thresholds and level names.
func (b *booster) exportNode(nd tnode, feats []Feature) Node {
	if nd.feat < 0 {
		v := nd.value
		if v == 0 {
			v = 0 // no negative zero in files
		}
		return Node{Value: v, Rows: nd.n}
	}
	bn := b.d.feats[nd.feat]
	out := Node{Feature: feats[nd.feat].Name, MissingLeft: nd.missLeft, Left: nd.left, Right: nd.right, Gain: nd.gain, Rows: nd.n}
	if !bn.categorical {
		thr := math.MaxFloat64 // every value left, missing right
		if int(nd.thr) < len(bn.thresholds) {
			thr = bn.thresholds[nd.thr]
		}
		out.Threshold = &thr
		return out
	}
	out.LeftLevels = leftLevelNames(nd, bn, feats[nd.feat].Levels)
	return out
}

// leftLevelNames are the levels, in code order, of the bins that the
// categorical split nd sends left.
func leftLevelNames(nd tnode, bn *binning, levels []string) []string {
	var codes []int32
	for bin := range bn.nb {
		if nd.leftBins.has(uint8(bin)) {
			codes = append(codes, bn.binLevels[bin]...)
		}
	}
	slices.Sort(codes)
	var names []string
	for _, c := range codes {
		names = append(names, levels[c])
	}
	return names
}

func baseScore(y []float64, obj Objective) float64 {
	if obj == AbsoluteError {
		return median(slices.Clone(y))
	}
	var s float64
	for _, v := range y {
		s += v
	}
	mean := s / float64(len(y))
	if obj == Binary {
		return math.Log(mean / (1 - mean))
	}
	return mean
}

// lossOf is the mean loss of raw scores: log loss, squared or absolute
// error.
func lossOf(obj Objective, raw, y []float64) float64 {
	var s float64
	for r, v := range raw {
		switch obj {
		case Binary:
			// log(1+exp(v)) - y v, computed without overflow
			s += max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))) - y[r]*v
		case AbsoluteError:
			s += math.Abs(v - y[r])
		default:
			s += (v - y[r]) * (v - y[r])
		}
	}
	return s / float64(len(raw))
}

func filled(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// sampleRows draws a share of the rows without replacement, ascending.
func sampleRows(rows []int32, share float64, rng *rand.Rand) []int32 {
	if share >= 1 {
		return rows
	}
	k := max(1, int(math.Round(share*float64(len(rows)))))
	s := slices.Clone(rows)
	for i := range k {
		j := i + rng.IntN(len(s)-i)
		s[i], s[j] = s[j], s[i]
	}
	s = s[:k]
	slices.Sort(s)
	return s
}

// sampleFeats draws a share of the n features, at least one, ascending.
func sampleFeats(n int, share float64, rng *rand.Rand) []int {
	k := max(1, int(math.Round(share*float64(n))))
	s := rng.Perm(n)[:k]
	slices.Sort(s)
	return s
}

func allRows(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

func toInt32(s []int) []int32 {
	out := make([]int32, len(s))
	for i, v := range s {
		out[i] = int32(v)
	}
	return out
}

// checkLabels reports labels that cannot be learned from.
func checkLabels(y []float64, rows int, obj Objective) error {
	if len(y) != rows {
		return fmt.Errorf("%d labels for %d rows", len(y), rows)
	}
	if rows > math.MaxInt32 {
		return fmt.Errorf("%d rows exceed the limit of %d", rows, math.MaxInt32)
	}
	for i, v := range y {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fmt.Errorf("label of row %d is %v; drop rows without a label first", i, v)
		case obj == Binary && v != 0 && v != 1:
			return fmt.Errorf("label of row %d is %v; binary labels must be 0 or 1", i, v)
		}
	}
	return nil
}

func bothClasses(y []float64, rows []int32) error {
	var pos int
	for _, r := range rows {
		if y[r] == 1 {
			pos++
		}
	}
	if pos == 0 || pos == len(rows) {
		return fmt.Errorf("binary labels of the training rows are all %v; both 0 and 1 are needed", y[rows[0]])
	}
	return nil
}

// checkFinite rejects infinite numeric values, which have no bin.
func checkFinite(x *frame.Frame) error {
	for _, c := range x.Cols {
		for i, v := range c.Num {
			if math.IsInf(v, 0) {
				return fmt.Errorf("column %q row %d is %v; numeric values must be finite or missing (NaN)", c.Name, i, v)
			}
		}
	}
	return nil
}

// sign32 is the sign of v (0 for 0) as a gradient.
func sign32(v float64) float32 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
