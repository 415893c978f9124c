package identity

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// ErrInput is wrapped by every error about the links or the previous
// assignment. Such errors name the row index, never an identifier value.
var ErrInput = errors.New("invalid identity input")

// Resolve links records into persons and gives every person a customer id,
// keeping the ids of prev where the package documentation says so. runDate
// is the first-seen date of new ids (truncated to its UTC day). links and
// prev are not modified; their order does not affect the result.
func Resolve(links []Link, prev []Assignment, runDate time.Time, cfg Config) (Result, error) {
	cp, err := cfg.compile()
	if err != nil {
		return Result{}, fmt.Errorf("resolve identities: %w", err)
	}
	if err := checkInput(links, prev); err != nil {
		return Result{}, fmt.Errorf("resolve identities: %w", err)
	}
	r := &run{links: links, prev: prev, cp: cp}
	r.internAll()
	if err := r.checkPrev(); err != nil {
		return Result{}, fmt.Errorf("resolve identities: %w", err)
	}
	r.buildPairs()
	r.filter()
	r.unionPass()
	r.components()
	r.assignIDs(civilDay(runDate))
	return r.result(), nil
}

// checkInput refuses the rows Resolve cannot take: too many, or one
// without its key (see checkLinks and checkPrevRows).
func checkInput(links []Link, prev []Assignment) error {
	if len(links) >= math.MaxInt32 || len(prev) >= math.MaxInt32-len(links) {
		return fmt.Errorf("%w: too many rows", ErrInput)
	}
	if err := checkLinks(links); err != nil {
		return err
	}
	return checkPrevRows(prev)
}

// checkLinks refuses the first link with an empty record key or an unknown
// kind.
func checkLinks(links []Link) error {
	for i, l := range links {
		if l.Record == "" {
			return fmt.Errorf("%w: link %d: empty record key", ErrInput, i)
		}
		if kindIndex(l.Kind) < 0 {
			return fmt.Errorf("%w: link %d: unknown kind %q", ErrInput, i, l.Kind)
		}
	}
	return nil
}

// checkPrevRows refuses the first previous row without a record key or a
// customer id.
func checkPrevRows(prev []Assignment) error {
	for i, p := range prev {
		if p.RecordKey == "" || p.CustomerID == "" {
			return fmt.Errorf("%w: previous row %d: empty record key or customer id", ErrInput, i)
		}
	}
	return nil
}

// civilDay is t's UTC calendar day at midnight UTC.
func civilDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// run holds the working state of one Resolve call. Records and values are
// dense ids numbered by [intern]: value ids ascend with (kind priority,
// hash, value), which is the processing order.
type run struct {
	links []Link
	prev  []Assignment
	cp    caps

	linkKind []uint8 // per link: kind priority

	// records: ids over links' and prev's record keys.
	recOf   []uint32 // per link: record id (dropped after buildPairs)
	prevRec []uint32 // per prev row: record id
	recRep  []int32  // per record: an item index carrying its key
	present []bool   // per record: appears in links
	nrec    int

	// values: ids over links' (kind, value).
	valOf   []uint32 // per link: value id
	valRep  []int32  // per value: a link index carrying it
	valKind []uint8  // per value: kind priority
	nval    int

	// pairs: deduplicated (value<<32 | record), sorted; valOff indexes it
	// per value.
	pairs  []uint64
	valOff []int32
	// links per value before deduplication (for blocked counts)
	valLinks []int32

	active  []bool // per value: not blocked and within its value cap
	refused []bool // per value: refused by the person cap
	events  []Event
	stats   Stats

	// per record: its active values (CSR)
	recOff  []int32
	recVals []uint32

	// union-find
	parent []int32 // root: -size
	next   []int32 // circular member list of each set
	ub     []uint16

	// components, numbered in record id order of their first record
	compOf  []int32 // per record (present only), else -1
	compMin []int32 // per component: the record with the smallest key
	ncomp   int
	compID  []string
	compFS  []time.Time
}

// recordKey is the key of record id r.
func (r *run) recordKey(rec int) string {
	i := int(r.recRep[rec])
	if i < len(r.links) {
		return r.links[i].Record
	}
	return r.prev[i-len(r.links)].RecordKey
}

// value is the raw value of value id v (never leaves the package).
func (r *run) value(v int) string { return r.links[r.valRep[v]].Value }

