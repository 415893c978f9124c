package contract

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's table of datasets from the declarations")

// The markers around the generated table of datasets in README.md.
const (
	datasetsBegin = "<!-- datasets:begin: generated from lib/contract by `go test ./lib/contract -update`; do not edit -->\n"
	datasetsEnd   = "<!-- datasets:end -->\n"
)

// TestREADMEDatasets holds the README's table of datasets to Markdown();
// -update rewrites it.
func TestREADMEDatasets(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	before, rest, ok := strings.Cut(readme, datasetsBegin)
	if !ok {
		t.Fatalf("%s: no %q", path, strings.TrimSpace(datasetsBegin))
	}
	block, after, ok := strings.Cut(rest, datasetsEnd)
	if !ok {
		t.Fatalf("%s: no %q after the begin marker", path, strings.TrimSpace(datasetsEnd))
	}
	want := Markdown()
	if block == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(before+datasetsBegin+want+datasetsEnd+after), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: table of datasets rewritten", path)
		return
	}
	t.Errorf("%s: the table of datasets differs from the declarations; run go test ./lib/contract -update\ngot:\n%s\nwant:\n%s", path, block, want)
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
