package identity

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// assignIDs gives every component its customer id and first-seen date and
// emits merge and split events (see the package documentation).
func (r *run) assignIDs(day time.Time) {
	ids := r.internPrevIDs()
	agg := r.claims(ids.recCid)
	h := r.survivors(agg, r.holders(agg, ids), ids)
	r.newIDs(h, ids, day)
	r.mergeEvents(h, ids)
}

// prevIDs are the distinct customer ids of the previous assignment, as
// dense numbers in [intern] order.
type prevIDs struct {
	prev   []Assignment
	rep    []int32     // per id: a previous row carrying it
	fs     []time.Time // per id: its earliest first-seen day
	recCid []int32     // per record: its previous id, or -1
}

// internPrevIDs numbers the previous ids and finds each one's first-seen
// day and each record's previous id.
func (r *run) internPrevIDs() *prevIDs {
	cidOf, cidRep := intern(len(r.prev), func(i int) (uint8, string) { return 0, r.prev[i].CustomerID }, orderKey)
	ids := &prevIDs{prev: r.prev, rep: cidRep, fs: make([]time.Time, len(cidRep))}
	for i, p := range r.prev {
		c, d := cidOf[i], civilDay(p.FirstSeen)
		if ids.fs[c].IsZero() || d.Before(ids.fs[c]) {
			ids.fs[c] = d
		}
	}
	ids.recCid = make([]int32, r.nrec)
	for i := range ids.recCid {
		ids.recCid[i] = -1
	}
	for i := range r.prev {
		ids.recCid[r.prevRec[i]] = int32(cidOf[i])
	}
	return ids
}

// n is the number of distinct previous ids.
func (p *prevIDs) n() int { return len(p.rep) }

// str is the text of previous id c.
func (p *prevIDs) str(c int32) string { return p.prev[p.rep[c]].CustomerID }

// older reports whether previous id a is older than b.
func (p *prevIDs) older(a, b int32) bool {
	if !p.fs[a].Equal(p.fs[b]) {
		return p.fs[a].Before(p.fs[b])
	}
	return p.str(a) < p.str(b)
}

// claim is a previous id claimed by a component through n of its records.
type claim struct{ cid, comp, n int32 }

// claims lists the (previous id, component) claims with their numbers of
// records, ordered by id, then component.
func (r *run) claims(recCid []int32) []claim {
	var claims []uint64
	for rec := range r.nrec {
		if c := recCid[rec]; c >= 0 && r.compOf[rec] >= 0 {
			claims = append(claims, uint64(c)<<32|uint64(r.compOf[rec]))
		}
	}
	slices.Sort(claims)
	var agg []claim
	for _, c := range claims {
		cid, comp := int32(c>>32), int32(uint32(c))
		if l := len(agg); l > 0 && agg[l-1].cid == cid && agg[l-1].comp == comp {
			agg[l-1].n++
			continue
		}
		agg = append(agg, claim{cid, comp, 1})
	}
	return agg
}

// holders returns, per previous id, the component holding it (the one
// claiming it through the most records, then the one with the smallest
// record key), or -1.
func (r *run) holders(agg []claim, ids *prevIDs) []int32 {
	holder := make([]int32, ids.n())
	for i := range holder {
		holder[i] = -1
	}
	best := make([]int32, ids.n())
	for _, c := range agg {
		h := holder[c.cid]
		if h < 0 || c.n > best[c.cid] ||
			c.n == best[c.cid] && r.recordKey(int(r.compMin[c.comp])) < r.recordKey(int(r.compMin[h])) {
			holder[c.cid], best[c.cid] = c.comp, c.n
		}
	}
	return holder
}

// holding says which previous ids the components keep and lose.
type holding struct {
	holder   []int32 // per previous id: the component holding it, or -1
	survivor []int32 // per component: the oldest id it holds, or -1
	lost     []int32 // per component: the oldest id it claims but another holds, or -1
	held     []claim // held ids of components holding more than one
}

// survivors works out from the claims and the holders what every
// component keeps and loses.
func (r *run) survivors(agg []claim, holder []int32, ids *prevIDs) holding {
	h := holding{holder: holder, survivor: make([]int32, r.ncomp), lost: make([]int32, r.ncomp)}
	for i := range h.survivor {
		h.survivor[i], h.lost[i] = -1, -1
	}
	for _, c := range agg {
		if h.holder[c.cid] != c.comp {
			if l := h.lost[c.comp]; l < 0 || ids.older(c.cid, l) {
				h.lost[c.comp] = c.cid
			}
			continue
		}
		s := h.survivor[c.comp]
		if s >= 0 {
			h.held = append(h.held, c)
		}
		if s < 0 || ids.older(c.cid, s) {
			h.survivor[c.comp] = c.cid
		}
	}
	return h
}

