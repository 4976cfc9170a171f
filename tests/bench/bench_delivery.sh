#!/usr/bin/env bash
# bench_delivery.sh BIN [M] - durable messages per second between two
# services on the private cluster, against that same cluster's pgbench rates
# measured in the same run (the baseline). Not a test: it prints figures.
#
# Delivery: M messages are first generated into the sender's outbox; then a
# receiver and the sender start, and the clock runs from the sender's start
# to the receiver's last commit. Each message is claimed under a lease, sent,
# applied with its inbox record in a receiver transaction (several per
# transaction), acknowledged after commit and marked delivered: all with
# synchronous_commit on. Every socket is CURVE, as in a deployment (keys
# and registry by kt_keys).
# Baseline: pgbench, 8 clients, single-row INSERT transactions (tps), and
# 100-row INSERT transactions (rows/s).
BIN=$(cd "$1" && pwd)
M=${2:-50000}
SECS=${BENCH_SECONDS:-10}
# shellcheck source=../killtest/lib.sh
. "$(dirname "$0")/../killtest/lib.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

t_workdir bench
trap 'kill -9 ${RPID:-} ${SPID:-} 2>/dev/null || true; mlps_pg_stop \
      2>/dev/null || true' EXIT
mlps_pg_start
ADMIN=$(mlps_url mlps_admin)
PORT=$(kt_free_port)
[ "$(mlps_sql 'SHOW synchronous_commit')" = on ] ||
    t_die "synchronous_commit is not on: the figures would not be durable"
kt_keys

echo "bench: generating $M messages into the outbox" >&2
# shellcheck disable=SC2046 # kt_curve prints options
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
    $(kt_curve ktsend) --kt.total="$M" --kt.batch=2000 --kt.interval-ms=1 \
    --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
    --kt.generate-only >"$W/gen.log" 2>&1
# shellcheck disable=SC2046
"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    $(kt_curve ktrecv) \
    --db.svc-password-file="$(mlps_pg_password ktrecv_svc)" \
    --db.pool=4 --inbox.batch=500 --inbox.concurrency=3 \
    --listen="tcp://127.0.0.1:$PORT" >"$W/recv.log" 2>&1 &
RPID=$!
sleep 0.5
t0=$(date +%s.%N)
# shellcheck disable=SC2046
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" $(kt_curve ktsend) \
    --kt.total="$M" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --outbox.batch=1000 \
    --outbox.batches=8 >"$W/send.log" 2>&1 &
SPID=$!
kt_wait_drained "$M" 600 || t_die "bench: did not drain in 600 s"
t1=$(mlps_sql "SELECT extract(epoch FROM max(applied_at)) FROM ktrecv.applied")
read -r sent applied lost twice _ < <(kt_counts)
kill -TERM $RPID $SPID
wait $RPID $SPID || true
kt_check_counts "$M" "$sent" "$applied" "$lost" "$twice" >&2
t_done >&2 # the counts must be right for the figures to mean anything
msgs=$(echo "$M / ($t1 - $t0)" | bc -l)

echo "bench: pgbench baseline, 8 clients, ${SECS}s each" >&2
mlps_sql "CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY,
        v integer NOT NULL, at timestamptz NOT NULL DEFAULT now())"
echo 'INSERT INTO bench_rows (v) VALUES (1);' >"$W/one.sql"
echo 'INSERT INTO bench_rows (v) SELECT g FROM generate_series(1, 100) g;' \
    >"$W/hundred.sql"
pgb() {
    "$PGBIN/pgbench" -n -c 8 -j 2 -T "$SECS" -f "$1" "$ADMIN" 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
tps1=$(pgb "$W/one.sql")
tps100=$(pgb "$W/hundred.sql")
rows100=$(echo "$tps100 * 100" | bc -l)
ratio=$(echo "$msgs / $rows100" | bc -l)
printf 'bench-delivery: msgs_per_s=%.0f pgbench_tps_8c=%.0f pgbench_rows_per_s_100=%.0f ratio_to_rows=%.3f\n' \
    "$msgs" "$tps1" "$rows100" "$ratio"
mlps_pg_stop
rm -rf "$W"