func (r *run) internAll() {
	nl := len(r.links)
	r.linkKind = make([]uint8, nl)
	for i, l := range r.links {
		r.linkKind[i] = uint8(kindIndex(l.Kind))
	}
	r.recOf, r.recRep = intern(nl+len(r.prev), func(i int) (uint8, string) {
		if i < nl {
			return 0, r.links[i].Record
		}
		return 0, r.prev[i-nl].RecordKey
	}, orderKey)
	r.valOf, r.valRep = intern(nl, func(i int) (uint8, string) {
		return r.linkKind[i], r.links[i].Value
	}, orderKey)
	r.prevRec = slices.Clone(r.recOf[nl:])
	r.recOf = r.recOf[:nl:nl]
	r.nrec, r.nval = len(r.recRep), len(r.valRep)
	r.present = make([]bool, r.nrec)
	for _, rec := range r.recOf {
		r.present[rec] = true
	}
	r.valKind = make([]uint8, r.nval)
	for v, li := range r.valRep {
		r.valKind[v] = r.linkKind[li]
	}
	r.linkKind = nil
}

// checkPrev rejects a previous assignment that gives one record key twice.
func (r *run) checkPrev() error {
	seen := make([]bool, r.nrec)
	for i := range r.prev {
		rec := r.prevRec[i]
		if seen[rec] {
			return fmt.Errorf("%w: previous row %d: record key repeated", ErrInput, i)
		}
		seen[rec] = true
	}
	return nil
}

// buildPairs lists the distinct (value, record) pairs of the links and
// indexes them per value; the links' ids are no longer needed then.
func (r *run) buildPairs() {
	r.dedupPairs()
	r.recOf, r.valOf = nil, nil
	r.indexValues()
}

// dedupPairs sorts the (value, record) pair words of the links into pairs,
// without repeats, counting the links of each value into valLinks.
func (r *run) dedupPairs() {
	pairs := make([]uint64, len(r.links))
	for i := range r.links {
		pairs[i] = uint64(r.valOf[i])<<32 | uint64(r.recOf[i])
	}
	slices.Sort(pairs)
	r.valLinks = make([]int32, r.nval)
	w := 0
	for i, p := range pairs {
		r.valLinks[p>>32]++
		if i > 0 && p == pairs[w-1] {
			continue
		}
		pairs[w] = p
		w++
	}
	r.pairs = pairs[:w]
}

// indexValues sets valOff, so that the pairs of value v are
// pairs[valOff[v]:valOff[v+1]].
func (r *run) indexValues() {
	r.valOff = make([]int32, r.nval+1)
	for _, p := range r.pairs {
		r.valOff[(p>>32)+1]++
	}
	for v := range r.nval {
		r.valOff[v+1] += r.valOff[v]
	}
}

// recsOf returns the distinct records of value v as pair words.
func (r *run) recsOf(v int) []uint64 { return r.pairs[r.valOff[v]:r.valOff[v+1]] }

// filter applies the block rules and the value caps, emitting their events,
// and builds the per-record lists of active values.
func (r *run) filter() {
	r.markActive()
	r.valLinks = nil
	r.indexRecordValues()
}

// markActive marks the values that are neither blocked nor over their
// kind's cap active, emitting an event for each that is.
func (r *run) markActive() {
	r.active = make([]bool, r.nval)
	r.refused = make([]bool, r.nval)
	for v := range r.nval {
		k := Kinds()[r.valKind[v]]
		val := r.value(v)
		if reason, blocked := r.blockReason(k, val); blocked {
			r.block(v, k, val, reason)
			continue
		}
		n := int(r.valOff[v+1] - r.valOff[v])
		if c := r.cp.value[r.valKind[v]]; c > 0 && n > c {
			r.refuseValueCap(k, val, n)
			continue
		}
		r.active[v] = true
	}
}

// blockReason is the rule that blocks value val of kind k, a built-in one
// or [ReasonConfigured]; blocked is false when none does.
func (r *run) blockReason(k Kind, val string) (reason string, blocked bool) {
	if reason, blocked := BlockReason(k, val); blocked {
		return reason, true
	}
	if _, ok := r.cp.extra[val]; ok {
		return ReasonConfigured, true
	}
	return "", false
}

