package logtest_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/segmint/segmint/lib/logging/logtest"
)

// TestSyncBufferKeepsEveryWrite: concurrent writers lose no line (run
// with -race to check the locking too).
func TestSyncBufferKeepsEveryWrite(t *testing.T) {
	var b logtest.SyncBuffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if _, err := b.Write([]byte("line\n")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n := strings.Count(b.String(), "line\n"); n != 800 {
		t.Errorf("%d lines, want 800", n)
	}
}
