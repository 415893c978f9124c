package kmeans

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// chunkRows is the unit of parallel work. Partial sums are kept per chunk
// and added in chunk order, so results do not depend on the worker count.
const chunkRows = 4096

// space is standardised data with the workers that go through it.
type space struct {
	x       *matrix
	workers int
}

// chunks runs fn over [0, n) in chunks of chunkRows rows, on up to
// s.workers goroutines; fn gets the chunk's number and row range.
func (s *space) chunks(n int, fn func(c, lo, hi int)) {
	count := (n + chunkRows - 1) / chunkRows
	workers := min(s.workers, count)
	if workers <= 1 {
		for c := range count {
			fn(c, c*chunkRows, min(n, (c+1)*chunkRows))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := int(next.Add(1) - 1); c < count; c = int(next.Add(1) - 1) {
				fn(c, c*chunkRows, min(n, (c+1)*chunkRows))
			}
		})
	}
	wg.Wait()
}

// sqdist is the squared Euclidean distance between a and b, summed in four
// interleaved parts so that the processor can overlap them.
func sqdist(a, b []float64) float64 {
	d, _ := sqdistBelow(a, b, math.Inf(1))
	return d
}

// sqdistBelow is sqdist, except that it gives up and reports false as soon
// as a partial sum reaches bound. Every term is non-negative and rounding
// never makes a sum of non-negative terms smaller, so giving up never
// discards a distance below bound.
func sqdistBelow(a, b []float64, bound float64) (float64, bool) {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+8 <= len(a); j += 8 {
		d0, d1, d2, d3 := a[j]-b[j], a[j+1]-b[j+1], a[j+2]-b[j+2], a[j+3]-b[j+3]
		s0, s1, s2, s3 = s0+d0*d0, s1+d1*d1, s2+d2*d2, s3+d3*d3
		d0, d1, d2, d3 = a[j+4]-b[j+4], a[j+5]-b[j+5], a[j+6]-b[j+6], a[j+7]-b[j+7]
		s0, s1, s2, s3 = s0+d0*d0, s1+d1*d1, s2+d2*d2, s3+d3*d3
		if (s0+s1)+(s2+s3) >= bound {
			return 0, false
		}
	}
	for ; j < len(a); j++ {
		d := a[j] - b[j]
		s0 += d * d
	}
	s := (s0 + s1) + (s2 + s3)
	return s, s < bound
}

// nearest returns the index of the centre (k rows of d values) closest to
// r and the squared distance to it; ties go to the lower index.
func nearest(r, centres []float64, d int) (int, float64) {
	best, bestD := 0, sqdist(r, centres[:d])
	for c := 1; c*d < len(centres); c++ {
		if v, ok := sqdistBelow(r, centres[c*d:(c+1)*d], bestD); ok {
			best, bestD = c, v
		}
	}
	return best, bestD
}

// partial is one chunk's share of an assignment step.
type partial struct {
	sums    []float64 // k x d
	counts  []int
	inertia float64
	changed bool
}

// step is the state of one Lloyd run.
type step struct {
	k       int
	centres []float64 // k x d
	labels  []int32
	dist    []float64 // squared distance of each row to its centre
	parts   []partial
}

// assign labels every row with its nearest centre and returns the inertia
// and whether any label changed; with sums it also leaves each cluster's sum
// and count in st.parts.
func (s *space) assign(st *step, sums bool) (inertia float64, changed bool) {
	d := s.x.d
	s.chunks(s.x.n, func(c, lo, hi int) {
		p := &st.parts[c]
		p.inertia, p.changed = 0, false
		if sums {
			clear(p.sums)
			clear(p.counts)
		}
		for i := lo; i < hi; i++ {
			r := s.x.row(i)
			best, dist := nearest(r, st.centres, d)
			if st.labels[i] != int32(best) {
				st.labels[i] = int32(best)
				p.changed = true
			}
			st.dist[i] = dist
			p.inertia += dist
			if sums {
				sum := p.sums[best*d : (best+1)*d]
				for j, v := range r {
					sum[j] += v
				}
				p.counts[best]++
			}
		}
	})
	for _, p := range st.parts {
		inertia += p.inertia
		changed = changed || p.changed
	}
	return inertia, changed
}

