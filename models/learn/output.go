package learn

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/models/frame"
)

// ScoreColumn is the name of the score column in predict's output.
const ScoreColumn = "score"

// WriteScores writes one row per score, in input order: the kept input
// columns as read, then the score. A path ending in .parquet gets Parquet
// (kept columns as optional UTF-8 strings, the score as a double; columns
// in name order, as Parquet groups are), anything else CSV with the score
// written exactly (shortest text that reads back to the same float64). The
// file appears complete or not at all.
func WriteScores(path string, tab *frame.Table, keep []string, scores []float64) error {
	if len(scores) != tab.Rows {
		return fmt.Errorf("write scores: %d scores for %d rows", len(scores), tab.Rows)
	}
	cols, err := keptColumns(tab, keep)
	if err != nil {
		return err
	}
	return writeScoresFile(path, keep, cols, scores)
}

// keptColumns are the texts of the columns to keep, which must be distinct
// and not the score column.
func keptColumns(tab *frame.Table, keep []string) ([][]string, error) {
	cols := make([][]string, len(keep))
	for i, k := range keep {
		if k == ScoreColumn {
			return nil, fmt.Errorf("write scores: --keep %q clashes with the score column", k)
		}
		if slices.Contains(keep[:i], k) {
			return nil, fmt.Errorf("write scores: --keep names %q twice", k)
		}
		text, err := tab.Text(k)
		if err != nil {
			return nil, fmt.Errorf("write scores: keep: %w", err)
		}
		cols[i] = text
	}
	return cols, nil
}

// writeScoresFile writes the file to a temporary one beside path, as
// Parquet when path ends in .parquet and CSV otherwise, then renames it.
func writeScoresFile(path string, keep []string, cols [][]string, scores []float64) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".scores-*")
	if err != nil {
		return fmt.Errorf("write scores: %w", err)
	}
	defer os.Remove(tmp.Name())
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		err = writeParquet(tmp, keep, cols, scores)
	} else {
		err = writeCSV(tmp, keep, cols, scores)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write scores %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write scores: %w", err)
	}
	return nil
}

func writeCSV(f *os.File, keep []string, cols [][]string, scores []float64) error {
	bw := bufio.NewWriterSize(f, 1<<16)
	w := csv.NewWriter(bw)
	rec := append(slices.Clone(keep), ScoreColumn)
	if err := w.Write(rec); err != nil {
		return err
	}
	for i, s := range scores {
		for j := range keep {
			rec[j] = cols[j][i]
		}
		rec[len(keep)] = strconv.FormatFloat(s, 'g', -1, 64)
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeParquet(f *os.File, keep []string, cols [][]string, scores []float64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parquet: %v", r)
		}
	}()
	schema, leaf := scoreSchema(keep)
	w := parquet.NewGenericWriter[any](f, schema, parquet.Compression(&parquet.Zstd))
	const batch = 1024
	rows := make([]parquet.Row, 0, batch)
	for i, s := range scores {
		rows = append(rows, scoreRow(keep, cols, leaf, i, s))
		if len(rows) == batch || i == len(scores)-1 {
			if _, err := w.WriteRows(rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return w.Close()
}

// scoreSchema is the schema of a scores file: the kept columns as optional
// strings and the score as a double. leaf has the index of each column in
// the schema's (name) order.
func scoreSchema(keep []string) (schema *parquet.Schema, leaf map[string]int) {
	g := parquet.Group{ScoreColumn: parquet.Leaf(parquet.DoubleType)}
	for _, k := range keep {
		g[k] = parquet.Optional(parquet.String())
	}
	schema = parquet.NewSchema("scores", g)
	leaf = map[string]int{}
	for i, path := range schema.Columns() {
		leaf[path[0]] = i
	}
	return schema, leaf
}

// scoreRow is row i of a scores file, with score s; an empty kept text is
// null.
func scoreRow(keep []string, cols [][]string, leaf map[string]int, i int, s float64) parquet.Row {
	row := make(parquet.Row, len(keep)+1)
	for j, k := range keep {
		c := leaf[k]
		if v := cols[j][i]; v != "" {
			row[c] = parquet.ByteArrayValue([]byte(v)).Level(0, 1, c)
		} else {
			row[c] = parquet.NullValue().Level(0, 0, c)
		}
	}
	c := leaf[ScoreColumn]
	row[c] = parquet.DoubleValue(s).Level(0, 0, c)
	return row
}
