#!/usr/bin/env bash
# profile_e2e.sh [BUILD_DIR] - where an end-to-end filing's time goes: the
# region of bench_e2e.sh with pg_stat_statements loaded (MLPS_PG_CONF), N
# filings (BENCH_FILINGS, default 3000) at full speed until all are
# accepted and audited and the outboxes have drained (or at PROFILE_RATE
# filings a second, when it is set: where a filing's latency goes at that
# load; not bench_e2e.sh's BENCH_RATE, which adds a rated phase to the
# full-speed one); then, per filing:
# the statements each role ran and their execution time (which includes
# lock waits), and the CPU each process group used (services, and the
# PostgreSQL backends of each role, read from /proc). Not a test, and not a
# benchmark line: a profile to read before changing anything for speed.
# Prints:
#   profile: filings=N filings_per_s=X statements_per_filing=S exec_ms_per_filing=E cpu_ms_per_filing=C
#   profile-role: role=R statements_per_filing=S exec_ms_per_filing=E
#   profile-cpu: what=W cpu_ms_per_filing=C
#   profile-stmt: role=R per_filing=S mean_ms=M sql=...   (the 25 costliest;
#   PROFILE_ORDER=calls: the 25 most run, or mean_exec_time; PROFILE_TOP=N:
#   N of them)
set -euo pipefail
BIN=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_FILINGS:-3000}
C=${BENCH_INFLIGHT:-32}
BASE=${BENCH_BASE:-32300}
ORDER=${PROFILE_ORDER:-total_exec_time}
TOP=${PROFILE_TOP:-25}
case $ORDER in total_exec_time | calls | mean_exec_time) ;; *)
    echo "profile_e2e: PROFILE_ORDER is total_exec_time, calls or mean_exec_time, not '$ORDER'" >&2
    exit 2 ;;
esac
case $TOP in '' | *[!0-9]*)
    echo "profile_e2e: PROFILE_TOP is a number, not '$TOP'" >&2
    exit 2 ;;
esac
export MLPS_PG_CONF="shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all"
# shellcheck source=lib.sh
. "$ROOT/tests/bench/lib.sh"
t_workdir profile-e2e
trap 'region_stop' EXIT
trap 'exit 143' TERM INT
b_start
mlps_sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
# CPU (clock ticks) of every process of the region and its cluster, by
# group: a service's name, or "pg:ROLE" for a role's backends.
cpu() {
    local p
    for p in $(pgrep -f "postgres|mlps-"); do
        awk -v p="$p" '{print p, $14 + $15}' "/proc/$p/stat" 2>/dev/null |
            while read -r pid t; do
                printf '%s %s\n' "$t" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80)"
            done
    done | awk '{ if ($2 == "postgres:") k = "pg:" $3; else { n = split($2, a, "/"); k = a[n] }
                  s[k] += $1 } END { for (k in s) print k, s[k] }' | sort
}
mlps_sql "SELECT pg_stat_statements_reset()" >/dev/null
cpu >"$W/cpu0"
t0=$(date +%s.%N)
b_gen --count="$N" --inflight="$C" --first=1 ${PROFILE_RATE:+--rate="$PROFILE_RATE"} >&2 || t_die "the generator failed"
b_wait_done "$N" 600 || t_die "the filings were not all accepted and audited"
t1=$(b_last_audited)
region_drain 120 || t_die "the outboxes did not drain"
cpu >"$W/cpu1"
hz=$(getconf CLK_TCK)
join -a2 -e 0 -o 0,1.2,2.2 "$W/cpu0" "$W/cpu1" |
    awk -v n="$N" -v hz="$hz" '{ d = ($3 - $2) * 1000 / hz / n; if (d > 0) printf "%.3f %s\n", d, $1 }' |
    sort -rn >"$W/cpu"
total=$(awk '{ s += $1 } END { printf "%.3f", s }' "$W/cpu")
read -r stmts exec < <(mlps_sql "SELECT round(sum(calls)::numeric / $N, 1),
    round(sum(total_exec_time)::numeric / $N, 3) FROM pg_stat_statements
    WHERE userid::regrole::text LIKE '%_svc'" | tr '|' ' ')
printf 'profile: filings=%s filings_per_s=%.0f statements_per_filing=%s exec_ms_per_filing=%s cpu_ms_per_filing=%s\n' \
    "$N" "$(echo "$N / ($t1 - $t0)" | bc -l)" "$stmts" "$exec" "$total"
mlps_sql "SELECT userid::regrole, round(sum(calls)::numeric / $N, 1),
    round(sum(total_exec_time)::numeric / $N, 3) FROM pg_stat_statements
    WHERE userid::regrole::text LIKE '%_svc' GROUP BY 1 ORDER BY 3 DESC" |
    awk -F'|' '{ printf "profile-role: role=%s statements_per_filing=%s exec_ms_per_filing=%s\n", $1, $2, $3 }'
awk '{ printf "profile-cpu: what=%s cpu_ms_per_filing=%s\n", $2, $1 }' "$W/cpu" | head -16
mlps_sql "SELECT userid::regrole, round(calls::numeric / $N, 2),
    round(mean_exec_time::numeric, 3),
    left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements
    WHERE userid::regrole::text LIKE '%_svc'
    ORDER BY $ORDER DESC LIMIT $TOP" |
    awk -F'|' '{ printf "profile-stmt: role=%s per_filing=%s mean_ms=%s sql=%s\n", $1, $2, $3, $4 }'
region_stop
trap - EXIT
rm -rf "$W"
