#!/usr/bin/env bash
# s3-server.sh: a real S3-compatible server (MinIO) on loopback for the tests.
#
#   .ci/s3-server.sh start   install MinIO if needed, start it (or reuse ours
#                            already running), wait until healthy, print the
#                            test environment as export lines on stdout
#   .ci/s3-server.sh env     print the export lines only
#   .ci/s3-server.sh stop    stop the server started by `start`
#
# Usage:   lines=$(.ci/s3-server.sh start) && eval "$lines"
# (plain `eval "$(.ci/s3-server.sh start)"` works too, but hides a failure
# from `set -e`; the S3 tests then fail in CI because the endpoint is unset.)
#
# Settings (environment):
#   SEGMINT_S3_PORT          API port on 127.0.0.1 (default 9000); the console
#                            listens on SEGMINT_S3_CONSOLE_PORT (default PORT+1)
#   SEGMINT_MINIO_VERSION    version for `go install` (default pinned below)
#   TMPDIR                   data, pid and log files go to ${TMPDIR:-/tmp}/segmint-minio
#
# Everything but the export lines goes to stderr.
set -euo pipefail

PORT=${SEGMINT_S3_PORT:-9000}
CONSOLE_PORT=${SEGMINT_S3_CONSOLE_PORT:-$((PORT + 1))}
# MinIO publishes no module tags; this is what @latest resolved to when the
# script was written. Pinned so CI builds the same server every time.
MINIO_VERSION=${SEGMINT_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
BASE=${TMPDIR:-/tmp}/segmint-minio
DATA=$BASE/data-$PORT
PIDFILE=$BASE/minio-$PORT.pid
LOG=$BASE/minio-$PORT.log
INSTALL_LOG=$BASE/install.log
ROOT_USER=segmint-test
ROOT_PASSWORD=segmint-test-secret
BUCKET=${SEGMINT_TEST_S3_BUCKET:-segmint-test}
ENDPOINT=http://127.0.0.1:$PORT
START_DEADLINE=60

log() { echo "s3-server: $*" >&2; }
die() {
	echo "s3-server: error: $*" >&2
	exit 1
}

print_env() {
	printf 'export SEGMINT_TEST_S3_ENDPOINT=%q\n' "$ENDPOINT"
	printf 'export SEGMINT_TEST_S3_ACCESS_KEY=%q\n' "$ROOT_USER"
	printf 'export SEGMINT_TEST_S3_SECRET_KEY=%q\n' "$ROOT_PASSWORD"
	printf 'export SEGMINT_TEST_S3_BUCKET=%q\n' "$BUCKET"
}

# find_minio prints the path of a minio binary, or fails.
find_minio() {
	local p gobin
	if p=$(command -v minio 2>/dev/null); then
		echo "$p"
		return 0
	fi
	command -v go >/dev/null 2>&1 || return 1
	# `go install` puts it in GOBIN when set, else in GOPATH's first bin.
	for gobin in "$(go env GOBIN)" "$(go env GOPATH | cut -d: -f1)/bin"; do
		if [ -n "$gobin" ] && [ -x "$gobin/minio" ]; then
			echo "$gobin/minio"
			return 0
		fi
	done
	return 1
}

# install_minio builds MinIO with `go install`; one build at a time (a second
# caller waits on the lock and then finds the binary).
install_minio() {
	command -v go >/dev/null 2>&1 || die "minio not found and no go toolchain to build it"
	mkdir -p "$BASE"
	exec 9>"$BASE/install.lock"
	flock 9
	if find_minio >/dev/null; then
		flock -u 9
		return 0
	fi
	log "building github.com/minio/minio@$MINIO_VERSION (takes minutes; log: $INSTALL_LOG)"
	local t0=$SECONDS
	# Outside any module, so the project's go.mod plays no part.
	if ! (cd / && GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION") >"$INSTALL_LOG" 2>&1; then
		tail -n 20 "$INSTALL_LOG" >&2 || true
		die "go install github.com/minio/minio@$MINIO_VERSION failed (see $INSTALL_LOG)"
	fi
	log "minio built in $((SECONDS - t0))s"
	flock -u 9
}

# pid_alive succeeds when the pid file names a running minio of ours.
pid_alive() {
	local pid
	[ -f "$PIDFILE" ] || return 1
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	grep -q minio "/proc/$pid/cmdline" 2>/dev/null || [ ! -d /proc ]
}

healthy() {
	curl -fsS -o /dev/null --max-time 2 "$ENDPOINT/minio/health/live" 2>/dev/null
}

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_healthy() {
	local pid=$1 deadline=$((SECONDS + START_DEADLINE))
	until healthy; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$LOG" >&2 || true
			rm -f "$PIDFILE"
			die "minio exited during startup (see $LOG)"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			tail -n 20 "$LOG" >&2 || true
			die "minio not healthy on $ENDPOINT after ${START_DEADLINE}s (see $LOG)"
		fi
		sleep 0.5
	done
}

cmd_start() {
	command -v curl >/dev/null 2>&1 || die "curl is needed to check the server's health"
	mkdir -p "$BASE"
	if pid_alive; then
		local pid
		pid=$(cat "$PIDFILE")
		log "reusing minio (pid $pid) on $ENDPOINT"
		wait_healthy "$pid"
		print_env
		return 0
	fi
	rm -f "$PIDFILE"
	if port_busy "$PORT"; then
		die "port $PORT is in use by another process; set SEGMINT_S3_PORT to a free port"
	fi
	if port_busy "$CONSOLE_PORT"; then
		die "console port $CONSOLE_PORT is in use; set SEGMINT_S3_CONSOLE_PORT to a free port"
	fi
	local minio
	if ! minio=$(find_minio); then
		install_minio
		minio=$(find_minio) || die "minio not found after installing it"
	fi
	mkdir -p "$DATA"
	log "starting $minio on $ENDPOINT (data $DATA, log $LOG)"
	MINIO_ROOT_USER=$ROOT_USER MINIO_ROOT_PASSWORD=$ROOT_PASSWORD \
		MINIO_CI_CD=1 MINIO_UPDATE=off \
		setsid "$minio" server "$DATA" \
		--address "127.0.0.1:$PORT" --console-address "127.0.0.1:$CONSOLE_PORT" \
		</dev/null >"$LOG" 2>&1 &
	local pid=$!
	echo "$pid" >"$PIDFILE"
	wait_healthy "$pid"
	log "minio ready (pid $pid)"
	print_env
}

cmd_stop() {
	if ! pid_alive; then
		rm -f "$PIDFILE"
		log "no minio of ours running on port $PORT"
		return 0
	fi
	local pid i
	pid=$(cat "$PIDFILE")
	kill "$pid" 2>/dev/null || true
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "minio (pid $pid) did not stop in 10s; killing it"
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
	log "stopped minio (pid $pid)"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
env) print_env ;;
*)
	echo "usage: $0 start|stop|env" >&2
	exit 2
	;;
esac
