#!/usr/bin/env bash
# bench_import.sh [BUILD_DIR] - a batch import at a district, and its
# forwarding to the municipal office, against the same cluster's COPY rate
# for rows of the same size, measured in the same run. Not a test: it
# prints figures.
#
# The municipal region (review.auto=all) and one district (110108) with its
# own intake, audit and database, every socket CURVE. gen-batch.py writes
# BENCH_FILINGS distinct valid filings (default 10000) as NDJSON; the clock
# runs from `mlpsctl batch import` at the district (as the district's
# office) to its summary (every record stored and committed there):
# filings_per_s; and to the last of them stored at the municipal intake
# (intake.filings.received_at there): forwarded_per_s.
# Baseline: COPY of the same NDJSON lines (one filing's text a row, so the
# rows are the size of the filings) into a table of one text column, in
# one transaction (synchronous_commit on), timed by the server's round trip
# (psql \timing); the best of 3: copy_rows_per_s.
# Prints:
#   bench-import: filings_per_s=X copy_rows_per_s=Y ratio=X/Y
#                 forwarded_per_s=Z
# BENCH_PROFILE=N: also the N statements of the import and its forwarding
# that took longest, from pg_stat_statements (loaded for the run), one
# "profile-import: db=D calls=C total_ms=T mean_ms=M sql=..." line each,
# printed before the bench line (the profile costs some speed).
set -euo pipefail
PROFILE=${BENCH_PROFILE:-}
case $PROFILE in *[!0-9]*)
    echo "bench_import: BENCH_PROFILE is a number, not '$PROFILE'" >&2
    exit 2 ;;
esac
if [ -n "$PROFILE" ]; then
    export MLPS_PG_CONF="shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all"
fi
BIN=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_FILINGS:-10000}
BASE=${BENCH_BASE:-32500}
D=110108
DISTRICTS=$D
# shellcheck source=lib.sh
. "$ROOT/tests/bench/lib.sh"
# shellcheck source=../../deploy/lib/districts.sh
. "$ROOT/deploy/lib/districts.sh"
t_workdir bench-import
trap 'region_stop' EXIT
trap 'exit 143' TERM INT
REGION_IDENTS=$(dist_idents)
DIST_OPTS=${DIST_OPTS:---intake.aggregate-day=0}
region_ports
INTAKE_PEERS=$(dist_peers)
b_start
dist_start_all || t_die "the district did not start"

python3 "$ROOT/deploy/examples/gen-batch.py" "$N" "$W/batch.ndjson" \
    --district=$D || t_die "gen-batch.py failed"
if [ -n "$PROFILE" ]; then
    mlps_sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    mlps_sql "SELECT pg_stat_statements_reset()" >/dev/null
fi
echo "bench: importing $N filings at district $D" >&2
t0=$(date +%s.%N)
out=$(MLPS_TIMEOUT_MS=${BENCH_TIMEOUT_MS:-120000} dist_ctl $D batch import \
    "$W/batch.ndjson" --secrets="$W/secrets") ||
    t_die "the import failed: $out"
t1=$(date +%s.%N)
echo "$out" >&2
[ "$(sed -n 's/^imported: //p' <<<"$out" | head -1)" = "$N" ] ||
    t_die "not all $N were imported"
forwarded() {
    [ "$(mlps_sql "SELECT count(*) FROM intake.filings WHERE district = '$D'")" = "$N" ]
}
mlps_wait 900 forwarded || t_die "not all $N reached the municipal office"
t2=$(mlps_sql "SELECT extract(epoch FROM max(received_at)) FROM intake.filings
               WHERE district = '$D'")
fps=$(echo "$N / ($t1 - $t0)" | bc -l)
fwd=$(echo "$N / ($t2 - $t0)" | bc -l)
mlps_wait 300 dist_forwarded $D || t_die "the district did not drain"
region_drain 300 || t_die "the outboxes did not drain"
[ -z "$PROFILE" ] || mlps_sql "SELECT d.datname, s.calls,
        round(s.total_exec_time::numeric, 1), round(s.mean_exec_time::numeric, 3),
        left(regexp_replace(s.query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE d.datname LIKE 'mlps%'
    ORDER BY s.total_exec_time DESC LIMIT $PROFILE" |
    awk -F'|' '{ printf "profile-import: db=%s calls=%s total_ms=%s mean_ms=%s sql=%s\n", $1, $2, $3, $4, $5 }'

echo "bench: COPY baseline, $N rows of the same lines, best of 3" >&2
best=
for i in 1 2 3; do
    ms=$(psql -qAtX -v ON_ERROR_STOP=1 "$(mlps_url mlps_admin)" <<SQL |
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_copy;
CREATE TABLE bench_copy (id bigserial PRIMARY KEY, body text NOT NULL);
\\timing on
\\copy bench_copy (body) FROM '$W/batch.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
SQL
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
    echo "bench: COPY $i: $ms ms" >&2
    if [ -z "$best" ] || [ "$(echo "$ms < $best" | bc -l)" = 1 ]; then
        best=$ms
    fi
done
[ "$(mlps_sql "SELECT count(*) FROM bench_copy")" = "$N" ] ||
    t_die "COPY did not store $N rows"
copy=$(echo "$N / ($best / 1000)" | bc -l)
printf 'bench-import: filings_per_s=%.0f copy_rows_per_s=%.0f ratio=%.3f forwarded_per_s=%.0f\n' \
    "$fps" "$copy" "$(echo "$fps / $copy" | bc -l)" "$fwd"
region_stop
trap - EXIT
rm -rf "$W"
