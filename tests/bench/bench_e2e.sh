#!/usr/bin/env bash
# bench_e2e.sh [BUILD_DIR] - filings per second end to end, through the
# municipal region's real services (intake, review deciding alone, audit
# appending; every socket CURVE), against the same cluster's pgbench rates
# measured in the same run. Not a test: it prints figures.
#
# 1. Full speed: bench_e2e submits N distinct valid filings (BENCH_FILINGS,
#    default 3000) with C in flight (BENCH_INFLIGHT, default 32); the clock
#    runs from its start to the last audit record, once all N are accepted
#    by review and audited (filing.received and case.decided A, counted in
#    SQL): filings_per_s.
# 2. At a fixed rate (BENCH_RATE per second, default 100, BENCH_RATE_COUNT
#    filings, default 1000): the ack latency p50 and p99, each from the
#    moment a request was due.
# 3. pgbench on the same cluster (BENCH_SECONDS each, default 10): 8-client
#    single-row INSERT tps, and the 1-client latency of that transaction.
# Prints:
#   bench-e2e: filings_per_s=X pgbench_tps_8c=Y ratio=X/Y ack_p50_ms=A
#              ack_p99_ms=B at_rate=R pgbench_lat_1c_ms=L
set -euo pipefail
BIN=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_FILINGS:-3000}
C=${BENCH_INFLIGHT:-32}
RATE=${BENCH_RATE:-100}
RN=${BENCH_RATE_COUNT:-1000}
BASE=${BENCH_BASE:-32300}
# shellcheck source=lib.sh
. "$ROOT/tests/bench/lib.sh"
t_workdir bench-e2e
trap 'region_stop' EXIT
trap 'exit 143' TERM INT
b_start

echo "bench: $N filings at full speed, $C in flight" >&2
t0=$(date +%s.%N)
full=$(b_gen --count="$N" --inflight="$C" --first=1) ||
    t_die "the generator failed: $full"
echo "$full" >&2
b_wait_done "$N" 600 || t_die "the filings were not all accepted and audited"
t1=$(b_last_audited)
fps=$(echo "$N / ($t1 - $t0)" | bc -l)

echo "bench: $RN filings at $RATE/s" >&2
rated=$(b_gen --count="$RN" --inflight="$C" --rate="$RATE" \
    --first=$((N + 1))) || t_die "the generator failed at $RATE/s: $rated"
echo "$rated" >&2
b_wait_done $((N + RN)) 600 || t_die "the rated filings were not all audited"
region_drain 120 || t_die "the outboxes did not drain"

echo "bench: pgbench baseline, ${B_SECS}s each" >&2
tps=$(b_pgbench_tps)
lat=$(b_pgbench_lat)
printf 'bench-e2e: filings_per_s=%.0f pgbench_tps_8c=%.0f ratio=%.3f ack_p50_ms=%.3f ack_p99_ms=%.3f at_rate=%s pgbench_lat_1c_ms=%.3f\n' \
    "$fps" "$tps" "$(echo "$fps / $tps" | bc -l)" \
    "$(b_field "$rated" p50_ms)" "$(b_field "$rated" p99_ms)" "$RATE" "$lat"
region_stop
trap - EXIT
rm -rf "$W"
