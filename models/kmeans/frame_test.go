package kmeans

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

// customers writes a CSV of n customers in three groups: spend and visits
// around each group's centre, and a channel that mostly follows the group
// (blank now and then).
func customers(n int) string {
	rng := rand.New(rand.NewPCG(4, 4))
	channels := []string{"app", "store", "web"}
	var b strings.Builder
	b.WriteString("id,spend,visits,channel\n")
	for i := range n {
		g := i % 3
		spend := 100*float64(g+1) + 10*rng.NormFloat64()
		visits := 5*float64(3-g) + rng.NormFloat64()
		ch := channels[g]
		if rng.Float64() < 0.1 {
			ch = channels[rng.IntN(3)]
		}
		if i%17 == 0 {
			ch = ""
		}
		fmt.Fprintf(&b, "c%d,%.2f,%.2f,%s\n", i, spend, visits, ch)
	}
	return b.String()
}

// fitCustomers reads n customers into a frame and fits 3 clusters.
func fitCustomers(t *testing.T, n int) (*frame.Frame, *Model, []int) {
	t.Helper()
	table, err := frame.ReadCSV(strings.NewReader(customers(n)), ',')
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := table.Infer("id")
	if err != nil {
		t.Fatal(err)
	}
	m, labels, err := Fit(t.Context(), f, Config{K: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	return f, m, labels
}

func TestFitFrame(t *testing.T) {
	f, m, labels := fitCustomers(t, 600)
	var names []string
	for _, c := range m.Columns {
		names = append(names, c.Name)
	}
	if want := []string{"spend", "visits", "channel=app", "channel=store", "channel=web"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("columns %v, want %v", names, want)
	}

	// The same as FitMatrix on the one-hot matrix with NaN for a blank.
	spend, visits, ch := f.Col("spend"), f.Col("visits"), f.Col("channel")
	rows := make([][]float64, f.Rows)
	for i := range rows {
		rows[i] = []float64{spend.Num[i], visits.Num[i], 0, 0, 0}
		for l := range 3 {
			switch {
			case ch.Codes[i] < 0:
				rows[i][2+l] = math.NaN()
			case int(ch.Codes[i]) == l:
				rows[i][2+l] = 1
			}
		}
	}
	mm, mlabels, err := FitMatrix(t.Context(), names, rows, Config{K: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	mm.Features = m.Features
	a, _ := json.Marshal(m)
	b, _ := json.Marshal(mm)
	if string(a) != string(b) || !reflect.DeepEqual(labels, mlabels) {
		t.Errorf("frame fit differs from the matrix fit:\n%s\n%s", a, b)
	}

	// A one-hot column's centre is the cluster's share of that level.
	for c, p := range m.Profiles {
		web, n := 0.0, 0
		for i, l := range labels {
			if l == c {
				n++
				switch {
				case ch.Codes[i] == 2:
					web++
				case ch.Codes[i] < 0:
					web += m.Columns[4].Mean
				}
			}
		}
		if math.Abs(p.Centre[4]-web/float64(n)) > 1e-9 {
			t.Errorf("cluster %d: channel=web centre %v, share %v", c, p.Centre[4], web/float64(n))
		}
	}

	got, err := m.Predict(f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, labels) {
		t.Errorf("Predict on the training frame differs from the fit's labels")
	}
}

// A saved model scores a new table read by its features: columns in
// another order, an unseen level taken as missing.
func TestPredictNewTable(t *testing.T) {
	_, m, _ := fitCustomers(t, 300)
	loaded, _ := throughJSON(t, m)
	fresh := "channel,visits,extra,spend\nweb,4.1,x,310.5\nfax,4.1,y,310.5\n,4.1,z,310.5\nstore,10,w,200\n"
	nt, err := frame.ReadCSV(strings.NewReader(fresh), ',')
	if err != nil {
		t.Fatal(err)
	}
	nf, err := nt.Align(loaded.Features)
	if err != nil {
		t.Fatal(err)
	}
	got, err := loaded.Predict(nf)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.PredictMatrix([][]float64{
		{310.5, 4.1, 0, 0, 1},
		{310.5, 4.1, math.NaN(), math.NaN(), math.NaN()},
		{310.5, 4.1, math.NaN(), math.NaN(), math.NaN()},
		{200, 10, 0, 1, 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("new table scored %v, want %v", got, want)
	}
	// Infer on the new table gives other levels; Predict matches them by name.
	inferred, _, err := nt.Infer()
	if err != nil {
		t.Fatal(err)
	}
	if again, err := loaded.Predict(inferred); err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("inferred frame scored %v (%v), want %v", again, err, want)
	}
	if _, err := loaded.Predict(&frame.Frame{Rows: 1, Cols: []*frame.Column{{Name: "spend", Num: []float64{1}}}}); err == nil {
		t.Errorf("frame without the model's features scored")
	}
}
