package command

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlock"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

// The crash harness (`make crash`): it kills the built `segmint nightly`
// with SIGKILL at points chosen among the store writes of an uninterrupted
// run (store.FailpointEnv), reruns the command, and compares every
// committed partition and side file with the uninterrupted run's. It runs
// with SEGMINT_CRASH=1; SEGMINT_CRASH_POINTS sets the points per
// configuration (default 52) and SEGMINT_CRASH_STORES the stores
// ("local,s3"). TestCrashSmoke, in `make test`, is one point of it.

const crashDate = "2010-12-09"

// crashStore is a store the harness runs the binary on: a fresh one per
// run, with the configuration that names it.
type crashStore struct {
	name  string
	fresh func(t *testing.T) (store.Store, string)
	// env is what the binary needs besides the failpoint (S3 credentials).
	env []string
}

func localCrashStore() crashStore {
	return crashStore{name: "local", fresh: func(t *testing.T) (store.Store, string) {
		dir := t.TempDir()
		st, err := store.NewLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		return st, writeConfig(t, dir, sampleLanding(t))
	}}
}

func s3CrashStore() crashStore {
	return crashStore{
		name: "s3",
		fresh: func(t *testing.T) (store.Store, string) {
			s3 := storetest.S3(t, "crash")
			bucket, prefix, _ := strings.Cut(strings.TrimPrefix(s3.String(), "s3://"), "/")
			path := writeConfig(t, "unused", sampleLanding(t))
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			block := "kind: s3\n  s3:\n    bucket: " + bucket + "\n    prefix: " + prefix +
				"\n    endpoint: " + os.Getenv("SEGMINT_TEST_S3_ENDPOINT") + "\n    path_style: true"
			s := strings.Replace(string(b), "kind: local\n  path: unused", block, 1)
			if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			return s3, path
		},
		env: []string{
			"AWS_ACCESS_KEY_ID=" + os.Getenv("SEGMINT_TEST_S3_ACCESS_KEY"),
			"AWS_SECRET_ACCESS_KEY=" + os.Getenv("SEGMINT_TEST_S3_SECRET_KEY"),
		},
	}
}

// buildSegmint builds the segmint binary into a temporary folder.
func buildSegmint(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "segmint")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// write is one mutating store call of a run, as its failpoint logs it.
type write struct {
	n       int
	op, key string
}

var failpointLine = regexp.MustCompile(`(?m)^segmint-failpoint: (\d+) (\w+) (\S+)$`)

// writesOf parses the failpoint lines of a run's stderr.
func writesOf(stderr string) []write {
	var ws []write
	for _, m := range failpointLine.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		ws = append(ws, write{n, m[2], m[3]})
	}
	return ws
}

// writeKind names the kind of write w is, the strata of the points.
func writeKind(w write) string {
	k := w.key
	switch {
	case strings.HasPrefix(k, "locks/"):
		return "lock"
	case strings.HasPrefix(k, "runs/"):
		return "run record"
	case strings.HasPrefix(k, "state/"):
		return "state"
	case strings.HasPrefix(k, "reports/"):
		return "report"
	case strings.HasSuffix(k, "/latest.json"):
		return "latest.json"
	case strings.HasSuffix(k, "/"+dataset.SuccessName):
		return "marker"
	case strings.HasSuffix(k, "/"+dataset.ManifestName):
		return "manifest"
	case strings.HasPrefix(k, "models/") && !strings.Contains(k, "/dt="):
		return "model"
	case w.op == "delete":
		return "delete"
	}
	return "data part"
}

// point is where one run is killed.
type point struct {
	n    int
	when string // before, during, after
	kind string
}

