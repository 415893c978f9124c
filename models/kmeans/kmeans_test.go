package kmeans

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
)

// readCSV reads a testdata table written by golden.py: feature columns
// (blank = missing) and scikit-learn's label last.
func readCSV(t testing.TB, path string) (names []string, rows [][]float64, labels []int) {
	t.Helper()
	recs := fixture.ReadCSV(t, path)
	d := len(recs[0]) - 1
	for _, rec := range recs[1:] {
		row := make([]float64, d)
		for j := range d {
			row[j] = math.NaN()
			if rec[j] != "" {
				var err error
				if row[j], err = strconv.ParseFloat(rec[j], 64); err != nil {
					t.Fatal(err)
				}
			}
		}
		l, err := strconv.Atoi(rec[d])
		if err != nil {
			t.Fatal(err)
		}
		rows, labels = append(rows, row), append(labels, l)
	}
	return recs[0][:d], rows, labels
}

// ari is the adjusted Rand index of two labelings: 1 when they are the same
// partition whatever the cluster numbers, about 0 for unrelated ones.
func ari(a, b []int) float64 {
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	table := map[[2]int]int{}
	rowSum, colSum := map[int]int{}, map[int]int{}
	for i := range a {
		table[[2]int{a[i], b[i]}]++
		rowSum[a[i]]++
		colSum[b[i]]++
	}
	var index, ra, cb float64
	for _, n := range table {
		index += pairs(n)
	}
	for _, n := range rowSum {
		ra += pairs(n)
	}
	for _, n := range colSum {
		cb += pairs(n)
	}
	expected := ra * cb / pairs(len(a))
	return (index - expected) / ((ra+cb)/2 - expected)
}

// blobs draws n rows around k centres spread far apart in d dimensions,
// each column on its own scale, and returns the rows and true labels.
func blobs(n, k, d int, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 0))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range d {
			centres[c][j] = 20 * rng.Float64()
		}
	}
	rows, labels := make([][]float64, n), make([]int, n)
	for i := range rows {
		c := i % k
		rows[i] = make([]float64, d)
		for j := range d {
			rows[i][j] = (centres[c][j] + 0.3*rng.NormFloat64()) * math.Pow(10, float64(j%4))
		}
		labels[i] = c
	}
	return rows, labels
}

func names(d int) []string {
	out := make([]string, d)
	for j := range out {
		out[j] = "x" + strconv.Itoa(j)
	}
	return out
}

// TestGoldenScikitLearn: on the same data, the best inertia, the partition
// and its silhouette equal scikit-learn's best of 200 restarts
// (testdata/golden.py).
func TestGoldenScikitLearn(t *testing.T) {
	tests := []struct {
		file       string
		k          int
		inertia    float64
		silhouette float64
	}{
		{"testdata/wine.csv", 2, 1658.758852429095, 0.2593169555318255},
		{"testdata/wine.csv", 3, 1277.9284888446423, 0.2848589191898987},
		// Columns on scales from 0.1 to 1000, 5% of values missing.
		{"testdata/blobs.csv", 4, 407.6400696364496, 0.6209719309061512},
	}
	for _, tt := range tests {
		t.Run(tt.file+" k="+strconv.Itoa(tt.k), func(t *testing.T) {
			names, rows, sk := readCSV(t, tt.file)
			m, labels, err := FitMatrix(t.Context(), names, rows, Config{K: tt.k, Restarts: 50, Seed: 1, SilhouetteSample: len(rows)})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(m.Inertia-tt.inertia) > 1e-9*tt.inertia {
				t.Errorf("inertia %.13g, scikit-learn %.13g", m.Inertia, tt.inertia)
			}
			if math.Abs(m.Silhouette-tt.silhouette) > 1e-9 {
				t.Errorf("silhouette %.13g, scikit-learn %.13g", m.Silhouette, tt.silhouette)
			}
			if tt.k == 3 { // the file's labels are those of this k
				if r := ari(labels, sk); r != 1 {
					t.Errorf("adjusted Rand index against scikit-learn's labels %v, want 1", r)
				}
			}
		})
	}
}

