package frame

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/parquetval"
)

// Table is a file as read: a header and, per column, each row's value as
// text ("" for an empty or null value).
type Table struct {
	Names []string
	Rows  int
	text  [][]string // column-major
}

// Options say how to read a file. The zero value sniffs everything.
type Options struct {
	// Format is "csv" or "parquet"; empty means by the file's extension
	// (.parquet) or its first bytes (PAR1).
	Format string
	// Delimiter is the CSV field separator; 0 means the one of ',', ';' or
	// tab that the header line uses most.
	Delimiter rune
}

// Read reads a CSV (plain or gzip'd) or Parquet file into a Table.
func Read(path string, opt Options) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read table: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	head, _ := br.Peek(4)
	t, err := readAs(f, br, head, formatOf(opt.Format, path, head), opt.Delimiter)
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", path, err)
	}
	if t.Rows == 0 {
		return nil, fmt.Errorf("read table %s: no data rows", path)
	}
	return t, nil
}

// readAs reads the open file f, buffered in br whose first bytes are head,
// as the format says.
func readAs(f *os.File, br *bufio.Reader, head []byte, format string, delim rune) (*Table, error) {
	switch format {
	case "parquet":
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return readParquet(f, st.Size())
	case "csv":
		return readCSVOrGzip(br, head, delim)
	}
	return nil, fmt.Errorf("unknown format %q (csv or parquet)", format)
}

// formatOf is the given format or, when none is, parquet for a file named
// .parquet or whose head is Parquet's magic, and csv otherwise.
func formatOf(given, path string, head []byte) string {
	if given != "" {
		return given
	}
	if strings.HasSuffix(strings.ToLower(path), ".parquet") || bytes.Equal(head, []byte("PAR1")) {
		return "parquet"
	}
	return "csv"
}

// readCSVOrGzip reads CSV text from br, gunzipping it first when its head
// is gzip's magic.
func readCSVOrGzip(br *bufio.Reader, head []byte, delim rune) (*Table, error) {
	var r io.Reader = br
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	return readCSV(r, delim)
}

// ReadCSV reads CSV text (for tables that are not files).
func ReadCSV(r io.Reader, delimiter rune) (*Table, error) { return readCSV(r, delimiter) }

func readCSV(r io.Reader, delim rune) (*Table, error) {
	cr, err := newCSVReader(r, delim)
	if err != nil {
		return nil, err
	}
	header, err := readHeader(cr)
	if err != nil {
		return nil, err
	}
	t := &Table{Names: names(header), text: make([][]string, len(header))}
	if err := t.readRecords(cr); err != nil {
		return nil, err
	}
	return t, nil
}

// newCSVReader reads CSV text from r separated by delim, or by the
// delimiter sniffed from the first line when delim is 0.
func newCSVReader(r io.Reader, delim rune) (*csv.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if delim == 0 {
		var err error
		if delim, err = sniffFirstLine(br); err != nil {
			return nil, err
		}
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // short rows are padded (addRecord); long ones refused
	return cr, nil
}

// readRecords appends every record after the header to the table.
func (t *Table) readRecords(cr *csv.Reader) error {
	in := newInterner(len(t.Names))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", t.Rows+2, err)
		}
		if err := t.addRecord(rec, in); err != nil {
			return err
		}
	}
}

// addRecord appends one record, trimmed, to the table's columns; a short
// record gets empty values at its end, a long one is an error.
func (t *Table) addRecord(rec []string, in interner) error {
	if len(rec) > len(t.Names) {
		return fmt.Errorf("line %d: %d fields, the header has %d", t.Rows+2, len(rec), len(t.Names))
	}
	for i := range t.Names {
		var v string
		if i < len(rec) {
			v = strings.TrimSpace(rec[i])
		}
		t.text[i] = append(t.text[i], in.get(i, v))
	}
	t.Rows++
	return nil
}

// interner makes equal values of a column share one string: categorical
// columns repeat a few values over many rows. It keeps up to 4096 values
// per column.
type interner []map[string]string

