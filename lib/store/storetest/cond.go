package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/segmint/segmint/lib/store"
)

// conditional is s as a store.Conditional, or skips the test.
func conditional(t *testing.T, s store.Store) store.Conditional {
	t.Helper()
	c, ok := s.(store.Conditional)
	if !ok {
		t.Skipf("%T writes no conditional objects", s)
	}
	return c
}

// testConditional: Create only where nothing is, Replace and Remove only
// of the version read.
func testConditional(t *testing.T, s store.Store, p string) {
	c, ctx, key := conditional(t, s), ctxFor(t), p+"lock.json"
	tag1, err := c.Create(ctx, key, []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, key, []byte("two")); !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("create over an object: %v, want ErrPrecondition", err)
	}
	b, tag, err := c.Read(ctx, key)
	if err != nil || string(b) != "one" || tag != tag1 {
		t.Fatalf("read %q %q %v, want one %q", b, tag, err, tag1)
	}
	tag2, err := c.Replace(ctx, key, tag1, []byte("three"))
	if err != nil || tag2 == tag1 {
		t.Fatalf("replace: %q %v", tag2, err)
	}
	if _, err := c.Replace(ctx, key, tag1, []byte("four")); !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("replace of a stale tag: %v, want ErrPrecondition", err)
	}
	if err := c.Remove(ctx, key, tag1); !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("remove of a stale tag: %v, want ErrPrecondition", err)
	}
	if got := get(t, s, key); string(got) != "three" {
		t.Fatalf("after refused writes: %q, want three", got)
	}
	if err := c.Remove(ctx, key, tag2); err != nil {
		t.Fatal(err)
	}
	mustMissing(t, s, key)
	if _, _, err := c.Read(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("read after remove: %v, want ErrNotFound", err)
	}
	if _, err := c.Replace(ctx, key, tag2, []byte("five")); !errors.Is(err, store.ErrPrecondition) {
		t.Errorf("replace of a missing key: %v, want ErrPrecondition", err)
	}
	if err := c.Remove(ctx, key, tag2); err != nil {
		t.Errorf("remove of a missing key: %v", err)
	}
}

// testConditionalRace: of writers racing to create a key, then to replace
// the version they all read, exactly one wins each time.
func testConditionalRace(t *testing.T, s store.Store, p string) {
	c, ctx, key := conditional(t, s), ctxFor(t), p+"lock.json"
	const n = 8
	race := func(write func(i int) error) int {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { errs[i] = write(i) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrPrecondition):
				t.Errorf("a losing writer: %v, want ErrPrecondition", err)
			}
		}
		return won
	}
	if won := race(func(i int) error {
		_, err := c.Create(ctx, key, fmt.Appendf(nil, "create %d", i))
		return err
	}); won != 1 {
		t.Fatalf("%d creates won, want 1", won)
	}
	_, tag, err := c.Read(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if won := race(func(i int) error {
		_, err := c.Replace(ctx, key, tag, fmt.Appendf(nil, "replace %d", i))
		return err
	}); won != 1 {
		t.Fatalf("%d replaces won, want 1", won)
	}
}
