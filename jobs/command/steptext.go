package command

import (
	"fmt"
	"io"
	"strings"

	"github.com/segmint/segmint/jobs/nightly"
)

// The text that describes the steps of the nightly DAG comes from their
// declarations in lib/contract: what each does, reads and writes.

// stepsUsage writes the steps' entries in segmint help.
func stepsUsage(w io.Writer) {
	more := ",\n" + strings.Repeat(" ", 19)
	for _, s := range nightly.Steps() {
		fmt.Fprintf(w, "  %-9s %s\n  %-9s reads  %s\n  %-9s writes %s\n", s.Name, s.About, "", s.ReadsText(more), "", s.WritesText(more))
	}
}

// stepHelp writes the head of segmint <step> --help.
func stepHelp(w io.Writer, s nightly.Step) {
	more := ",\n" + strings.Repeat(" ", 9)
	fmt.Fprintf(w, "segmint %s: %s\n  reads  %s\n  writes %s\n", s.Name, s.About, s.ReadsText(more), s.WritesText(more))
}

// stepNames lists the steps in the order nightly runs them: "ingest,
// unify, ... and report".
func stepNames() string {
	var names []string
	for _, s := range nightly.Steps() {
		names = append(names, s.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
