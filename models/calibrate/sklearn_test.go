package calibrate

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// refSet is one data set held to scikit-learn.
type refSet struct {
	name    string
	s, y    []float64
	queries []float64
	// platt is false where scikit-learn's BFGS, stopping at a gradient of
	// 1e-5, cannot be expected near the optimum (scores of order 1e-15).
	platt bool
}

// refResult is what testdata/sklearn_ref.py prints for a set.
type refResult struct {
	A, B       float64
	LogitA     *float64 `json:"logit_a"`
	LogitB     *float64 `json:"logit_b"`
	Pred, X, Y []float64
}

// refSets are deterministic data sets with what calibration meets: an
// over-confident margin, rounded probabilities with many ties and exact 0s
// and 1s, a few integer scores, separable classes, and scores closer than
// scikit-learn's tie resolution.
func refSets() []refSet {
	margin := draw(11, 2000, 1.5, 3)
	proba := draw(12, 1500, 2, 4)
	small := draw(13, 60, 1, 2)
	sets := []refSet{
		{name: "margin", s: margin.margin, y: margin.labels, platt: true},
		{name: "proba", s: rounded(proba.probs(), 2), y: proba.labels, platt: true},
		{name: "small", s: rounded(small.margin, 0), y: small.labels, platt: true},
		separableSet(),
		{name: "near ties", s: nearTies(), y: small.labels[:40]},
	}
	for i := range sets {
		sets[i].queries = queriesFor(sets[i].s)
	}
	return sets
}

// rounded rounds every value to the given number of decimals.
func rounded(v []float64, decimals int) []float64 {
	scale := math.Pow(10, float64(decimals))
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Round(x*scale) / scale
	}
	return out
}

// separableSet has positives at scores in (0, 3) and negatives in (-3, 0).
func separableSet() refSet {
	r := rand.New(rand.NewPCG(14, 1))
	set := refSet{name: "separable", platt: true}
	for i := range 300 {
		y := float64(i % 3 % 2)
		set.s = append(set.s, (2*y-1)*3*r.Float64())
		set.y = append(set.y, y)
	}
	return set
}

// nearTies are 40 scores k * 4e-16, k = 0..9, four of each: runs closer
// than 1e-15 are ties to scikit-learn.
func nearTies() []float64 {
	s := make([]float64, 40)
	for i := range s {
		s[i] = float64(i%10) * 4e-16
	}
	return s
}

// queriesFor are every score, the midpoints of consecutive sorted scores
// and points beyond both ends.
func queriesFor(s []float64) []float64 {
	q := append([]float64(nil), s...)
	sorted := sortedPoints(s, make([]float64, len(s)))
	for i := 1; i < len(sorted); i++ {
		q = append(q, (sorted[i-1].x+sorted[i].x)/2)
	}
	lo, hi := sorted[0].x, sorted[len(sorted)-1].x
	return append(q, lo-1, lo-1e-16, hi+1e-16, hi+1)
}

// TestAgainstScikitLearn fits the reference sets here and with
// scikit-learn (testdata/sklearn_ref.py) and compares Platt's A and B and
// the isotonic predictions.
func TestAgainstScikitLearn(t *testing.T) {
	python := findSklearn(t)
	sets := refSets()
	ref := runReference(t, python, sets)
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			r, ok := ref[set.name]
			if !ok {
				t.Fatal("no reference result")
			}
			comparePlatt(t, set, r)
			compareIsotonic(t, set, r)
		})
	}
}

// findSklearn is the first python3 (on PATH, then Debian's) that imports
// scikit-learn; the test is skipped when there is none.
func findSklearn(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err == nil && exec.Command(path, "-c", "import sklearn").Run() == nil {
			return path
		}
	}
	t.Skip("no python3 with scikit-learn: the comparison with scikit-learn needs it (apt-get install python3-sklearn)")
	return ""
}

