package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/models/registry"
)

// readJSON decodes the store's object key into v.
func readJSON(t *testing.T, storeDir, key string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(storeDir, key))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
}

func championIn(t *testing.T, storeDir, model string) registry.Pointer {
	t.Helper()
	var p registry.Pointer
	readJSON(t, storeDir, registry.ChampionKey(model), &p)
	return p
}

// scoredWith is the version of model the scores of 2010-12-09 were made
// with (the manifest's meta "models").
func scoredWith(t *testing.T, storeDir, model string) string {
	t.Helper()
	var m struct {
		Meta struct {
			Models map[string]string `json:"models"`
		} `json:"meta"`
	}
	readJSON(t, storeDir, "scores/dt=2010-12-09/manifest.json", &m)
	return m.Meta.Models[model]
}

// listed reads the version lines of segmint models list (without --model,
// so without a history): version to whether it is marked champion.
func listed(out string) map[string]bool {
	marks := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && len(f[0]) == 16 {
			marks[f[0]] = f[1] == "*"
		}
	}
	return marks
}

// mustRun runs the command and fails the test unless it exits with code.
func mustRun(t *testing.T, code int, args ...string) result {
	t.Helper()
	r := runCLI(t, args...)
	if r.code != code {
		t.Fatalf("segmint %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	return r
}

// TestModelsCommandOnSample trains on two nights, lists and shows the
// models, promotes the first night's purchase model by hand, scores with
// it, and rolls back twice: to the second night's model, then to the
// first night's again, past which there is nothing to roll back to.
func TestModelsCommandOnSample(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	for _, d := range []string{"2010-09-30", "2010-12-09"} {
		mustRun(t, exitOK, "nightly", "--date", d, "--config", cfg, "--log-format", "json")
	}
	second := championIn(t, storeDir, "purchase_90d")
	first := second.History[0].Version
	if len(second.History) != 2 || first == second.Version || second.History[1].Previous != first {
		t.Fatalf("two nights must promote two versions: %+v", second)
	}

	r := mustRun(t, exitOK, "models", "list", "--model", "purchase_90d", "--config", cfg)
	if marks := listed(r.stdout); len(marks) != 2 || !marks[second.Version] || marks[first] {
		t.Errorf("list marks %v, want 2 versions, %s the champion:\n%s", marks, second.Version, r.stdout)
	}
	r = mustRun(t, exitOK, "models", "list", "--config", cfg)
	if !strings.Contains(r.stdout, "clv: 2 versions") || strings.Index(r.stdout, second.Version) > strings.Index(r.stdout, first) {
		t.Errorf("list, newest first:\n%s", r.stdout)
	}
	r = mustRun(t, exitOK, "models", "show", "--model", "purchase_90d", "--config", cfg)
	for _, want := range []string{"version " + second.Version + " (the champion)", "label            ordered_within_90d", "auc_logreg", "decision: promoted"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	r = mustRun(t, exitOK, "models", "show", "--model", "purchase_90d", "--version", first, "--json", "--config", cfg)
	var shown summaryJSON
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.Champion || shown.File["features"] == nil || shown.File["model"] != nil ||
		shown.Metrics == nil || shown.Metrics.Decision == nil || shown.Metrics.Decision.Reason != "no champion yet" {
		t.Errorf("show --json: %v\n%s", err, r.stdout)
	}

	r = mustRun(t, exitOK, "models", "promote", "--model", "purchase_90d", "--version", first, "--reason", "the newer one over-fits", "--by", "ana", "--config", cfg, "--log-format", "json")
	p := championIn(t, storeDir, "purchase_90d")
	last := p.History[len(p.History)-1]
	if p.Version != first || p.Decision.Reason != "promoted by hand: the newer one over-fits" || last.Action != registry.ActionPromote ||
		last.By != "ana" || last.Previous != second.Version || !strings.Contains(r.stdout, "champion "+first) {
		t.Errorf("after promote: %+v\n%s", p, r.stdout)
	}
	var m registry.Metrics
	readJSON(t, storeDir, "models/purchase_90d/"+first+"/metrics.json", &m)
	if m.Decision == nil || *m.Decision != p.Decision {
		t.Errorf("metrics.json decision %+v, want %+v", m.Decision, p.Decision)
	}
	mustRun(t, exitOK, "score", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if got := scoredWith(t, storeDir, "purchase_90d"); got != first {
		t.Errorf("scored with %s, want the promoted %s", got, first)
	}

	mustRun(t, exitOK, "models", "rollback", "--model", "purchase_90d", "--reason", "it was fine", "--config", cfg, "--log-format", "json")
	if p := championIn(t, storeDir, "purchase_90d"); p.Version != second.Version || p.Decision.Reason != "rolled back by hand from "+first+": it was fine" {
		t.Errorf("after the first rollback: %+v", p)
	}
	mustRun(t, exitOK, "score", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if got := scoredWith(t, storeDir, "purchase_90d"); got != second.Version {
		t.Errorf("scored with %s after the rollback, want %s", got, second.Version)
	}
	mustRun(t, exitOK, "models", "rollback", "--model", "purchase_90d", "--config", cfg, "--log-format", "json")
	if p := championIn(t, storeDir, "purchase_90d"); p.Version != first || len(p.History) != 5 {
		t.Errorf("after the second rollback: %+v", p)
	}
	r = mustRun(t, exitUsage, "models", "rollback", "--model", "purchase_90d", "--config", cfg, "--log-format", "json")
	if !strings.Contains(r.stderr, "no earlier champion") {
		t.Errorf("third rollback: %s", r.stderr)
	}
	r = mustRun(t, exitOK, "models", "list", "--model", "purchase_90d", "--config", cfg)
	if !strings.Contains(r.stdout, "champion history, oldest first:") || strings.Count(r.stdout, "rolled back by hand") != 2 {
		t.Errorf("list --model lacks the history:\n%s", r.stdout)
	}
}

func TestModelsCommandUsage(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"models"}, exitUsage, "usage: segmint models <subcommand>"},
		{"help", []string{"models", "--help"}, exitOK, "rollback --model NAME"},
		{"unknown subcommand", []string{"models", "drop"}, exitUsage, "usage: segmint models"},
		{"subcommand help", []string{"models", "promote", "--help"}, exitOK, "-reason"},
		{"missing flags", []string{"models", "promote", "--model", "purchase_90d", "--config", cfg}, exitUsage, "--version, --reason required"},
		{"empty store", []string{"models", "list", "--config", cfg}, exitOK, "no models in"},
		{"unknown model", []string{"models", "list", "--model", "nope", "--config", cfg}, exitUsage, "no model nope"},
		{"no champion", []string{"models", "show", "--model", "nope", "--config", cfg}, exitUsage, "no champion"},
		{"unknown version", []string{"models", "promote", "--model", "nope", "--version", "0123456789abcdef", "--reason", "x", "--config", cfg}, exitUsage, "has no version"},
		{"bad version", []string{"models", "show", "--model", "nope", "--version", "../../x", "--config", cfg}, exitUsage, "is not a model and version"},
		{"nothing to roll back", []string{"models", "rollback", "--model", "nope", "--config", cfg}, exitUsage, "no champion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, c.args...)
			if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\nstdout: %s\nstderr: %s", r.code, c.code, c.want, r.stdout, r.stderr)
			}
		})
	}
}

// A file the score step could not decode is refused, whatever the
// registry says of its header.
func TestDecodable(t *testing.T) {
	cases := []struct {
		name, kind, model string
		ok                bool
	}{
		{"m", "gbdt", `{"trees": "x"}`, false},
		{"m", "logreg", `[1, 2]`, false},
		{"m", "svm", `{}`, false},
		{contract.CLVModel, "bgnbd_gamma_gamma", `{"bgnbd": 1}`, false},
		{contract.CLVModel, "nbd_gamma_gamma", `{}`, false},
	}
	for _, c := range cases {
		err := decodable(&registry.File{Name: c.name, Kind: c.kind, Model: json.RawMessage(c.model)})
		if (err == nil) != c.ok {
			t.Errorf("%s %s: %v", c.kind, c.model, err)
		}
	}
}
