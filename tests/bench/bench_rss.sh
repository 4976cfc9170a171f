#!/usr/bin/env bash
# bench_rss.sh [BUILD_DIR] - each municipal service's memory, idle and at
# its peak under the end-to-end load (bench_e2e.sh's region and generator).
# Not a test: it prints figures.
#
# Idle: VmRSS of each service (/proc/PID/status) once the region is up and
# has settled (2 s). Then BENCH_FILINGS filings (default 9000) at full speed
# with BENCH_INFLIGHT in flight (default 32), until all are accepted and
# audited and every outbox has drained; peak: VmHWM, the high-water mark of
# the resident set over the process's whole life. On stderr, each
# service's VmRSS after the load too. Prints one line a service:
#   bench-rss: service=NAME idle_kib=I peak_kib=P
set -euo pipefail
BIN=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_FILINGS:-9000}
C=${BENCH_INFLIGHT:-32}
BASE=${BENCH_BASE:-32400}
SERVICES=(intake review panel audit evaluation cert)
# shellcheck source=lib.sh
. "$ROOT/tests/bench/lib.sh"
t_workdir bench-rss
trap 'region_stop' EXIT
trap 'exit 143' TERM INT
# status_kib NAME FIELD: FIELD (VmRSS, VmHWM) of service NAME, in KiB.
status_kib() {
    sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" \
        "/proc/$(cat "$W/$1.pid")/status"
}
b_start
sleep 2
declare -A idle
for s in "${SERVICES[@]}"; do idle[$s]=$(status_kib "$s" VmRSS); done

echo "bench: $N filings at full speed, $C in flight" >&2
out=$(b_gen --count="$N" --inflight="$C") || t_die "the generator failed: $out"
echo "$out" >&2
b_wait_done "$N" 900 || t_die "the filings were not all accepted and audited"
region_drain 120 || t_die "the outboxes did not drain"
for s in "${SERVICES[@]}"; do
    echo "bench: service=$s after_kib=$(status_kib "$s" VmRSS)" >&2
done
for s in "${SERVICES[@]}"; do
    echo "bench-rss: service=$s idle_kib=${idle[$s]} peak_kib=$(status_kib "$s" VmHWM)"
done
region_stop
trap - EXIT
rm -rf "$W"
