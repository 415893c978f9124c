// Package parquetval reads single values out of rows of flat Parquet files
// and renders them as text, so that every reader of Parquet in segmint (the
// file drop's column mapping, the model tables of models/frame) reads a
// Parquet file the way it reads the same table exported as CSV.
package parquetval

import (
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/segmint/segmint/lib/money"
)

// At finds the value of leaf column c in a row read from a flat schema
// (flat schemas have one value a column, in column order).
func At(row parquet.Row, c int) parquet.Value {
	if c < len(row) && row[c].Column() == c {
		return row[c]
	}
	for _, v := range row {
		if v.Column() == c {
			return v
		}
	}
	return parquet.NullValue()
}

// Text renders one Parquet value of column type t as the text a file drop's
// column mapping parses: timestamps as RFC 3339 in UTC, dates as YYYY-MM-DD,
// decimals exactly, nulls as "".
func Text(t parquet.Type, v parquet.Value) string {
	if v.IsNull() {
		return ""
	}
	var lt any
	if l := t.LogicalType(); l != nil {
		lt = l.Value
	}
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return string(v.ByteArray())
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case parquet.Float:
		return strconv.FormatFloat(float64(v.Float()), 'f', -1, 32)
	case parquet.Double:
		return strconv.FormatFloat(v.Double(), 'f', -1, 64)
	case parquet.Int32:
		switch l := lt.(type) {
		case *format.DateType:
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly)
		case *format.DecimalType:
			return money.Format(int64(v.Int32()), int(l.Scale))
		}
		return strconv.FormatInt(int64(v.Int32()), 10)
	case parquet.Int64:
		switch l := lt.(type) {
		case *format.TimestampType:
			return timestamp(v.Int64(), l).Format(time.RFC3339Nano)
		case *format.DecimalType:
			return money.Format(v.Int64(), int(l.Scale))
		}
		return strconv.FormatInt(v.Int64(), 10)
	}
	return v.String()
}

func timestamp(n int64, l *format.TimestampType) time.Time {
	switch l.Unit.Value.(type) {
	case *format.MilliSeconds:
		return time.UnixMilli(n).UTC()
	case *format.NanoSeconds:
		return time.Unix(0, n).UTC()
	default:
		return time.UnixMicro(n).UTC()
	}
}
