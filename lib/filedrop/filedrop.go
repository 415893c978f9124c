// Package filedrop reads exports that land as files in a folder or bucket
// prefix (CSV, optionally gzip-compressed) and turns them into typed rows
// following the column mapping of the configuration.
//
// A file-drop stream is a full export: the raw partition for run date D is
// the snapshot of every landed file as of D, with the rows whose event time
// falls after the end of D left out (they had not happened yet on D, which is
// what makes backfills of past dates over the same files correct). A row
// that cannot be read (bad number, bad date, missing required value, wrong
// field count) is not dropped: it becomes a Rejected row with the rule it
// broke, and the rest of the file goes on.
package filedrop

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/store"
)

// Lineage columns added to every raw row.
const (
	ColSourceFile = "_source_file"
	ColSourceLine = "_source_line"
)

// Rules a row can break.
const (
	RuleMissingRequired = "missing_required"
	RuleBadInt          = "bad_int"
	RuleBadFloat        = "bad_float"
	RuleBadDecimal      = "bad_decimal"
	RuleBadBool         = "bad_bool"
	RuleBadTimestamp    = "bad_timestamp"
	RuleBadDate         = "bad_date"
	RuleFieldCount      = "field_count"
	RuleCSVSyntax       = "csv_syntax"
)

// ErrNoFiles means the landing location holds no file for the stream.
var ErrNoFiles = errors.New("no input files")

// Rejected is a row that could not be read, kept with the rule it broke.
type Rejected struct {
	SourceFile string `parquet:"source_file"`
	Line       int64  `parquet:"line"`
	Rule       string `parquet:"rule"`
	Column     string `parquet:"column"`
	Value      string `parquet:"value"`
	// Record is the whole source row as a JSON object of header -> text.
	Record string `parquet:"record,json"`
}

// Result is what one pull of a stream produced.
type Result struct {
	Schema *parquet.Schema
	// Rows are the rows kept, unless WithRows handed them to a function.
	Rows     []parquet.Row
	Rejected []Rejected
	Files    []string
	// Read counts data lines read; Kept the rows kept; AfterDate those left
	// out as later than the run date.
	Read, Kept, AfterDate int64
	// Newest is the latest event time of a kept row; zero when the stream
	// has no event time or no row was kept.
	Newest time.Time
}

// Schema is the raw Parquet schema of a stream: its mapped fields plus the
// lineage columns, every field optional.
func Schema(st config.Stream) *parquet.Schema {
	g := parquet.Group{
		ColSourceFile: parquet.String(),
		ColSourceLine: parquet.Int(64),
	}
	for _, c := range st.Columns {
		g[c.To] = parquet.Optional(node(c))
	}
	return parquet.NewSchema(st.Name, g)
}

func node(c config.Column) parquet.Node {
	switch c.Type {
	case config.TypeInt:
		return parquet.Int(64)
	case config.TypeFloat:
		return parquet.Leaf(parquet.DoubleType)
	case config.TypeDecimal:
		return parquet.Decimal(c.DecimalScale(), 18, parquet.Int64Type)
	case config.TypeBool:
		return parquet.Leaf(parquet.BooleanType)
	case config.TypeTimestamp:
		return parquet.Timestamp(parquet.Microsecond)
	case config.TypeDate:
		return parquet.Date()
	default:
		return parquet.String()
	}
}

// Pull reads every file of the stream below prefix in landing (sorted by
// key), keeping rows whose event time is before end.
func Pull(ctx context.Context, landing store.Store, prefix string, st config.Stream, end time.Time, opts ...Option) (*Result, error) {
	dir := streamDir(prefix, st)
	infos, err := landing.List(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("list landing %s: %w", dir, err)
	}
	p, err := newParser(st, end)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(p)
	}
	for _, info := range infos {
		if !inStream(st, dir, info.Key) {
			continue
		}
		if err := p.readFile(ctx, landing, info.Key); err != nil {
			return nil, err
		}
		p.res.Files = append(p.res.Files, info.Key)
	}
	if len(p.res.Files) == 0 {
		return nil, fmt.Errorf("%w for stream %s in %s%s matching %q", ErrNoFiles, st.Name, landing, "/"+dir, st.Pattern)
	}
	return p.res, nil
}

// streamDir is the folder of the stream's files below prefix, with a
// trailing slash, or "" for the landing folder itself.
func streamDir(prefix string, st config.Stream) string {
	dir := strings.Trim(path.Join(prefix, st.Path), "/") + "/"
	if dir == "./" || dir == "/" {
		dir = "" // the stream's files lie in the landing folder itself
	}
	return dir
}

// inStream reports whether the landed object key is one of the stream's
// files: directly in dir, its base name matching the stream's pattern.
func inStream(st config.Stream, dir, key string) bool {
	ok, _ := path.Match(st.Pattern, path.Base(key))
	return ok && !strings.Contains(strings.TrimPrefix(key, dir), "/")
}

