package command

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
)

// leadsTable writes a table the way a CRM exports it: quoted text, a date
// column, an id, blanks; the label is "converted" (Y/N).
func leadsTable(t *testing.T, dir string, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	var b strings.Builder
	b.WriteString("lead_id,source,created,visits,score_hint,converted\n")
	sources := []string{"organic", "paid search", "referral", "email"}
	for i := range n {
		src := sources[rng.IntN(4)]
		visits := rng.IntN(20)
		p := 0.05 + 0.04*float64(visits)
		if src == "referral" {
			p += 0.3
		}
		conv := "N"
		if rng.Float64() < p {
			conv = "Y"
		}
		hint := strconv.Itoa(rng.IntN(100))
		if i%17 == 0 {
			hint = "" // blank
		}
		fmt.Fprintf(&b, "L%05d,%q,2024-%02d-%02d,%d,%s,%s\n", i, src, 1+i%12, 1+i%28, visits, hint, conv)
	}
	p := filepath.Join(dir, "leads.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTrainAndPredictCommands(t *testing.T) {
	dir := t.TempDir()
	input := leadsTable(t, dir, 3000)
	model := filepath.Join(dir, "model.json")
	r := runCLI(t, "train", "--input", input, "--label", "converted", "--positive", "Y", "--drop", "lead_id", "--out", model)
	if r.code != 0 {
		t.Fatalf("train: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"trained gbdt (binary, converted)", "2400 training rows, 600 holdout rows", "features: 3 numeric, 1 categorical", "left out: lead_id", "auc"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, r.stdout)
		}
	}
	out := filepath.Join(dir, "scores.csv")
	r = runCLI(t, "predict", "--model", model, "--input", input, "--out", out, "--keep", "lead_id,converted")
	if r.code != 0 || !strings.Contains(r.stdout, "scored 3000 rows") {
		t.Fatalf("predict: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	recs := fixture.ReadCSV(t, out)
	if len(recs) != 3001 || strings.Join(recs[0], ",") != "lead_id,converted,score" || recs[1][0] != "L00000" || recs[3000][0] != "L02999" {
		t.Fatalf("scores file: %d rows, header %v, first %v", len(recs), recs[0], recs[1])
	}
	// Scores rank converters above the rest.
	var yes, no, ny, nn float64
	for _, rec := range recs[1:] {
		s, err := strconv.ParseFloat(rec[2], 64)
		if err != nil || s < 0 || s > 1 {
			t.Fatalf("score %q", rec[2])
		}
		if rec[1] == "Y" {
			yes, ny = yes+s, ny+1
		} else {
			no, nn = no+s, nn+1
		}
	}
	if yes/ny <= no/nn+0.1 {
		t.Errorf("mean score of converters %.3f, of the rest %.3f", yes/ny, no/nn)
	}

	logreg := filepath.Join(dir, "logreg.json")
	if r := runCLI(t, "train", "--input", input, "--label", "converted", "--positive", "Y", "--drop", "lead_id", "--model", "logreg", "--out", logreg); r.code != 0 {
		t.Fatalf("train logreg: %d %s", r.code, r.stderr)
	}
}

func TestTrainAndPredictUsage(t *testing.T) {
	dir := t.TempDir()
	input := leadsTable(t, dir, 200)
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"train", "--input", input, "--out", "m.json"}, exitUsage, "--label required"},
		{[]string{"train", "--input", input, "--label", "source", "--out", filepath.Join(dir, "m.json")}, exitFailed, "--positive"},
		{[]string{"train", "--input", filepath.Join(dir, "nope.csv"), "--label", "converted", "--out", "m.json"}, exitFailed, "no such file"},
		{[]string{"predict", "--model", filepath.Join(dir, "nope.json"), "--input", input, "--out", "s.csv"}, exitFailed, "no such file"},
		{[]string{"predict", "--input", input}, exitUsage, "--model, --out required"},
	}
	for _, c := range cases {
		r := runCLI(t, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.msg)
		}
	}
}
