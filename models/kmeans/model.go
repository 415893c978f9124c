package kmeans

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/segmint/segmint/models/frame"
)

// Model is a fitted k-means model. It is plain data: encoding/json writes
// and reads it, and the same fit always writes the same bytes.
type Model struct {
	// Features are the frame columns the model reads, when it was fitted
	// on a frame (Fit); empty when fitted on a matrix (FitMatrix).
	Features []frame.Feature `json:"features,omitempty"`
	// Columns are the distance's inputs in order, with how each is
	// standardised.
	Columns []Column `json:"columns"`
	// K is the number of clusters; Centres holds K rows of len(Columns)
	// values in standardised units.
	K       int         `json:"k"`
	Centres [][]float64 `json:"centres"`
	// Inertia is the sum of squared distances, in standardised units, of
	// the training rows to their centres.
	Inertia    float64 `json:"inertia"`
	Iterations int     `json:"iterations"`
	// Silhouette is the mean silhouette of the clusters on a sample of
	// Config.SilhouetteSample training rows.
	Silhouette float64 `json:"silhouette"`
	// Candidates are the values of k tried when k was chosen.
	Candidates []Candidate `json:"candidates,omitempty"`
	Profiles   []Profile   `json:"profiles"`
	Config     Config      `json:"config"`
}

// Candidate is one k tried when choosing k.
type Candidate struct {
	K          int     `json:"k"`
	Inertia    float64 `json:"inertia"`
	Silhouette float64 `json:"silhouette"`
}

// Profile describes one cluster for people.
type Profile struct {
	Cluster int     `json:"cluster"`
	Size    int     `json:"size"`
	Share   float64 `json:"share"`
	// Centre is the cluster's mean in original units, one per column (for
	// a one-hot column, the share of the cluster with that level).
	Centre []float64 `json:"centre"`
	// Distinct are the columns whose centre lies farthest from the overall
	// mean in standard deviations, farthest first.
	Distinct []Deviation `json:"distinct"`
}

// Deviation is how far a cluster's centre lies from the overall mean on one
// column.
type Deviation struct {
	Column string `json:"column"`
	// Z is (centre - mean) / standard deviation.
	Z       float64 `json:"z"`
	Centre  float64 `json:"centre"`
	Overall float64 `json:"overall"`
}

// FitMatrix fits a model to rows of numeric values named by names; NaN is a
// missing value. It returns the model and each row's cluster.
func FitMatrix(ctx context.Context, names []string, rows [][]float64, cfg Config) (*Model, []int, error) {
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("kmeans: no columns")
	}
	x, err := dense(rows, len(names))
	if err != nil {
		return nil, nil, fmt.Errorf("kmeans: %w", err)
	}
	return fit(ctx, names, x, cfg)
}

// fit standardises x in place and fits the model.
func fit(ctx context.Context, names []string, x *matrix, cfg Config) (*Model, []int, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	cfg = cfg.withDefaults()
	if err := enoughRows(x.n, cfg); err != nil {
		return nil, nil, err
	}
	cols, err := fitColumns(names, x)
	if err != nil {
		return nil, nil, fmt.Errorf("kmeans: %w", err)
	}
	standardise(cols, x)
	s := &space{x: x, workers: cfg.Workers}
	m := &Model{Columns: cols, Config: cfg}
	best, err := s.fitRun(ctx, cfg, m)
	if err != nil {
		return nil, nil, err
	}
	labels := m.keepRun(best, x)
	m.Profiles = profiles(m, labels, cfg.TopFeatures)
	return m, labels, nil
}

// enoughRows checks that there are rows, and no fewer than k (or, when k
// is chosen, than the smallest k tried).
func enoughRows(n int, cfg Config) error {
	if n == 0 {
		return fmt.Errorf("kmeans: no rows")
	}
	if cfg.K > n || (cfg.K == 0 && cfg.KMin > n) {
		return fmt.Errorf("kmeans: %d rows are too few for k %d", n, max(cfg.K, cfg.KMin))
	}
	return nil
}

// fitRun is the best run with cfg.K clusters, with its silhouette in m,
// or else the run of the k that choose picks for m.
func (s *space) fitRun(ctx context.Context, cfg Config, m *Model) (run, error) {
	if cfg.K <= 0 {
		return s.choose(ctx, cfg, m)
	}
	best, err := s.best(ctx, cfg.K, cfg)
	if err != nil {
		return run{}, err
	}
	m.K = cfg.K
	m.Silhouette = s.silhouette(s.sample(cfg), best.labels, m.K)
	return best, nil
}

// keepRun sets the model's inertia, iterations and centres from the run
// over x: the cluster of each row.
func (m *Model) keepRun(best run, x *matrix) []int {
	m.Inertia, m.Iterations = best.inertia, best.iter
	m.Centres = make([][]float64, m.K)
	for c := range m.Centres {
		m.Centres[c] = best.centres[c*x.d : (c+1)*x.d]
	}
	labels := make([]int, x.n)
	for i, l := range best.labels {
		labels[i] = int(l)
	}
	return labels
}

