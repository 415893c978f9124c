package gbdt

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/segmint/segmint/models/frame"
)

// Format names the layout of model files this package writes and reads.
const Format = "segmint-gbdt/1"

// Model is a trained ensemble of trees. It marshals to JSON that a person
// can read (features, their bins, every node with its feature, threshold or
// left-going levels, gain and row count) and that UnmarshalJSON turns back
// into a model with bit-identical predictions.
type Model struct {
	Format    string    `json:"format"`
	Objective Objective `json:"objective"`
	// BaseScore is the raw score before any tree: the log-odds of the
	// positive share (Binary), the mean label (Regression) or the median
	// label (AbsoluteError).
	BaseScore float64   `json:"base_score"`
	Features  []Feature `json:"features"`
	// Importance is each feature's total split gain, in feature order.
	Importance []Importance `json:"importance"`
	Training   Training     `json:"training"`
	Trees      []Tree       `json:"trees"`

	c compiled
}

// Feature is a model input: its name, kind and levels as the frame had
// them, and for numeric features the bin thresholds training used.
type Feature struct {
	frame.Feature
	Thresholds []float64 `json:"thresholds,omitempty"`
}

// Importance is a feature's total gain over all splits on it.
type Importance struct {
	Feature string  `json:"feature"`
	Gain    float64 `json:"gain"`
	Splits  int     `json:"splits"`
}

// Training records how the model was trained.
type Training struct {
	Params Params `json:"params"`
	Rows   int    `json:"rows"`
	// ValidationRows were held out for early stopping (0 without it).
	ValidationRows int `json:"validation_rows"`
	// Iterations is the number of rounds run; the model keeps the trees of
	// the first BestIteration (all of them without early stopping).
	Iterations    int `json:"iterations"`
	BestIteration int `json:"best_iteration"`
	// ValidationLoss is the validation loss after each round (log loss
	// for Binary, mean squared error for Regression, mean absolute error for
	// AbsoluteError).
	ValidationLoss []float64 `json:"validation_loss,omitempty"`
}

// Tree is one tree; Nodes[0] is the root.
type Tree struct {
	Nodes []Node `json:"nodes"`
}

// Node is a split or a leaf. A split sends a row to Left when its numeric
// value is <= Threshold or its level is among LeftLevels, a missing value
// to Left when MissingLeft, and everything else to Right. A leaf (Feature
// empty) adds Value to the raw score.
type Node struct {
	Feature     string   `json:"feature,omitempty"`
	Threshold   *float64 `json:"threshold,omitempty"`
	LeftLevels  []string `json:"left_levels,omitempty"`
	MissingLeft bool     `json:"missing_left,omitempty"`
	Left        int      `json:"left,omitempty"`
	Right       int      `json:"right,omitempty"`
	Gain        float64  `json:"gain,omitempty"`
	Value       float64  `json:"value,omitempty"`
	// Rows is the number of training rows that reached the node.
	Rows int64 `json:"rows"`
}

// compiled is the model in the form prediction walks.
type compiled struct {
	nodes []cnode
	roots []int32
}

// cnode is a node for prediction; feat < 0 marks a leaf.
type cnode struct {
	feat        int32
	left, right int32
	missLeft    bool
	cat         bool
	thr         float64
	levels      []uint64 // categorical: bitset of the model's level codes going left
	value       float64
	// mean is the node's expected output: a leaf's value, a split's
	// children's means weighted by their training rows (Contributions).
	mean float64
}

// compile checks the exported form and builds the prediction form.
func (m *Model) compile() error {
	if err := m.checkHeader(); err != nil {
		return err
	}
	ix, err := indexFeatures(m.Features)
	if err != nil {
		return err
	}
	var c compiled
	for t, tree := range m.Trees {
		if err := ix.compileTree(&c, t, tree); err != nil {
			return err
		}
	}
	m.c = c
	return nil
}

// checkHeader checks the model's format and objective.
func (m *Model) checkHeader() error {
	if m.Format != Format {
		return fmt.Errorf("model format %q, want %q", m.Format, Format)
	}
	if m.Objective != Binary && !m.Objective.regression() {
		return fmt.Errorf("model objective %q unknown", m.Objective)
	}
	return nil
}

// featureIndex finds a model's features by name, and the levels of its
// categorical features by text.
type featureIndex struct {
	feats    []Feature
	byName   map[string]int
	levelIdx []map[string]int // nil for a numeric feature
}

