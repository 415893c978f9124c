package customerview

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// CRMRecord is one row of unified/crm_records: the current version of one
// CRM object (a HubSpot contact, a Salesforce Opportunity, ...) as of the
// end of the run date. A deleted object stays as a tombstone (Deleted set,
// no properties) so that downstream systems learn of the delete.
type CRMRecord struct {
	Source     string    `parquet:"source"`
	Stream     string    `parquet:"stream"`
	ID         string    `parquet:"id"`
	ModifiedAt time.Time `parquet:"modified_at,timestamp(microsecond)"`
	Deleted    bool      `parquet:"deleted"`
	// Properties holds the fields of the latest version as a JSON object.
	Properties string `parquet:"properties,json"`
}

// CRMMerger keeps the latest version of every object across raw partitions
// of incremental streams (columns _id, _modified_at, _deleted and fields).
type CRMMerger struct {
	latest map[[3]string]CRMRecord
}

// NewCRMMerger returns an empty merger.
func NewCRMMerger() *CRMMerger { return &CRMMerger{latest: map[[3]string]CRMRecord{}} }

// Add merges raw rows of one stream read with schema.
func (m *CRMMerger) Add(source, stream string, schema *parquet.Schema, rows []parquet.Row) error {
	cols := schema.Columns()
	at, err := crmColumnsOf(cols, source, stream)
	if err != nil {
		return err
	}
	for _, row := range rows {
		r := at.record(source, stream, row)
		k := [3]string{source, stream, r.ID}
		if cur, ok := m.latest[k]; ok && !newer(r, cur) {
			continue
		}
		if err := r.setProperties(schema, cols, row); err != nil {
			return err
		}
		m.latest[k] = r
	}
	return nil
}

// crmColumns are the positions of the columns of a raw CRM row that make
// a record's version: _id, _modified_at and _deleted.
type crmColumns struct{ id, modifiedAt, deleted int }

// crmColumnsOf finds the version columns of raw source/stream among cols.
func crmColumnsOf(cols [][]string, source, stream string) (crmColumns, error) {
	idx := map[string]int{}
	for i, p := range cols {
		idx[p[0]] = i
	}
	for _, need := range []string{"_id", "_modified_at", "_deleted"} {
		if _, ok := idx[need]; !ok {
			return crmColumns{}, fmt.Errorf("raw %s/%s lacks column %s", source, stream, need)
		}
	}
	return crmColumns{idx["_id"], idx["_modified_at"], idx["_deleted"]}, nil
}

// record is the version of the object row holds, without its properties.
func (at crmColumns) record(source, stream string, row parquet.Row) CRMRecord {
	return CRMRecord{
		Source: source, Stream: stream,
		ID:         string(row[at.id].ByteArray()),
		ModifiedAt: time.UnixMicro(row[at.modifiedAt].Int64()).UTC(),
		Deleted:    row[at.deleted].Boolean(),
	}
}

// setProperties sets r's properties from its row: the fields as a JSON
// object, or {} for a tombstone.
func (r *CRMRecord) setProperties(schema *parquet.Schema, cols [][]string, row parquet.Row) error {
	if r.Deleted {
		r.Properties = "{}"
		return nil
	}
	b, err := properties(schema, cols, row)
	if err != nil {
		return fmt.Errorf("encode properties of %s: %w", r.ID, err)
	}
	r.Properties = string(b)
	return nil
}

// properties encodes the row's fields as a JSON object: every column but
// the underscored ones, nulls left out.
func properties(schema *parquet.Schema, cols [][]string, row parquet.Row) ([]byte, error) {
	props := map[string]any{}
	for i, p := range cols {
		if strings.HasPrefix(p[0], "_") || row[i].IsNull() {
			continue
		}
		leaf, _ := schema.Lookup(p...)
		props[p[0]] = goValue(leaf.Node.Type(), row[i])
	}
	return json.Marshal(props)
}

// newer orders versions by modification time; at equal times a tombstone
// wins, so that a delete is never undone by a same-instant update.
func newer(a, b CRMRecord) bool {
	if !a.ModifiedAt.Equal(b.ModifiedAt) {
		return a.ModifiedAt.After(b.ModifiedAt)
	}
	return a.Deleted && !b.Deleted
}

// Records returns the merged rows sorted by source, stream and id.
func (m *CRMMerger) Records() []CRMRecord {
	out := make([]CRMRecord, 0, len(m.latest))
	for _, r := range m.latest {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Stream != b.Stream {
			return a.Stream < b.Stream
		}
		return a.ID < b.ID
	})
	return out
}

// goValue converts a Parquet value to a JSON-friendly Go value.
func goValue(t parquet.Type, v parquet.Value) any {
	lt := t.LogicalType()
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return string(v.ByteArray())
	case parquet.Int64:
		if lt != nil {
			if _, ok := lt.Value.(*format.TimestampType); ok {
				return time.UnixMicro(v.Int64()).UTC().Format(time.RFC3339Nano)
			}
		}
		return v.Int64()
	case parquet.Int32:
		if lt != nil {
			if _, ok := lt.Value.(*format.DateType); ok {
				return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly)
			}
		}
		return v.Int32()
	case parquet.Double:
		return v.Double()
	case parquet.Float:
		return v.Float()
	case parquet.Boolean:
		return v.Boolean()
	}
	return v.String()
}