// newIDs gives every component its surviving id, or a new id first seen
// on day with a split event when it lost its id to another component.
func (r *run) newIDs(h holding, ids *prevIDs, day time.Time) {
	r.compID = make([]string, r.ncomp)
	r.compFS = make([]time.Time, r.ncomp)
	taken := takenIDNumbers(ids, r.ncomp)
	for comp := range r.ncomp {
		if s := h.survivor[comp]; s >= 0 {
			r.compID[comp], r.compFS[comp] = ids.str(s), ids.fs[s]
			continue
		}
		id := formatID(freeIDNumber(r.recordKey(int(r.compMin[comp])), taken))
		r.compID[comp], r.compFS[comp] = id, day
		if l := h.lost[comp]; l >= 0 {
			r.events = append(r.events, Event{Type: EventSplit, CustomerID: id, OtherID: ids.str(l), Reason: ReasonSplit})
			r.stats.Splits++
		}
	}
}

// takenIDNumbers is the set of the numbers of the previous ids of the
// new-id shape, sized for extra more. A new id is "cus_" + 16 hex digits,
// so its 64-bit number identifies it; previous ids of another shape can
// never collide with one.
func takenIDNumbers(ids *prevIDs, extra int) map[uint64]struct{} {
	taken := make(map[uint64]struct{}, ids.n()+extra)
	for c := range ids.n() {
		if x, ok := newIDNumber(ids.str(int32(c))); ok {
			taken[x] = struct{}{}
		}
	}
	return taken
}

// freeIDNumber is the first new-id number derived from key that is not
// taken, and adds it to taken.
func freeIDNumber(key string, taken map[uint64]struct{}) uint64 {
	x := newIDNumber64(key, 0)
	for n := 1; ; n++ {
		if _, ok := taken[x]; !ok {
			break
		}
		x = newIDNumber64(key, n)
	}
	taken[x] = struct{}{}
	return x
}

// mergeEvents emits the merges: in every component holding more than one
// id, each held id but the survivor is absorbed.
func (r *run) mergeEvents(h holding, ids *prevIDs) {
	var mergeComps []int32
	for _, c := range h.held {
		mergeComps = append(mergeComps, c.comp)
	}
	slices.Sort(mergeComps)
	for _, comp := range slices.Compact(mergeComps) {
		s := h.survivor[comp]
		var absorbed []int32
		for _, c := range r.heldBy(comp, ids.recCid, h.holder) {
			if c != s {
				absorbed = append(absorbed, c)
			}
		}
		bridges := r.bridges(comp, s, absorbed, ids.recCid)
		for x, a := range absorbed {
			v := int(bridges[x])
			r.events = append(r.events, Event{Type: EventMerge, CustomerID: ids.str(s), OtherID: ids.str(a),
				Kind: Kinds()[r.valKind[v]], ValueHash: HashValue(r.value(v)), Reason: ReasonMerge})
			r.stats.Merges++
		}
	}
}

// newIDNumber64 is the number of the new id derived from a record key: the
// first 8 bytes of SHA-256 of the key (n = 0) or of key + "\x00" + n.
func newIDNumber64(key string, n int) uint64 {
	in := key
	if n > 0 {
		in = key + "\x00" + strconv.Itoa(n)
	}
	s := sha256.Sum256([]byte(in))
	return binary.BigEndian.Uint64(s[:8])
}

// formatID is the id string of a new-id number: "cus_" + 16 hex digits.
func formatID(x uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], x)
	return "cus_" + hex.EncodeToString(b[:])
}

// newIDNumber parses an id of the new-id shape ("cus_" + 16 lower-case hex
// digits).
func newIDNumber(id string) (uint64, bool) {
	h, ok := strings.CutPrefix(id, "cus_")
	if !ok || len(h) != 16 {
		return 0, false
	}
	var b [8]byte
	if _, err := hex.Decode(b[:], []byte(h)); err != nil || hex.EncodeToString(b[:]) != h {
		return 0, false
	}
	return binary.BigEndian.Uint64(b[:]), true
}

// members lists the records of component comp.
func (r *run) members(comp int32) []int32 {
	rt := r.find(r.compMin[comp])
	var out []int32
	for m := rt; ; {
		out = append(out, m)
		m = r.next[m]
		if m == rt {
			break
		}
	}
	return out
}

