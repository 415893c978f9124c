package kmeans

import (
	"errors"
	"fmt"
	"runtime"
)

// Defaults for the zero fields of Config.
const (
	DefaultKMin             = 2
	DefaultKMax             = 8
	DefaultRestarts         = 10
	DefaultMaxIter          = 300
	DefaultTol              = 1e-4
	DefaultSilhouetteSample = 2000
	DefaultTopFeatures      = 3
)

// Config sets how a model is fitted. Zero fields take the defaults above.
type Config struct {
	// K is the number of clusters; 0 chooses it from KMin..KMax by the
	// silhouette on a sample.
	K    int `json:"k,omitempty"`
	KMin int `json:"k_min"`
	KMax int `json:"k_max"`
	// Restarts is how many seedings are run for each k; the one with the
	// lowest inertia wins (scikit-learn's n_init).
	Restarts int `json:"restarts"`
	// MaxIter bounds the Lloyd iterations of one run.
	MaxIter int `json:"max_iter"`
	// Tol stops a run when the centres move less than Tol times the mean
	// feature variance (summed squared shift), as scikit-learn's tol does.
	Tol float64 `json:"tol"`
	// Seed makes the fit reproducible: the same data, Config and Seed give
	// the same model, whatever the number of workers.
	Seed uint64 `json:"seed"`
	// SilhouetteSample is how many rows (drawn with Seed) the silhouette is
	// computed on when choosing k; all rows when there are fewer.
	SilhouetteSample int `json:"silhouette_sample"`
	// TopFeatures is how many distinguishing features each profile lists.
	TopFeatures int `json:"top_features"`
	// Workers is how many goroutines assign rows to centres; 0 uses
	// GOMAXPROCS. It does not change the result.
	Workers int `json:"-"`
}

// withDefaults returns c with its zero fields set to the defaults.
func (c Config) withDefaults() Config {
	set := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	set(&c.KMin, DefaultKMin)
	set(&c.KMax, DefaultKMax)
	set(&c.Restarts, DefaultRestarts)
	set(&c.MaxIter, DefaultMaxIter)
	set(&c.SilhouetteSample, DefaultSilhouetteSample)
	set(&c.TopFeatures, DefaultTopFeatures)
	set(&c.Workers, runtime.GOMAXPROCS(0))
	if c.Tol == 0 {
		c.Tol = DefaultTol
	}
	return c
}

// Validate reports every problem of the configuration (after defaults) at
// once.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.K < 0 {
		errs = append(errs, fmt.Errorf("kmeans.k: %d is negative", c.K))
	}
	if c.K == 0 && (c.KMin < 2 || c.KMax < c.KMin) {
		errs = append(errs, fmt.Errorf("kmeans: k range %d..%d must start at 2 or more and not be empty", c.KMin, c.KMax))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"restarts", c.Restarts}, {"max_iter", c.MaxIter}, {"silhouette_sample", c.SilhouetteSample},
		{"top_features", c.TopFeatures}, {"workers", c.Workers}} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("kmeans.%s: %d must be positive", f.name, f.v))
		}
	}
	if c.SilhouetteSample == 1 {
		errs = append(errs, errors.New("kmeans.silhouette_sample: needs at least 2 rows"))
	}
	if !(c.Tol >= 0) {
		errs = append(errs, fmt.Errorf("kmeans.tol: %v must be 0 or more", c.Tol))
	}
	return errors.Join(errs...)
}