// choosePoints picks at least want points among the writes: each kind
// gets a share in turn until the total is reached, spread evenly over the
// kind's writes, and each kind's points cycle through before, during and
// after, so that a manifest is hit both before it (after the parts) and
// after it (before the marker).
func choosePoints(ws []write, want int) []point {
	byKind := map[string][]write{}
	for _, w := range ws {
		byKind[writeKind(w)] = append(byKind[writeKind(w)], w)
	}
	kinds := slices.Sorted(func(yield func(string) bool) {
		for k := range byKind {
			if !yield(k) {
				return
			}
		}
	})
	quota := map[string]int{}
	for total, grew := 0, true; total < want && grew; {
		grew = false
		for _, k := range kinds {
			if quota[k] < len(byKind[k]) && total < want {
				quota[k]++
				total++
				grew = true
			}
		}
	}
	whens := []string{"before", "after", "during"}
	var ps []point
	for _, k := range kinds {
		l, q := len(byKind[k]), quota[k]
		for i := range q {
			w := byKind[k][(2*i+1)*l/(2*q)]
			ps = append(ps, point{n: w.n, when: whens[i%len(whens)], kind: k})
		}
	}
	slices.SortFunc(ps, func(a, b point) int { return a.n - b.n })
	return ps
}

// segmintRun is one run of the binary.
type segmintRun struct {
	killed bool
	code   int
	stderr string
	took   time.Duration
}

// runSegmint runs `segmint nightly` on cfg with the failpoint spec ("" for
// none), staging in tmp.
func runSegmint(t *testing.T, bin, cfg, tmp, spec string, redo bool, env []string) segmintRun {
	t.Helper()
	args := []string{"nightly", "--date", crashDate, "--config", cfg, "--log-format", "json"}
	if redo {
		args = append(args, "--redo")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), env...), "TMPDIR="+tmp, store.FailpointEnv+"="+spec)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r := segmintRun{stderr: stderr.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		ws, ok := exit.Sys().(syscall.WaitStatus)
		r.killed = ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
		r.code = exit.ExitCode()
	default:
		t.Fatalf("run segmint: %v", err)
	}
	return r
}

// ageLock makes the lock a killed run left behind stale, as it is once
// lock_stale_after has passed, so that the rerun takes it over (the
// takeover is the rerun's to do, and is checked in its log).
func ageLock(t *testing.T, st store.Store) bool {
	t.Helper()
	b, err := store.GetBytes(t.Context(), st, runlock.Key(rundatetest.Parse(t, crashDate)))
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	var h runlock.Holder
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatalf("lock left by the killed run: %v", err)
	}
	h.Heartbeat = h.Heartbeat.Add(-time.Hour)
	b, _ = json.Marshal(h)
	if err := store.PutBytes(t.Context(), st, runlock.Key(rundatetest.Parse(t, crashDate)), b); err != nil {
		t.Fatal(err)
	}
	return true
}

// copyStore copies every object of from into to.
func copyStore(t *testing.T, from, to store.Store) {
	t.Helper()
	for _, key := range storetest.Keys(t, from, "") {
		b, err := store.GetBytes(t.Context(), from, key)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.PutBytes(t.Context(), to, key, b); err != nil {
			t.Fatal(err)
		}
	}
}

// What differs between two uninterrupted runs on the same inputs: run ids
// (in manifests, side files and the report's table of inputs) and the
// times of commits, updates and history entries.
var (
	runIDText = regexp.MustCompile(`\d{8}T\d{6}Z-[a-z]+-[0-9a-f]{6}`)
	timeField = regexp.MustCompile(`"(at|[a-z_]+_at)": ?"[^"]*"`)
)

