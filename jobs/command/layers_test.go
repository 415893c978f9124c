package command_test

import (
	"bytes"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

// The dependency rules of the layers, checked over what the go tool says
// the packages import:
//
//   - models/ is a library of learning code: it reaches no object store, no
//     configuration, no file drop, no data-quality rules, no AWS SDK;
//   - lib/dataset, the commit protocol, needs the store and Parquet only;
//   - the jobs do not import each other: only jobs/nightly and jobs/command
//     put them together;
//   - nothing in lib/ or models/ imports jobs/;
//   - the helpers of tests (the packages named ...test, and lib/fixture)
//     are imported by tests only.
func TestLayers(t *testing.T) {
	root, module := moduleRoot(t)

	t.Run("models are a library", func(t *testing.T) {
		forbidden := []string{
			"github.com/aws/",
			module + "/lib/config",
			module + "/lib/filedrop",
			module + "/lib/quality",
			module + "/lib/store",
		}
		g := importGraph(t, root, "./models/...")
		for _, pkg := range g.roots {
			for _, f := range forbidden {
				if chain := g.reach(pkg, f); chain != nil {
					t.Errorf("%s depends on %s: %s", trim(module, pkg), trim(module, f), trim(module, strings.Join(chain, " -> ")))
				}
			}
		}
		// The rule names these; they must be among the packages checked.
		for _, p := range []string{"gbdt", "logreg", "kmeans", "clv", "eval", "frame", "registry"} {
			if !slices.Contains(g.roots, module+"/models/"+p) {
				t.Errorf("models/%s is not a package any more: update the rule", p)
			}
		}
	})

	t.Run("dataset needs the store and Parquet only", func(t *testing.T) {
		forbidden := []string{
			module + "/lib/connector",
			module + "/lib/httpclient",
			module + "/lib/step",
			module + "/lib/config",
		}
		g := importGraph(t, root, "./lib/dataset")
		for _, f := range forbidden {
			if chain := g.reach(module+"/lib/dataset", f); chain != nil {
				t.Errorf("lib/dataset depends on %s: %s", trim(module, f), trim(module, strings.Join(chain, " -> ")))
			}
		}
	})

	t.Run("lib and models do not import jobs", func(t *testing.T) {
		for _, pattern := range []string{"./lib/...", "./models/..."} {
			g := importGraph(t, root, pattern)
			for _, pkg := range g.roots {
				for _, imp := range g.imports[pkg] {
					if strings.HasPrefix(imp, module+"/jobs/") {
						t.Errorf("%s imports %s: the building blocks may not depend on the steps", trim(module, pkg), trim(module, imp))
					}
				}
			}
		}
	})

	t.Run("test helpers are imported by tests only", func(t *testing.T) {
		helpers := 0
		for line := range strings.Lines(goTool(t, root, "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...")) {
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			if isTestHelper(module, fields[0]) {
				helpers++
			}
			for _, imp := range fields[1:] {
				if isTestHelper(module, imp) {
					t.Errorf("%s imports %s, a helper of tests", trim(module, fields[0]), trim(module, imp))
				}
			}
		}
		// storetest, connectortest, rundatetest, duckdbtest, logtest and fixture.
		if helpers < 6 {
			t.Errorf("%d helper packages of tests, want at least 6: update isTestHelper", helpers)
		}
	})

	t.Run("jobs do not import each other", func(t *testing.T) {
		// A job is a folder under jobs/ with the packages below it
		// (jobs/unify/bench belongs to unify); its packages and their tests
		// may import one another but no other job's.
		out := goTool(t, root, "list", "-f",
			"{{.ImportPath}}{{range .Imports}} {{.}}{{end}} |{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}",
			"./jobs/...")
		composers := []string{"nightly", "command"}
		for line := range strings.Lines(out) {
			code, tests, _ := strings.Cut(line, "|")
			fields := strings.Fields(code)
			if len(fields) == 0 {
				continue
			}
			pkg := fields[0]
			job := jobOf(module, pkg)
			if slices.Contains(composers, job) {
				continue
			}
			for _, imp := range fields[1:] {
				if other := jobOf(module, imp); other != "" && other != job {
					t.Errorf("%s imports %s: only jobs/nightly and jobs/command may import jobs", trim(module, pkg), trim(module, imp))
				}
			}
			for _, imp := range strings.Fields(tests) {
				if other := jobOf(module, imp); other != "" && other != job {
					t.Errorf("the tests of %s import %s: only jobs/nightly and jobs/command may import jobs", trim(module, pkg), trim(module, imp))
				}
			}
		}
	})
}

// isTestHelper says whether pkg holds helpers of tests: a package of the
// module whose name ends in test (storetest, duckdbtest, rundatetest,
// logtest), or lib/fixture.
func isTestHelper(module, pkg string) bool {
	rest, ok := strings.CutPrefix(pkg, module+"/")
	return ok && (strings.HasSuffix(path.Base(rest), "test") || rest == "lib/fixture")
}

// jobOf names the job a package belongs to (unify for jobs/unify/bench), or
// "" for a package outside jobs/.
func jobOf(module, pkg string) string {
	rest, ok := strings.CutPrefix(pkg, module+"/jobs/")
	if !ok {
		return ""
	}
	job, _, _ := strings.Cut(rest, "/")
	return job
}

// graph is the import graph of some packages and everything they depend on
// (tests excluded: a rule is about what a package brings into a binary).
type graph struct {
	roots   []string            // the packages the pattern names
	imports map[string][]string // package -> its direct imports
}

func importGraph(t *testing.T, root, pattern string) graph {
	t.Helper()
	g := graph{imports: map[string][]string{}}
	for line := range strings.Lines(goTool(t, root, "list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", pattern)) {
		if f := strings.Fields(line); len(f) > 0 {
			g.imports[f[0]] = f[1:]
		}
	}
	for line := range strings.Lines(goTool(t, root, "list", pattern)) {
		if p := strings.TrimSpace(line); p != "" {
			g.roots = append(g.roots, p)
		}
	}
	if len(g.roots) == 0 {
		t.Fatalf("go list %s: no packages", pattern)
	}
	return g
}

// reach returns a chain of imports from pkg to a package that is prefix or
// lies under it (a prefix ending in "/" matches every path that starts with
// it), or nil when pkg does not depend on one.
func (g graph) reach(pkg, prefix string) []string {
	matches := func(p string) bool {
		if strings.HasSuffix(prefix, "/") {
			return strings.HasPrefix(p, prefix)
		}
		return p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	from := map[string]string{pkg: ""}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p != pkg && matches(p) {
			var chain []string
			for q := p; q != ""; q = from[q] {
				chain = append(chain, q)
			}
			slices.Reverse(chain)
			return chain
		}
		for _, imp := range g.imports[p] {
			if _, seen := from[imp]; !seen {
				from[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return nil
}

// moduleRoot returns the module's folder and path; the test is skipped when
// the go tool is not on PATH (the rules are read from its output).
func moduleRoot(t *testing.T) (dir, path string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go tool is not on PATH: the layer rules are checked with go list")
	}
	f := strings.Fields(goTool(t, ".", "list", "-m", "-f", "{{.Dir}} {{.Path}}"))
	if len(f) != 2 {
		t.Fatalf("go list -m: %q", f)
	}
	return f[0], f[1]
}

func goTool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func trim(module, s string) string { return strings.ReplaceAll(s, module+"/", "") }
