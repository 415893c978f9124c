package audience

import "sort"

// Merges maps a customer id absorbed by identity resolution to the id that
// absorbed it, over the nights between two snapshots. Resolve follows
// chains (a into b, later b into c).
type Merges map[string]string

// Resolve is the id that id goes by now.
func (m Merges) Resolve(id string) string {
	for i := 0; i <= len(m); i++ { // a chain is at most len(m) long; a cycle ends here
		next, ok := m[id]
		if !ok || next == id {
			return id
		}
		id = next
	}
	return id
}

// Change is one person who entered or left a segment between two
// snapshots. CustomerID is the id the person goes by tonight; Previous is
// the id they had in the previous snapshot when it differs (a merge).
type Change struct {
	CustomerID string
	Previous   string
}

// Diff compares the members of the previous snapshot with tonight's
// (both distinct ids), identifying persons across merges: a previous
// member whose id now resolves to a member of tonight is no change. It
// returns the adds and removes in id order, and, for every member of
// tonight, the previous members' ids merged into it (when they differ
// from its own).
func Diff(prev, now []string, merges Merges) (adds, removes []Change, mergedFrom map[string][]string) {
	tonight := make(map[string]bool, len(now))
	for _, id := range now {
		tonight[id] = true
	}
	was := make(map[string]bool, len(prev))
	mergedFrom = map[string][]string{}
	for _, p := range prev {
		cur := merges.Resolve(p)
		was[cur] = true
		switch {
		case !tonight[cur]:
			removes = append(removes, changeOf(cur, p))
		case cur != p:
			mergedFrom[cur] = append(mergedFrom[cur], p)
		}
	}
	for _, id := range now {
		if !was[id] {
			adds = append(adds, Change{CustomerID: id})
		}
	}
	sortChanges(adds)
	sortChanges(removes)
	for _, ids := range mergedFrom {
		sort.Strings(ids)
	}
	return adds, removes, mergedFrom
}

// changeOf is a change of the person now called cur, previously prev.
func changeOf(cur, prev string) Change {
	c := Change{CustomerID: cur}
	if cur != prev {
		c.Previous = prev
	}
	return c
}

// sortChanges orders changes by id, then previous id.
func sortChanges(cs []Change) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].CustomerID != cs[j].CustomerID {
			return cs[i].CustomerID < cs[j].CustomerID
		}
		return cs[i].Previous < cs[j].Previous
	})
}
