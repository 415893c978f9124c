# s3-up.sh: sourced by .ci/test.sh and .ci/crash.sh (from the repository
# root). Starts the test S3 server (.ci/s3-server.sh), exports its
# environment and SEGMINT_REQUIRE_S3=1, and stops it on exit when it was
# started here; a server already running from an earlier `start` is reused
# and left running.
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