// indexFeatures indexes the features, checking their names and kinds.
func indexFeatures(feats []Feature) (*featureIndex, error) {
	ix := &featureIndex{feats: feats, byName: make(map[string]int, len(feats)), levelIdx: make([]map[string]int, len(feats))}
	for i, f := range feats {
		if _, dup := ix.byName[f.Name]; dup {
			return nil, fmt.Errorf("model feature %q appears twice", f.Name)
		}
		ix.byName[f.Name] = i
		switch f.Kind {
		case "numeric":
		case "categorical":
			ix.levelIdx[i] = levelIndex(f.Levels)
		default:
			return nil, fmt.Errorf("model feature %q has kind %q", f.Name, f.Kind)
		}
	}
	return ix, nil
}

// levelIndex maps each level to its code.
func levelIndex(levels []string) map[string]int {
	idx := make(map[string]int, len(levels))
	for k, l := range levels {
		idx[l] = k
	}
	return idx
}

// compileTree appends the nodes of tree t to c, checking that every split's
// children come after it.
func (ix *featureIndex) compileTree(c *compiled, t int, tree Tree) error {
	if len(tree.Nodes) == 0 {
		return fmt.Errorf("tree %d has no nodes", t)
	}
	base := int32(len(c.nodes))
	c.roots = append(c.roots, base)
	for k, nd := range tree.Nodes {
		cn, err := ix.compileNode(nd, base, len(tree.Nodes))
		if err != nil {
			return fmt.Errorf("tree %d node %d: %w", t, k, err)
		}
		if cn.feat >= 0 && (nd.Left <= k || nd.Right <= k) {
			return fmt.Errorf("tree %d node %d: children must come after their parent", t, k)
		}
		c.nodes = append(c.nodes, cn)
	}
	setMeans(c.nodes[base:], tree.Nodes)
	return nil
}

// setMeans gives each compiled node of a tree its expected output, from
// the leaves up (children come after their parent), weighting the children
// by the training rows that reached them (equally when a file has no row
// counts).
func setMeans(nodes []cnode, tree []Node) {
	for k := len(nodes) - 1; k >= 0; k-- {
		nd := &nodes[k]
		if nd.feat < 0 {
			nd.mean = nd.value
			continue
		}
		l, r := tree[k].Left, tree[k].Right
		wl, wr := float64(tree[l].Rows), float64(tree[r].Rows)
		if wl+wr <= 0 {
			wl, wr = 1, 1
		}
		nd.mean = (wl*nodes[l].mean + wr*nodes[r].mean) / (wl + wr)
	}
}

// compileNode compiles a node of a tree of n nodes whose root is at base.
func (ix *featureIndex) compileNode(nd Node, base int32, n int) (cnode, error) {
	if nd.Feature == "" {
		return compileLeaf(nd.Value)
	}
	f, ok := ix.byName[nd.Feature]
	if !ok {
		return cnode{}, fmt.Errorf("unknown feature %q", nd.Feature)
	}
	if nd.Left <= 0 || nd.Left >= n || nd.Right <= 0 || nd.Right >= n {
		return cnode{}, fmt.Errorf("children %d, %d outside the tree's %d nodes", nd.Left, nd.Right, n)
	}
	cn := cnode{feat: int32(f), left: base + int32(nd.Left), right: base + int32(nd.Right), missLeft: nd.MissingLeft}
	if ix.feats[f].Kind == "numeric" {
		return withThreshold(cn, nd)
	}
	return ix.leftLevels(cn, f, nd)
}

// compileLeaf compiles a leaf of value v, which must be finite.
func compileLeaf(v float64) (cnode, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return cnode{}, fmt.Errorf("leaf value %v", v)
	}
	return cnode{feat: -1, value: v}, nil
}

// withThreshold completes the numeric split cn with node nd's threshold.
func withThreshold(cn cnode, nd Node) (cnode, error) {
	if nd.Threshold == nil || math.IsNaN(*nd.Threshold) {
		return cnode{}, fmt.Errorf("numeric split on %q without a threshold", nd.Feature)
	}
	cn.thr = *nd.Threshold
	return cn, nil
}

// leftLevels completes the categorical split cn on feature f with the set
// of level codes that node nd sends left.
func (ix *featureIndex) leftLevels(cn cnode, f int, nd Node) (cnode, error) {
	cn.cat, cn.levels = true, make([]uint64, (len(ix.feats[f].Levels)+63)/64)
	for _, l := range nd.LeftLevels {
		k, ok := ix.levelIdx[f][l]
		if !ok {
			return cnode{}, fmt.Errorf("level %q is not a level of %q", l, nd.Feature)
		}
		cn.levels[k>>6] |= 1 << (k & 63)
	}
	return cn, nil
}

