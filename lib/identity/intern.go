package identity

import (
	"cmp"
	"slices"
	"strings"
)

// keyFunc returns the key of item i: a small tag (0..7, ordered first) and a
// string.
type keyFunc func(i int) (uint8, string)

// orderKey is the 64-bit sort key of (tag, s): the tag in the top 3 bits,
// then the top 61 bits of the 64-bit FNV-1a hash of s. Distinct keys are
// ordered by orderKey, then by s in byte order.
func orderKey(tag uint8, s string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return uint64(tag)<<61 | h>>3
}

// intern gives every distinct key among items 0..n-1 a dense id, numbered
// in ascending (hash, string) order (hash is [orderKey] outside tests): the numbering depends only on the
// set of keys, never on the item order. It returns the id of every item
// and, per id, the index of one item carrying it.
//
// It groups by sorting (orderKey, index) pairs rather than through a map of
// strings, and compares strings only within runs of equal orderKey.
func intern(n int, key keyFunc, hash func(uint8, string) uint64) (ids []uint32, reps []int32) {
	hs := hashItems(n, key, hash)
	ids = make([]uint32, n)
	var local []int32 // distinct items of a run with more than one key
	for start := 0; start < n; {
		end := start + 1
		for end < n && hs[end].h == hs[start].h {
			end++
		}
		run := hs[start:end]
		start = end
		if !oneKey(run, key) {
			reps, local = internCollision(run, key, ids, reps, local)
			continue
		}
		// The usual case: one key, maybe repeated.
		g := uint32(len(reps))
		reps = append(reps, int32(run[0].i))
		for _, e := range run {
			ids[e.i] = g
		}
	}
	return ids, reps
}

// hashedItem is an item's index and the hash of its key.
type hashedItem struct {
	h uint64
	i uint32
}

// hashItems hashes the keys of items 0..n-1 and sorts them by hash.
func hashItems(n int, key keyFunc, hash func(uint8, string) uint64) []hashedItem {
	hs := make([]hashedItem, n)
	for i := range n {
		hs[i] = hashedItem{hash(key(i)), uint32(i)}
	}
	slices.SortFunc(hs, func(a, b hashedItem) int { return cmp.Compare(a.h, b.h) })
	return hs
}

// oneKey reports whether the items of run, of equal hashes, all have the
// same key string.
func oneKey(run []hashedItem, key keyFunc) bool {
	_, first := key(int(run[0].i))
	for _, e := range run[1:] {
		if _, s := key(int(e.i)); s != first {
			return false
		}
	}
	return true
}

// internCollision numbers the distinct keys of run, a hash collision, in
// string order after the ids given so far (one rep each), sets the ids of
// run's items, and returns reps and local, the scratch list it reuses.
func internCollision(run []hashedItem, key keyFunc, ids []uint32, reps, local []int32) ([]int32, []int32) {
	local = local[:0]
	for _, e := range run {
		_, s := key(int(e.i))
		if !slices.ContainsFunc(local, func(l int32) bool { _, ls := key(int(l)); return ls == s }) {
			local = append(local, int32(e.i))
		}
	}
	slices.SortFunc(local, func(a, b int32) int {
		_, sa := key(int(a))
		_, sb := key(int(b))
		return strings.Compare(sa, sb)
	})
	base := uint32(len(reps))
	reps = append(reps, local...)
	for _, e := range run {
		_, s := key(int(e.i))
		j := slices.IndexFunc(local, func(l int32) bool { _, ls := key(int(l)); return ls == s })
		ids[e.i] = base + uint32(j)
	}
	return reps, local
}
