package connector

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestReconcile(t *testing.T) {
	f := func(name string, typ Type) Field { return Field{Name: name, Type: typ} }
	cases := []struct {
		name      string
		committed []Field
		observed  []Field
		had       bool
		want      string
		added     string
		err       bool
	}{
		{"first pull", nil, []Field{f("a", Int)}, true, "[{a int}]", "[a]", false},
		{"same", []Field{f("a", Int)}, []Field{f("a", Int)}, true, "[{a int}]", "[]", false},
		{"new field", []Field{f("a", Int)}, []Field{f("a", Int), f("b", String)}, true, "[{a int} {b string}]", "[b]", false},
		{"widens int to float", []Field{f("a", Int)}, []Field{f("a", Float)}, true, "[{a float}]", "[]", false},
		{"narrows float to int", []Field{f("a", Float)}, []Field{f("a", Int)}, true, "", "", true},
		{"narrows string to int", []Field{f("a", String)}, []Field{f("a", Bool)}, true, "", "", true},
		{"incompatible", []Field{f("a", Timestamp)}, []Field{f("a", Int)}, true, "", "", true},
		{"disappears", []Field{f("a", Int), f("b", Int)}, []Field{f("a", Int)}, true, "", "", true},
		{"empty pull keeps schema", []Field{f("a", Int), f("b", Int)}, []Field{f("a", Int)}, false, "[{a int} {b int}]", "[]", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, added, err := Reconcile(c.committed, c.observed, c.had)
			if c.err {
				if !errors.Is(err, ErrSchema) {
					t.Fatalf("want ErrSchema, got %v (%v)", err, got)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != c.want || fmt.Sprint(added) != c.added && !(c.added == "[]" && added == nil) {
				t.Fatalf("got %v added %v err %v; want %s added %s", got, added, err, c.want, c.added)
			}
		})
	}
}

func TestObserve(t *testing.T) {
	decl := []Field{{Name: "email", Type: String}, {Name: "at", Type: Timestamp}}
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	recs := []Record{
		{ID: "1", Fields: map[string]any{"email": "a", "at": day, "score": int64(1), "tag": nil}},
		{ID: "2", Fields: map[string]any{"email": nil, "at": day.Add(time.Hour), "score": 2.5, "tag": "x"}},
	}
	got, err := Observe(decl, recs)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[{email string} {at timestamp} {score float} {tag string}]" { // ints and floats: float
		t.Errorf("observed %v", got)
	}
	recs[0].Fields["email"] = int64(5)
	if _, err := Observe(decl, recs); !errors.Is(err, ErrSchema) {
		t.Errorf("a declared string holding an int: %v", err)
	}
}

func TestRowsConvertAndParallelChunksAgree(t *testing.T) {
	fields := []Field{{Name: "n", Type: Float}, {Name: "s", Type: String}, {Name: "when", Type: Timestamp}}
	var recs []Record
	for i := range 20000 {
		recs = append(recs, Record{ID: fmt.Sprint(i), Modified: time.Unix(int64(i), 0),
			Fields: map[string]any{"n": int64(i), "s": i, "when": time.Unix(int64(i), 0)}})
	}
	schema := Schema("x", fields, false)
	rows, err := Rows(schema, fields, recs, false)
	if err != nil {
		t.Fatal(err)
	}
	small, err := Rows(schema, fields, recs[19990:], false)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range small {
		if fmt.Sprint(r) != fmt.Sprint(rows[19990+i]) {
			t.Fatalf("row %d differs between a parallel and a serial conversion", i)
		}
	}
	recs[15000].Fields["when"] = "not a time"
	if _, err := Rows(schema, fields, recs, false); err == nil {
		t.Error("a string in a timestamp column was accepted")
	}
}