// Option changes how Pull works.
type Option func(*parser)

// WithProgress has Pull call fn with the number of lines read, every
// progressEvery lines, so that a long pull can report progress.
func WithProgress(fn func(lines int64)) Option { return func(p *parser) { p.progress = fn } }

// WithRows has Pull hand every row it keeps to fn, in order, instead of
// collecting them in Result.Rows, so that a pull of any size can be written
// out as it is read. The row's slice is reused once fn returns (copy it to
// keep it); the byte arrays its values point to are not. An error from fn
// ends the pull with that error.
func WithRows(fn func(parquet.Row) error) Option { return func(p *parser) { p.sink = fn } }

const progressEvery = 64 * 1024

type parser struct {
	progress func(lines int64)
	sink     func(parquet.Row) error
	row      parquet.Row // reused for every row when sink is set
	// file and fileBytes are the base name of the file being read and its
	// bytes, shared by the lineage values of its rows.
	file      string
	fileBytes []byte
	st        config.Stream
	end       time.Time
	schema    *parquet.Schema
	colIdx    map[string]int
	locs      []*time.Location
	eventAt   int // index into st.Columns of the event time, -1 if none
	res       *Result
}

func newParser(st config.Stream, end time.Time) (*parser, error) {
	schema := Schema(st)
	p := &parser{st: st, end: end, schema: schema, colIdx: map[string]int{}, eventAt: -1,
		res: &Result{Schema: schema}}
	for i, c := range schema.Columns() {
		p.colIdx[c[0]] = i
	}
	for i, c := range st.Columns {
		loc, err := columnLocation(c)
		if err != nil {
			return nil, err
		}
		p.locs = append(p.locs, loc)
		if c.To == st.EventTime {
			p.eventAt = i
		}
	}
	return p, nil
}

// columnLocation is the time zone of a mapped column's times: UTC unless
// it names one.
func columnLocation(c config.Column) (*time.Location, error) {
	if c.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", c.To, err)
	}
	return loc, nil
}

// readFile reads the landed file key, decompressing it when its name ends
// in ".gz".
func (p *parser) readFile(ctx context.Context, landing store.Store, key string) error {
	rc, err := landing.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("open %s: %w", key, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if strings.HasSuffix(key, ".gz") {
		gz, err := gzip.NewReader(rc)
		if err != nil {
			return fmt.Errorf("gunzip %s: %w", key, err)
		}
		defer gz.Close()
		r = gz
	}
	return p.readFormat(ctx, r, key)
}

// readFormat reads file key, r its decompressed bytes, in the stream's
// format.
func (p *parser) readFormat(ctx context.Context, r io.Reader, key string) error {
	switch p.st.Format {
	case "jsonl":
		return p.readJSONL(ctx, r, key)
	case "parquet":
		return p.readParquet(ctx, r, key)
	default:
		return p.readCSV(ctx, r, key)
	}
}

// tick counts one data line, reports progress and checks the context now
// and then.
func (p *parser) tick(ctx context.Context) error {
	p.res.Read++
	if p.progress != nil && p.res.Read%progressEvery == 0 {
		p.progress(p.res.Read)
	}
	if p.res.Read%8192 == 0 {
		return ctx.Err()
	}
	return nil
}

func (p *parser) readCSV(ctx context.Context, r io.Reader, key string) error {
	cr, header, pos, err := p.openCSV(r, key)
	if err != nil {
		return err
	}
	file := path.Base(key)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if terr := p.tick(ctx); terr != nil {
			return terr
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("read %s: %w", key, err)
			}
			p.reject(file, pe.StartLine, csvRule(pe), "", pe.Err.Error(), header, rec)
			continue
		}
		line, _ := cr.FieldPos(0)
		if err := p.parseRecord(file, int64(line), header, pos, rec); err != nil {
			return err
		}
	}
}

// openCSV reads the header of a CSV file and finds the mapped columns in
// it. The reader it returns is at the first record and wants every record
// to have as many fields as the header.
func (p *parser) openCSV(r io.Reader, key string) (*csv.Reader, []string, []int, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.Comma = []rune(p.st.Delimiter)[0]
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read header of %s: %w", key, err)
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	pos, err := p.positions(header)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("file %s: %w", key, err)
	}
	cr.FieldsPerRecord = len(header)
	return cr, header, pos, nil
}

// skipBOM drops a UTF-8 byte-order mark at the start of r before the CSV
// reader sees it: a BOM in front of a quoted header field would otherwise
// be a bare quote.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
}

// csvRule is the rule a record breaks with a CSV syntax error.
func csvRule(pe *csv.ParseError) string {
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return RuleFieldCount
	}
	return RuleCSVSyntax
}

