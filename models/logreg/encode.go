package logreg

import (
	"fmt"
	"math"

	"github.com/segmint/segmint/models/frame"
)

// Column kinds: what one model column holds for a row.
const (
	// KindNumeric is the standardised value (x - Mean) / SD of a numeric
	// feature; a missing value counts as the mean (0).
	KindNumeric = "numeric"
	// KindMissing is 1 when the feature is missing in the row, else 0.
	KindMissing = "missing"
	// KindLevel is 1 when the categorical feature equals Level, else 0.
	KindLevel = "level"
	// KindOther is 1 when the categorical feature is one of Levels, the
	// levels too rare in training to get a column of their own.
	KindOther = "other"
)

// Suffixes of generated column names: "age=(missing)", "job=(other)".
const (
	missingName = "(missing)"
	otherName   = "(other)"
)

// Column is one input column of the linear model with its coefficient.
type Column struct {
	Name    string   `json:"name"`    // "age", "age=(missing)", "job=admin.", "job=(other)"
	Feature string   `json:"feature"` // the input feature it is derived from
	Kind    string   `json:"kind"`    // KindNumeric, KindMissing, KindLevel or KindOther
	Mean    *float64 `json:"mean,omitempty"`
	SD      *float64 `json:"sd,omitempty"`
	Level   string   `json:"level,omitempty"`
	Levels  []string `json:"levels,omitempty"`
	Coef    float64  `json:"coef"` // on the standardised scale for KindNumeric
}

// describe derives the features and model columns from the training frame:
// the means and standard deviations of numeric features (weighted by s when
// not nil, over the finite values), a missing-indicator column for every
// feature with missing values in training, and one column per categorical
// level seen in at least minCount training rows (rarer levels share one
// "(other)" column; levels never seen in training get none).
func describe(x *frame.Frame, s []float64, minCount int) ([]frame.Feature, []Column) {
	var feats []frame.Feature
	var cols []Column
	for _, c := range x.Cols {
		if c.Kind == frame.Numeric {
			feats = append(feats, frame.Feature{Name: c.Name, Kind: c.Kind.String(), Date: c.Date})
			cols = append(cols, numericColumns(c, s)...)
			continue
		}
		f, cs := categoricalColumns(c, minCount)
		feats = append(feats, f)
		cols = append(cols, cs...)
	}
	return feats, cols
}

// numericColumns are the columns of numeric feature c: its standardised
// value, and a missing indicator when it has missing values.
func numericColumns(c *frame.Column, s []float64) []Column {
	st := weightedStats(c.Num, s)
	mean, sd := st.meanSD(c.Num, s)
	cols := []Column{{Name: c.Name, Feature: c.Name, Kind: KindNumeric, Mean: &mean, SD: &sd}}
	if st.missing {
		cols = append(cols, missingColumn(c.Name))
	}
	return cols
}

// numStats sums a numeric feature's finite values, each weighted by its
// row's weight.
type numStats struct {
	sum, wsum float64 // the weighted sum and the weights' sum
	lo, hi    float64 // the range
	missing   bool    // some value is NaN or infinite
}

// weightedStats sums the values v with the weights s (nil: all 1).
func weightedStats(v, s []float64) numStats {
	st := numStats{lo: math.Inf(1), hi: math.Inf(-1)}
	for i, x := range v {
		if !finite(x) {
			st.missing = true
			continue
		}
		w := weight(s, i)
		st.sum += w * x
		st.wsum += w
		st.lo, st.hi = min(st.lo, x), max(st.hi, x)
	}
	return st
}

// meanSD are the mean and standard deviation that standardise the values
// v: 0 and 1 when no finite value carries weight (the column is all
// zeros), the value and 1 for a constant (exactly, and unscaled, as
// scikit-learn), else their weighted mean and standard deviation (1 when
// that is not positive and finite).
func (st numStats) meanSD(v, s []float64) (mean, sd float64) {
	switch {
	case st.wsum == 0:
		return 0, 1
	case st.lo == st.hi:
		return st.lo, 1
	}
	mean = st.sum / st.wsum
	if sd := math.Sqrt(weightedSS(v, s, mean) / st.wsum); sd > 0 && finite(sd) {
		return mean, sd
	}
	return mean, 1
}

// weightedSS is the weighted sum of the squared deviations of the finite
// values from mean.
func weightedSS(v, s []float64, mean float64) float64 {
	ss := 0.0
	for i, x := range v {
		if finite(x) {
			ss += weight(s, i) * (x - mean) * (x - mean)
		}
	}
	return ss
}