// runReference writes the sets as CSV, runs the reference script and
// decodes its answer.
func runReference(t *testing.T, python string, sets []refSet) map[string]refResult {
	t.Helper()
	dir := t.TempDir()
	fit, query := filepath.Join(dir, "fit.csv"), filepath.Join(dir, "query.csv")
	writeCSV(t, fit, []string{"set", "s", "y"}, sets, func(s refSet) [][]float64 { return [][]float64{s.s, s.y} })
	writeCSV(t, query, []string{"set", "q"}, sets, func(s refSet) [][]float64 { return [][]float64{s.queries} })
	out, err := exec.Command(python, "testdata/sklearn_ref.py", fit, query).Output()
	if err != nil {
		t.Fatalf("sklearn_ref.py: %v: %s", err, exitStderr(err))
	}
	var ref map[string]refResult
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// exitStderr is the standard error of a failed command, if any.
func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// writeCSV writes, for every set, one row per index of the columns that
// cols picks, led by the set's name; floats round-trip exactly.
func writeCSV(t *testing.T, path string, header []string, sets []refSet, cols func(refSet) [][]float64) {
	t.Helper()
	rows := [][]string{header}
	for _, set := range sets {
		rows = append(rows, csvRows(set.name, cols(set))...)
	}
	var b strings.Builder
	if err := csv.NewWriter(&b).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// csvRows are the rows of columns cols, each led by name.
func csvRows(name string, cols [][]float64) [][]string {
	rows := make([][]string, len(cols[0]))
	for i := range rows {
		rows[i] = []string{name}
		for _, col := range cols {
			rows[i] = append(rows[i], strconv.FormatFloat(col[i], 'g', -1, 64))
		}
	}
	return rows
}

// comparePlatt holds A and B to scikit-learn's within 1e-6, on the scores
// and, for probabilities, on their logits; where they differ, our loss must
// be no higher than at scikit-learn's parameters.
func comparePlatt(t *testing.T, set refSet, r refResult) {
	t.Helper()
	if !set.platt {
		return
	}
	checkPlatt(t, set, InputScore, r.A, r.B)
	if r.LogitA != nil {
		checkPlatt(t, set, InputLogit, *r.LogitA, *r.LogitB)
	}
}

// checkPlatt fits one Platt map and compares it with scikit-learn's a, b.
func checkPlatt(t *testing.T, set refSet, in Input, a, b float64) {
	t.Helper()
	p, err := FitPlatt(set.s, set.y, in)
	if err != nil {
		t.Fatal(err)
	}
	if !near(p.A, a, 1e-6) || !near(p.B, b, 1e-6) {
		t.Errorf("%s: A, B = %.12g, %.12g; scikit-learn %.12g, %.12g", in, p.A, p.B, a, b)
	}
	x, _ := plattInputs(set.s, set.y, in)
	q := newPlattProblem(x, set.y)
	if ours, theirs := q.loss(p.A, p.B), q.loss(a, b); ours > theirs+1e-12*theirs {
		t.Errorf("%s: loss %.15g above scikit-learn's %.15g", in, ours, theirs)
	}
}

// compareIsotonic holds the isotonic predictions to scikit-learn's within
// 1e-12 at every query.
func compareIsotonic(t *testing.T, set refSet, r refResult) {
	t.Helper()
	m, err := FitIsotonic(set.s, set.y)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pred) != len(set.queries) {
		t.Fatalf("%d reference predictions for %d queries", len(r.Pred), len(set.queries))
	}
	for i, s := range set.queries {
		if got := m.Prob(s); !near(got, r.Pred[i], 1e-12) {
			t.Errorf("isotonic Prob(%v) = %.15g; scikit-learn %.15g", s, got, r.Pred[i])
		}
	}
	if len(m.X) != len(r.X) {
		t.Logf("%d breakpoints; scikit-learn keeps %d", len(m.X), len(r.X))
	}
}