// positions finds each mapped column in the header.
func (p *parser) positions(header []string) ([]int, error) {
	at := map[string]int{}
	for i, h := range header {
		at[strings.TrimSpace(h)] = i
	}
	pos := make([]int, len(p.st.Columns))
	var missing []string
	for i, c := range p.st.Columns {
		j, ok := at[c.From]
		if !ok {
			missing = append(missing, strconv.Quote(c.From))
			continue
		}
		pos[i] = j
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("mapped columns %s are not in the header %q", strings.Join(missing, ", "), header)
	}
	return pos, nil
}

func (p *parser) parseRecord(file string, line int64, header []string, pos []int, rec []string) error {
	row := p.newRow()
	p.setLineage(row, file, line)
	var at time.Time
	for i, c := range p.st.Columns {
		idx := p.colIdx[c.To]
		text := rec[pos[i]]
		if c.Type != config.TypeString {
			text = strings.TrimSpace(text)
		}
		if strings.TrimSpace(text) == "" {
			if c.Required {
				p.reject(file, int(line), RuleMissingRequired, c.From, "", header, rec)
				return nil
			}
			row[idx] = parquet.NullValue().Level(0, 0, idx)
			continue
		}
		v, rule, err := p.convert(i, c, text)
		if err != nil {
			p.reject(file, int(line), rule, c.From, text, header, rec)
			return nil
		}
		if i == p.eventAt {
			if at = time.UnixMicro(v.Int64()).UTC(); !at.Before(p.end) {
				p.res.AfterDate++
				return nil
			}
		}
		row[idx] = v.Level(0, 1, idx)
	}
	if at.After(p.res.Newest) {
		p.res.Newest = at
	}
	return p.keep(row)
}

// newRow is the row a record fills: the reused one when rows go to a
// sink, else a new one.
func (p *parser) newRow() parquet.Row {
	if p.sink == nil {
		return make(parquet.Row, len(p.colIdx))
	}
	if p.row == nil {
		p.row = make(parquet.Row, len(p.colIdx))
	}
	return p.row
}

// setLineage sets the row's source file (its bytes kept while the file
// is read) and line.
func (p *parser) setLineage(row parquet.Row, file string, line int64) {
	if file != p.file || p.fileBytes == nil {
		p.file, p.fileBytes = file, []byte(file)
	}
	row[p.colIdx[ColSourceFile]] = parquet.ByteArrayValue(p.fileBytes).Level(0, 0, p.colIdx[ColSourceFile])
	row[p.colIdx[ColSourceLine]] = parquet.Int64Value(line).Level(0, 0, p.colIdx[ColSourceLine])
}

// keep counts the row as kept and hands it to the sink, or collects it.
func (p *parser) keep(row parquet.Row) error {
	p.res.Kept++
	if p.sink != nil {
		return p.sink(row)
	}
	p.res.Rows = append(p.res.Rows, row)
	return nil
}

func (p *parser) convert(i int, c config.Column, text string) (parquet.Value, string, error) {
	switch c.Type {
	case config.TypeInt:
		n, err := strconv.ParseInt(text, 10, 64)
		return parquet.Int64Value(n), RuleBadInt, err
	case config.TypeFloat:
		f, err := strconv.ParseFloat(decimalPoint(c, text), 64)
		return parquet.DoubleValue(f), RuleBadFloat, err
	case config.TypeDecimal:
		n, err := money.Parse(decimalPoint(c, text), c.DecimalScale())
		return parquet.Int64Value(n), RuleBadDecimal, err
	case config.TypeBool:
		b, err := strconv.ParseBool(strings.ToLower(text))
		return parquet.BooleanValue(b), RuleBadBool, err
	case config.TypeTimestamp:
		t, err := time.ParseInLocation(c.Format, text, p.locs[i])
		return parquet.Int64Value(t.UTC().UnixMicro()), RuleBadTimestamp, err
	case config.TypeDate:
		t, err := time.ParseInLocation(c.Format, text, time.UTC)
		days := t.Unix() / 86400
		if t.Unix()%86400 < 0 {
			days-- // floor, so that times before 1970 stay on their day
		}
		return parquet.Int32Value(int32(days)), RuleBadDate, err
	default:
		return parquet.ByteArrayValue([]byte(text)), "", nil
	}
}

// decimalPoint rewrites a decimal-comma number ("1.234,56") with a point.
func decimalPoint(c config.Column, text string) string {
	if c.DecimalSeparator != "," {
		return text
	}
	return strings.ReplaceAll(strings.ReplaceAll(text, ".", ""), ",", ".")
}

func (p *parser) reject(file string, line int, rule, column, value string, header, rec []string) {
	obj := make(map[string]string, len(rec))
	for i, v := range rec {
		name := "column_" + strconv.Itoa(i+1)
		if i < len(header) {
			name = header[i]
		}
		obj[name] = v
	}
	b, _ := json.Marshal(obj)
	p.res.Rejected = append(p.res.Rejected, Rejected{
		SourceFile: file, Line: int64(line), Rule: rule, Column: column, Value: value, Record: string(b),
	})
}
