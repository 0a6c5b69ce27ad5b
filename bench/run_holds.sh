#!/usr/bin/env bash
# Hold-throughput benchmark of boxoffice-server on the 100,000-seat arena (DESIGN.md §6).
#
#   bench/run_holds.sh [BUILD_DIR]        (default: build; builds nothing itself)
#
# Needs BUILD_DIR/app/boxoffice-server and BUILD_DIR/bench/boxoffice-loadgen. Everything runs
# on 127.0.0.1 in a temporary directory that is removed afterwards (KEEP=1 keeps it).
# Knobs (environment): DURATION (5 s per phase), WARMUP (1 s), HEALTH_CONNS (64),
# HOLD_CONNS (256), OPEN_CONNS (64), COLLIDE (0.25, phase d), STARTS (3 timed starts),
# LOADGEN_PREFIX (e.g. "taskset -c 1"; default: no pinning), SERVER_PREFIX (likewise),
# QUIET_WAIT (0: wait up to this many seconds for an idle machine before each phase).
# See bench/README.md for what each figure means.

# Figures arrive as variables named by the phase (a_rps, B_held, ...) from sourced files.
# shellcheck disable=SC2154
set -euo pipefail

BUILD_DIR=${1:-build}
SERVER=$BUILD_DIR/app/boxoffice-server
LOADGEN=$BUILD_DIR/bench/boxoffice-loadgen
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
HEALTH_CONNS=${HEALTH_CONNS:-64}
HOLD_CONNS=${HOLD_CONNS:-256}
OPEN_CONNS=${OPEN_CONNS:-64}
COLLIDE=${COLLIDE:-0.25}
STARTS=${STARTS:-3}
LOADGEN_PREFIX=${LOADGEN_PREFIX:-}
SERVER_PREFIX=${SERVER_PREFIX:-}
SHOW=arena-rock
ARENA_SEATS=100000

for binary in "$SERVER" "$LOADGEN"; do
    if [[ ! -x $binary ]]; then
        echo "run_holds.sh: $binary not found; build it first:" >&2
        echo "  cmake --build $BUILD_DIR --target boxoffice-server boxoffice-loadgen" >&2
        exit 2
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-bench.XXXXXX")
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

# wait_quiet: with QUIET_WAIT=S, waits up to S seconds until the machine is at least 85% idle
# over 2 s (other engineers' builds share the cores).
wait_quiet() {
    local limit=${QUIET_WAIT:-0} waited=0 idle
    ((limit > 0)) || return 0
    while :; do
        idle=$(idle_pct)
        if ge "$idle" 85 || ((waited >= limit)); then
            echo "  machine idle $idle% (waited ${waited} s)"
            return 0
        fi
        sleep 8
        waited=$((waited + 10))
    done
}
# idle_pct: share of both cores idle over the next 2 s.
idle_pct() {
    local a b
    a=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 2
    b=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
        printf "%.0f", 100 * (y[1] - x[1]) / ((y[2] - x[2]) > 0 ? (y[2] - x[2]) : 1) }'
}
log() { printf '\n== %s\n' "$*"; }
lg() { $LOADGEN_PREFIX "$LOADGEN" "$@"; }
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }

# start_server DATA_DIR LOG: starts the server; sets SERVER_PID, PORT, STARTUP_MS (exec until
# GET /health answers 200, measured by the load generator against a timestamp taken just
# before the exec) and SERVER_READY_MS (the server's own "ready in" figure).
start_server() {
    local dir=$1 logfile=$2 t0
    : >"$logfile"
    t0=$(date +%s%N)
    $SERVER_PREFIX "$SERVER" --data-dir "$dir" --listen 127.0.0.1:0 --demo --insecure-http >"$logfile" 2>&1 &
    SERVER_PID=$!
    if ! lg --wait-ready "$logfile" --since-ns "$t0" --timeout 120 >"$WORK/ready.kv"; then
        echo "server did not come up; its log:" >&2
        cat "$logfile" >&2
        exit 1
    fi
    # shellcheck disable=SC1091
    source "$WORK/ready.kv"
}

