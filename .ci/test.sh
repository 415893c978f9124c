#!/usr/bin/env bash
# Runs segmint's test suite with a real S3 server (MinIO on loopback),
# installing and starting it first and stopping it afterwards if it started
# it here, and with Debian's chromium for the report's browser test
# (installed with apt-get when missing). Used by `make test` and, through
# it, by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# A server already running from an earlier `start` is reused and left running.
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
export SEGMINT_REQUIRE_S3=1
# Chromium for the report's browser test, installed when missing.
eval "$(.ci/chromium.sh)"

go vet ./... ./testdata/synth/...
.ci/lint.sh
# jobs/nightly runs the whole DAG of the sample dozens of times (and the
# report's browser test): on a busy shared machine it passes go test's
# default 10-minute limit per package.
go test -count=1 -timeout 30m ${GOTESTFLAGS:-} ./... ./testdata/synth/...
