package frame

import (
	"math"
	"slices"
	"testing"
)

func TestConcat(t *testing.T) {
	a := &Frame{Rows: 2, Cols: []*Column{
		{Name: "n", Kind: Numeric, Num: []float64{1, math.NaN()}},
		{Name: "c", Kind: Categorical, Levels: []string{"fr", "gb"}, Codes: []int32{1, -1}},
	}}
	b := &Frame{Rows: 3, Cols: []*Column{
		{Name: "n", Kind: Numeric, Num: []float64{3, 4, 5}},
		{Name: "c", Kind: Categorical, Levels: []string{"de", "gb"}, Codes: []int32{0, 1, 0}},
	}}
	f, err := Concat(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows != 5 || f.Validate() != nil {
		t.Fatalf("rows %d: %v", f.Rows, f.Validate())
	}
	n, c := f.Col("n"), f.Col("c")
	if !slices.Equal(n.Num[2:], []float64{3, 4, 5}) || n.Num[0] != 1 || !math.IsNaN(n.Num[1]) {
		t.Errorf("numeric %v", n.Num)
	}
	var got []string
	for i := range f.Rows {
		if c.Codes[i] < 0 {
			got = append(got, "")
			continue
		}
		got = append(got, c.Levels[c.Codes[i]])
	}
	if !slices.Equal(c.Levels, []string{"de", "fr", "gb"}) || !slices.Equal(got, []string{"gb", "", "de", "gb", "de"}) {
		t.Errorf("levels %v, values %q", c.Levels, got)
	}
	b.Cols[0].Name = "m"
	if _, err := Concat(a, b); err == nil {
		t.Error("frames with different columns were stacked")
	}
}
