package configs_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The exit codes segmint gives a scheduler (README: The command).
const (
	exitDone      = 0
	exitFailed    = 1
	exitUsage     = 2
	exitLocked    = 3
	exitTransient = 4
)

// cronJob holds the fields of the CronJob example the test checks.
type cronJob struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		Schedule          string `yaml:"schedule"`
		TimeZone          string `yaml:"timeZone"`
		ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
		JobTemplate       struct {
			Spec struct {
				BackoffLimit     *int `yaml:"backoffLimit"`
				PodFailurePolicy struct {
					Rules []podFailureRule `yaml:"rules"`
				} `yaml:"podFailurePolicy"`
				Template struct {
					Spec struct {
						RestartPolicy string `yaml:"restartPolicy"`
						Containers    []struct {
							Name  string   `yaml:"name"`
							Image string   `yaml:"image"`
							Args  []string `yaml:"args"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

type podFailureRule struct {
	Action      string `yaml:"action"`
	OnExitCodes *struct {
		ContainerName string `yaml:"containerName"`
		Operator      string `yaml:"operator"`
		Values        []int  `yaml:"values"`
	} `yaml:"onExitCodes"`
	OnPodConditions []struct {
		Type string `yaml:"type"`
	} `yaml:"onPodConditions"`
}

// action is what the Job does when container exits with code, as
// Kubernetes evaluates a podFailurePolicy: the first rule that matches
// decides; without one the failure counts towards backoffLimit.
func action(rules []podFailureRule, container string, code int) string {
	for _, r := range rules {
		e := r.OnExitCodes
		if e == nil || (e.ContainerName != "" && e.ContainerName != container) {
			continue
		}
		in := slices.Contains(e.Values, code)
		if (e.Operator == "In" && in) || (e.Operator == "NotIn" && !in) {
			return r.Action
		}
	}
	return "Count"
}

func TestKubernetesCronJob(t *testing.T) {
	b, err := os.ReadFile("scheduler/kubernetes-cronjob.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cj cronJob
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&cj); err != nil {
		t.Fatal(err)
	}
	if cj.APIVersion != "batch/v1" || cj.Kind != "CronJob" {
		t.Errorf("apiVersion %q, kind %q", cj.APIVersion, cj.Kind)
	}
	if len(strings.Fields(cj.Spec.Schedule)) != 5 || cj.Spec.TimeZone != "Etc/UTC" {
		t.Errorf("schedule %q in %q, want five cron fields in UTC (segmint runs yesterday, UTC)", cj.Spec.Schedule, cj.Spec.TimeZone)
	}
	if cj.Spec.ConcurrencyPolicy != "Forbid" {
		t.Errorf("concurrencyPolicy %q, want Forbid", cj.Spec.ConcurrencyPolicy)
	}
	job := cj.Spec.JobTemplate.Spec
	if job.BackoffLimit == nil || *job.BackoffLimit < 1 {
		t.Errorf("backoffLimit %v: exit 4 would never be retried", job.BackoffLimit)
	}
	pod := job.Template.Spec
	if pod.RestartPolicy != "Never" {
		t.Errorf("restartPolicy %q: podFailurePolicy needs Never", pod.RestartPolicy)
	}
	if len(pod.Containers) != 1 || pod.Containers[0].Image == "" || !slices.Contains(pod.Containers[0].Args, "nightly") {
		t.Fatalf("containers: %+v", pod.Containers)
	}
	name := pod.Containers[0].Name
	rules := job.PodFailurePolicy.Rules
	for code, want := range map[int]string{exitFailed: "FailJob", exitUsage: "FailJob", exitLocked: "Count", exitTransient: "Count", 137: "Count"} {
		if got := action(rules, name, code); got != want {
			t.Errorf("exit %d: the Job does %s, want %s", code, got, want)
		}
	}
	for _, r := range rules {
		if r.OnExitCodes != nil && slices.Contains(r.OnExitCodes.Values, exitDone) {
			t.Errorf("rule %+v names exit 0, which Kubernetes refuses", r)
		}
	}
}

// dagFacts are what the DAG file says, read by Python's own parser: the
// nightly command and the keyword arguments of the BashOperator.
type dagFacts struct {
	Command  string            `json:"command"`
	Operator map[string]any    `json:"operator"`
	Env      map[string]string `json:"env"`
}

const readDAG = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
out = {"operator": {}}
for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["NIGHTLY_COMMAND"]:
        out["command"] = ast.literal_eval(node.value)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "BashOperator":
        for kw in node.keywords:
            try:
                out["operator"][kw.arg] = ast.literal_eval(kw.value)
            except ValueError:
                out["operator"][kw.arg] = ast.unparse(kw.value)
        out["env"] = out["operator"].pop("env", {})
print(json.dumps(out))
`

func TestAirflowDAG(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	out, err := exec.Command(python, "-c", readDAG, "scheduler/airflow_dag.py").Output()
	if err != nil {
		t.Fatalf("python3 cannot parse the DAG: %v", err)
	}
	var dag dagFacts
	if err := json.Unmarshal(out, &dag); err != nil {
		t.Fatal(err)
	}
	if got := dag.Operator["retries"]; got != float64(0) {
		t.Errorf("retries = %v, want 0: Airflow would retry exit 1 and 2 too", got)
	}
	if got := dag.Operator["skip_on_exit_code"]; got != float64(exitLocked) {
		t.Errorf("skip_on_exit_code = %v, want %d (another run holds the lock)", got, exitLocked)
	}
	if !strings.Contains(dag.Command, "segmint nightly --date") {
		t.Errorf("the command does not run segmint nightly for a date:\n%s", dag.Command)
	}
	t.Run("retries only exit 4", func(t *testing.T) { testRetryRule(t, dag) })
}

// testRetryRule runs the DAG's command with a fake segmint that exits
// with the given codes in turn: it retries exit 4 only, as many times as
// the DAG's env allows, and exits with segmint's last code.
func testRetryRule(t *testing.T, dag dagFacts) {
	attempts, err := strconv.Atoi(dag.Env["SEGMINT_ATTEMPTS"])
	if err != nil || attempts < 2 {
		t.Fatalf("SEGMINT_ATTEMPTS = %q: exit 4 is never retried", dag.Env["SEGMINT_ATTEMPTS"])
	}
	fours := strings.TrimSpace(strings.Repeat("4 ", attempts+2))
	tests := []struct {
		codes     string
		wantExit  int
		wantCalls int
	}{
		{"0", exitDone, 1},
		{"1 0", exitFailed, 1},
		{"2 0", exitUsage, 1},
		{"3 0", exitLocked, 1},
		{"4 4 0", exitDone, 3},
		{"4 1 0", exitFailed, 2},
		{fours, exitTransient, attempts},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.codes, " ", "_"), func(t *testing.T) {
			exit, calls := runCommand(t, dag, tt.codes)
			if exit != tt.wantExit || calls != tt.wantCalls {
				t.Errorf("segmint exiting %s: the task exits %d after %d runs, want %d after %d", tt.codes, exit, calls, tt.wantExit, tt.wantCalls)
			}
		})
	}
}

// runCommand runs the DAG's command under bash with a fake segmint on
// PATH that exits with codes in turn, without waiting between attempts;
// it returns the command's exit code and how often segmint ran.
func runCommand(t *testing.T, dag dagFacts, codes string) (exit, calls int) {
	t.Helper()
	dir := t.TempDir()
	fake := `#!/bin/sh
n=$(cat "$FAKE_DIR/calls" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$FAKE_DIR/calls"
set -- $FAKE_CODES
shift $((n - 1))
exit "$1"
`
	if err := os.WriteFile(filepath.Join(dir, "segmint"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", dag.Command)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "FAKE_DIR="+dir, "FAKE_CODES="+codes,
		"SEGMINT_CONFIG=configs/s3.yaml", "SEGMINT_ATTEMPTS="+dag.Env["SEGMINT_ATTEMPTS"], "SEGMINT_RETRY_DELAY=0")
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "calls"))
	if err != nil {
		t.Fatal(err)
	}
	calls, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return exit, calls
}
