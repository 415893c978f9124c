#!/usr/bin/env bash
# The crash harness (`make crash`; jobs/command/crash_test.go): SIGKILLs the
# built `segmint nightly` at 52 points per configuration (local store and S3,
# with and without --redo), reruns it and compares the store with an
# uninterrupted run's; then the fault-injection tests too slow for
# `make test`. Starts the test S3 server as .ci/test.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."

pidfile=${TMPDIR:-/tmp}/segmint-minio/minio-${SEGMINT_S3_PORT:-9000}.pid
started_here=1
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  started_here=0
fi
lines=$(.ci/s3-server.sh start)
eval "$lines"
if [ "$started_here" = 1 ]; then
  trap '.ci/s3-server.sh stop >&2 || true' EXIT
fi
export SEGMINT_REQUIRE_S3=1 SEGMINT_CRASH=1

go test -count=1 -v -timeout 90m -run '^TestCrashHarness$' ./jobs/command | grep -v -e '^=== ' -e '^    --- '
go test -count=1 -timeout 30m -run '^(TestNightlyOnS3RidesOutFaults|TestNightlyOnS3FaultsBeyondTheBudget|TestS3StoppedMidRunIsTransient)$' ./jobs/nightly ./jobs/command