// block drops value v, of kind k and text val, for reason and emits its
// event with the number of links it removes.
func (r *run) block(v int, k Kind, val, reason string) {
	r.events = append(r.events, Event{Type: EventBlocked, Kind: k, ValueHash: HashValue(val),
		Links: int64(r.valLinks[v]), Reason: reason})
	r.stats.BlockedLinks += int(r.valLinks[v])
}

// refuseValueCap refuses value val of kind k, carried by n records, over
// its value cap and emits its event.
func (r *run) refuseValueCap(k Kind, val string, n int) {
	r.events = append(r.events, Event{Type: EventRefusedCap, Kind: k, ValueHash: HashValue(val),
		Records: int64(n), Reason: ReasonValueCap})
	r.stats.ValueCapRefused++
}

// indexRecordValues lists the active values of each record: those of
// record i are recVals[recOff[i]:recOff[i+1]].
func (r *run) indexRecordValues() {
	r.recOff = make([]int32, r.nrec+1)
	for _, p := range r.pairs {
		if r.active[p>>32] {
			r.recOff[uint32(p)+1]++
		}
	}
	for i := range r.nrec {
		r.recOff[i+1] += r.recOff[i]
	}
	r.recVals = make([]uint32, r.recOff[r.nrec])
	fill := slices.Clone(r.recOff[:r.nrec])
	for _, p := range r.pairs {
		if r.active[p>>32] {
			rec := uint32(p)
			r.recVals[fill[rec]] = uint32(p >> 32)
			fill[rec]++
		}
	}
}

// find returns the root of x, halving the path.
func (r *run) find(x int32) int32 {
	p := r.parent
	for {
		px := p[x]
		if px < 0 {
			return x
		}
		gx := p[px]
		if gx < 0 {
			return px
		}
		p[x] = gx
		x = gx
	}
}

// unionPass processes active values in id order and applies the person cap.
func (r *run) unionPass() {
	r.initSets()
	s := &unionScratch{
		rootMark: make([]uint32, r.nrec),
		vStamp:   make([]uint32, r.nval),
		pStamp:   make([]uint32, r.nval),
	}
	for v := range r.nval {
		if r.active[v] {
			r.unionValue(v, s)
		}
	}
}

// initSets makes every record a set of its own, with upper bounds of its
// distinct active values per kind.
func (r *run) initSets() {
	n := r.nrec
	r.parent = make([]int32, n)
	r.next = make([]int32, n)
	r.ub = make([]uint16, n*numKinds)
	for i := range n {
		r.parent[i] = -1
		r.next[i] = int32(i)
	}
	for _, p := range r.pairs {
		v := p >> 32
		if r.active[v] {
			c := &r.ub[int(uint32(p))*numKinds+int(r.valKind[v])]
			if *c < math.MaxUint16 {
				*c++
			}
		}
	}
}

// unionScratch is the working memory unionPass reuses from value to value:
// a mark equal to the current epoch means "seen", so nothing is cleared.
type unionScratch struct {
	roots    []int32
	rootMark []uint32 // per record root: epoch it was last listed
	vStamp   []uint32 // per value: epoch it was last counted in a union
	pStamp   []uint32 // per value: pEpoch it was last counted in a part
	epoch    uint32
	pEpoch   uint32
}

// unionValue joins the sets of active value v's records, unless that would
// exceed the person cap: then it refuses v.
func (r *run) unionValue(v int, s *unionScratch) {
	roots := r.distinctRoots(v, s)
	if len(roots) < 2 {
		return
	}
	k := int(r.valKind[v])
	merged, over := r.boundCounts(roots, k)
	if over {
		union, maxPart := r.exactCounts(roots, s)
		if refusedKind := r.capExceeded(union, maxPart); refusedKind >= 0 {
			r.refusePersonCap(v, k, refusedKind)
			return
		}
		merged = union
	}
	r.unite(roots, merged)
}

// distinctRoots lists the distinct roots of the sets of value v's records.
func (r *run) distinctRoots(v int, s *unionScratch) []int32 {
	s.epoch++
	epoch, roots := s.epoch, s.roots[:0]
	for _, p := range r.recsOf(v) {
		rt := r.find(int32(uint32(p)))
		if s.rootMark[rt] != epoch {
			s.rootMark[rt] = epoch
			roots = append(roots, rt)
		}
	}
	s.roots = roots
	return roots
}

