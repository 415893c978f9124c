package store

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// FailpointEnv names the environment variable of a TEST HOOK that the
// crash harness (jobs/command/crash_test.go, `make crash`) sets; nothing
// else should. Open wraps the store it opens in a failpoint when it is set:
//
//	trace           log every mutating call (Put, Delete, Create, Replace,
//	                Remove) to stderr as "segmint-failpoint: N op key"
//	kill-before:N   log as trace, and SIGKILL the process just before the
//	                Nth mutating call
//	kill-during:N   ... while the Nth call's content is being written (after
//	                its first bytes were read, or all of it when read at
//	                once; before it, for a call without a stream)
//	kill-after:N    ... just after the Nth call returned
//
// Any other value makes Open fail, so a typo never runs unhooked.
const FailpointEnv = "SEGMINT_TEST_FAILPOINT"

// failpointPrefix starts every line a failpoint writes to stderr.
const failpointPrefix = "segmint-failpoint: "

// failpoint is a store whose mutating calls are counted and logged, and
// whose process kills itself at one of them.
type failpoint struct {
	Store
	when string // "", "before", "during" or "after"
	at   int64
	log  io.Writer

	mu sync.Mutex
	n  int64
}

// withFailpoint wraps s as spec (the value of FailpointEnv) says, logging
// to log; an empty spec leaves s as it is.
func withFailpoint(s Store, spec string, log io.Writer) (Store, error) {
	if spec == "" {
		return s, nil
	}
	fp := &failpoint{Store: s, log: log}
	if spec == "trace" {
		return fp, nil
	}
	when, n, ok := strings.Cut(strings.TrimPrefix(spec, "kill-"), ":")
	at, err := strconv.ParseInt(n, 10, 64)
	if !strings.HasPrefix(spec, "kill-") || !ok || err != nil || at < 1 ||
		(when != "before" && when != "during" && when != "after") {
		return nil, fmt.Errorf("%s=%q: want trace, kill-before:N, kill-during:N or kill-after:N", FailpointEnv, spec)
	}
	fp.when, fp.at = when, at
	return fp, nil
}

// call counts one mutating call, logs it, and runs it, killing the process
// where the failpoint says. stream is the call's content, if it has one.
func (f *failpoint) call(op, key string, stream io.Reader, run func(io.Reader) error) error {
	f.mu.Lock()
	f.n++
	n := f.n
	fmt.Fprintf(f.log, "%s%d %s %s\n", failpointPrefix, n, op, key)
	f.mu.Unlock()
	hit := n == f.at
	if hit && (f.when == "before" || (f.when == "during" && stream == nil)) {
		kill(f.log, n)
	}
	if hit && f.when == "during" {
		stream = &killReader{r: stream, log: f.log, n: n}
	}
	err := run(stream)
	if hit && f.when != "before" {
		// after; or during, when the store sent the content without
		// reading it through the stream (an empty object)
		kill(f.log, n)
	}
	return err
}

// kill SIGKILLs the process, as an operator's kill -9 or the OOM killer
// would: no deferred function, no signal handler runs.
func kill(log io.Writer, n int64) {
	fmt.Fprintf(log, "%skill at %d\n", failpointPrefix, n)
	_ = syscall.Kill(syscall.Getpid(), syscall.SIGKILL)
	time.Sleep(time.Minute) // the signal is delivered before this ends
}

// killReader passes its first read through, then kills the process at the
// second: part of the content is read, and may be written, not all. Content
// read whole at once (an empty marker, a small file) kills at its end,
// before the store writes it.
type killReader struct {
	r     io.Reader
	log   io.Writer
	n     int64
	reads int
}

func (k *killReader) Read(p []byte) (int, error) {
	k.reads++
	if k.reads > 1 {
		kill(k.log, k.n)
	}
	n, err := k.r.Read(p)
	if err == io.EOF {
		kill(k.log, k.n)
	}
	return n, err
}

func (f *failpoint) Put(ctx context.Context, key string, r io.Reader) error {
	return f.call("put", key, r, func(r io.Reader) error { return f.Store.Put(ctx, key, r) })
}

func (f *failpoint) Delete(ctx context.Context, key string) error {
	return f.call("delete", key, nil, func(io.Reader) error { return f.Store.Delete(ctx, key) })
}

// conditional is the wrapped store's Conditional; every store of this
// package is one.
func (f *failpoint) conditional() Conditional { return f.Store.(Conditional) }

func (f *failpoint) Create(ctx context.Context, key string, b []byte) (tag string, err error) {
	err = f.call("create", key, nil, func(io.Reader) error {
		tag, err = f.conditional().Create(ctx, key, b)
		return err
	})
	return tag, err
}

func (f *failpoint) Replace(ctx context.Context, key, old string, b []byte) (tag string, err error) {
	err = f.call("replace", key, nil, func(io.Reader) error {
		tag, err = f.conditional().Replace(ctx, key, old, b)
		return err
	})
	return tag, err
}

func (f *failpoint) Read(ctx context.Context, key string) ([]byte, string, error) {
	return f.conditional().Read(ctx, key)
}

func (f *failpoint) Remove(ctx context.Context, key, tag string) error {
	return f.call("remove", key, nil, func(io.Reader) error { return f.conditional().Remove(ctx, key, tag) })
}

// RemoveStaleTemps passes on to the wrapped store, when it holds
// temporary files.
func (f *failpoint) RemoveStaleTemps(ctx context.Context, cutoff time.Time) (int, error) {
	if tr, ok := f.Store.(TempRemover); ok {
		return tr.RemoveStaleTemps(ctx, cutoff)
	}
	return 0, nil
}
