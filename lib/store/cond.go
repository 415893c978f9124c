package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// ErrPrecondition is returned (wrapped) by a conditional write whose
// condition does not hold: Create finds an object there, Replace or Remove
// find another version (or none).
var ErrPrecondition = errors.New("precondition failed")

// Conditional is implemented by stores that write an object only on a
// condition, atomically: what a run lock is made of (lib/runlock). Every
// version of an object has a tag (an S3 ETag, a checksum of the content);
// a write that must not clobber another's names the tag it read.
type Conditional interface {
	// Create stores b under key only when no object is there, and returns
	// the new version's tag; ErrPrecondition when one is there.
	Create(ctx context.Context, key string, b []byte) (string, error)
	// Replace stores b under key only when the object there has tag, and
	// returns the new tag; ErrPrecondition when it has another or is gone.
	Replace(ctx context.Context, key, tag string, b []byte) (string, error)
	// Read returns a (small) object with its tag; a missing key wraps
	// ErrNotFound.
	Read(ctx context.Context, key string) ([]byte, string, error)
	// Remove deletes the object only when it has tag; ErrPrecondition when
	// it has another. A missing key is not an error.
	Remove(ctx context.Context, key, tag string) error
}

// contentTag is the tag of a version of an object in the local and the
// memory store: its content's sha256.
func contentTag(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
