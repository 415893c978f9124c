package command

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/store"
)

// printSources lists every configured stream with its saved state. It reads
// only the store, never a platform.
func printSources(ctx context.Context, w io.Writer, cfg *config.Config, st store.Store) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tKIND\tSTREAM\tLAST DATE\tCURSOR\tCOMMITTED AT")
	for _, src := range cfg.Sources {
		for _, s := range src.Streams {
			state, err := ingest.LoadState(ctx, st, src.Name, s.Name)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", src.Name, s.Name, err)
			}
			last, cursor, at := "-", "-", "-"
			if state.LastDate != "" {
				last = state.LastDate
			}
			if !state.Cursor.Modified.IsZero() {
				cursor = connector.FormatCursor(state.Cursor)
			}
			if !state.CommittedAt.IsZero() {
				at = state.CommittedAt.Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", src.Name, src.Kind, s.Name, last, cursor, at)
		}
	}
	return tw.Flush()
}
