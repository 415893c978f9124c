package nightly

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// TestStepThatSkipsADeclaredOutputFailsTheRun: nightly skips steps by the
// outputs lib/contract declares, so a step that returns without committing
// one of them stops the run with the partition named, instead of leaving a
// gap the next run would skip over.
func TestStepThatSkipsADeclaredOutputFailsTheRun(t *testing.T) {
	decl, ok := contract.LookupStep(contract.StepScore)
	if !ok {
		t.Fatal("no score step declared")
	}
	calls := 0
	lazy := Step{Step: decl, Run: func(context.Context, step.Env, rundate.Date) (step.Stats, error) {
		calls++
		return step.Stats{}, nil
	}}
	d := rundatetest.Parse(t, "2024-03-01")
	env := step.Env{Store: store.NewMem(), Config: &config.Config{}, Log: zerolog.Nop(), RunID: "r1",
		Now: func() time.Time { return time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC) }}
	err := runSteps(t.Context(), env, []Step{lazy}, d, false, &runlog.Record{})
	if err == nil || !strings.Contains(err.Error(), "scores/dt=2024-03-01") {
		t.Fatalf("err = %v, want the missing scores partition named", err)
	}
	if calls != 1 {
		t.Errorf("the step ran %d times, want 1", calls)
	}
}

// TestEveryDeclaredStepRuns: each step lib/contract declares has its Run
// in the DAG, in the declared order.
func TestEveryDeclaredStepRuns(t *testing.T) {
	steps := Steps()
	declared := contract.Steps()
	if len(steps) != len(declared) {
		t.Fatalf("%d steps, %d declared", len(steps), len(declared))
	}
	for i, s := range steps {
		if s.Name != declared[i].Name || s.Run == nil {
			t.Errorf("step %d: %q (run set: %v), declared %q", i, s.Name, s.Run != nil, declared[i].Name)
		}
	}
}
