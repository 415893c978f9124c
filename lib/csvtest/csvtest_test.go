package csvtest_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/segmint/segmint/lib/csvtest"
)

// fatalRecorder is a testing.TB whose Fatal and Fatalf only record that
// they were called.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (r *fatalRecorder) Fatal(...any)          { r.failed = true }
func (r *fatalRecorder) Fatalf(string, ...any) { r.failed = true }

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("a,b\n1,\"x, y\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := csvtest.ReadFile(t, good), [][]string{{"a", "b"}, {"1", "x, y"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ReadFile = %q, want %q", got, want)
	}
	ragged := filepath.Join(dir, "ragged.csv")
	if err := os.WriteFile(ragged, []byte("a,b\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{ragged, filepath.Join(dir, "missing.csv")} {
		r := &fatalRecorder{TB: t}
		if csvtest.ReadFile(r, path); !r.failed {
			t.Errorf("ReadFile(%s) did not fail the test", filepath.Base(path))
		}
	}
}
