package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

var _ Conditional = (*Local)(nil)

// Create writes b to a temporary file and links it to key's file, which
// fails when that exists: the object appears whole, or not at all.
func (l *Local) Create(ctx context.Context, key string, b []byte) (string, error) {
	if err := checkOp(ctx, "create", key, l.checkKey); err != nil {
		return "", err
	}
	path := l.Path(key)
	tmp, err := l.createTemp(filepath.Dir(path))
	if err != nil {
		return "", fmt.Errorf("create %s: %w", key, err)
	}
	defer os.Remove(tmp.Name())
	if err := writeTemp(ctx, tmp, key, bytes.NewReader(b)); err != nil {
		tmp.Close()
		return "", err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("create %s: %w", key, ErrPrecondition)
		}
		return "", fmt.Errorf("create %s: %w", key, err)
	}
	syncDir(filepath.Dir(path))
	return contentTag(b), nil
}

// Read reads key's file with the checksum of its content as its tag.
func (l *Local) Read(ctx context.Context, key string) ([]byte, string, error) {
	if err := checkOp(ctx, "read", key, l.checkKey); err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(l.Path(key))
	if err != nil {
		if isNotExist(err) {
			return nil, "", fmt.Errorf("read %s: %w", key, ErrNotFound)
		}
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	return b, contentTag(b), nil
}

// Replace renames a new file over key's while it holds an exclusive flock
// on the file there and finds its tag unchanged.
func (l *Local) Replace(ctx context.Context, key, tag string, b []byte) (string, error) {
	if err := checkOp(ctx, "replace", key, l.checkKey); err != nil {
		return "", err
	}
	path := l.Path(key)
	err := l.whileLocked(path, tag, func() error {
		tmp, err := l.createTemp(filepath.Dir(path))
		if err != nil {
			return err
		}
		return replace(ctx, tmp, path, key, bytes.NewReader(b))
	})
	if err != nil {
		return "", fmt.Errorf("replace %s: %w", key, err)
	}
	return contentTag(b), nil
}

// Remove deletes key's file while it holds an exclusive flock on it and
// finds its tag unchanged.
func (l *Local) Remove(ctx context.Context, key, tag string) error {
	if err := checkOp(ctx, "remove", key, l.checkKey); err != nil {
		return err
	}
	path := l.Path(key)
	err := l.whileLocked(path, tag, func() error {
		if err := os.Remove(path); err != nil {
			return err
		}
		l.removeEmptyParents(path)
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", key, err)
	}
	return nil
}

// whileLocked runs fn while it holds an exclusive flock on the file at
// path, once it has checked that the file is still the one at path (a
// Replace renames another over it, a Remove unlinks it, while a caller
// waits for the flock) and that its content has tag. Every change of the
// file goes through here, so the check and fn are one atomic step.
func (l *Local) whileLocked(path, tag string, fn func() error) error {
	f, err := os.Open(path)
	if err != nil {
		if isNotExist(err) {
			return fmt.Errorf("%w (%w)", ErrPrecondition, ErrNotFound)
		}
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("flock: %w", err)
	}
	if err := sameFile(f, path); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return err
	}
	if contentTag(buf.Bytes()) != tag {
		return ErrPrecondition
	}
	return fn()
}

// sameFile fails with ErrPrecondition when f is no longer the file at
// path.
func sameFile(f *os.File, path string) error {
	held, err := f.Stat()
	if err != nil {
		return err
	}
	cur, err := os.Stat(path)
	if err != nil && isNotExist(err) {
		return fmt.Errorf("%w (%w)", ErrPrecondition, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if !os.SameFile(held, cur) {
		return ErrPrecondition
	}
	return nil
}
