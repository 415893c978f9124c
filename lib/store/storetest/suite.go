// Package storetest is the conformance suite every store.Store
// implementation must pass.
//
// The suite writes only under a fresh random key prefix per run (and a
// sub-prefix per subtest), so it can run against a shared bucket; it deletes
// what it wrote when it ends.
//
// List is a plain string-prefix match on keys, the way S3 does it: "raw/"
// lists "raw/a" but not "rawx/a", while "raw" lists both, and
// "dt=2010-01-0" lists "dt=2010-01-01/..." but not "dt=2010-01-10/...".
//
// Keys is a helper for the tests of packages that use a store.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/store"
)

// BigSize is the size of the large object the suite writes: over 10 MiB,
// so S3 uploads it in several parts.
const BigSize = 10<<20 + 12345

// Run runs the whole conformance suite against s as subtests of t.
func Run(t *testing.T, s store.Store) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	base := "storetest-" + hex.EncodeToString(b[:]) + "/"
	t.Cleanup(func() { cleanup(t, s, base) })

	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, p string)
	}{
		{"RoundTrip", testRoundTrip},
		{"Empty", testEmpty},
		{"Big", testBig},
		{"Overwrite", testOverwrite},
		{"Stat", testStat},
		{"List", testList},
		{"Missing", testMissing},
		{"DeleteMissing", testDeleteMissing},
		{"Delete", testDelete},
		{"FailedPutKeepsOld", testFailedPut},
		{"InvalidKeys", testInvalidKeys},
		{"CancelledContext", testCancelled},
		{"Conditional", testConditional},
		{"ConditionalRace", testConditionalRace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, s, base+tc.name+"/") })
	}
}

// cleanup deletes everything under base; failures are only logged.
func cleanup(t *testing.T, s store.Store, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	infos, err := s.List(ctx, base)
	if err != nil {
		t.Logf("cleanup %s: %v", base, err)
		return
	}
	for _, in := range infos {
		if err := s.Delete(ctx, in.Key); err != nil {
			t.Logf("cleanup: %v", err)
		}
	}
}

// Keys lists the keys under prefix in s (store.Keys), sorted, and fails the
// test on an error.
func Keys(t testing.TB, s store.Store, prefix string) []string {
	t.Helper()
	keys, err := store.Keys(t.Context(), s, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, s store.Store, key string, data []byte) {
	t.Helper()
	if err := store.PutBytes(ctxFor(t), s, key, data); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func get(t *testing.T, s store.Store, key string) []byte {
	t.Helper()
	b, err := store.GetBytes(ctxFor(t), s, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return b
}

func mustMissing(t *testing.T, s store.Store, key string) {
	t.Helper()
	ctx := ctxFor(t)
	rc, err := s.Get(ctx, key)
	if err == nil {
		rc.Close()
		t.Fatalf("get %s: got an object, want ErrNotFound", key)
	}
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get %s: %v, want ErrNotFound", key, err)
	}
	// Readers through interfaces of their own (models/registry) tell a
	// missing object by fs.ErrNotExist.
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("get %s: %v does not match fs.ErrNotExist", key, err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat %s: %v, want ErrNotFound", key, err)
	}
}

func keysOf(infos []store.Info) []string {
	keys := make([]string, len(infos))
	for i, in := range infos {
		keys[i] = in.Key
	}
	return keys
}

// onlyReader hides every method but Read (no Seek, no WriterTo, no Len), so
// stores must stream.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func testRoundTrip(t *testing.T, s store.Store, p string) {
	want := []byte("hello, segmint\n")
	key := p + "dir/sub/hello.txt"
	put(t, s, key, want)
	if got := get(t, s, key); !bytes.Equal(got, want) {
		t.Fatalf("get = %q, want %q", got, want)
	}
	// A plain streaming reader works too.
	key2 := p + "stream.bin"
	if err := s.Put(ctxFor(t), key2, onlyReader{strings.NewReader("streamed")}); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, key2); string(got) != "streamed" {
		t.Fatalf("get = %q, want %q", got, "streamed")
	}
}

