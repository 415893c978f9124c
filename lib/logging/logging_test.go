package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func TestProgressLogsOncePerInterval(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2010, 12, 9, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	p := NewProgress(New(&buf, false, zerolog.InfoLevel), "reading", 5*time.Second, now)
	p.Add(10) // no time passed: silent
	clock = clock.Add(6 * time.Second)
	p.Add(5) // logs 15
	p.Set(20)
	clock = clock.Add(5 * time.Second)
	p.Set(40) // logs 40
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 progress lines, got %d: %q", len(lines), buf.String())
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &last); err != nil {
		t.Fatal(err)
	}
	if last[FieldRows] != 40.0 || last["message"] != "reading" {
		t.Errorf("last line %v", last)
	}
}

func TestConsoleFormIsNotJSON(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, true, zerolog.InfoLevel)
	log.Info().Str(FieldRunID, "r1").Msg("hello")
	if json.Valid(buf.Bytes()) || !strings.Contains(buf.String(), "hello") || !strings.Contains(buf.String(), "r1") {
		t.Errorf("console output %q", buf.String())
	}
}