// categoricalColumns are the feature of categorical c, with the levels
// seen in training, and its columns: see levelColumns, then a missing
// indicator when it has missing values.
func categoricalColumns(c *frame.Column, minCount int) (frame.Feature, []Column) {
	counts, missing := codeCounts(c)
	levels, cols := levelColumns(c, counts, minCount)
	if missing {
		cols = append(cols, missingColumn(c.Name))
	}
	return frame.Feature{Name: c.Name, Kind: c.Kind.String(), Levels: levels}, cols
}

// codeCounts counts the rows of each level of c, and says whether it has
// missing values.
func codeCounts(c *frame.Column) (counts []int, missing bool) {
	counts = make([]int, len(c.Levels))
	for _, code := range c.Codes {
		if code < 0 {
			missing = true
			continue
		}
		counts[code]++
	}
	return counts, missing
}

// levelColumns are the levels of c seen in training (counts has each
// level's rows) and their columns: one for each level seen in at least
// minCount rows, then one "(other)" column for the rarer ones.
func levelColumns(c *frame.Column, counts []int, minCount int) (levels []string, cols []Column) {
	var rare []string
	for k, level := range c.Levels {
		switch {
		case counts[k] == 0:
			continue
		case counts[k] < minCount:
			rare = append(rare, level)
		default:
			cols = append(cols, Column{Name: c.Name + "=" + level, Feature: c.Name, Kind: KindLevel, Level: level})
		}
		levels = append(levels, level)
	}
	if len(rare) > 0 {
		cols = append(cols, Column{Name: c.Name + "=" + otherName, Feature: c.Name, Kind: KindOther, Levels: rare})
	}
	return levels, cols
}

// missingColumn is the missing indicator of the feature named name.
func missingColumn(name string) Column {
	return Column{Name: name + "=" + missingName, Feature: name, Kind: KindMissing}
}

// encoder turns frames into designs for one list of features and columns.
type encoder struct {
	feats []featureCode
	nNum  int
	nSlot int
	dim   int
	index []int // index[k]: the design column of Columns[k]
}

// featureCode is how one feature is written into a design row.
type featureCode struct {
	name     string
	numeric  bool
	dense    int     // numeric: design column of the standardised value
	mean, sd float64 // numeric
	slot     int     // slot of the 0/1 column, -1 when the feature has none
	missing  int32   // design column of the missing indicator, -1 when none
	levels   map[string]int32
}

// newEncoder checks that the columns describe the features consistently and
// lays out the design: the standardised numeric columns first, the 0/1
// columns after them, each group in column order.
func newEncoder(feats []frame.Feature, cols []Column) (*encoder, error) {
	codes, byName, err := featureCodes(feats)
	if err != nil {
		return nil, err
	}
	e := &encoder{index: make([]int, len(cols)), feats: codes}
	if err := e.layOut(cols, byName); err != nil {
		return nil, err
	}
	if err := e.assignSlots(); err != nil {
		return nil, err
	}
	return e, nil
}

// featureCodes starts the code of each feature, and indexes them by name.
func featureCodes(feats []frame.Feature) ([]featureCode, map[string]int, error) {
	var codes []featureCode
	byName := make(map[string]int, len(feats))
	for i, f := range feats {
		if _, dup := byName[f.Name]; dup {
			return nil, nil, fmt.Errorf("feature %q listed twice", f.Name)
		}
		numeric := f.Kind == frame.Numeric.String()
		if !numeric && f.Kind != frame.Categorical.String() {
			return nil, nil, fmt.Errorf("feature %q: unknown kind %q", f.Name, f.Kind)
		}
		byName[f.Name] = i
		codes = append(codes, featureCode{name: f.Name, numeric: numeric, dense: -1, slot: -1, missing: -1})
	}
	return codes, byName, nil
}

// layOut places each column in the design, the numeric ones first, and
// adds it to its feature's code.
func (e *encoder) layOut(cols []Column, byName map[string]int) error {
	for _, c := range cols {
		if c.Kind == KindNumeric {
			e.nNum++
		}
	}
	next := e.nNum
	dense := 0
	for k, c := range cols {
		i, ok := byName[c.Feature]
		if !ok {
			return fmt.Errorf("column %q: no feature %q", c.Name, c.Feature)
		}
		fc := &e.feats[i]
		if c.Kind == KindNumeric {
			e.index[k] = dense
			dense++
		} else {
			e.index[k] = next
			next++
		}
		if err := fc.add(c, int32(e.index[k])); err != nil {
			return fmt.Errorf("column %q: %w", c.Name, err)
		}
	}
	e.dim = next
	return nil
}

