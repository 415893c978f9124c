package logreg

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// design is an encoded training (or scoring) matrix. Standardised numeric
// columns are dense; one-hot and missing-indicator columns are stored as the
// index of the one active 0/1 column per slot, so a categorical with many
// levels costs one int32 per row rather than one float64 per level.
//
// Coefficient j of the model multiplies column j; dense columns come first
// (0..nNum-1), the 0/1 columns after them.
type design struct {
	rows  int
	nNum  int       // dense columns per row
	num   []float64 // rows*nNum, row-major
	nSlot int       // 0/1 slots per row
	slot  []int32   // rows*nSlot, row-major: column index, or -1 for none
	dim   int       // number of columns (coefficients without the intercept)
}

// margin is the linear predictor of row i: b + x_i . w.
func (d *design) margin(i int, b float64, w []float64) float64 {
	z := b
	num := d.num[i*d.nNum : (i+1)*d.nNum]
	for j, v := range num {
		z += v * w[j]
	}
	for _, c := range d.slot[i*d.nSlot : (i+1)*d.nSlot] {
		if c >= 0 {
			z += w[c]
		}
	}
	return z
}

// maxParts bounds the number of row ranges the objective is split into.
// The split depends only on the row count, never on the number of cores, so
// the fixed-order sum of the parts is the same on every machine.
const (
	maxParts    = 16
	rowsPerPart = 2048
)

// partition returns the row boundaries of the parts: part p covers rows
// bounds[p]..bounds[p+1]-1.
func partition(rows int) []int {
	parts := (rows + rowsPerPart - 1) / rowsPerPart
	parts = max(1, min(parts, maxParts))
	bounds := make([]int, parts+1)
	for p := range bounds {
		bounds[p] = p * rows / parts
	}
	return bounds
}

// objective is the penalised log-loss of a design, scaled by the total
// sample weight W:
//
//	f(b, w) = (1/W) sum_i s_i [log(1+exp(z_i)) - y_i z_i] + (1/(2 C W)) ||w||^2
//
// with z_i = b + x_i . w. Multiplying by C W gives scikit-learn's
// LogisticRegression objective C sum_i s_i loss_i + ||w||^2/2 (the intercept b
// is not penalised), so both have the same minimum; dividing by W keeps the
// gradient near unit scale whatever the number of rows.
type objective struct {
	d       *design
	y       []float64
	s       []float64 // sample weights, nil = all 1
	wsum    float64   // W
	c       float64   // C
	workers int

	bounds []int
	parts  [][]float64 // per part: [loss, grad...] (1+1+dim values)

	// The value and gradient at lastX, so Func and Grad at one point cost
	// one pass over the data.
	lastX    []float64
	lastF    float64
	lastGrad []float64
	have     bool
}

func newObjective(d *design, y, s []float64, c float64, workers int) *objective {
	wsum := float64(d.rows)
	if s != nil {
		wsum = 0
		for _, v := range s {
			wsum += v
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	o := &objective{d: d, y: y, s: s, wsum: wsum, c: c, workers: workers,
		bounds: partition(d.rows), lastX: make([]float64, d.dim+1), lastGrad: make([]float64, d.dim+1)}
	o.parts = make([][]float64, len(o.bounds)-1)
	for p := range o.parts {
		o.parts[p] = make([]float64, d.dim+2)
	}
	return o
}

// Func returns f(x) where x = (b, w).
func (o *objective) Func(x []float64) float64 {
	o.eval(x)
	return o.lastF
}

// Grad stores the gradient of f at x in grad.
func (o *objective) Grad(grad, x []float64) {
	o.eval(x)
	copy(grad, o.lastGrad)
}

// eval computes the value and gradient at x, unless they are those of
// the last point.
func (o *objective) eval(x []float64) {
	if o.have && equal(x, o.lastX) {
		return
	}
	o.sumParts(x)
	o.lastF = o.penalise(x, o.reduce())
	copy(o.lastX, x)
	o.have = true
}

// reduce adds up the parts' loss and gradient sums in a fixed order, part
// 0, then 1, ... whatever finished first: it returns the loss and leaves
// the gradient in o.lastGrad.
func (o *objective) reduce() sum {
	var loss sum
	g := o.lastGrad
	clear(g)
	for _, part := range o.parts {
		loss.add(part[0])
		for j, v := range part[1:] {
			g[j] += v
		}
	}
	return loss
}

// penalise divides the summed loss and gradient by W, adds the penalty's
// share at x to the gradient in o.lastGrad, and returns the objective.
func (o *objective) penalise(x []float64, loss sum) float64 {
	g := o.lastGrad
	inv := 1 / o.wsum
	pen := 1 / (o.c * o.wsum)
	var sq sum
	g[0] *= inv
	for j := 1; j < len(x); j++ {
		sq.add(x[j] * x[j])
		g[j] = g[j]*inv + pen*x[j]
	}
	return loss.value()*inv + 0.5*pen*sq.value()
}

// sumParts fills o.parts with each part's weighted loss sum and gradient sum,
// the parts shared among the workers.
func (o *objective) sumParts(x []float64) {
	n := len(o.parts)
	workers := min(o.workers, n)
	if workers <= 1 {
		for p := range n {
			o.sumPart(p, x)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				p := int(next.Add(1)) - 1
				if p >= n {
					return
				}
				o.sumPart(p, x)
			}
		})
	}
	wg.Wait()
}

func (o *objective) sumPart(p int, x []float64) {
	d := o.d
	acc := o.parts[p]
	clear(acc)
	g := acc[1:] // g[0] intercept, g[1+j] column j
	b, w := x[0], x[1:]
	var loss sum
	for i := o.bounds[p]; i < o.bounds[p+1]; i++ {
		z := d.margin(i, b, w)
		s := 1.0
		if o.s != nil {
			s = o.s[i]
		}
		nll, p := logLoss(z, o.y[i])
		loss.add(s * nll)
		r := s * (p - o.y[i])
		g[0] += r
		gw := g[1:]
		for j, v := range d.num[i*d.nNum : (i+1)*d.nNum] {
			gw[j] += r * v
		}
		for _, c := range d.slot[i*d.nSlot : (i+1)*d.nSlot] {
			if c >= 0 {
				gw[c] += r
			}
		}
	}
	acc[0] = loss.value()
}

// sum is Neumaier's compensated sum: the rounding error of each addition is
// kept and added back at the end.
type sum struct{ s, c float64 }

func (k *sum) add(v float64) {
	t := k.s + v
	if math.Abs(k.s) >= math.Abs(v) {
		k.c += (k.s - t) + v
	} else {
		k.c += (v - t) + k.s
	}
	k.s = t
}

func (k *sum) value() float64 { return k.s + k.c }

// sigmoid is 1/(1+exp(-z)) without overflow.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logLoss returns -log P(label y | margin z) and the probability
// sigmoid(z), sharing one exponential. The loss is computed without
// cancellation, as log(1+exp(-|z|)) plus the margin on the wrong side: the
// line search compares values that differ in their last digits.
func logLoss(z, y float64) (nll, p float64) {
	e := math.Exp(-math.Abs(z)) // in (0, 1]
	if z >= 0 {
		p = 1 / (1 + e)
	} else {
		p = e / (1 + e)
	}
	nll = math.Log1p(e)
	if (y == 1) != (z >= 0) {
		nll += math.Abs(z)
	}
	return nll, p
}

func equal(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