// boundCounts is the upper bound of the merged counts per kind when value
// v of kind k joins the sets of roots: the sum of the parts, minus the
// copies of v itself. over reports that the bound exceeds a person cap or
// is no bound any more (a part's count saturated).
func (r *run) boundCounts(roots []int32, k int) (bound [numKinds]int, over bool) {
	for _, rt := range roots {
		for j := range numKinds {
			c := r.ub[int(rt)*numKinds+j]
			bound[j] += int(c)
			if c == math.MaxUint16 {
				over = true // saturated: not a bound any more
			}
		}
	}
	bound[k] -= len(roots) - 1
	for j := range numKinds {
		if c := r.cp.person[j]; c > 0 && bound[j] > c {
			over = true
		}
	}
	return bound, over
}

// exactCounts returns the distinct active values per kind of the union of
// the sets of roots, and the largest such count of any one of them.
func (r *run) exactCounts(roots []int32, s *unionScratch) (union, maxPart [numKinds]int) {
	s.epoch++
	epoch, vStamp, pStamp := s.epoch, s.vStamp, s.pStamp
	for _, rt := range roots {
		s.pEpoch++
		pEpoch := s.pEpoch
		var part [numKinds]int
		m := rt
		for {
			for _, w := range r.recVals[r.recOff[m]:r.recOff[m+1]] {
				wk := r.valKind[w]
				if vStamp[w] != epoch {
					vStamp[w] = epoch
					union[wk]++
				}
				if pStamp[w] != pEpoch {
					pStamp[w] = pEpoch
					part[wk]++
				}
			}
			m = r.next[m]
			if m == rt {
				break
			}
		}
		for j := range numKinds {
			maxPart[j] = max(maxPart[j], part[j])
		}
	}
	return union, maxPart
}

// capExceeded is the first kind whose person cap the union's counts exceed
// where no part alone did already, or -1.
func (r *run) capExceeded(union, maxPart [numKinds]int) int {
	for j := range numKinds {
		if c := r.cp.person[j]; c > 0 && union[j] > c && union[j] > maxPart[j] {
			return j
		}
	}
	return -1
}

// refusePersonCap refuses value v of kind k, whose union would exceed the
// person cap of refusedKind, and emits its event.
func (r *run) refusePersonCap(v, k, refusedKind int) {
	r.refused[v] = true
	r.stats.PersonCapRefused++
	r.events = append(r.events, Event{Type: EventRefusedCap, Kind: Kinds()[k], ValueHash: HashValue(r.value(v)),
		Records: int64(r.valOff[v+1] - r.valOff[v]), Reason: ReasonPersonCapPrefix + string(Kinds()[refusedKind])})
}

// unite joins the sets of roots and stores merged as the new set's counts.
func (r *run) unite(roots []int32, merged [numKinds]int) {
	root := roots[0]
	for _, rt := range roots[1:] {
		root = r.union(root, rt)
	}
	for j := range numKinds {
		r.ub[int(root)*numKinds+j] = uint16(min(merged[j], math.MaxUint16))
	}
}

// union joins the sets of roots a and b and returns the new root.
func (r *run) union(a, b int32) int32 {
	if r.parent[a] > r.parent[b] || (r.parent[a] == r.parent[b] && a > b) {
		a, b = b, a
	}
	r.parent[a] += r.parent[b]
	r.parent[b] = a
	r.next[a], r.next[b] = r.next[b], r.next[a]
	return a
}

// components numbers the sets of present records and finds each one's
// smallest record key.
func (r *run) components() {
	r.compOf = make([]int32, r.nrec)
	rootComp := make([]int32, r.nrec)
	for i := range rootComp {
		rootComp[i] = -1
	}
	for rec := range r.nrec {
		r.compOf[rec] = -1
		if !r.present[rec] {
			continue
		}
		rt := r.find(int32(rec))
		c := rootComp[rt]
		if c < 0 {
			c = int32(r.ncomp)
			rootComp[rt] = c
			r.compMin = append(r.compMin, int32(rec))
			r.ncomp++
		} else if r.recordKey(rec) < r.recordKey(int(r.compMin[c])) {
			r.compMin[c] = int32(rec)
		}
		r.compOf[rec] = c
	}
	r.ub = nil
}