// update sets the centres to the means of their rows, moving the centre of
// an empty cluster to the row farthest from its own centre (as scikit-learn
// does), and returns the summed squared shift of the centres.
func (s *space) update(st *step) float64 {
	sums, counts := st.totals(s.x.d)
	s.relocate(st, sums, counts)
	return st.moveCentres(sums, counts, s.x.d)
}

// totals adds up the chunks' sums and counts of each cluster (of d
// values), in chunk order.
func (st *step) totals(d int) ([]float64, []int) {
	sums := make([]float64, st.k*d)
	counts := make([]int, st.k)
	for _, p := range st.parts {
		for j, v := range p.sums {
			sums[j] += v
		}
		for c, n := range p.counts {
			counts[c] += n
		}
	}
	return sums, counts
}

// moveCentres sets each centre (of d values) to its cluster's mean and
// returns the summed squared shift of the centres.
func (st *step) moveCentres(sums []float64, counts []int, d int) float64 {
	shift := 0.0
	for c := range st.k {
		for j := range d {
			v := sums[c*d+j] / float64(counts[c])
			diff := v - st.centres[c*d+j]
			shift += diff * diff
			st.centres[c*d+j] = v
		}
	}
	return shift
}

// relocate gives each empty cluster, in order, the farthest remaining row
// (ties to the lower index), taking it out of its cluster's sum.
func (s *space) relocate(st *step, sums []float64, counts []int) {
	empty := emptyClusters(counts)
	if len(empty) == 0 {
		return
	}
	d := s.x.d
	for _, i := range farthestFirst(st.dist) {
		if len(empty) == 0 {
			return
		}
		old := int(st.labels[i])
		if counts[old] < 2 {
			continue
		}
		r := s.x.row(i)
		for j, v := range r {
			sums[old*d+j] -= v
		}
		counts[old]--
		copy(sums[empty[0]*d:], r)
		counts[empty[0]] = 1
		empty = empty[1:]
	}
}

// emptyClusters are the clusters without a row, in order.
func emptyClusters(counts []int) []int {
	var empty []int
	for c, n := range counts {
		if n == 0 {
			empty = append(empty, c)
		}
	}
	return empty
}

// farthestFirst orders the rows by their distance to their centre,
// farthest first, ties to the lower index.
func farthestFirst(dist []float64) []int {
	far := make([]int, len(dist))
	for i := range far {
		far[i] = i
	}
	slices.SortFunc(far, func(a, b int) int {
		if c := cmp.Compare(dist[b], dist[a]); c != 0 {
			return c
		}
		return a - b
	})
	return far
}

// run is the outcome of one seeded Lloyd run.
type run struct {
	centres []float64
	labels  []int32
	inertia float64
	iter    int
}

// lloyd runs Lloyd's iterations from the given centres until no label
// changes, the centres move less than tol, or maxIter is reached, then
// labels the rows with the final centres.
func (s *space) lloyd(ctx context.Context, centres []float64, k, maxIter int, tol float64) (run, error) {
	st := s.newStep(centres, k)
	iter, strict := 0, false
	var inertia float64
	for iter < maxIter {
		if err := ctx.Err(); err != nil {
			return run{}, err
		}
		iter++
		var changed bool
		inertia, changed = s.assign(st, true)
		if !changed {
			// Same labels as the last step: the centres are already their
			// means and the labels and inertia belong to them.
			strict = true
			break
		}
		if s.update(st) <= tol {
			break
		}
	}
	if !strict {
		inertia, _ = s.assign(st, false)
	}
	return run{centres: st.centres, labels: st.labels, inertia: inertia, iter: iter}, nil
}

