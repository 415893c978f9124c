package store

import (
	"bytes"
	"testing"
)

// The kill itself is exercised by the crash harness's smoke test
// (jobs/command TestCrashSmoke), which runs the binary.
func TestFailpointSpecs(t *testing.T) {
	for _, spec := range []string{"trace", "kill-before:1", "kill-during:7", "kill-after:250"} {
		if _, err := withFailpoint(NewMem(), spec, &bytes.Buffer{}); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
	for _, spec := range []string{"1", "kill:3", "kill-before:0", "kill-before:x", "kill-now:3", "Trace", "before:3"} {
		if _, err := withFailpoint(NewMem(), spec, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", spec)
		}
	}
	if s, _ := withFailpoint(NewMem(), "", nil); s == nil {
		t.Error("no store without a spec")
	} else if _, ok := s.(*failpoint); ok {
		t.Error("an empty spec wraps the store")
	}
}

// TestFailpointTrace: every mutating call, conditional ones included, is
// counted and logged with its key; reads are not.
func TestFailpointTrace(t *testing.T) {
	var log bytes.Buffer
	s, err := withFailpoint(NewMem(), "trace", &log)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := PutBytes(ctx, s, "a/part", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := GetBytes(ctx, s, "a/part"); err != nil {
		t.Fatal(err)
	}
	c, ok := s.(Conditional)
	if !ok {
		t.Fatal("the failpoint store is not Conditional")
	}
	tag, err := c.Create(ctx, "locks/x", []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	if tag, err = c.Replace(ctx, "locks/x", tag, []byte("2")); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, "locks/x", tag); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a/part"); err != nil {
		t.Fatal(err)
	}
	want := "segmint-failpoint: 1 put a/part\nsegmint-failpoint: 2 create locks/x\nsegmint-failpoint: 3 replace locks/x\n" +
		"segmint-failpoint: 4 remove locks/x\nsegmint-failpoint: 5 delete a/part\n"
	if got := log.String(); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	if _, ok := s.(TempRemover); !ok {
		t.Error("the failpoint store hides TempRemover")
	}
}
