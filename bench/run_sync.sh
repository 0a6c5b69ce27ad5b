#!/usr/bin/env bash
# A -> B sync latency of the terminal's sync library (DESIGN.md §6: a seat sold on terminal A
# is visible on terminal B, p95 <= 100 ms).
#
#   bench/run_sync.sh [BUILD_DIR]        (default: build; builds nothing itself)
#
# Needs BUILD_DIR/app/boxoffice-server and BUILD_DIR/bench/syncbench/boxoffice-syncbench.
# Starts a demo server on 127.0.0.1 in a temporary directory (removed afterwards; KEEP=1 keeps
# it) and runs the bench against it. Knobs (environment): SAMPLES (250), WARMUP (10),
# SHOW (jazz-night), RUNS (1: repeat the bench on the same server), KV_OUT (a file for the
# figures of the last run as name=value lines). See bench/README.md.
set -euo pipefail

BUILD_DIR=${1:-build}
SERVER=$BUILD_DIR/app/boxoffice-server
BENCH=$BUILD_DIR/bench/syncbench/boxoffice-syncbench
SAMPLES=${SAMPLES:-250}
WARMUP=${WARMUP:-10}
SHOW=${SHOW:-jazz-night}
RUNS=${RUNS:-1}

for binary in "$SERVER" "$BENCH"; do
    if [[ ! -x $binary ]]; then
        echo "run_sync.sh: $binary not found; build it first:" >&2
        echo "  cmake --build $BUILD_DIR --target boxoffice-server boxoffice-syncbench" >&2
        exit 2
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-syncbench.XXXXXX")
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ ${KEEP:-0} == 1 ]]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
export BOXOFFICE_DEMO_PASSWORD="bench-$$-$RANDOM"
# The bench's own table is the output; the sync library's progress messages are not.
export QT_LOGGING_RULES=${QT_LOGGING_RULES:-boxoffice.*.debug=false;boxoffice.*.info=false}

echo "boxoffice A->B sync benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r)"
echo "build: $BUILD_DIR ($(grep -m1 '^CMAKE_BUILD_TYPE' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || echo 'build type unknown'))"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

"$SERVER" --data-dir "$WORK/data" --listen 127.0.0.1:0 --demo --insecure-http >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 1 1200); do
    PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/server.log")
    [[ -n $PORT ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server exited; its log:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z $PORT ]]; then
    echo "the server did not come up within 120 s; its log:" >&2
    cat "$WORK/server.log" >&2
    exit 1
fi
echo "server: http://127.0.0.1:$PORT (demo data in $WORK/data)"

for ((run = 1; run <= RUNS; ++run)); do
    echo
    echo "== run $run of $RUNS: $SAMPLES sales on $SHOW"
    "$BENCH" --server "http://127.0.0.1:$PORT" --show "$SHOW" --samples "$SAMPLES" \
        --warmup "$WARMUP" ${KV_OUT:+--kv-out "$KV_OUT"}
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
