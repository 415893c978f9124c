package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stagingPrefix starts the name of every local staging file segmint
// writes: a part before its upload, a download, a spooled export.
const stagingPrefix = "segmint-"

// CreateStaging creates a staging file in dir ("" for the system's
// temporary folder), named segmint-<kind>-<pid>-<random>, so that a later
// run can tell whether its owner still lives (RemoveStaleStaging). The
// caller removes it when done.
func CreateStaging(dir, kind string) (*os.File, error) {
	return os.CreateTemp(dir, stagingPrefix+kind+"-"+strconv.Itoa(os.Getpid())+"-*")
}

// RemoveStaleStaging removes the staging files in dir ("" for the system's
// temporary folder) that a run killed before its clean-up left behind:
// those whose owning process is gone, and any modified before cutoff. It
// returns how many it removed.
func RemoveStaleStaging(dir string, cutoff time.Time) (int, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("remove stale staging files: %w", err)
	}
	n := 0
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), stagingPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		if ownerAlive(e.Name()) && !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}

// ownerAlive reports whether the process named in a staging file's name
// (segmint-<kind>-<pid>-<random>) runs; true when the name holds no pid,
// which leaves the file to the age rule.
func ownerAlive(name string) bool {
	fields := strings.Split(name, "-")
	if len(fields) < 4 {
		return true
	}
	pid, err := strconv.Atoi(fields[2])
	if err != nil || pid <= 0 {
		return true
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// TempRemover is implemented by stores that can hold what an interrupted
// write left behind: the local store's .tmp-* files. S3 has none: a Put
// is one object, and the unfinished multipart upload of a killed run is
// a bucket lifecycle rule's to abort (AbortIncompleteMultipartUpload;
// MinIO expires them by itself).
type TempRemover interface {
	// RemoveStaleTemps removes such leftovers begun before cutoff and
	// returns how many it removed.
	RemoveStaleTemps(ctx context.Context, cutoff time.Time) (int, error)
}

var _ TempRemover = (*Local)(nil)

// RemoveStaleTemps removes the temporary files of Put (.tmp-*) under the
// root modified before cutoff: a live Put's file is younger.
func (l *Local) RemoveStaleTemps(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := filepath.WalkDir(l.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tmpPrefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			return nil
		}
		if os.Remove(path) == nil {
			n++
			l.removeEmptyParents(path)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("remove stale temporary files: %w", err)
	}
	return n, nil
}