stop_server() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }

# Busy jiffies of the whole machine (all cores) so far.
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# Per-thread scheduler figures of the server: "tid comm run_ns runqueue_wait_ns" lines
# (/proc/PID/task/TID/schedstat: time on a CPU, time runnable but waiting for one).
thread_stats() {
    local task comm run wait _
    for task in /proc/"$SERVER_PID"/task/*; do
        comm=$(cat "$task/comm" 2>/dev/null) || continue
        read -r run wait _ <"$task/schedstat" || continue
        echo "${task##*/} ${comm// /_} $run $wait"
    done
}

# thread_report BEFORE AFTER SECONDS ANSWERS: per server thread, its share of one core, how
# long it was runnable but waiting for a CPU (other processes on the shared machine), and its
# CPU time per answered request. Sets SRV_CPU_PCT (all threads, % of one core), SRV_WAIT_PCT
# (the busiest thread's wait), SRV_MAIN_US and SRV_OTHER_US (CPU us per request of the main
# thread and of the busiest other thread).
thread_report() {
    awk -v pid="$SERVER_PID" -v s="$3" -v n="$4" '
        NR == FNR { run[$1] = $3; wait[$1] = $4; next }
        { r = ($3 - run[$1]) / 1e9; w = ($4 - wait[$1]) / 1e9; if (r <= 0.005) next
          role = ($1 == pid) ? "main thread: Qt event loop, HTTP, routing, JSON" : "other: booking writer (or thread pool)"
          printf "    tid %-7s on CPU %5.1f%% of a core, waiting for a CPU %5.1f%%, %6.1f us CPU/request  %s\n",
                 $1, 100 * r / s, 100 * w / s, (n > 0 ? 1e6 * r / n : 0), role }
    ' "$1" "$2"
    read -r SRV_CPU_PCT SRV_WAIT_PCT SRV_MAIN_US SRV_OTHER_US < <(awk -v pid="$SERVER_PID" -v s="$3" -v n="$4" '
        NR == FNR { run[$1] = $3; wait[$1] = $4; next }
        { r = ($3 - run[$1]) / 1e9; w = ($4 - wait[$1]) / 1e9; total += r
          if (r > best) { best = r; bestWait = w }
          if ($1 == pid) main = r; else if (r > other) other = r }
        END { if (n < 1) n = 1
              printf "%.1f %.1f %.1f %.1f\n", 100 * total / s, 100 * bestWait / s, 1e6 * main / n, 1e6 * other / n }' "$1" "$2")
}

# run_phase NAME ARGS...: one load run with per-thread CPU around it; figures go to
# $WORK/NAME.kv with prefix NAME_.
run_phase() {
    local name=$1
    shift
    local t0 t1 busy0 busy1
    thread_stats >"$WORK/$name.before"
    busy0=$(busy_jiffies)
    t0=$(date +%s%N)
    lg --port "$PORT" --kv-out "$WORK/$name.kv" --kv-prefix "${name}_" "$@" | tee "$WORK/$name.out"
    t1=$(date +%s%N)
    busy1=$(busy_jiffies)
    thread_stats >"$WORK/$name.after"
    echo "  server threads over the whole run (warm-up and drain included):"
    # shellcheck disable=SC1090
    source "$WORK/$name.kv"
    local all=${name}_answers_all
    thread_report "$WORK/$name.before" "$WORK/$name.after" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" "${!all}"
    printf -v "${name}_server_cpu_pct" '%s' "$SRV_CPU_PCT"
    printf -v "${name}_server_wait_pct" '%s' "$SRV_WAIT_PCT"
    printf -v "${name}_main_us" '%s' "$SRV_MAIN_US"
    printf -v "${name}_other_us" '%s' "$SRV_OTHER_US"
    local cpu=${name}_client_cpu_pct others
    # Everything else on the machine: busy time of both cores minus server and load generator.
    others=$(awk -v b0="$busy0" -v b1="$busy1" -v hz="$(getconf CLK_TCK)" -v t0="$t0" -v t1="$t1" \
        -v srv="$SRV_CPU_PCT" -v lg="${!cpu}" 'BEGIN { s = (t1 - t0) / 1e9;
        o = 100 * (b1 - b0) / hz / s - srv - lg; printf "%.0f", (o < 0 ? 0 : o) }')
    printf -v "${name}_others_pct" '%s' "$others"
    echo "  server total: $SRV_CPU_PCT% of one core; busiest thread waited for a CPU $SRV_WAIT_PCT% of the time;"
    echo "  other processes on the machine meanwhile: $others% of one core (200 = both cores)"
}

# audit DATA_DIR NAME: runs the invariant audit (server stopped); sets NAME_audit_rc and the
# arena's counts NAME_held, NAME_sold, NAME_available, NAME_total.
audit() {
    local dir=$1 name=$2 rc=0 line
    "$SERVER" audit --data-dir "$dir" >"$WORK/$name.audit" 2>&1 || rc=$?
    sed 's/^/  /' "$WORK/$name.audit"
    line=$(grep "^$SHOW:" "$WORK/$name.audit" || true)
    printf -v "${name}_audit_rc" '%s' "$rc"
    printf -v "${name}_available" '%s' "$(sed -n 's/.*available \([0-9]*\).*/\1/p' <<<"$line")"
    printf -v "${name}_held" '%s' "$(sed -n 's/.*held \([0-9]*\).*/\1/p' <<<"$line")"
    printf -v "${name}_sold" '%s' "$(sed -n 's/.*sold \([0-9]*\).*/\1/p' <<<"$line")"
    printf -v "${name}_total" '%s' "$(sed -n 's/.*total \([0-9]*\).*/\1/p' <<<"$line")"
}

echo "boxoffice hold benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r)"
echo "server: $SERVER ($(grep -m1 '^CMAKE_BUILD_TYPE' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || echo 'build type unknown'))"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
log "1. first start: seeding the demo data (not the measured start)"
DATA=$WORK/data
start_server "$DATA" "$WORK/server-seed.log"
echo "  first start (seeding) served after $(fmt "$STARTUP_MS" 0) ms"
stop_server
cp -a "$DATA" "$WORK/pristine"

wait_quiet
log "2. start to serving on the seeded data directory ($STARTS starts)"
STARTUP_LIST=()
STARTUP_WORST=0
for ((i = 1; i <= STARTS; ++i)); do
    start_server "$DATA" "$WORK/server.log"
    STARTUP_LIST+=("$(fmt "$STARTUP_MS" 0)")
    ge "$STARTUP_MS" "$STARTUP_WORST" && STARTUP_WORST=$STARTUP_MS
    echo "  start $((i + 1)): /health answered 200 after $(fmt "$STARTUP_MS" 1) ms (server says ready in $SERVER_READY_MS ms)"
    ((i < STARTS)) && stop_server
done

lg --port "$PORT" --login clerk >"$WORK/token"
TOKEN_ARGS=(--token-file "$WORK/token")

log "3. memory of a loaded 100k-seat show"
sleep 0.3
RSS_BEFORE=$(rss_kb)
lg --port "$PORT" "${TOKEN_ARGS[@]}" --get "/api/v1/shows/$SHOW/seats?format=compact" >"$WORK/compact.kv"
# shellcheck disable=SC1091
source "$WORK/compact.kv"
COMPACT_MS=$MS
COMPACT_BYTES=$BYTES
sleep 0.3
RSS_AFTER=$(rss_kb)
RSS_DELTA_MB=$(awk -v a="$RSS_AFTER" -v b="$RSS_BEFORE" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
echo "  VmRSS before $((RSS_BEFORE / 1024)) MB, after $((RSS_AFTER / 1024)) MB: +$RSS_DELTA_MB MB for $SHOW"
echo "  first compact snapshot (loads the show): $(fmt "$COMPACT_MS" 0) ms, $COMPACT_BYTES bytes"

lg --port "$PORT" "${TOKEN_ARGS[@]}" --show "$SHOW" --fetch-seats "$WORK/seats.txt" >"$WORK/seats.kv"
SEAT_LINES=$(wc -l <"$WORK/seats.txt")
echo "  seat ids fetched: $SEAT_LINES"

wait_quiet
log "4a. trivial route: GET /api/v1/health, closed loop, $HEALTH_CONNS connections"
run_phase a --route health --connections "$HEALTH_CONNS" --duration "$DURATION" --warmup "$WARMUP"

wait_quiet
log "4b. holds, closed loop (maximum throughput), $HOLD_CONNS connections, 1 seat per hold"
run_phase b --route holds "${TOKEN_ARGS[@]}" --show "$SHOW" --seats-file "$WORK/seats.txt" \
    --seat-offset 0 --seats-per-hold 1 --connections "$HOLD_CONNS" --duration "$DURATION" --warmup "$WARMUP"
stop_server

log "4b. audit after the closed-loop run"
audit "$DATA" B
HALF_RATE=$(awk -v r="$b_ok_rps" 'BEGIN { printf "%d", r / 2 }')
((HALF_RATE < 1)) && HALF_RATE=1

# ---------------------------------------------------------------------------------------------
log "5. fresh copy of the seeded data for the open-loop run"
DATA2=$WORK/data2
cp -a "$WORK/pristine" "$DATA2"
start_server "$DATA2" "$WORK/server2.log"
lg --port "$PORT" --login clerk >"$WORK/token"
lg --port "$PORT" "${TOKEN_ARGS[@]}" --get "/api/v1/shows/$SHOW/seats?format=compact" >/dev/null
# Seats for (c): 1-2 per hold (1.5 on average) at HALF_RATE over warm-up + window, plus 10%.
C_SEATS=$(awk -v r="$HALF_RATE" -v s="$((DURATION + WARMUP))" -v max=$((ARENA_SEATS * 9 / 10)) \
    'BEGIN { n = int(r * s * 1.5 * 1.1) + 1000; if (n > max) n = max; print n }')

wait_quiet
log "4c. holds, open loop at $HALF_RATE holds/s (half of 4b), $OPEN_CONNS connections, 1-2 seats per hold"
run_phase c --route holds "${TOKEN_ARGS[@]}" --show "$SHOW" --seats-file "$WORK/seats.txt" \
    --seat-offset 0 --seat-limit "$C_SEATS" --seats-per-hold 1-2 --connections "$OPEN_CONNS" \
    --rate "$HALF_RATE" --duration "$DURATION" --warmup "$WARMUP"

D_SECONDS=3
log "4d. holds with $COLLIDE of them colliding (409 paths), closed loop, $HOLD_CONNS connections, 1-2 seats"
run_phase d --route holds "${TOKEN_ARGS[@]}" --show "$SHOW" --seats-file "$WORK/seats.txt" \
    --seat-offset "$C_SEATS" --seats-per-hold 1-2 --collide-fraction "$COLLIDE" \
    --connections "$HOLD_CONNS" --duration "$D_SECONDS"
stop_server

log "4c/4d. audit after the open-loop and collision runs"
audit "$DATA2" C

# ---------------------------------------------------------------------------------------------
# When (b) reached less than the 10,000/s target, half of (b) is less than half the target:
# measure the latency at the target's half load too, on another fresh copy.
TARGET_HALF=5000
E_RAN=no
if ((HALF_RATE < TARGET_HALF)); then
    E_RAN=yes
    DATA3=$WORK/data3
    cp -a "$WORK/pristine" "$DATA3"
    start_server "$DATA3" "$WORK/server3.log"
    lg --port "$PORT" --login clerk >"$WORK/token"
    lg --port "$PORT" "${TOKEN_ARGS[@]}" --get "/api/v1/shows/$SHOW/seats?format=compact" >/dev/null
    wait_quiet
    log "4e. holds, open loop at $TARGET_HALF holds/s (half the target), $OPEN_CONNS connections, 1-2 seats per hold"
    run_phase e --route holds "${TOKEN_ARGS[@]}" --show "$SHOW" --seats-file "$WORK/seats.txt" \
        --seat-offset 0 --seat-limit $((ARENA_SEATS * 9 / 10)) --seats-per-hold 1-2 \
        --connections "$OPEN_CONNS" --rate "$TARGET_HALF" --duration "$DURATION" --warmup "$WARMUP"
    stop_server
    log "4e. audit"
    audit "$DATA3" E
fi

# ---------------------------------------------------------------------------------------------
B_OVERSELL_OK=no
if [[ $B_audit_rc == 0 && $B_total == "$ARENA_SEATS" && $b_double_granted == 0 &&
    $B_held == "$b_seats_granted" ]]; then B_OVERSELL_OK=yes; fi
C_OVERSELL_OK=no
if [[ $C_audit_rc == 0 && $C_total == "$ARENA_SEATS" && $c_double_granted == 0 &&
    $d_double_granted == 0 && $C_held == $((c_seats_granted + d_seats_granted)) ]]; then
    C_OVERSELL_OK=yes
fi
RATIO=$(awk -v h="$b_ok_rps" -v t="$a_rps" 'BEGIN { printf "%.2f", (t > 0 ? h / t : 0) }')

log "RESULTS ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-58s %-38s %-12s %s\n' "figure" "measured" "target" "verdict"
row() { printf '%-58s %-38s %-12s %s\n' "$@"; }
row "trivial route GET /health, closed loop ($HEALTH_CONNS conns)" "$(fmt "$a_rps" 0) req/s" "-" "-"
row "holds closed loop ($HOLD_CONNS conns): successful holds/s" "$(fmt "$b_ok_rps" 0) /s" ">= 10000" \
    "$(verdict ge "$b_ok_rps" 10000)"
row "  decisions/s (201+409); latency p50 / p99" "$(fmt "$b_decisions_rps" 0) /s; $(fmt "$b_p50_ms" 1) / $(fmt "$b_p99_ms" 1) ms" "-" "-"
row "  ratio holds/s / health req/s" "$RATIO" "-" "-"
row "  zero oversell (audit, held == granted $b_seats_granted)" \
    "audit rc $B_audit_rc, held $B_held, total $B_total" "all hold" \
    "$([[ $B_OVERSELL_OK == yes ]] && echo PASS || echo MISS)"
row "holds open loop at $HALF_RATE/s: achieved holds/s" "$(fmt "$c_ok_rps" 0) /s" "-" "-"
row "  p50 / p95 / p99 / max latency (from scheduled time)" \
    "$(fmt "$c_p50_ms" 1) / $(fmt "$c_p95_ms" 1) / $(fmt "$c_p99_ms" 1) / $(fmt "$c_max_ms" 0) ms" "-" "-"
row "  p95 at half load" "$(fmt "$c_p95_ms" 2) ms" "<= 15 ms" "$(verdict le "$c_p95_ms" 15)"
row "  p99 at half load" "$(fmt "$c_p99_ms" 2) ms" "<= 40 ms" "$(verdict le "$c_p99_ms" 40)"
if [[ $E_RAN == yes ]]; then
    row "  (half of 4b is below 5000/s, so the load above is below the target's half load)" "" "" ""
    E_OK=no
    if [[ $E_audit_rc == 0 && $E_total == "$ARENA_SEATS" && $e_double_granted == 0 &&
        $E_held == "$e_seats_granted" ]]; then E_OK=yes; fi
    row "holds open loop at $TARGET_HALF/s (half the target): achieved" "$(fmt "$e_ok_rps" 0) /s (unsent $e_unsent)" "5000" \
        "$(verdict ge "$e_ok_rps" $((TARGET_HALF * 99 / 100)))"
    row "  p50 / p95 / p99 / max latency (from scheduled time)" \
        "$(fmt "$e_p50_ms" 1) / $(fmt "$e_p95_ms" 1) / $(fmt "$e_p99_ms" 1) / $(fmt "$e_max_ms" 0) ms" "-" "-"
    row "  p95 at the target's half load" "$(fmt "$e_p95_ms" 2) ms" "<= 15 ms" "$(verdict le "$e_p95_ms" 15)"
    row "  p99 at the target's half load" "$(fmt "$e_p99_ms" 2) ms" "<= 40 ms" "$(verdict le "$e_p99_ms" 40)"
    row "  zero oversell (audit, held == granted)" "audit rc $E_audit_rc, held $E_held, total $E_total" \
        "all hold" "$([[ $E_OK == yes ]] && echo PASS || echo MISS)"
fi
row "holds with $COLLIDE collisions: decisions/s (201+409)" "$(fmt "$d_decisions_rps" 0) /s ($d_ok/$d_n409)" "-" "-"
row "  zero oversell (audit, held == granted)" "audit rc $C_audit_rc, held $C_held, total $C_total" \
    "all hold" "$([[ $C_OVERSELL_OK == yes ]] && echo PASS || echo MISS)"
row "start to serving (exec -> /health 200), worst of $STARTS" "$(fmt "$STARTUP_WORST" 0) ms (${STARTUP_LIST[*]})" \
    "<= 2000 ms" "$(verdict le "$STARTUP_WORST" 2000)"
row "RSS per loaded 100k-seat show (VmRSS delta)" "$RSS_DELTA_MB MB" "<= 32 MB" \
    "$(verdict le "$RSS_DELTA_MB" 32)"
row "errors (a / b / c / d / e)" "$a_errors / $b_errors / $c_errors / $d_errors / ${e_errors:--}" "0" \
    "$(verdict test $((a_errors + b_errors + c_errors + d_errors + ${e_errors:-0})) -eq 0)"
row "load generator CPU (a / b / c / d / e), % of a core" \
    "$a_client_cpu_pct / $b_client_cpu_pct / $c_client_cpu_pct / $d_client_cpu_pct / ${e_client_cpu_pct:--}" "-" "-"
row "server CPU (a / b / c / d / e), % of a core (200 = both)" \
    "$a_server_cpu_pct / $b_server_cpu_pct / $c_server_cpu_pct / $d_server_cpu_pct / ${e_server_cpu_pct:--}" "-" "-"
row "other processes' CPU meanwhile (a-e), % of a core" \
    "$a_others_pct / $b_others_pct / $c_others_pct / $d_others_pct / ${e_others_pct:--}" "~0 if quiet" "-"
row "busiest server thread waiting for a CPU (a-e)" \
    "$a_server_wait_pct / $b_server_wait_pct / $c_server_wait_pct / $d_server_wait_pct / ${e_server_wait_pct:--} %" "~0 if quiet" "-"
row "server CPU per request: main / writer thread (a, b)" \
    "a $a_main_us us; b $b_main_us / $b_other_us us" "-" "-"
B_CAPACITY=$(awk -v m="$b_main_us" -v w="$b_other_us" 'BEGIN { x = (m > w ? m : w); t = m + w;
    c1 = (x > 0 ? 1e6 / x : 0); c2 = (t > 0 ? 2e6 / t : 0); printf "%.0f", (c1 < c2 ? c1 : c2) }')
row "  => holds/s with a core per thread (CPU-bound upper bound)" "~$B_CAPACITY /s" "-" "-"
echo "(waiting for a CPU well above 0% means other processes took the cores: the figures are then"
echo " lower bounds of what the server does on its own; QUIET_WAIT=600 waits for an idle machine.)"
