// Package quality is segmint's data-quality gate, in the spirit of dbt
// tests and Soda checks: rules declared per dataset in YAML (Config,
// Dataset, Rule), evaluated over tabular rows (Rows, MapRows, Table) by
// Evaluate into per-rule results, per-row failures for quarantine and a
// report scored on five dimensions (Report).
//
// A dataset's configuration reads:
//
//	datasets:
//	  - name: orders
//	    pii: [customer_id]
//	    rules:
//	      - {kind: not_null, column: customer_id, severity: warn, max_failure_share: 0.3}
//	      - {kind: unique, columns: [invoice, stock_code, price]}
//	      - {kind: range, column: price, min: "0.01", severity: warn}
//	      - {kind: pattern, column: invoice, pattern: '^[0-9]{6}$', severity: warn}
//	      - {kind: accepted_values, column: country, values: [United Kingdom, France]}
//	      - {kind: relationships, column: customer_id, to: customers.customer_id}
//	      - {kind: freshness, column: ordered_at, max_age_hours: 36}
//
// Nulls: a value is null when IsNull says so (nil, NaN, blank text).
// not_null checks every row; unique skips rows whose key columns are all
// null and otherwise treats null as a value equal to null (SQL GROUP BY);
// the other row rules skip nulls, as dbt does.
//
// The gate: an error-level rule over its threshold makes Evaluate return
// a *GateError (errors.Is ErrStop) beside the complete Outcome; the caller
// writes the quarantine (Outcome.Failures) and the report, then stops the
// run before anything downstream is written.
//
// Scores: see DimensionScore for the exact definition.
package quality
