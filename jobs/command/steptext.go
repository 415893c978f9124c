package command

import (
	"fmt"
	"io"

	"github.com/segmint/segmint/jobs/nightly"
)

// The text that describes the steps of the nightly DAG, kept apart from
// the rest of the usage text so that it can come from elsewhere.

// stepsUsage writes the steps' entries in segmint help: what each reads
// and writes.
func stepsUsage(w io.Writer) {
	for _, s := range nightly.Steps() {
		fmt.Fprintf(w, "  %-9s reads %s\n  %-9s writes %s\n", s.Name, s.Reads, "", s.Writes)
	}
}

// stepHelp writes the head of segmint <step> --help: what step s reads
// and writes.
func stepHelp(w io.Writer, s nightly.Step) {
	fmt.Fprintf(w, "segmint %s\n  reads  %s\n  writes %s\n", s.Name, s.Reads, s.Writes)
}
