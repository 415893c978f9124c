#!/usr/bin/env bash
# Runs segmint's test suite with a real S3 server (MinIO on loopback),
# installing and starting it first and stopping it afterwards if it started
# it here, and with Debian's chromium for the report's browser test
# (installed with apt-get when missing). Used by `make test` and, through
# it, by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/s3-up.sh
# Chromium for the report's browser test, installed when missing.
eval "$(.ci/chromium.sh)"

go vet ./... ./testdata/synth/...
.ci/lint.sh
# jobs/nightly runs the whole DAG of the sample dozens of times (and the
# report's browser test): on a busy shared machine it passes go test's
# default 10-minute limit per package.
go test -count=1 -timeout 30m ${GOTESTFLAGS:-} ./... ./testdata/synth/...
