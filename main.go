// Command segmint runs segmint's nightly batch jobs and trains and applies
// its models; jobs/command holds the commands.
//
//	segmint <command> [--date YYYY-MM-DD] [--config FILE] [flags]
//
// Exit codes, for a scheduler to act on (jobs/command/exit.go):
//
//	0  done
//	1  the run failed and a person must look (a bad export, a quality gate)
//	2  bad usage or configuration (a bad flag or date, an empty night
//	   without --allow-empty, every problem of the configuration)
//	3  another run holds the date's lock
//	4  a transient failure worth retrying later (store or API unreachable,
//	   timeouts, HTTP 429 or 5xx after the retries)
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // timezones for exports, even in a scratch image

	"github.com/segmint/segmint/jobs/command"
)

// defaultConfig is configs/local.yaml, used when that file is not on disk.
//
//go:embed configs/local.yaml
var defaultConfig []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := command.Run(ctx, os.Args[1:], command.System{
		Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now, DefaultConfig: defaultConfig,
	})
	stop()
	os.Exit(code)
}
