// Package configs_test checks the files of configs/ and the Docker build
// files that point to them: the configurations load and validate, and the
// build context keeps what the Dockerfile copies.
package configs_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/config"
)

// load reads a configuration as the command does, with the segment rules
// checked against the columns they may read, and without the environment.
func load(t *testing.T, path string) *config.Config {
	t.Helper()
	c, err := config.Load(path, func(string) string { return "" }, config.WithRuleColumns(audience.Schema()))
	if err != nil {
		t.Fatalf("Load(%s) = %v", path, err)
	}
	return c
}

// TestS3ConfigIsTheLocalOneOnS3: configs/s3.yaml, which the Docker docs
// point to, validates and does the same work as configs/local.yaml (the
// models, the consent and identity sources, the rules), on S3.
func TestS3ConfigIsTheLocalOneOnS3(t *testing.T) {
	s3, local := load(t, "s3.yaml"), load(t, "local.yaml")
	if s3.Store.Kind != "s3" || s3.Store.S3.Bucket == "" {
		t.Errorf("s3.yaml store = %+v, want an s3 store with a bucket", s3.Store)
	}
	if s3.Models.Classifiers == nil || s3.Models.Value == nil || s3.Models.CLV == nil {
		t.Errorf("s3.yaml lacks a model: %+v", s3.Models)
	}
	s3.Store, local.Store = config.Store{}, config.Store{}
	if !reflect.DeepEqual(s3, local) {
		t.Errorf("s3.yaml differs from local.yaml beyond the store section")
	}
}

// TestDockerignoreKeepsWhatTheDockerfileCopies: no source of a COPY of the
// Dockerfile is left out of the build context, and local stores, binaries
// and the git history are.
func TestDockerignoreKeepsWhatTheDockerfileCopies(t *testing.T) {
	patterns := readLines(t, "../.dockerignore")
	copies := copySources(t, "../Dockerfile")
	if len(copies) < 5 {
		t.Fatalf("found %d COPY sources in the Dockerfile: %q", len(copies), copies)
	}
	for _, src := range copies {
		for _, p := range []string{src, src + "/retail/file.csv"} {
			if ignored(patterns, p) {
				t.Errorf(".dockerignore leaves out %s, which the Dockerfile copies", p)
			}
		}
	}
	for _, p := range []string{"data", "data/raw/retail/orders/dt=2010-12-09/part-0.parquet", "bin/segmint", ".git/HEAD",
		"data-fakes.log", "jobs/command/command.test", "testdata/bank/bank.csv"} {
		if !ignored(patterns, p) {
			t.Errorf(".dockerignore keeps %s in the build context", p)
		}
	}
}

// readLines returns the lines of a file that are neither blank nor
// comments, trimmed.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// copySources lists the build-context sources of the Dockerfile's COPY
// instructions (not those copied from another stage).
func copySources(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, line := range readLines(t, path) {
		fields := strings.Fields(line)
		if len(fields) < 3 || fields[0] != "COPY" || strings.HasPrefix(fields[1], "--from") {
			continue
		}
		for _, src := range fields[1 : len(fields)-1] {
			if !strings.HasPrefix(src, "--") {
				out = append(out, strings.TrimSuffix(filepath.Clean(src), "/"))
			}
		}
	}
	return out
}

// ignored reports whether the build context leaves p out, by Docker's
// rule: the last pattern that matches p or one of its parent folders
// decides, and a pattern starting with ! keeps what it matches. Of **,
// which filepath.Match lacks, only a leading "**/" (at any depth) is
// understood; .dockerignore uses no other.
func ignored(patterns []string, p string) bool {
	out := false
	for _, pat := range patterns {
		keep := strings.HasPrefix(pat, "!")
		pat = filepath.Clean(strings.TrimPrefix(pat, "!"))
		if matchesPathOrParent(pat, p) {
			out = !keep
		}
	}
	return out
}

// matchesPathOrParent reports whether pat matches p or a folder above it.
func matchesPathOrParent(pat, p string) bool {
	elems := strings.Split(p, "/")
	rest, anyDepth := strings.CutPrefix(pat, "**/")
	for i := range elems {
		for j := 0; j <= i; j++ {
			if j > 0 && !anyDepth {
				break
			}
			if ok, _ := filepath.Match(rest, strings.Join(elems[j:i+1], "/")); ok {
				return true
			}
		}
	}
	return false
}