// best runs cfg.Restarts seeded runs with k clusters and keeps the one of
// lowest inertia (the first among equals).
func (s *space) best(ctx context.Context, k int, cfg Config) (run, error) {
	tol := cfg.Tol * s.meanVariance()
	var best run
	for r := range cfg.Restarts {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)<<32|uint64(r)))
		got, err := s.lloyd(ctx, s.seed(rng, k), k, cfg.MaxIter, tol)
		if err != nil {
			return run{}, fmt.Errorf("kmeans: %w", err)
		}
		if r == 0 || got.inertia < best.inertia {
			best = got
		}
	}
	return best, nil
}

// choose fits every k of cfg.KMin..cfg.KMax and keeps the one with the
// highest silhouette on a sample of rows drawn once with the seed (the
// smaller k among equals).
func (s *space) choose(ctx context.Context, cfg Config, m *Model) (run, error) {
	sample := s.sample(cfg)
	var best run
	for k := cfg.KMin; k <= min(cfg.KMax, s.x.n); k++ {
		got, err := s.best(ctx, k, cfg)
		if err != nil {
			return run{}, err
		}
		sil := s.silhouette(sample, got.labels, k)
		m.Candidates = append(m.Candidates, Candidate{K: k, Inertia: got.inertia, Silhouette: sil})
		if k == cfg.KMin || sil > m.Silhouette {
			best, m.K, m.Silhouette = got, k, sil
		}
	}
	return best, nil
}

// sample draws the rows the silhouette is computed on, the same for every k.
func (s *space) sample(cfg Config) []int {
	return sampleRows(rand.New(rand.NewPCG(cfg.Seed, math.MaxUint64)), s.x.n, cfg.SilhouetteSample)
}

// meanVariance is the mean of the columns' variances (1 for every
// non-constant standardised column).
func (s *space) meanVariance() float64 {
	total := 0.0
	for j := range s.x.d {
		sum, ss := 0.0, 0.0
		for i := range s.x.n {
			sum += s.x.v[i*s.x.d+j]
		}
		mean := sum / float64(s.x.n)
		for i := range s.x.n {
			d := s.x.v[i*s.x.d+j] - mean
			ss += d * d
		}
		total += ss / float64(s.x.n)
	}
	return total / float64(s.x.d)
}

// profiles describes each cluster: its size, its centre in original units
// and the top columns by |z| (ties to the earlier column).
func profiles(m *Model, labels []int, top int) []Profile {
	out := make([]Profile, m.K)
	for _, l := range labels {
		out[l].Size++
	}
	for c := range out {
		out[c] = m.profile(c, out[c].Size, len(labels), top)
	}
	return out
}

// profile describes cluster c, which holds size of the n training rows.
func (m *Model) profile(c, size, n, top int) Profile {
	p := Profile{Cluster: c, Size: size, Share: float64(size) / float64(n), Centre: make([]float64, len(m.Columns))}
	devs := make([]Deviation, len(m.Columns))
	for j, col := range m.Columns {
		z := m.Centres[c][j]
		p.Centre[j] = col.Mean + z*col.Scale
		devs[j] = Deviation{Column: col.Name, Z: z, Centre: p.Centre[j], Overall: col.Mean}
	}
	slices.SortStableFunc(devs, func(a, b Deviation) int { return cmp.Compare(math.Abs(b.Z), math.Abs(a.Z)) })
	p.Distinct = devs[:min(top, len(devs))]
	return p
}

// PredictMatrix returns the nearest centre of each row (the lower cluster
// number among equals). Rows have one value per column of the model; NaN is
// a missing value and takes the column's training mean.
func (m *Model) PredictMatrix(rows [][]float64) ([]int, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	x, err := dense(rows, len(m.Columns))
	if err != nil {
		return nil, fmt.Errorf("kmeans predict: %w", err)
	}
	return m.predict(x), nil
}

// check reports a model whose parts do not fit together (a damaged or
// hand-edited file).
func (m *Model) check() error {
	if m.K < 1 || len(m.Centres) != m.K {
		return fmt.Errorf("kmeans model: k %d with %d centres", m.K, len(m.Centres))
	}
	for c, v := range m.Centres {
		if len(v) != len(m.Columns) {
			return fmt.Errorf("kmeans model: centre %d has %d values for %d columns", c, len(v), len(m.Columns))
		}
	}
	for _, col := range m.Columns {
		if !(col.Scale > 0) || math.IsNaN(col.Mean) || math.IsInf(col.Mean, 0) {
			return fmt.Errorf("kmeans model: column %q has mean %v and scale %v", col.Name, col.Mean, col.Scale)
		}
	}
	return nil
}

// predict standardises x in place and labels its rows.
func (m *Model) predict(x *matrix) []int {
	standardise(m.Columns, x)
	centres := make([]float64, 0, m.K*x.d)
	for _, c := range m.Centres {
		centres = append(centres, c...)
	}
	out := make([]int, x.n)
	for i := range out {
		out[i], _ = nearest(x.row(i), centres, x.d)
	}
	return out
}
