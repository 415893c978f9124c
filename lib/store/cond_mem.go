package store

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

var _ Conditional = (*Mem)(nil)

// Create stores b under key when no object is there.
func (m *Mem) Create(ctx context.Context, key string, b []byte) (string, error) {
	if err := checkOp(ctx, "create", key, ValidKey); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[key]; ok {
		return "", fmt.Errorf("create %s: %w", key, ErrPrecondition)
	}
	m.objs[key] = memObject{data: bytes.Clone(b), modTime: time.Now()}
	return contentTag(b), nil
}

// Read returns the object with the checksum of its content as its tag.
func (m *Mem) Read(ctx context.Context, key string) ([]byte, string, error) {
	if err := checkOp(ctx, "read", key, ValidKey); err != nil {
		return nil, "", err
	}
	m.mu.RLock()
	o, ok := m.objs[key]
	m.mu.RUnlock()
	if !ok {
		return nil, "", fmt.Errorf("read %s: %w", key, ErrNotFound)
	}
	return bytes.Clone(o.data), contentTag(o.data), nil
}

// Replace stores b under key when the object there has tag.
func (m *Mem) Replace(ctx context.Context, key, tag string, b []byte) (string, error) {
	if err := checkOp(ctx, "replace", key, ValidKey); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if o, ok := m.objs[key]; !ok || contentTag(o.data) != tag {
		return "", fmt.Errorf("replace %s: %w", key, ErrPrecondition)
	}
	m.objs[key] = memObject{data: bytes.Clone(b), modTime: time.Now()}
	return contentTag(b), nil
}

// Remove deletes the object when it has tag.
func (m *Mem) Remove(ctx context.Context, key, tag string) error {
	if err := checkOp(ctx, "remove", key, ValidKey); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	if !ok {
		return nil
	}
	if contentTag(o.data) != tag {
		return fmt.Errorf("remove %s: %w", key, ErrPrecondition)
	}
	delete(m.objs, key)
	return nil
}