// heldBy lists, ascending, the previous ids held by component comp.
func (r *run) heldBy(comp int32, recCid, holder []int32) []int32 {
	var out []int32
	for _, m := range r.members(comp) {
		if c := recCid[m]; c >= 0 && holder[c] == comp && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// bridges replays the accepted unions inside component comp in processing
// order and returns, per absorbed id, the first value whose union put one of
// its records in one set with a record of the survivor s.
func (r *run) bridges(comp, s int32, absorbed []int32, recCid []int32) []uint32 {
	mem := r.members(comp)
	ls := newLocalSets(mem, s, absorbed, recCid)
	out := make([]uint32, len(absorbed))
	done := make([]bool, len(absorbed))
	left := len(absorbed)
	for _, v := range r.acceptedValues(mem) {
		if left == 0 {
			break
		}
		root := ls.unionRecords(r.recsOf(int(v)))
		if !slices.Contains(ls.sets[root], s) {
			continue
		}
		for x, a := range absorbed {
			if !done[x] && slices.Contains(ls.sets[root], a) {
				out[x], done[x] = v, true
				left--
			}
		}
	}
	return out
}

// acceptedValues lists, ascending, the values of the records mem that the
// person cap did not refuse.
func (r *run) acceptedValues(mem []int32) []uint32 {
	var vals []uint32
	for _, m := range mem {
		for _, w := range r.recVals[r.recOff[m]:r.recOff[m+1]] {
			if !r.refused[w] {
				vals = append(vals, w)
			}
		}
	}
	slices.Sort(vals)
	return slices.Compact(vals)
}

// localSets is a union-find over the records of one component, numbered
// locally, each set carrying the previous ids (survivor or absorbed) of its
// records.
type localSets struct {
	local  map[int32]int32 // record id -> local number
	parent []int32
	sets   [][]int32 // previous ids per local root
}

// newLocalSets makes every record of mem a set of its own, carrying its
// previous id when that is s or absorbed.
func newLocalSets(mem []int32, s int32, absorbed, recCid []int32) *localSets {
	ls := &localSets{local: make(map[int32]int32, len(mem)), parent: make([]int32, len(mem)), sets: make([][]int32, len(mem))}
	for i, m := range mem {
		ls.local[m] = int32(i)
		ls.parent[i] = int32(i)
		if c := recCid[m]; c == s || slices.Contains(absorbed, c) {
			ls.sets[i] = []int32{c}
		}
	}
	return ls
}

// find returns the root of local x, halving the path.
func (ls *localSets) find(x int32) int32 {
	for ls.parent[x] != x {
		ls.parent[x] = ls.parent[ls.parent[x]]
		x = ls.parent[x]
	}
	return x
}

// unionRecords joins the sets of the records of recs (pair words) into the
// set of the first and returns its root.
func (ls *localSets) unionRecords(recs []uint64) int32 {
	root := ls.find(ls.local[int32(uint32(recs[0]))])
	for _, p := range recs[1:] {
		o := ls.find(ls.local[int32(uint32(p))])
		if o == root {
			continue
		}
		ls.parent[o] = root
		for _, c := range ls.sets[o] {
			if !slices.Contains(ls.sets[root], c) {
				ls.sets[root] = append(ls.sets[root], c)
			}
		}
		ls.sets[o] = nil
	}
	return root
}

// result assembles the output rows, sorted events and stats.
func (r *run) result() Result {
	n := 0
	for _, p := range r.present {
		if p {
			n++
		}
	}
	res := Result{Assignments: make([]Assignment, 0, n)}
	for rec := range r.nrec {
		c := r.compOf[rec]
		if c < 0 {
			continue
		}
		res.Assignments = append(res.Assignments, Assignment{RecordKey: r.recordKey(rec), CustomerID: r.compID[c], FirstSeen: r.compFS[c]})
	}
	slices.SortFunc(r.events, compareEvents)
	res.Events = r.events
	r.stats.Links = len(r.links)
	r.stats.Records = len(res.Assignments)
	r.stats.Customers = r.ncomp // ids are distinct per component
	r.stats.Identifiers = r.nval
	res.Stats = r.stats
	return res
}

func compareEvents(a, b Event) int {
	return cmp.Or(
		strings.Compare(a.Type, b.Type),
		strings.Compare(a.CustomerID, b.CustomerID),
		strings.Compare(a.OtherID, b.OtherID),
		cmp.Compare(kindIndex(a.Kind), kindIndex(b.Kind)),
		strings.Compare(a.ValueHash, b.ValueHash),
		strings.Compare(a.Reason, b.Reason),
	)
}
