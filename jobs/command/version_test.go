package command

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	r := runCLI(t, "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "segmint ") || !strings.Contains(r.stdout, "go      "+runtime.Version()) {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "version", "extra"); r.code != exitUsage {
		t.Errorf("version extra: exit %d", r.code)
	}
}

// writeVersion reads the module version, the VCS revision and whether the
// tree was modified from the build information.
func TestWriteVersion(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]string
		want     []string
	}{
		{"clean", map[string]string{"vcs.revision": "abc123", "vcs.modified": "false", "vcs.time": "2026-12-01T10:00:00Z"},
			[]string{"segmint v1.2.3\n", "commit  abc123\n", "date    2026-12-01T10:00:00Z\n", "go      go1.99\n"}},
		{"modified", map[string]string{"vcs.revision": "abc123", "vcs.modified": "true"},
			[]string{"commit  abc123 (modified)\n"}},
		{"no vcs", nil, []string{"commit  unknown (built without VCS information)\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bi := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Path: "github.com/segmint/segmint", Version: "v1.2.3"}}
			for k, v := range c.settings {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: k, Value: v})
			}
			var b strings.Builder
			writeVersion(&b, bi)
			for _, w := range c.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}
