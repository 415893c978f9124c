package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

func TestLocal(t *testing.T) {
	s, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, s)
}

func TestMem(t *testing.T) {
	storetest.Run(t, store.NewMem())
}

func TestS3(t *testing.T) {
	s, _ := newTestS3(t)
	if got := s.String(); !strings.HasPrefix(got, "s3://"+storetest.S3Bucket()+"/run-") {
		t.Errorf("String() = %q", got)
	}
	storetest.Run(t, s)
}

// newTestS3 returns an S3 store under a fresh random prefix of the test
// bucket, and that prefix, or skips the test when no server is configured
// (fails instead in CI).
func newTestS3(t *testing.T) (*store.S3, string) {
	t.Helper()
	return newTestS3With(t, nil)
}

// newTestS3With is newTestS3 with the configuration changed by edit (when
// not nil) before the store is made.
func newTestS3With(t *testing.T, edit func(*store.S3Config)) (*store.S3, string) {
	t.Helper()
	endpoint := storetest.S3Endpoint(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	prefix := "run-" + hex.EncodeToString(b[:])
	cfg := store.S3Config{
		Bucket:          storetest.S3Bucket(),
		Prefix:          prefix,
		Endpoint:        endpoint,
		PathStyle:       true,
		AccessKeyID:     os.Getenv("SEGMINT_TEST_S3_ACCESS_KEY"),
		SecretAccessKey: os.Getenv("SEGMINT_TEST_S3_SECRET_KEY"),
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := store.NewS3(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	return s, prefix
}

// TestS3Multipart checks that a large Put really goes up in parts (the
// ETag of a multipart object ends in "-<parts>").
func TestS3Multipart(t *testing.T) {
	s, prefix := newTestS3(t)
	ctx := context.Background()
	key := "multipart/big.bin"
	if err := s.Put(ctx, key, io.LimitReader(zeros{}, storetest.BigSize)); err != nil {
		t.Fatal(err)
	}
	defer s.Delete(ctx, key)
	out, err := s.Client().HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(storetest.S3Bucket()),
		Key:    aws.String(prefix + "/" + key),
	})
	if err != nil {
		t.Fatal(err)
	}
	if etag := aws.ToString(out.ETag); !strings.Contains(etag, "-") {
		t.Errorf("ETag %s: object was not uploaded as multipart", etag)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestS3Unreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := store.NewS3(ctx, store.S3Config{
		Bucket:          "nowhere",
		Endpoint:        "http://127.0.0.1:1", // nothing listens on port 1
		PathStyle:       true,
		AccessKeyID:     "test",
		SecretAccessKey: "testtesttest",
		MaxAttempts:     1,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Stat(ctx, "some/key")
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("stat against an unreachable endpoint succeeded")
	}
	t.Logf("error after %v: %v", elapsed.Round(time.Millisecond), err)
	if errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unreachable endpoint reported as not found: %v", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("did not fail before the context deadline: %v", err)
	}
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("unreachable endpoint not reported as unavailable: %v", err)
	}
	if !strings.Contains(err.Error(), "stat some/key") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error does not name the operation and endpoint: %v", err)
	}
	if err := store.PutBytes(ctx, s, "some/key", []byte("x")); err == nil {
		t.Fatal("put against an unreachable endpoint succeeded")
	}
}

func TestS3Config(t *testing.T) {
	ctx := context.Background()
	if _, err := store.NewS3(ctx, store.S3Config{}); err == nil {
		t.Error("empty bucket accepted")
	}
	for _, p := range []string{"/lead", "trail/", "a//b"} {
		if _, err := store.NewS3(ctx, store.S3Config{Bucket: "b", Prefix: p}); err == nil {
			t.Errorf("prefix %q accepted", p)
		}
	}
	s, err := store.NewS3(ctx, store.S3Config{Bucket: "b", AccessKeyID: "k", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "s3://b" {
		t.Errorf("String() = %q, want s3://b", got)
	}
	s, err = store.NewS3(ctx, store.S3Config{Bucket: "b", Prefix: "x/y", AccessKeyID: "k", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "s3://b/x/y" {
		t.Errorf("String() = %q, want s3://b/x/y", got)
	}
}

func TestLocalLayout(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := store.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "file://"+filepath.ToSlash(root); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := s.Path("a/b/c.txt"), filepath.Join(root, "a", "b", "c.txt"); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	if got := s.Path("../escape"); got != "" {
		t.Errorf("Path(../escape) = %q, want empty", got)
	}

	if err := store.PutBytes(ctx, s, "a/b/c/d.txt", []byte("d")); err != nil {
		t.Fatal(err)
	}
	if err := store.PutBytes(ctx, s, "a/keep.txt", []byte("k")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(s.Path("a/b/c/d.txt")); err != nil || string(b) != "d" {
		t.Fatalf("file on disk = %q, %v", b, err)
	}
	fi, err := os.Stat(s.Path("a/b/c/d.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o044 == 0 {
		t.Errorf("file mode %v is private; want readable like any other file", fi.Mode())
	}

	// A stray temporary file (a crashed Put) is not listed.
	if err := os.WriteFile(filepath.Join(root, "a", ".tmp-123"), []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	infos, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || infos[0].Key != "a/b/c/d.txt" || infos[1].Key != "a/keep.txt" {
		t.Fatalf("list = %+v", infos)
	}
	if err := store.PutBytes(ctx, s, "a/.tmp-x", []byte("x")); err == nil {
		t.Error("put to a reserved temporary name succeeded")
	}
	if err := os.Remove(filepath.Join(root, "a", ".tmp-123")); err != nil {
		t.Fatal(err)
	}

	// Delete tidies empty parents up to, not including, the root.
	if err := s.Delete(ctx, "a/b/c/d.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty dir a/b left behind: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "a")); err != nil {
		t.Errorf("non-empty dir a removed: %v", err)
	}
	if err := s.Delete(ctx, "a/keep.txt"); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("root gone: %v", err)
	}
	if len(entries) != 0 {
		t.Errorf("root not empty after deleting everything: %v", entries)
	}

	// No temporary files are left behind by Put, successful or not.
	if err := store.PutBytes(ctx, s, "x/y", []byte("y")); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_ = store.PutBytes(cctx, s, "x/z", []byte("z"))
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocalRemoveStaleTemps(t *testing.T) {
	root := t.TempDir()
	s, err := store.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	put := func(name string, mod time.Time) string {
		path := filepath.Join(root, "a", "dt=2010-12-09", name)
		fixture.WriteModified(t, path, "x", mod)
		return path
	}
	old := put(".tmp-1", time.Now().Add(-time.Hour))
	young := put(".tmp-2", time.Now())
	data := put("part-00000-x.parquet", time.Now().Add(-time.Hour))
	n, err := s.RemoveStaleTemps(t.Context(), time.Now().Add(-time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("removed %d (%v), want 1", n, err)
	}
	for path, want := range map[string]bool{old: false, young: true, data: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
}
