package rundatetest_test

import (
	"testing"

	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// fatalRecorder is a testing.TB whose Fatal only records that it was called.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (r *fatalRecorder) Fatal(...any) { r.failed = true }

func TestParse(t *testing.T) {
	if got := rundatetest.Parse(t, "2010-12-09").String(); got != "2010-12-09" {
		t.Errorf("Parse(2010-12-09) = %s", got)
	}
	for _, bad := range []string{"", "2010-13-01", "09.12.2010"} {
		r := &fatalRecorder{TB: t}
		if d := rundatetest.Parse(r, bad); !r.failed || !d.IsZero() {
			t.Errorf("Parse(%q) = %v and failed %v, want a failed test", bad, d, r.failed)
		}
	}
}
