package customerview

import (
	"testing"
	"unsafe"
)

// TestLineRecSize guards unify's memory budget (README, Performance): a
// line takes 56 bytes however long its texts, and per-product attributes
// such as the category are looked up through the product's text id, never
// stored per line.
func TestLineRecSize(t *testing.T) {
	if n := unsafe.Sizeof(lineRec{}); n != 56 {
		t.Errorf("a line takes %d bytes, want 56", n)
	}
}
