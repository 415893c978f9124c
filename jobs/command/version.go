package command

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// runVersion is `segmint version`: the module version, the commit the
// binary was built from and the Go version, from the build information Go
// embeds.
func runVersion(_ context.Context, args []string, sys System) int {
	if len(args) > 0 {
		fmt.Fprintf(sys.Stderr, "segmint version: unexpected arguments %q\n", args)
		return exitUsage
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(sys.Stderr, "segmint version: the binary carries no build information")
		return exitFailed
	}
	writeVersion(sys.Stdout, bi)
	return exitOK
}

// writeVersion writes what bi says about the build: the module version
// ("(devel)" for a build from a working tree), the VCS revision and
// whether the tree had changes, and the Go version.
func writeVersion(w io.Writer, bi *debug.BuildInfo) {
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	version := bi.Main.Version
	if version == "" {
		version = "(unknown)"
	}
	fmt.Fprintf(w, "segmint %s\n", version)
	commit := settings["vcs.revision"]
	switch {
	case commit == "":
		commit = "unknown (built without VCS information)"
	case settings["vcs.modified"] == "true":
		commit += " (modified)"
	}
	fmt.Fprintf(w, "commit  %s\n", commit)
	if t := settings["vcs.time"]; t != "" {
		fmt.Fprintf(w, "date    %s\n", t)
	}
	fmt.Fprintf(w, "go      %s\n", bi.GoVersion)
}