func newInterner(cols int) interner {
	in := make(interner, cols)
	for i := range in {
		in[i] = map[string]string{}
	}
	return in
}

// get returns column col's string equal to v, a copy of v (whose bytes the
// CSV reader reuses) when the column has none yet.
func (in interner) get(col int, v string) string {
	s, ok := in[col][v]
	if !ok {
		s = strings.Clone(v)
		if len(in[col]) < 4096 {
			in[col][s] = s
		}
	}
	return s
}

// sniffFirstLine guesses the delimiter from the first line in br's buffer.
func sniffFirstLine(br *bufio.Reader) (rune, error) {
	line, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return sniff(line), nil
}

// readHeader reads the header record, without a UTF-8 byte-order mark.
func readHeader(cr *csv.Reader) ([]string, error) {
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("empty file")
		}
		return nil, fmt.Errorf("header: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	return header, nil
}

// names are the header's column names, trimmed: an unnamed column (the
// index column pandas writes, say) is called column_<n> and a repeated name
// gets _2, _3, ... so that every column can be named in --drop and --keep.
func names(header []string) []string {
	out := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("column_%d", i+1)
		}
		base := h
		for k := 2; seen[h]; k++ {
			h = fmt.Sprintf("%s_%d", base, k)
		}
		seen[h] = true
		out[i] = h
	}
	return out
}

// sniff picks the separator the header line uses most, outside quotes.
func sniff(line []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case !quoted && (b == ',' || b == ';' || b == '\t' || b == '|'):
			counts[rune(b)]++
		}
	}
	best, n := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		if counts[d] > n {
			best, n = d, counts[d]
		}
	}
	return best
}

func readParquet(r io.ReaderAt, size int64) (t *Table, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("read parquet: %v", rec)
		}
	}()
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("open parquet: %w", err)
	}
	t, types, err := parquetHeader(pf.Schema())
	if err != nil {
		return nil, err
	}
	if err := t.readParquetRows(pf, types); err != nil {
		return nil, err
	}
	return t, nil
}

// parquetHeader starts a table with the columns of a flat schema and
// returns their types.
func parquetHeader(schema *parquet.Schema) (*Table, []parquet.Type, error) {
	leaves := schema.Columns()
	t := &Table{Names: make([]string, len(leaves)), text: make([][]string, len(leaves))}
	types := make([]parquet.Type, len(leaves))
	for i, path := range leaves {
		leaf, _ := schema.Lookup(path...)
		if leaf.MaxRepetitionLevel > 0 {
			return nil, nil, fmt.Errorf("column %q is repeated: only flat tables can be read", strings.Join(path, "."))
		}
		t.Names[i] = strings.Join(path, ".")
		types[i] = leaf.Node.Type()
	}
	return t, types, nil
}

// readParquetRows appends every row of pf, as text, to the table.
func (t *Table) readParquetRows(pf *parquet.File, types []parquet.Type) error {
	reader := parquet.NewReader(pf)
	defer reader.Close()
	buf := make([]parquet.Row, 512)
	for {
		n, rerr := reader.ReadRows(buf)
		for _, row := range buf[:n] {
			for i, typ := range types {
				t.text[i] = append(t.text[i], parquetval.Text(typ, parquetval.At(row, i)))
			}
			t.Rows++
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("read parquet: %w", rerr)
		}
	}
}

// Has reports whether the table has a column named name.
func (t *Table) Has(name string) bool { return t.index(name) >= 0 }

func (t *Table) index(name string) int {
	for i, n := range t.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// Text returns a column's values as read, or an error naming the columns
// the table has.
func (t *Table) Text(name string) ([]string, error) {
	i := t.index(name)
	if i < 0 {
		return nil, t.noColumn(name)
	}
	return t.text[i], nil
}

func (t *Table) noColumn(name string) error {
	return fmt.Errorf("no column %q (the table has %s)", name, strings.Join(t.Names, ", "))
}
