// Package segrule holds the rule language in which marketers define audience
// segments in the YAML config: a small, SQL-like condition over the columns
// of a customer table. A rule is compiled once against a schema (parsed and
// type-checked, every problem reported at once with its line and column) and
// then selects the rows of a columnar table for which it is true.
//
//	lifecycle_stage in ('dormant', 'churned') and clv >= 500
//	recency_days <= 30 and monetary >= percentile(monetary, 90)
//	email_consent != 'denied' and purchase_probability is not null
//
// # Values and types
//
// Every value has one of three types: number (an IEEE 754 double, as a
// float64), string, or bool. A column's type comes from the schema given to
// Compile. Any value may be null (missing); a NaN in a number column is null
// too.
//
//   - Numbers are written as digits with an optional decimal part: 42, 0.5,
//     1200.75. A leading minus makes them negative: -3. There is no exponent
//     notation, and ".5" and "5." are not numbers.
//   - Strings are written in single quotes. A single quote inside a string
//     is written as two single quotes in a row (see the examples below).
//     Any character, a line break included, may appear between the quotes.
//     Double quotes are not string delimiters.
//   - The bools are true and false.
//   - null is written only in "x is null" and "x is not null": it is not a
//     value that can be compared ("x = null" is an error).
//   - Column names are written as identifiers [a-z_][a-z0-9_]*, in lower
//     case. Unlike keywords they are not case-folded: "CLV" is an error, not
//     the column "clv". A column whose name is a keyword, or that does not
//     match the pattern, cannot be used in a rule.
//   - Keywords are case-insensitive: and, or, not, in, between, is, null,
//     true, false. The function name percentile is case-insensitive too.
//
// Spaces, tabs and line breaks separate tokens and are otherwise ignored;
// there are no comments.
//
// Examples:
//
//	clv >= 1000.50 and country in ('DE', 'AT', 'CH')
//	last_name = 'O''Brien'
//	not is_vip and (recency_days > 90 or frequency < 2)
//	monetary / frequency between 20 and 80
//	monetary - -10 > 0 and age not between 18 and 25
//	percentile(clv, 25) <= clv and clv < percentile(clv, 75)
//	email_consent IS NOT NULL AND purchase_probability > 0.7
//
// # Grammar
//
// In EBNF, lowest precedence first ("{ x }" repeats x zero or more times,
// "[ x ]" makes it optional, quoted words are keywords in any case):
//
//	rule        = disjunction .
//	disjunction = conjunction { "or" conjunction } .
//	conjunction = negation { "and" negation } .
//	negation    = "not" negation | predicate .
//	predicate   = sum [ compare_op sum
//	                  | [ "not" ] "between" sum "and" sum
//	                  | [ "not" ] "in" "(" literal { "," literal } ")"
//	                  | "is" [ "not" ] "null" ] .
//	sum         = product { ( "+" | "-" ) product } .
//	product     = unary { ( "*" | "/" ) unary } .
//	unary       = "-" unary | primary .
//	primary     = number | string | "true" | "false" | column
//	            | "percentile" "(" column "," [ "-" ] number ")"
//	            | "(" disjunction ")" .
//	literal     = [ "-" ] number | string | "true" | "false" .
//	compare_op  = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" .
//	number      = digit { digit } [ "." digit { digit } ] .
//	string      = "'" { character other than "'" | "''" } "'" .
//	column      = ( "a" … "z" | "_" ) { "a" … "z" | "0" … "9" | "_" } .
//
// So "not" binds more loosely than a comparison ("not x = 1" is
// "not (x = 1)"), "and" more tightly than "or", and "*" and "/" more
// tightly than "+" and "-". The "and" inside "between … and …" belongs to
// the between: "x between 1 and 5 and y" is "(x between 1 and 5) and y".
// A predicate holds at most one comparison: "a < b < c" is a syntax error,
// and comparing conditions needs parentheses: "(clv > 100) = is_vip".
//
// # Typing
//
// Compile checks every rule against the schema:
//
//   - = and != (or its synonym <>) compare two numbers, two strings or two
//     bools; < <= > >= compare two numbers or two strings. Strings compare
//     byte by byte (so 'B' < 'a'), as DuckDB's default collation does.
//   - x between a and b is x >= a and x <= b; x, a and b are all numbers or
//     all strings. x not between a and b is not (x between a and b).
//   - x in (v1, v2, …) is true when x equals one of the literals, which must
//     all have x's type; x not in (…) is not (x in (…)).
//   - x is null and x is not null apply to a value of any type, conditions
//     included, and are never null themselves.
//   - + - * / and unary minus take and give numbers.
//   - and, or and not take and give conditions (bools). A bool column or
//     literal on its own is a condition: "is_vip and not unsubscribed".
//   - The whole rule must be a condition.
//
// # Arithmetic
//
// Arithmetic is float64 arithmetic. Division by zero (including 0 / 0)
// gives null, and so does any result that is not a number (NaN, as
// infinity minus infinity). Overflow gives an infinity, which compares
// as larger (or smaller) than every other number.
//
// # percentile
//
// percentile(column, p) is the p-th percentile of the non-null values of a
// number column over the whole table being selected from, for a number
// literal p with 0 <= p <= 100. It is computed as DuckDB's
// quantile_cont(column, p/100): with the n values sorted ascending as
// v[0] … v[n-1], r = (n-1)·(p/100), lo = floor(r), hi = ceil(r) and
// d = r - lo, the percentile is v[lo] when lo = hi and
// v[lo]·(1-d) + v[hi]·d otherwise. percentile(clv, 50) is the median,
// percentile(clv, 0) the minimum, percentile(clv, 100) the maximum. It is
// null when the column has no non-null value.
//
// # Nulls
//
// Null means "unknown", with SQL's three-valued logic:
//
//   - Arithmetic with a null operand, and a comparison, between or in with a
//     null operand, gives null. (x between a and b is x >= a and x <= b, so
//     a null bound still gives false when the other bound already fails.)
//   - not null is null.
//   - false and null is false; true and null is null; null and null is
//     null.
//   - true or null is true; false or null is null; null or null is null.
//   - A rule selects a row only when it is true for that row: a null
//     result, like false, does not select it. So "x != 'a'" does not select
//     the rows where x is null; write "x != 'a' or x is null" for those.
//
// # Errors
//
// Compile reports every problem it finds, not only the first, as Errors,
// sorted by position:
//
//   - syntax errors: after one, parsing goes on, and resumes at the next
//     "and" or "or" when it cannot, so that later conditions are checked
//     too. (Where a syntax error may have broken the structure around it,
//     "expected a condition" is not reported.)
//   - unknown columns, with the nearest known name when one is close (at
//     most one edit per three characters, ignoring case), and column names
//     that are not lower case;
//   - type mismatches, and a value that is not a condition where one is
//     needed;
//   - null outside "is null", a percentile over a column that is not a
//     number, and a percentile p outside 0..100.
//
// Each Error carries the position of the offending token: the operator
// for a comparison of mismatched types or for arithmetic on something
// that is not a number; the item or bound that does not match in "in" and
// "between" (the between keyword for a bool x); the column for an unknown
// column or a percentile over a column that is not a number; p for a p out
// of range; the null for a misplaced null; the start of a value that
// should be a condition. Lines and columns count from 1; columns count
// characters (Unicode code points), not bytes. For
//
//	lifecycle_stage = 5 and clvv >= 500
//
// the errors are
//
//	1:17: cannot compare string column lifecycle_stage with number 5
//	1:25: unknown column "clvv" (did you mean "clv"?)
//
// # Evaluation
//
// Rule.Select evaluates a rule over a Table whose columns are slices, a
// chunk of rows at a time into buffers allocated once per call, and
// computes each percentile once per call. A Rule is immutable and safe for
// concurrent use.
package segrule
