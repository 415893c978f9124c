package segrule

import "strings"

// didYouMean returns ` (did you mean "x"?)` for the candidate x nearest to
// name by edit distance, ignoring case, when it is close: at most one edit
// per three characters of name (and at least one). Ties go to the first
// candidate. It returns "" when none is close.
func didYouMean(name string, candidates []string) string {
	best, bestDist := "", max(1, len(name)/3)+1
	for _, cand := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(cand)); d < bestDist {
			best, bestDist = cand, d
		}
	}
	if best == "" {
		return ""
	}
	return ` (did you mean "` + best + `"?)`
}

// editDistance is the Levenshtein distance between a and b, in bytes
// (rule text outside strings is ASCII): the fewest insertions, deletions
// and substitutions that turn a into b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
