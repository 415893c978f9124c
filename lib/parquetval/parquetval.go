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
		return int32Text(v.Int32(), logicalType(t))
	case parquet.Int64:
		return int64Text(v.Int64(), logicalType(t))
	}
	return v.String()
}

// logicalType is the logical type of t (*format.DateType, ...), or nil.
func logicalType(t parquet.Type) any {
	if l := t.LogicalType(); l != nil {
		return l.Value
	}
	return nil
}

// int32Text renders an INT32 value of logical type lt: a date, a decimal
// or a plain integer.
func int32Text(n int32, lt any) string {
	switch l := lt.(type) {
	case *format.DateType:
		return time.Unix(int64(n)*86400, 0).UTC().Format(time.DateOnly)
	case *format.DecimalType:
		return money.Format(int64(n), int(l.Scale))
	}
	return strconv.FormatInt(int64(n), 10)
}

// int64Text renders an INT64 value of logical type lt: a timestamp, a
// decimal or a plain integer.
func int64Text(n int64, lt any) string {
	switch l := lt.(type) {
	case *format.TimestampType:
		return timestamp(n, l).Format(time.RFC3339Nano)
	case *format.DecimalType:
		return money.Format(n, int(l.Scale))
	}
	return strconv.FormatInt(n, 10)
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
