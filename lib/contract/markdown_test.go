package contract

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's generated tables from the declarations")

// The generated blocks of README.md: each between its markers, each the
// text of one function of the declarations.
var readmeBlocks = []struct {
	name     string
	generate func() string
}{
	{"datasets", Markdown},
	{"steps", StepsMarkdown},
}

// TestREADMETables holds the README's tables of datasets and of steps to
// the declarations; -update rewrites them.
func TestREADMETables(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, blk := range readmeBlocks {
		begin := "<!-- " + blk.name + ":begin: generated from lib/contract by `go test ./lib/contract -update`; do not edit -->\n"
		end := "<!-- " + blk.name + ":end -->\n"
		before, rest, ok := strings.Cut(readme, begin)
		if !ok {
			t.Fatalf("%s: no %q", path, strings.TrimSpace(begin))
		}
		block, after, ok := strings.Cut(rest, end)
		if !ok {
			t.Fatalf("%s: no %q after the begin marker", path, strings.TrimSpace(end))
		}
		want := blk.generate()
		if block == want {
			continue
		}
		if !*update {
			t.Errorf("%s: the table of %s differs from the declarations; run go test ./lib/contract -update\ngot:\n%s\nwant:\n%s", path, blk.name, block, want)
			continue
		}
		readme = before + begin + want + end + after
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: table of %s rewritten", path, blk.name)
	}
}

func TestMarkdownHasEveryDataset(t *testing.T) {
	md := Markdown()
	lines := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
	if got, want := len(lines), len(Datasets())+2; got != want {
		t.Fatalf("%d lines, want %d (header, rule, one per dataset)", got, want)
	}
	for i, d := range Datasets() {
		if !strings.HasPrefix(lines[i+2], "| `"+d.Path+"` |") {
			t.Errorf("line %d: %q, want the row of %s", i+2, lines[i+2], d.Path)
		}
		if d.Row != nil && !strings.Contains(lines[i+2], d.Row.String()) {
			t.Errorf("%s: row type %s not in %q", d.Path, d.Row, lines[i+2])
		}
	}
}
