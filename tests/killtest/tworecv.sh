#!/usr/bin/env bash
# tworecv.sh BIN - two replicas of a sending service share one outbox, and
# two replicas of a receiving service share one stream and one schema;
# nothing is applied twice, even when a slow replica lets leases run out and
# the same message reaches both receivers.
BIN=$(cd "$1" && pwd)
N=3000
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir tworecv
trap 'kill -9 ${R1:-} ${R2:-} ${S1:-} ${S2:-} 2>/dev/null || true; \
      mlps_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
P1=$(kt_free_port)
P2=$(kt_free_port "$P1")
ADMIN=$(mlps_url mlps_admin)
kt_keys
# 1 ms per apply and a 150 ms lease: leases run out under load, rows are
# claimed again and sent to whichever replica is next.
# shellcheck disable=SC2046 # kt_curve prints options
for i in 1 2; do
    port=$([ $i = 1 ] && echo "$P1" || echo "$P2")
    "$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
        $(kt_curve ktrecv) \
        --db.svc-password-file="$(mlps_pg_password ktrecv_svc)" \
        --listen="tcp://127.0.0.1:$port" --kt.delay-us=1000 \
        --inbox.batch=50 >"$W/recv$i.log" 2>&1 &
    eval "R$i=$!"
done
# shellcheck disable=SC2046
for i in 1 2; do
    "$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
        $(kt_curve ktsend) \
        --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
        --peers="ktrecv=tcp://127.0.0.1:$P1,tcp://127.0.0.1:$P2" \
        --kt.total=$N --kt.batch=500 --kt.interval-ms=10 \
        --outbox.lease-ms=150 --outbox.batch=200 --outbox.purge-ms=300 \
        >"$W/send$i.log" 2>&1 &
    eval "S$i=$!"
done
t_true "drained" kt_wait_drained $N 180
read -r sent applied lost twice _ < <(kt_counts)
by=$(mlps_sql "SELECT string_agg(DISTINCT peer, ',') FROM ktrecv.applied")
# Delivered rows are history: aged past outbox.keep-days, a sender purges
# them (every 300 ms here), 5,000 a transaction: 12,000 more aged rows make
# it take several; one delivered just now stays.
mlps_sql "UPDATE ktsend.outbox SET delivered_at = now() - interval '8 days'"
mlps_sql "INSERT INTO ktsend.outbox (dest, type, correlation_id, payload,
    delivered_at) SELECT 'ktrecv', 'mlps.test.KtSeq', 'aged-' || g, '\\x00',
    now() - interval '9 days' FROM generate_series(1, 12000) g"
mlps_sql "INSERT INTO ktsend.outbox (dest, type, correlation_id, payload,
    delivered_at) VALUES ('ktrecv', 'mlps.test.KtSeq', 'recent', '\\x00', now())"
MLPS_POLL=0.1 mlps_wait_sql 20 "SELECT count(*) = 1 FROM ktsend.outbox" || true
t_expect "delivered rows left after the purge: the recent one" \
    "$(mlps_sql "SELECT string_agg(correlation_id, ',') FROM ktsend.outbox")" recent
t_true "... purged in batches (a log line says how many)" \
    grep -q "purged [0-9]* delivered outbox rows" "$W/send1.log" "$W/send2.log"
kill -TERM "$R1" "$R2" "$S1" "$S2"
wait "$R1" "$R2" "$S1" "$S2" || true
a1=$(grep -o 'inbox stats.*' "$W/recv1.log" | sed 's/.* applied=\([0-9]*\).*/\1/')
a2=$(grep -o 'inbox stats.*' "$W/recv2.log" | sed 's/.* applied=\([0-9]*\).*/\1/')
d1=$(grep -o 'inbox stats.*' "$W/recv1.log" | sed 's/.*duplicates=\([0-9]*\).*/\1/')
d2=$(grep -o 'inbox stats.*' "$W/recv2.log" | sed 's/.*duplicates=\([0-9]*\).*/\1/')
s1=$(grep -o 'outbox stats.*' "$W/send1.log" | sed 's/.* sent=\([0-9]*\).*/\1/')
s2=$(grep -o 'outbox stats.*' "$W/send2.log" | sed 's/.* sent=\([0-9]*\).*/\1/')
echo "two-receivers: sent=$sent applied=$applied lost=$lost" \
    "applied_twice=$twice replica1_applied=${a1:-?} replica2_applied=${a2:-?}" \
    "duplicates_refused=$((${d1:-0} + ${d2:-0}))" \
    "sender1_sent=${s1:-?} sender2_sent=${s2:-?}"
kt_check_counts $N "$sent" "$applied" "$lost" "$twice"
t_expect "applied as the senders' key (CURVE)" "$by" "ktsend@$KT_OFFICE"
t_true "replica 1 applied some" [ "${a1:-0}" -gt 0 ]
t_true "replica 2 applied some" [ "${a2:-0}" -gt 0 ]
t_true "sender replica 1 sent some" [ "${s1:-0}" -gt 0 ]
t_true "sender replica 2 sent some" [ "${s2:-0}" -gt 0 ]
t_expect "applied by the replicas together" $((${a1:-0} + ${a2:-0})) $N
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
