package filedrop

import "github.com/parquet-go/parquet-go"

// ParquetText renders one Parquet value as the text a file drop's column
// mapping parses: timestamps as RFC 3339 in UTC, dates as YYYY-MM-DD,
// decimals exactly, nulls as "". Other readers of Parquet files (the model
// tables in models/frame) use it so that a Parquet file and its CSV export
// read the same.
func ParquetText(t parquet.Type, v parquet.Value) string { return parquetText(t, v) }

// ValueAt finds the value of leaf column c in a row read from a flat schema.
func ValueAt(row parquet.Row, c int) parquet.Value { return valueAt(row, c) }