func testEmpty(t *testing.T, s store.Store, p string) {
	key := p + "empty"
	put(t, s, key, nil)
	if got := get(t, s, key); len(got) != 0 {
		t.Fatalf("get empty = %d bytes", len(got))
	}
	in, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if in.Size != 0 {
		t.Fatalf("stat size = %d, want 0", in.Size)
	}
	infos, err := s.List(ctxFor(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysOf(infos), []string{key}) {
		t.Fatalf("list = %v, want [%s]", keysOf(infos), key)
	}
}

func testBig(t *testing.T, s store.Store, p string) {
	want := make([]byte, BigSize)
	rng := mrand.NewChaCha8([32]byte{1, 2, 3})
	_, _ = rng.Read(want)
	key := p + "big.bin"
	if err := s.Put(ctxFor(t), key, onlyReader{bytes.NewReader(want)}); err != nil {
		t.Fatal(err)
	}
	in, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if in.Size != BigSize {
		t.Fatalf("stat size = %d, want %d", in.Size, BigSize)
	}
	got := get(t, s, key)
	if !bytes.Equal(got, want) {
		t.Fatalf("big object differs (got %d bytes, want %d)", len(got), len(want))
	}
}

func testOverwrite(t *testing.T, s store.Store, p string) {
	key := p + "obj"
	put(t, s, key, []byte("first version, the longer one"))
	put(t, s, key, []byte("second"))
	if got := get(t, s, key); string(got) != "second" {
		t.Fatalf("get = %q, want %q", got, "second")
	}
	in, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if in.Size != int64(len("second")) {
		t.Fatalf("stat size = %d, want %d", in.Size, len("second"))
	}
	infos, err := s.List(ctxFor(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Size != int64(len("second")) {
		t.Fatalf("list after overwrite = %+v", infos)
	}
}

func testStat(t *testing.T, s store.Store, p string) {
	key := p + "a/b.txt"
	data := bytes.Repeat([]byte("x"), 1234)
	before := time.Now().Add(-time.Hour) // servers' clocks may differ a little
	put(t, s, key, data)
	in, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if in.Key != key {
		t.Errorf("stat key = %q, want %q", in.Key, key)
	}
	if in.Size != 1234 {
		t.Errorf("stat size = %d, want 1234", in.Size)
	}
	if in.ModTime.Before(before) || in.ModTime.After(time.Now().Add(time.Hour)) {
		t.Errorf("stat modtime = %v, not near now", in.ModTime)
	}
}

func testList(t *testing.T, s store.Store, p string) {
	keys := []string{
		"raw/a/x.csv",
		"raw/b.csv",
		"rawx/y.csv",
		"raw.txt",
		"dt=2010-01-01/part-0",
		"dt=2010-01-02/part-0",
		"dt=2010-01-02/part-1",
		"dt=2010-01-10/part-0",
		// Byte order, not directory order: '-' < '.' < '/'.
		"s/a/b",
		"s/a.txt",
		"s/a-c",
	}
	for i, k := range keys {
		put(t, s, p+k, bytes.Repeat([]byte("d"), i))
	}
	cases := []struct {
		prefix string
		want   []string
	}{
		{"raw/", []string{"raw/a/x.csv", "raw/b.csv"}},
		{"raw", []string{"raw.txt", "raw/a/x.csv", "raw/b.csv", "rawx/y.csv"}},
		{"raw/a/", []string{"raw/a/x.csv"}},
		{"dt=2010-01-0", []string{"dt=2010-01-01/part-0", "dt=2010-01-02/part-0", "dt=2010-01-02/part-1"}},
		{"dt=2010-01-02/", []string{"dt=2010-01-02/part-0", "dt=2010-01-02/part-1"}},
		{"s/", []string{"s/a-c", "s/a.txt", "s/a/b"}},
		{"s/a/b", []string{"s/a/b"}},
		{"nothing/", nil},
		{"nothing", nil},
		{"raw/b.csv/", nil},
	}
	ctx := ctxFor(t)
	for _, c := range cases {
		infos, err := s.List(ctx, p+c.prefix)
		if err != nil {
			t.Fatalf("list %q: %v", c.prefix, err)
		}
		var want []string
		for _, w := range c.want {
			want = append(want, p+w)
		}
		got := keysOf(infos)
		if len(got) != 0 || len(want) != 0 {
			if !slices.Equal(got, want) {
				t.Errorf("list %q = %v, want %v", c.prefix, got, want)
			}
		}
	}
	// Whole namespace: everything, sorted, with the sizes written.
	infos, err := s.List(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(keys) {
		t.Fatalf("list all = %d objects, want %d", len(infos), len(keys))
	}
	if !slices.IsSortedFunc(infos, func(a, b store.Info) int { return strings.Compare(a.Key, b.Key) }) {
		t.Errorf("list all not sorted: %v", keysOf(infos))
	}
	for _, in := range infos {
		i := slices.Index(keys, strings.TrimPrefix(in.Key, p))
		if i < 0 || in.Size != int64(i) {
			t.Errorf("list all: %s size %d unexpected", in.Key, in.Size)
		}
	}
}

func testMissing(t *testing.T, s store.Store, p string) {
	mustMissing(t, s, p+"never/written")
	// A "directory" above an object is no object.
	put(t, s, p+"dir/x", []byte("x"))
	mustMissing(t, s, p+"dir")
	// Nor is a path below an object.
	mustMissing(t, s, p+"dir/x/y")
}

func testDeleteMissing(t *testing.T, s store.Store, p string) {
	if err := s.Delete(ctxFor(t), p+"never/written"); err != nil {
		t.Fatalf("delete missing: %v", err)
	}
}

func testDelete(t *testing.T, s store.Store, p string) {
	put(t, s, p+"a/b/c", []byte("c"))
	put(t, s, p+"a/keep", []byte("k"))
	if err := s.Delete(ctxFor(t), p+"a/b/c"); err != nil {
		t.Fatal(err)
	}
	mustMissing(t, s, p+"a/b/c")
	infos, err := s.List(ctxFor(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{p + "a/keep"}; !slices.Equal(keysOf(infos), want) {
		t.Fatalf("list after delete = %v, want %v", keysOf(infos), want)
	}
	if got := get(t, s, p+"a/keep"); string(got) != "k" {
		t.Fatalf("sibling = %q", got)
	}
	// Deleting twice is fine, and a key can be written again afterwards.
	if err := s.Delete(ctxFor(t), p+"a/b/c"); err != nil {
		t.Fatalf("delete again: %v", err)
	}
	put(t, s, p+"a/b/c", []byte("again"))
	if got := get(t, s, p+"a/b/c"); string(got) != "again" {
		t.Fatalf("get after re-put = %q", got)
	}
}

// failingReader yields some bytes, then an error.
type failingReader struct{ n int }

var errBoom = errors.New("boom: reader failed")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errBoom
	}
	n := min(len(p), f.n)
	for i := range n {
		p[i] = 'z'
	}
	f.n -= n
	return n, nil
}

func testFailedPut(t *testing.T, s store.Store, p string) {
	key := p + "obj"
	put(t, s, key, []byte("old"))
	if err := s.Put(ctxFor(t), key, &failingReader{n: 100 << 10}); err == nil {
		t.Fatal("put from a failing reader succeeded")
	}
	if got := get(t, s, key); string(got) != "old" {
		t.Fatalf("after failed put get = %q, want %q", got, "old")
	}
	fresh := p + "fresh"
	if err := s.Put(ctxFor(t), fresh, &failingReader{n: 10}); err == nil {
		t.Fatal("put from a failing reader succeeded")
	}
	mustMissing(t, s, fresh)
	infos, err := s.List(ctxFor(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{key}; !slices.Equal(keysOf(infos), want) {
		t.Fatalf("list after failed puts = %v, want %v", keysOf(infos), want)
	}
}

func testInvalidKeys(t *testing.T, s store.Store, p string) {
	ctx := ctxFor(t)
	bad := []string{"", "/abs", "trail/", "a//b", "./a", "a/./b", "a/../b", "..", p + "../x"}
	for _, k := range bad {
		if err := s.Put(ctx, k, strings.NewReader("x")); err == nil {
			t.Errorf("put %q: no error", k)
		}
		rc, err := s.Get(ctx, k)
		if err == nil {
			rc.Close()
			t.Errorf("get %q: no error", k)
		} else if errors.Is(err, store.ErrNotFound) {
			t.Errorf("get %q: %v; want a key error, not ErrNotFound", k, err)
		}
		if _, err := s.Stat(ctx, k); err == nil {
			t.Errorf("stat %q: no error", k)
		}
		if err := s.Delete(ctx, k); err == nil {
			t.Errorf("delete %q: no error", k)
		}
	}
	infos, err := s.List(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 0 {
		t.Fatalf("invalid puts left objects: %v", keysOf(infos))
	}
}

func testCancelled(t *testing.T, s store.Store, p string) {
	key := p + "exists"
	put(t, s, key, []byte("x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	check := func(op string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s with cancelled context: no error", op)
		} else if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with cancelled context: %v, want context.Canceled", op, err)
		}
	}
	check("put", s.Put(ctx, p+"new", strings.NewReader("data")))
	rc, err := s.Get(ctx, key)
	if err == nil {
		rc.Close()
	}
	check("get", err)
	_, err = s.Stat(ctx, key)
	check("stat", err)
	_, err = s.List(ctx, p)
	check("list", err)
	check("delete", s.Delete(ctx, key))

	// Nothing changed.
	mustMissing(t, s, p+"new")
	if got := get(t, s, key); string(got) != "x" {
		t.Fatalf("after cancelled delete get = %q", got)
	}
}