// normalized is b with what is run-specific replaced.
func normalized(b []byte) []byte {
	b = runIDText.ReplaceAll(b, []byte("RUN"))
	return timeField.ReplaceAll(b, []byte(`"$1":"TIME"`))
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// excluded reports whether key is run-specific by nature: the run records
// and metrics under runs/ (one per invocation, with its own run id, times
// and outcome). The run lock is not: none may be left after the rerun.
func excluded(key string) bool {
	return strings.HasPrefix(key, "runs/")
}

// snapshot describes what a store holds, for comparison between runs: for
// every committed partition its normalized manifest and each named file's
// sha256 (verified against the manifest; a report's index.html
// normalized), the partitions' other objects, and every side file
// normalized.
func snapshot(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	ctx := t.Context()
	keys := storetest.Keys(t, st, "")
	committed := map[string]bool{}
	for _, k := range keys {
		if dir, ok := strings.CutSuffix(k, "/"+dataset.SuccessName); ok {
			committed[dir+"/"] = true
		}
	}
	snap := map[string]string{}
	named := map[string]bool{}
	for dir := range committed {
		b, err := store.GetBytes(ctx, st, dir+dataset.ManifestName)
		if err != nil {
			snap["manifest "+dir] = "unreadable: " + err.Error()
			continue
		}
		var m dataset.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			snap["manifest "+dir] = "undecodable: " + err.Error()
			continue
		}
		for i, f := range m.Files {
			key := dir + f.Name
			named[key] = true
			data, err := store.GetBytes(ctx, st, key)
			switch {
			case err != nil:
				snap["file "+key] = "unreadable: " + err.Error()
			case sum(data) != f.SHA256:
				snap["file "+key] = "differs from its manifest"
			case strings.HasSuffix(f.Name, ".html"):
				snap["file "+key] = sum(normalized(data))
				m.Files[i].SHA256, m.Files[i].Bytes = "", 0
			default:
				snap["file "+key] = f.SHA256
			}
		}
		mb, _ := json.Marshal(m)
		snap["manifest "+dir] = string(normalized(mb))
	}
	for _, k := range keys {
		dir := k[:strings.LastIndex(k, "/")+1]
		switch {
		case excluded(k) || named[k] || strings.HasSuffix(k, "/"+dataset.SuccessName):
		case strings.Contains(k, "/dt="):
			if committed[dir] {
				snap["unnamed "+k] = "in a committed partition"
			} else {
				snap["uncommitted "+dir] = "a partition without " + dataset.SuccessName
			}
		default:
			b, err := store.GetBytes(ctx, st, k)
			if err != nil {
				t.Fatal(err)
			}
			snap["side "+k] = sum(normalized(b))
		}
	}
	return snap
}

// diffSnapshots lists what differs between got and want.
func diffSnapshots(got, want map[string]string) []string {
	var d []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			d = append(d, "missing "+k)
		} else if g != w {
			d = append(d, fmt.Sprintf("differs %s: %.80s", k, g))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			d = append(d, "extra "+k)
		}
	}
	slices.Sort(d)
	return d
}

// stagingLeft lists the staging files of segmint in dir.
func stagingLeft(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "segmint-") {
			left = append(left, e.Name())
		}
	}
	return left
}

// crashResult is one configuration's line of the summary.
type crashResult struct {
	config        string
	points, hit   int
	kinds         map[string]int
	equal         int
	mismatches    []string
	refWrites     int
	took          time.Duration
	tookKilledRun time.Duration
}