// newStep starts a run with k clusters from the given centres, no row
// labelled yet, and room for each chunk's cluster sums.
func (s *space) newStep(centres []float64, k int) *step {
	n := s.x.n
	st := &step{k: k, centres: centres, labels: slices.Repeat([]int32{-1}, n), dist: make([]float64, n)}
	st.parts = make([]partial, (n+chunkRows-1)/chunkRows)
	for c := range st.parts {
		st.parts[c] = partial{sums: make([]float64, k*s.x.d), counts: make([]int, k)}
	}
	return st
}

// seed picks k starting centres by greedy k-means++ as scikit-learn does:
// the first centre is a uniformly drawn row; each next one is the best, by
// the resulting inertia, of 2 + ln(k) rows drawn with probability
// proportional to their squared distance to the nearest centre so far.
func (s *space) seed(rng *rand.Rand, k int) []float64 {
	n, d := s.x.n, s.x.d
	centres := make([]float64, 0, k*d)
	centres = append(centres, s.x.row(rng.IntN(n))...)
	sd := s.newSeeder(centres, 2+int(math.Log(float64(k))))
	for len(centres) < k*d {
		ids := sd.draw(rng)
		s.chunks(n, func(c, lo, hi int) { sd.try(ids, c, lo, hi) })
		best := sd.bestTrial()
		copy(sd.closest, sd.cand[best])
		centres = append(centres, s.x.row(ids[best])...)
	}
	return centres
}

// seeder holds the state of greedy k-means++ seeding.
type seeder struct {
	x       *matrix
	closest []float64   // each row's squared distance to its nearest centre
	cum     []float64   // cumulative sums of closest
	cand    [][]float64 // per trial: closest once the trial's row is a centre
	pots    [][]float64 // per trial, per chunk: the sum of cand
}

// newSeeder starts seeding from the first centre with the given number of
// trials per next centre.
func (s *space) newSeeder(first []float64, trials int) *seeder {
	n := s.x.n
	sd := &seeder{x: s.x, closest: make([]float64, n), cum: make([]float64, n),
		cand: make([][]float64, trials), pots: make([][]float64, trials)}
	for i := range sd.closest {
		sd.closest[i] = sqdist(s.x.row(i), first)
	}
	for t := range trials {
		sd.cand[t] = make([]float64, n)
		sd.pots[t] = make([]float64, (n+chunkRows-1)/chunkRows)
	}
	return sd
}

// draw draws each trial's row with probability proportional to its
// squared distance to the nearest centre.
func (sd *seeder) draw(rng *rand.Rand) []int {
	sum := 0.0
	for i, v := range sd.closest {
		sum += v
		sd.cum[i] = sum
	}
	ids := make([]int, len(sd.cand))
	for t := range ids {
		ids[t] = min(sort.SearchFloat64s(sd.cum, rng.Float64()*sum), len(sd.cum)-1)
	}
	return ids
}

// try computes, for the rows lo..hi-1 of chunk c, each trial's distances
// to the nearest centre with the trial's row ids[t] added, and their sum.
func (sd *seeder) try(ids []int, c, lo, hi int) {
	x, closest := sd.x, sd.closest
	for t, id := range ids {
		cr, dist := x.row(id), sd.cand[t]
		pot := 0.0
		for i := lo; i < hi; i++ {
			// The distance matters only where it is below closest[i].
			dist[i] = closest[i]
			if v, ok := sqdistBelow(x.row(i), cr, closest[i]); ok {
				dist[i] = v
			}
			pot += dist[i]
		}
		sd.pots[t][c] = pot
	}
}

// bestTrial is the trial with the lowest inertia (its chunks' sums added
// in order), the first among equals.
func (sd *seeder) bestTrial() int {
	best, bestPot := 0, 0.0
	for t, parts := range sd.pots {
		pot := 0.0
		for _, p := range parts {
			pot += p
		}
		if t == 0 || pot < bestPot {
			best, bestPot = t, pot
		}
	}
	return best
}
