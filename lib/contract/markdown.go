package contract

import (
	"fmt"
	"strings"
)

// module is the import path prefix Markdown trims from a row type's package.
const module = "github.com/segmint/segmint/"

// Markdown renders the declared datasets as a Markdown table, one line per
// dataset in declaration order: where it lives, how it is partitioned, what
// it holds (the row type and its package, or its files), the step that
// writes it, when, and what a row is. The README's table of datasets is
// this text.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| path | partitioning | holds | written by | when | what a row (or side file) is |\n")
	b.WriteString("|------|--------------|-------|------------|------|------------------------------|\n")
	for _, d := range Datasets() {
		cells := []string{"`" + d.Path + "`", partitioningText(d.Partitioning), d.holds(), d.Writer, d.When, d.About}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	return b.String()
}

// partitioningText is how the table names a partitioning.
func partitioningText(p Partitioning) string {
	if p == ByDate {
		return "`" + string(p) + "`"
	}
	return string(p)
}

// holds is what a dataset holds: its row type with the package that
// declares it, and its other files.
func (d Dataset) holds() string {
	var parts []string
	if d.Row != nil {
		parts = append(parts, fmt.Sprintf("`%s` (%s)", d.Row, strings.TrimPrefix(d.Row.PkgPath(), module)))
	} else if d.Partitioning == ByDate && d.Files == "" {
		parts = append(parts, "the stream's columns")
	}
	if d.Files != "" {
		parts = append(parts, d.Files)
	}
	return strings.Join(parts, ", ")
}

// StepsMarkdown renders the declared steps as a Markdown table in the order
// nightly runs them: what each does, reads and writes. The README's table
// of steps is this text.
func StepsMarkdown() string {
	var b strings.Builder
	b.WriteString("| step | what it does | reads | writes |\n")
	b.WriteString("|------|--------------|-------|--------|\n")
	for _, s := range Steps() {
		var reads, writes []string
		for _, r := range s.reads() {
			if r != Landing { // a store path, not words
				r = "`" + r + "`"
			}
			reads = append(reads, r)
		}
		for _, d := range s.Writes() {
			w := "`" + d.dated() + "`"
			if d.When != "" {
				w += " (with " + d.When + ")"
			}
			writes = append(writes, w)
		}
		cells := []string{s.Name, s.About, strings.Join(reads, ", "), strings.Join(writes, ", ")}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	return b.String()
}
