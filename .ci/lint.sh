#!/usr/bin/env bash
# Runs staticcheck over the module and the sample generator, installing the
# pinned version first when the one on PATH (or in GOBIN) is another. Used by
# `make lint` and by .ci/test.sh (so by `make test` and CI).
set -euo pipefail
cd "$(dirname "$0")/.."

# What `go list -m honnef.co/go/tools@latest` resolved to when pinned.
STATICCHECK_VERSION=${SEGMINT_STATICCHECK_VERSION:-v0.8.2}

gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin=$(go env GOPATH | cut -d: -f1)/bin
bin=$gobin/staticcheck
# `staticcheck -version` prints e.g. "staticcheck 2026.2.2 (0.8.2)".
if ! "$bin" -version 2>/dev/null | grep -qF "(${STATICCHECK_VERSION#v})"; then
	echo "lint: installing staticcheck $STATICCHECK_VERSION" >&2
	go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
"$bin" ./... ./testdata/synth/...
