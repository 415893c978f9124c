package filedrop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/parquetval"
	"github.com/segmint/segmint/lib/store"
)

// RuleBadJSON is broken by a JSON Lines line that is not a JSON object.
const RuleBadJSON = "bad_json"

// maxJSONLine bounds one JSON Lines record.
const maxJSONLine = 16 << 20

// mappedHeader is the "header" of formats without one: the mapped source
// names, in mapping order.
func (p *parser) mappedHeader() ([]string, []int) {
	header := make([]string, len(p.st.Columns))
	pos := make([]int, len(p.st.Columns))
	for i, c := range p.st.Columns {
		header[i], pos[i] = c.From, i
	}
	return header, pos
}

// readJSONL reads one JSON object a line. A key the mapping names but the
// object lacks is an empty value; numbers and booleans are read as their
// text and then parsed by the column's type like CSV fields.
func (p *parser) readJSONL(ctx context.Context, r io.Reader, key string) error {
	header, pos := p.mappedHeader()
	file := path.Base(key)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxJSONLine)
	rec := make([]string, len(header))
	var line int64
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		if err := p.tick(ctx); err != nil {
			return err
		}
		obj, err := decodeObject(b)
		if err != nil {
			p.reject(file, int(line), RuleBadJSON, "", err.Error(), []string{"line"}, []string{truncate(string(b), 1000)})
			continue
		}
		for i, name := range header {
			rec[i] = jsonText(obj[name])
		}
		if err := p.parseRecord(file, line, header, pos, rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	return nil
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("not a JSON object")
	}
	if dec.More() {
		return nil, errors.New("more than one value on the line")
	}
	return obj, nil
}

// jsonText renders a JSON value as the text a CSV field would hold.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// readParquet reads a Parquet export. The file is spooled to a temporary
// file (Parquet needs random access; the footer is at the end). Each mapped
// column is rendered as text and parsed by the mapping like a CSV field:
// timestamps as RFC 3339 in UTC (map them with format
// "2006-01-02T15:04:05Z07:00"), dates as YYYY-MM-DD, decimals exactly.
func (p *parser) readParquet(ctx context.Context, r io.Reader, key string) (err error) {
	tmp, err := store.CreateStaging("", "drop")
	if err != nil {
		return fmt.Errorf("spool %s: %w", key, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	size, err := io.Copy(tmp, r)
	if err != nil {
		return fmt.Errorf("spool %s: %w", key, err)
	}
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("read parquet %s: %v", key, rec)
		}
	}()
	pf, err := parquet.OpenFile(tmp, size)
	if err != nil {
		return fmt.Errorf("open parquet %s: %w", key, err)
	}
	header, pos := p.mappedHeader()
	lay, err := layoutOf(pf.Schema(), header, key)
	if err != nil {
		return err
	}
	lay.pos = pos
	return p.readParquetRows(ctx, pf, key, lay)
}

// parquetLayout places the mapped header's fields in a Parquet file.
type parquetLayout struct {
	header []string
	pos    []int          // as mappedHeader returns it
	cols   []int          // per header field: its leaf column
	types  []parquet.Type // per header field: its leaf's type
}

// layoutOf finds the leaf column of every field of header in schema, and
// names the fields missing from it.
func layoutOf(schema *parquet.Schema, header []string, key string) (parquetLayout, error) {
	colIdx := map[string]int{}
	for i, c := range schema.Columns() {
		colIdx[strings.Join(c, ".")] = i
	}
	lay := parquetLayout{header: header, cols: make([]int, len(header)), types: make([]parquet.Type, len(header))}
	var missing []string
	for i, name := range header {
		j, ok := colIdx[name]
		if !ok {
			missing = append(missing, strconv.Quote(name))
			continue
		}
		lay.cols[i] = j
		leaf, _ := schema.Lookup(strings.Split(name, ".")...)
		lay.types[i] = leaf.Node.Type()
	}
	if len(missing) > 0 {
		return lay, fmt.Errorf("file %s: mapped columns %s are not in the Parquet schema", key, strings.Join(missing, ", "))
	}
	return lay, nil
}

// readParquetRows parses every row of pf, its mapped fields rendered as
// text.
func (p *parser) readParquetRows(ctx context.Context, pf *parquet.File, key string, lay parquetLayout) error {
	file := path.Base(key)
	reader := parquet.NewReader(pf)
	defer reader.Close()
	buf := make([]parquet.Row, 512)
	rec := make([]string, len(lay.header))
	var line int64
	for {
		n, rerr := reader.ReadRows(buf)
		for _, row := range buf[:n] {
			line++
			if err := p.tick(ctx); err != nil {
				return err
			}
			for i := range lay.header {
				rec[i] = parquetval.Text(lay.types[i], parquetval.At(row, lay.cols[i]))
			}
			if err := p.parseRecord(file, line, lay.header, lay.pos, rec); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("read parquet %s: %w", key, rerr)
		}
	}
}