// crashConfig runs one configuration: a reference run (for --redo, on a
// store where the date is already committed), then for each point a fresh
// store (a copy of the committed one for --redo), a run killed there, the
// rerun, and the comparison with the reference.
func crashConfig(t *testing.T, bin string, cs crashStore, redo bool, want int) crashResult {
	start := time.Now()
	res := crashResult{config: cs.name, kinds: map[string]int{}}
	if redo {
		res.config += " --redo"
	}
	tmp := t.TempDir()
	var base store.Store
	if redo {
		st, cfg := cs.fresh(t)
		if r := runSegmint(t, bin, cfg, tmp, "", false, cs.env); r.code != 0 {
			t.Fatalf("base run: exit %d\n%s", r.code, lastLine(r.stderr))
		}
		base = st
	}
	// prepare gives the store a point's run starts from.
	prepare := func() (store.Store, string) {
		st, cfg := cs.fresh(t)
		if base != nil {
			copyStore(t, base, st)
		}
		return st, cfg
	}
	refStore, refCfg := prepare()
	ref := runSegmint(t, bin, refCfg, tmp, "trace", redo, cs.env)
	if ref.code != 0 {
		t.Fatalf("reference run: exit %d\n%s", ref.code, lastLine(ref.stderr))
	}
	want0 := snapshot(t, refStore)
	ws := writesOf(ref.stderr)
	res.refWrites = len(ws)
	points := choosePoints(ws, want)
	res.points = len(points)
	for _, p := range points {
		st, cfg := prepare()
		killed := runSegmint(t, bin, cfg, tmp, fmt.Sprintf("kill-%s:%d", p.when, p.n), redo, cs.env)
		res.tookKilledRun += killed.took
		if !killed.killed {
			res.mismatches = append(res.mismatches, fmt.Sprintf("point %s:%d (%s) not reached: exit %d", p.when, p.n, p.kind, killed.code))
			continue
		}
		res.hit++
		// The kind of the write actually hit, from the killed run's log.
		hitWs := writesOf(killed.stderr)
		kind := p.kind
		if len(hitWs) > 0 {
			kind = writeKind(hitWs[len(hitWs)-1])
		}
		res.kinds[kind]++
		tookOver := ageLock(t, st)
		rerun := runSegmint(t, bin, cfg, tmp, "", redo, cs.env)
		if rerun.code != 0 {
			res.mismatches = append(res.mismatches, fmt.Sprintf("point %s:%d (%s): rerun exit %d: %s", p.when, p.n, kind, rerun.code, lastLine(rerun.stderr)))
			continue
		}
		if tookOver && !strings.Contains(rerun.stderr, "took over a stale run lock") {
			res.mismatches = append(res.mismatches, fmt.Sprintf("point %s:%d (%s): the rerun did not take the killed run's lock over", p.when, p.n, kind))
		}
		d := diffSnapshots(snapshot(t, st), want0)
		if left := stagingLeft(t, tmp); len(left) > 0 {
			d = append(d, fmt.Sprintf("staging files left in TMPDIR: %v", left))
		}
		if len(d) > 0 {
			res.mismatches = append(res.mismatches, fmt.Sprintf("point %s:%d (%s): %d differences: %s", p.when, p.n, kind, len(d), strings.Join(d[:min(len(d), 5)], "; ")))
			continue
		}
		res.equal++
	}
	res.took = time.Since(start)
	return res
}

// summary prints the harness's table.
func summary(rs []crashResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %6s %5s %5s %10s %6s %8s  %s\n", "configuration", "writes", "points", "hit", "reruns =", "diffs", "time", "kinds of write hit")
	for _, r := range rs {
		var kinds []string
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range r.kinds {
				if !yield(k) {
					return
				}
			}
		}) {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, r.kinds[k]))
		}
		fmt.Fprintf(&b, "%-14s %6d %5d %5d %10d %6d %8s  %s\n", r.config, r.refWrites, r.points, r.hit, r.equal, len(r.mismatches), r.took.Round(time.Second), strings.Join(kinds, ", "))
	}
	return b.String()
}

// TestCrashHarness is `make crash`: every configuration's points, the
// summary table, and a failure for each rerun that differs.
func TestCrashHarness(t *testing.T) {
	if os.Getenv("SEGMINT_CRASH") != "1" {
		t.Skip("the crash harness runs with SEGMINT_CRASH=1 (make crash)")
	}
	want := 52
	if s := os.Getenv("SEGMINT_CRASH_POINTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("SEGMINT_CRASH_POINTS=%q", s)
		}
		want = n
	}
	stores := map[string]crashStore{"local": localCrashStore(), "s3": s3CrashStore()}
	names := strings.Split(cmp.Or(os.Getenv("SEGMINT_CRASH_STORES"), "local,s3"), ",")
	bin := buildSegmint(t)
	var mu sync.Mutex
	var results []crashResult
	t.Cleanup(func() {
		slices.SortFunc(results, func(a, b crashResult) int { return strings.Compare(a.config, b.config) })
		t.Logf("crash harness summary:\n%s", summary(results))
		fmt.Print(summary(results))
	})
	for _, name := range names {
		cs, ok := stores[name]
		if !ok {
			t.Fatalf("SEGMINT_CRASH_STORES: unknown store %q", name)
		}
		for _, redo := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/redo=%v", name, redo), func(t *testing.T) {
				t.Parallel()
				r := crashConfig(t, bin, cs, redo, want)
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				for _, m := range r.mismatches {
					t.Error(m)
				}
				if r.hit < want {
					t.Errorf("%d of %d points hit", r.hit, want)
				}
			})
		}
	}
}