func TestBlobsRecovered(t *testing.T) {
	rows, truth := blobs(3000, 5, 6, 42)
	_, labels, err := FitMatrix(t.Context(), names(6), rows, Config{K: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r := ari(labels, truth); r != 1 {
		t.Errorf("adjusted Rand index %v, want 1", r)
	}
}

func TestSilhouetteChoosesK(t *testing.T) {
	for _, k := range []int{2, 3, 5, 7} {
		rows, truth := blobs(1500, k, 4, uint64(k))
		m, labels, err := FitMatrix(t.Context(), names(4), rows, Config{Seed: 9, Restarts: 4, SilhouetteSample: 500})
		if err != nil {
			t.Fatal(err)
		}
		if m.K != k || ari(labels, truth) != 1 {
			t.Errorf("true k %d: chose %d (candidates %+v), ARI %v", k, m.K, m.Candidates, ari(labels, truth))
		}
		if len(m.Candidates) != DefaultKMax-DefaultKMin+1 {
			t.Errorf("%d candidates, want k %d..%d", len(m.Candidates), DefaultKMin, DefaultKMax)
		}
	}
}

// The same data and seed give the same bytes, with one worker or two.
func TestDeterministic(t *testing.T) {
	rows, _ := blobs(9000, 4, 5, 1) // more than two chunks
	var outs [][]byte
	for _, workers := range []int{1, 2, 2} {
		m, _, err := FitMatrix(t.Context(), names(5), rows, Config{Seed: 77, KMax: 5, Restarts: 3, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Errorf("fit %d differs from the first:\n%s\n%s", i, outs[0], outs[i])
		}
	}
}

// throughJSON is m saved as JSON and loaded back, and the JSON.
func throughJSON(t *testing.T, m *Model) (*Model, []byte) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var loaded Model
	if err := json.Unmarshal(b, &loaded); err != nil {
		t.Fatal(err)
	}
	return &loaded, b
}

func TestSaveLoadPredict(t *testing.T) {
	names, rows, _ := readCSV(t, "testdata/blobs.csv")
	m, labels, err := FitMatrix(t.Context(), names, rows, Config{K: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	loaded, b := throughJSON(t, m)
	again, err := json.Marshal(loaded)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Errorf("model changed through JSON:\n%s\n%s", b, again)
	}
	got, err := loaded.PredictMatrix(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, labels) {
		t.Errorf("predictions of the loaded model differ from the fit's labels")
	}
	// A missing value is the training mean: a row of NaN goes where the
	// all-means row goes.
	means := make([]float64, len(names))
	nan := make([]float64, len(names))
	for j, c := range m.Columns {
		means[j], nan[j] = c.Mean, math.NaN()
	}
	p, err := m.PredictMatrix([][]float64{means, nan})
	if err != nil || p[0] != p[1] {
		t.Errorf("all-missing row to %v, all-means row: %v", p, err)
	}
}

func TestProfiles(t *testing.T) {
	names, rows, _ := readCSV(t, "testdata/blobs.csv")
	m, labels, err := FitMatrix(t.Context(), names, rows, Config{K: 4, Seed: 5, TopFeatures: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The centre in original units is the mean of the cluster's rows, with
	// missing values at the column mean.
	d := len(names)
	for c, p := range m.Profiles {
		sum := make([]float64, d)
		n := 0
		for i, l := range labels {
			if l != c {
				continue
			}
			n++
			for j, v := range rows[i] {
				if math.IsNaN(v) {
					v = m.Columns[j].Mean
				}
				sum[j] += v
			}
		}
		if p.Cluster != c || p.Size != n || p.Share != float64(n)/float64(len(rows)) {
			t.Errorf("cluster %d: profile %d size %d share %v, counted %d", c, p.Cluster, p.Size, p.Share, n)
		}
		for j := range d {
			want := sum[j] / float64(n)
			if math.Abs(p.Centre[j]-want) > 1e-9*max(1, math.Abs(want)) {
				t.Errorf("cluster %d column %s: centre %v, mean of its rows %v", c, names[j], p.Centre[j], want)
			}
		}
		if len(p.Distinct) != 2 || math.Abs(p.Distinct[0].Z) < math.Abs(p.Distinct[1].Z) {
			t.Errorf("cluster %d distinct features %+v", c, p.Distinct)
		}
		top := p.Distinct[0]
		j := slicesIndex(names, top.Column)
		if z := (top.Centre - m.Columns[j].Mean) / m.Columns[j].Scale; math.Abs(z-top.Z) > 1e-9 || top.Overall != m.Columns[j].Mean {
			t.Errorf("cluster %d: %+v, z from its centre %v", c, top, z)
		}
		for j := range d { // no column lies farther than the top one
			if math.Abs(m.Centres[c][j]) > math.Abs(top.Z) {
				t.Errorf("cluster %d: column %s has |z| %v above the top %v", c, names[j], m.Centres[c][j], top.Z)
			}
		}
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// Fewer distinct rows than clusters leaves clusters empty on every step;
// the run must still end with finite centres and zero inertia.
func TestEmptyClusters(t *testing.T) {
	rows := [][]float64{{0, 0}, {0, 0}, {0, 0}, {1, 1}, {2, 0}}
	m, _, err := FitMatrix(t.Context(), []string{"a", "b"}, rows, Config{K: 4, Seed: 1, Restarts: 2})
	if err != nil {
		t.Fatal(err)
	}
	for c, v := range m.Centres {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("centre %d is %v", c, v)
			}
		}
	}
	if m.Inertia != 0 {
		t.Errorf("inertia %v, want 0 with one centre on each distinct row", m.Inertia)
	}
}

func TestBadInput(t *testing.T) {
	ok := [][]float64{{1, 2}, {3, 4}, {5, 7}}
	tests := []struct {
		name  string
		names []string
		rows  [][]float64
		cfg   Config
	}{
		{"no rows", []string{"a", "b"}, nil, Config{K: 2}},
		{"no columns", nil, ok, Config{K: 2}},
		{"ragged", []string{"a", "b"}, [][]float64{{1, 2}, {3}}, Config{K: 2}},
		{"infinite", []string{"a", "b"}, [][]float64{{1, 2}, {3, math.Inf(1)}}, Config{K: 2}},
		{"all missing", []string{"a", "b"}, [][]float64{{1, math.NaN()}, {3, math.NaN()}}, Config{K: 2}},
		{"k above rows", []string{"a", "b"}, ok, Config{K: 4}},
		{"k range", []string{"a", "b"}, ok, Config{KMin: 1}},
		{"negative", []string{"a", "b"}, ok, Config{K: -1, Restarts: -2, Tol: -1}},
	}
	for _, tt := range tests {
		if _, _, err := FitMatrix(t.Context(), tt.names, tt.rows, tt.cfg); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	err := Config{K: -1, Restarts: -2, Tol: math.NaN()}.Validate()
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 3 {
		t.Errorf("Validate reports %d problems, want 3: %v", n, err)
	}
	m, _, err := FitMatrix(t.Context(), []string{"a", "b"}, ok, Config{K: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PredictMatrix([][]float64{{1}}); err == nil {
		t.Errorf("short row predicted")
	}
	broken := *m
	broken.Centres = broken.Centres[:1]
	if _, err := broken.PredictMatrix(ok); err == nil {
		t.Errorf("model with a missing centre predicted")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := FitMatrix(ctx, []string{"a", "b"}, ok, Config{K: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled fit: %v", err)
	}
}