// MarshalJSON writes the model; equal models give equal bytes.
func (m *Model) MarshalJSON() ([]byte, error) {
	type plain Model
	return json.Marshal((*plain)(m))
}

// UnmarshalJSON reads a model written by MarshalJSON and checks that it is
// complete and consistent.
func (m *Model) UnmarshalJSON(b []byte) error {
	type plain Model
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("read gbdt model: %w", err)
	}
	*m = Model(p)
	if err := m.compile(); err != nil {
		return fmt.Errorf("read gbdt model: %w", err)
	}
	return nil
}

// inputs are a frame's columns lined up with the model's features.
type inputs struct {
	num   [][]float64
	codes [][]int32
}

// align finds each feature's column in x by name and maps categorical codes
// to the model's levels (a level the model never saw is missing).
func (m *Model) align(x *frame.Frame) (*inputs, error) {
	if err := checkFrame(x); err != nil {
		return nil, fmt.Errorf("gbdt predict: %w", err)
	}
	in := &inputs{num: make([][]float64, len(m.Features)), codes: make([][]int32, len(m.Features))}
	for i, f := range m.Features {
		c := x.Col(f.Name)
		if c == nil {
			return nil, fmt.Errorf("gbdt predict: the frame lacks feature %q", f.Name)
		}
		if c.Kind.String() != f.Kind {
			return nil, fmt.Errorf("gbdt predict: feature %q is %s in the frame, %s in the model", f.Name, c.Kind, f.Kind)
		}
		if c.Kind == frame.Numeric {
			in.num[i] = c.Num
		} else {
			in.codes[i] = recode(c, f.Levels)
		}
	}
	return in, nil
}

// recode returns the codes of categorical column c as codes into levels:
// the column's own when its levels are those, else a copy in which a
// level not among them is missing (-1).
func recode(c *frame.Column, levels []string) []int32 {
	if slices.Equal(c.Levels, levels) {
		return c.Codes
	}
	remap := levelRemap(c.Levels, levels)
	codes := make([]int32, len(c.Codes))
	for r, v := range c.Codes {
		codes[r] = -1
		if v >= 0 {
			codes[r] = remap[v]
		}
	}
	return codes
}

// levelRemap maps each code of from to the code of the same level in to,
// or -1.
func levelRemap(from, to []string) []int32 {
	idx := make(map[string]int32, len(to))
	for k, l := range to {
		idx[l] = int32(k)
	}
	remap := make([]int32, len(from))
	for k, l := range from {
		if j, ok := idx[l]; ok {
			remap[k] = j
		} else {
			remap[k] = -1
		}
	}
	return remap
}

// PredictRaw returns each row's raw score: the log-odds for Binary, the
// prediction itself for Regression and AbsoluteError. Columns are matched to features by name.
func (m *Model) PredictRaw(x *frame.Frame) ([]float64, error) {
	in, err := m.align(x)
	if err != nil {
		return nil, err
	}
	out := make([]float64, x.Rows)
	parallel((x.Rows+predictChunk-1)/predictChunk, runtime.GOMAXPROCS(0), func(c int) {
		for r := c * predictChunk; r < min(x.Rows, (c+1)*predictChunk); r++ {
			out[r] = m.rawRow(in, r)
		}
	})
	return out, nil
}

// predictChunk is the number of rows one goroutine scores at a time.
const predictChunk = 4096

// Predict returns each row's prediction: the probability of the positive
// class for Binary, the predicted value for Regression and AbsoluteError.
func (m *Model) Predict(x *frame.Frame) ([]float64, error) {
	raw, err := m.PredictRaw(x)
	if err != nil {
		return nil, err
	}
	if m.Objective == Binary {
		for i, v := range raw {
			raw[i] = sigmoid(v)
		}
	}
	return raw, nil
}

func (m *Model) rawRow(in *inputs, r int) float64 {
	s := m.BaseScore
	nodes := m.c.nodes
	for _, root := range m.c.roots {
		k := root
		for nodes[k].feat >= 0 {
			k = nodes[k].next(in, r)
		}
		s += nodes[k].value
	}
	return s
}

// next is the child of split nd that row r of in goes to.
func (nd *cnode) next(in *inputs, r int) int32 {
	var left bool
	if nd.cat {
		c := in.codes[nd.feat][r]
		if c < 0 {
			left = nd.missLeft
		} else {
			left = int(c>>6) < len(nd.levels) && nd.levels[c>>6]&(1<<(c&63)) != 0
		}
	} else {
		v := in.num[nd.feat][r]
		if v != v {
			left = nd.missLeft
		} else {
			left = v <= nd.thr
		}
	}
	if left {
		return nd.left
	}
	return nd.right
}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