// assignSlots numbers the features that take a slot (the categorical ones
// and the numeric ones with a missing indicator), after checking that each
// numeric feature has its column.
func (e *encoder) assignSlots() error {
	for i := range e.feats {
		fc := &e.feats[i]
		if fc.numeric && fc.dense < 0 {
			return fmt.Errorf("numeric feature %q has no numeric column", fc.name)
		}
		if fc.missing >= 0 || !fc.numeric {
			fc.slot = e.nSlot
			e.nSlot++
		}
	}
	return nil
}

// add records column c, at design column j, in the feature's code.
func (fc *featureCode) add(c Column, j int32) error {
	switch {
	case c.Kind == KindMissing:
		if fc.missing >= 0 {
			return fmt.Errorf("second missing indicator")
		}
		fc.missing = j
	case fc.numeric && c.Kind == KindNumeric:
		return fc.setNumeric(c, j)
	case !fc.numeric && c.Kind == KindLevel:
		return fc.addLevel(c.Level, j)
	case !fc.numeric && c.Kind == KindOther:
		for _, l := range c.Levels {
			if err := fc.addLevel(l, j); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("kind %q does not fit the feature", c.Kind)
	}
	return nil
}

// setNumeric records numeric column c, at design column j, with the mean
// and standard deviation that standardise it.
func (fc *featureCode) setNumeric(c Column, j int32) error {
	if fc.dense >= 0 {
		return fmt.Errorf("second numeric column")
	}
	if c.Mean == nil || c.SD == nil || !finite(*c.Mean) || !(*c.SD > 0) || !finite(*c.SD) {
		return fmt.Errorf("needs a finite mean and a positive finite sd")
	}
	fc.dense, fc.mean, fc.sd = int(j), *c.Mean, *c.SD
	return nil
}

func (fc *featureCode) addLevel(level string, j int32) error {
	if fc.levels == nil {
		fc.levels = make(map[string]int32)
	}
	if _, dup := fc.levels[level]; dup {
		return fmt.Errorf("level %q has two columns", level)
	}
	fc.levels[level] = j
	return nil
}

// encode writes the rows of x as a design. Features are found by name, and
// categorical levels matched by their text, so x need not have the training
// frame's column order or level lists: a level the model does not know sets
// no column (all zeros), as does a missing value of a feature that had none
// in training. A numeric value that is NaN or infinite is missing.
func (e *encoder) encode(x *frame.Frame) (*design, error) {
	d := &design{rows: x.Rows, nNum: e.nNum, nSlot: e.nSlot, dim: e.dim,
		num: make([]float64, x.Rows*e.nNum), slot: make([]int32, x.Rows*e.nSlot)}
	for _, fc := range e.feats {
		c := x.Col(fc.name)
		if c == nil {
			return nil, fmt.Errorf("input has no column %q", fc.name)
		}
		if fc.numeric != (c.Kind == frame.Numeric) {
			return nil, fmt.Errorf("column %q is %s, the model expects it %s", fc.name, c.Kind, kindOf(fc.numeric))
		}
		if fc.numeric {
			fc.encodeNumeric(d, c.Num)
		} else {
			fc.encodeCategorical(d, c)
		}
	}
	return d, nil
}

func (fc *featureCode) encodeNumeric(d *design, v []float64) {
	for i, x := range v {
		if finite(x) {
			d.num[i*d.nNum+fc.dense] = (x - fc.mean) / fc.sd
		}
		if fc.slot >= 0 {
			j := int32(-1)
			if !finite(x) {
				j = fc.missing
			}
			d.slot[i*d.nSlot+fc.slot] = j
		}
	}
}

func (fc *featureCode) encodeCategorical(d *design, c *frame.Column) {
	lut := make([]int32, len(c.Levels))
	for k, level := range c.Levels {
		j, ok := fc.levels[level]
		if !ok {
			j = -1
		}
		lut[k] = j
	}
	for i, code := range c.Codes {
		j := fc.missing
		if code >= 0 {
			j = lut[code]
		}
		d.slot[i*d.nSlot+fc.slot] = j
	}
}

func kindOf(numeric bool) frame.Kind {
	if numeric {
		return frame.Numeric
	}
	return frame.Categorical
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func weight(s []float64, i int) float64 {
	if s == nil {
		return 1
	}
	return s[i]
}
