package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// tmpPrefix starts the name of every temporary file Local.Put writes. List
// skips such files and Put refuses keys whose last element starts with it.
const tmpPrefix = ".tmp-"

// Local is a Store kept in a folder of the local file system. A key maps to
// the file at root/key (slashes turned into the OS separator).
type Local struct {
	root string
}

var _ Store = (*Local)(nil)

// NewLocal opens (creating if needed) a local-folder store rooted at root.
func NewLocal(root string) (*Local, error) {
	if root == "" {
		return nil, errors.New("new local store: empty root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("new local store %s: %w", root, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("new local store: %w", err)
	}
	return &Local{root: abs}, nil
}

// Path returns the file that holds key. It returns "" for a key that
// ValidKey rejects, so a bad key can never name a file outside the root.
func (l *Local) Path(key string) string {
	if ValidKey(key) != nil {
		return ""
	}
	return filepath.Join(l.root, filepath.FromSlash(key))
}

// String names the store as a file URL ("file:///data").
func (l *Local) String() string {
	return "file://" + filepath.ToSlash(l.root)
}

// checkKey validates key for this store: ValidKey plus the reserved
// temporary-file names.
func (l *Local) checkKey(key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	if strings.HasPrefix(key[strings.LastIndex(key, "/")+1:], tmpPrefix) {
		return fmt.Errorf("key %q: names starting with %q are reserved", key, tmpPrefix)
	}
	return nil
}

// Put writes r to a hidden temporary file beside the target, syncs it and
// renames it over the key, so readers never see a partial object.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) error {
	if err := checkOp(ctx, "put", key, l.checkKey); err != nil {
		return err
	}
	path := l.Path(key)
	tmp, err := l.createTemp(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return replace(ctx, tmp, path, key, r)
}

// replace fills the temporary file tmp from r (see writeTemp) and renames
// it over path, unless ctx ends first; tmp is removed when that fails.
func replace(ctx context.Context, tmp *os.File, path, key string, r io.Reader) error {
	tmpName := tmp.Name()
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := writeTemp(ctx, tmp, key, r); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("put %s: rename: %w", key, err)
	}
	done = true
	syncDir(filepath.Dir(path))
	return nil
}

// writeTemp copies r into tmp until ctx ends, then makes tmp readable by
// all, syncs and closes it.
func writeTemp(ctx context.Context, tmp *os.File, key string, r io.Reader) error {
	if _, err := io.Copy(tmp, &ctxReader{ctx: ctx, r: r}); err != nil {
		return fmt.Errorf("put %s: write: %w", key, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("put %s: sync: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("put %s: close: %w", key, err)
	}
	return nil
}

// createTemp makes dir and a temporary file in it. A concurrent Delete may
// remove the freshly made, still empty directory before the file exists, so
// the pair is tried a few times.
func (l *Local) createTemp(dir string) (*os.File, error) {
	var err error
	for range 3 {
		if err = os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		var f *os.File
		f, err = os.CreateTemp(dir, tmpPrefix+"*")
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, err
}

// syncDir makes a rename in dir durable. It is best effort: some systems
// cannot sync a directory, and the data itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// Get opens the file that holds key.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkOp(ctx, "get", key, l.checkKey); err != nil {
		return nil, err
	}
	f, err := openRegular(l.Path(key))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	return &ctxFile{ctx: ctx, f: f}, nil
}

// openRegular opens the regular file at path; ErrNotFound when there is
// none (nothing, or something else, there).
func openRegular(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		if isNotExist(err) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = ErrNotFound
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Stat describes the file that holds key.
func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	if err := checkOp(ctx, "stat", key, l.checkKey); err != nil {
		return Info{}, err
	}
	fi, err := statRegular(l.Path(key))
	if err != nil {
		return Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// statRegular describes the regular file at path; ErrNotFound when there
// is none.
func statRegular(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil && isNotExist(err):
		return nil, ErrNotFound
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, ErrNotFound
	}
	return fi, nil
}

// List walks the folder under the longest directory part of prefix and
// returns every regular file whose key starts with prefix (a plain string
// prefix: "raw" matches "raw/x" and "rawx/y", "raw/" only the former),
// skipping temporary files. The directory part of prefix (up to its last
// slash) must pass ValidKey; a prefix whose directory part cannot occur in
// any key gives an empty list.
func (l *Local) List(ctx context.Context, prefix string) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	start, ok := l.listStart(prefix)
	if !ok {
		return []Info{}, nil
	}
	out := []Info{}
	err := filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) {
				return nil // gone meanwhile, or start does not exist
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		info, ok, err := l.listed(path, d, prefix)
		if ok {
			out = append(out, info)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// listStart is the folder a listing of prefix walks: the root, or the
// folder of prefix's part before its last "/"; false when that part is no
// valid key, so no key can start with prefix.
func (l *Local) listStart(prefix string) (string, bool) {
	i := strings.LastIndex(prefix, "/")
	if i < 0 {
		return l.root, true
	}
	if ValidKey(prefix[:i]) != nil {
		return "", false
	}
	return l.Path(prefix[:i]), true
}

// listed is the Info of a walked entry, and whether List keeps it: a
// regular file, not a temporary one, whose key starts with prefix and
// that was not removed meanwhile.
func (l *Local) listed(path string, d fs.DirEntry, prefix string) (Info, bool, error) {
	if d.IsDir() || !d.Type().IsRegular() || strings.HasPrefix(d.Name(), tmpPrefix) {
		return Info{}, false, nil
	}
	rel, err := filepath.Rel(l.root, path)
	if err != nil {
		return Info{}, false, err
	}
	key := filepath.ToSlash(rel)
	if !strings.HasPrefix(key, prefix) {
		return Info{}, false, nil
	}
	fi, err := d.Info()
	if err != nil {
		if isNotExist(err) {
			return Info{}, false, nil
		}
		return Info{}, false, err
	}
	return Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, true, nil
}

// Delete removes the file that holds key, then every parent directory left
// empty, up to (not including) the root. A missing key is not an error.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := checkOp(ctx, "delete", key, l.checkKey); err != nil {
		return err
	}
	path := l.Path(key)
	fi, err := os.Lstat(path)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if fi.IsDir() {
		return nil // a "directory" is no object
	}
	if err := os.Remove(path); err != nil && !isNotExist(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	l.removeEmptyParents(path)
	return nil
}

// removeEmptyParents removes the directories above path that are left
// empty, up to (not including) the root.
func (l *Local) removeEmptyParents(path string) {
	for dir := filepath.Dir(path); dir != l.root && strings.HasPrefix(dir, l.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or already gone): stop tidying
		}
	}
}

// isNotExist reports whether err means the path is absent, including a file
// standing where a directory of the path should be.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// ctxReader stops a copy once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ctxFile is a file opened by Get whose reads fail once ctx is done.
type ctxFile struct {
	ctx context.Context
	f   *os.File
}

func (c *ctxFile) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Read(p)
}

func (c *ctxFile) Close() error { return c.f.Close() }