// asSegmintEnv makes the test binary run as segmint (TestMain): the smoke
// test's child process, which spares `make test` a build of the binary.
const asSegmintEnv = "SEGMINT_TEST_AS_SEGMINT"

// runAsSegmint runs the command on the process's arguments, as main does.
func runAsSegmint() int {
	return Run(context.Background(), os.Args[1:], System{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now})
}

// TestCrashSmoke is one point of the harness in `make test`: the run
// killed between a manifest and its marker, rerun, equal to the
// uninterrupted run; and the comparison tells a store that differs. The
// child processes are this test binary running as segmint.
func TestCrashSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command in child processes")
	}
	bin, env := os.Args[0], []string{asSegmintEnv + "=1"}
	cs := localCrashStore()
	tmp := t.TempDir()
	refStore, refCfg := cs.fresh(t)
	ref := runSegmint(t, bin, refCfg, tmp, "trace", false, env)
	if ref.code != 0 {
		t.Fatalf("reference run: exit %d\n%s", ref.code, lastLine(ref.stderr))
	}
	want := snapshot(t, refStore)
	var at write
	for _, w := range writesOf(ref.stderr) {
		if strings.HasPrefix(w.key, "unified/customers/") && writeKind(w) == "manifest" {
			at = w
		}
	}
	if at.n == 0 {
		t.Fatalf("no manifest of unified/customers among the writes:\n%s", ref.stderr)
	}
	st, cfg := cs.fresh(t)
	killed := runSegmint(t, bin, cfg, tmp, fmt.Sprintf("kill-after:%d", at.n), false, env)
	if !killed.killed {
		t.Fatalf("not killed at %d: exit %d", at.n, killed.code)
	}
	if ok, _ := dataset.Committed(t.Context(), st, dataset.Partition{Dataset: "unified/customers", Date: rundatetest.Parse(t, crashDate)}); ok {
		t.Fatal("the killed run committed the partition it was killed in")
	}
	if !ageLock(t, st) {
		t.Error("the killed run left no lock")
	}
	if r := runSegmint(t, bin, cfg, tmp, "", false, env); r.code != 0 {
		t.Fatalf("rerun: exit %d: %s", r.code, lastLine(r.stderr))
	}
	got := snapshot(t, st)
	if d := diffSnapshots(got, want); len(d) > 0 {
		t.Fatalf("rerun after a kill at %d (%s) differs: %v", at.n, at.key, d)
	}
	// What the comparison must catch: a state file changed, a marker gone.
	ctx := t.Context()
	state := "state/retail/orders.json"
	b, err := store.GetBytes(ctx, st, state)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutBytes(ctx, st, state, bytes.Replace(b, []byte(`"rows": 37063`), []byte(`"rows": 37062`), 1)); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "scores/dt="+crashDate+"/"+dataset.SuccessName); err != nil {
		t.Fatal(err)
	}
	d := diffSnapshots(snapshot(t, st), want)
	if !slices.ContainsFunc(d, func(s string) bool { return strings.HasPrefix(s, "missing manifest scores/") }) ||
		!slices.ContainsFunc(d, func(s string) bool { return strings.HasPrefix(s, "differs side "+state) }) {
		t.Errorf("the comparison missed a change: %v", d)
	}
}
