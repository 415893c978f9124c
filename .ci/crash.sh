#!/usr/bin/env bash
# The crash harness (`make crash`; jobs/command/crash_test.go): SIGKILLs the
# built `segmint nightly` at 52 points per configuration (local store and S3,
# with and without --redo), reruns it and compares the store with an
# uninterrupted run's; then the fault-injection tests too slow for
# `make test`. Starts the test S3 server as .ci/test.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/s3-up.sh
export SEGMINT_CRASH=1

go test -count=1 -v -timeout 90m -run '^TestCrashHarness$' ./jobs/command | grep -v -e '^=== ' -e '^    --- '
go test -count=1 -timeout 30m -run '^(TestNightlyOnS3RidesOutFaults|TestNightlyOnS3FaultsBeyondTheBudget|TestS3StoppedMidRunIsTransient)$' ./jobs/nightly ./jobs/command
