#!/usr/bin/env bash
# tworecv.sh BIN - two replicas of a sending service share one outbox, and
# two replicas of a receiving service share one stream and one schema;
# nothing is applied twice, even when a slow replica lets leases run out and
# the same message reaches both receivers.
BIN=$(cd "$1" && pwd)
N=3000
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

W=$(tst_workdir tworecv)
trap 'kill -9 ${R1:-} ${R2:-} ${S1:-} ${S2:-} 2>/dev/null || true; \
      tst_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
tst_pg_start
P1=$(kt_free_port)
P2=$(kt_free_port)
ADMIN=$(tst_url mlps_admin)
# 1 ms per apply and a 150 ms lease: leases run out under load, rows are
# claimed again and sent to whichever replica is next.
for i in 1 2; do
    port=$([ $i = 1 ] && echo "$P1" || echo "$P2")
    "$BIN/kt_recv" --db.url="$(tst_url ktrecv_svc)" --db.admin-url="$ADMIN" \
        --listen="tcp://127.0.0.1:$port" --kt.delay-us=1000 \
        --inbox.batch=50 >"$W/recv$i.log" 2>&1 &
    eval "R$i=$!"
done
for i in 1 2; do
    "$BIN/kt_send" --db.url="$(tst_url ktsend_svc)" --db.admin-url="$ADMIN" \
        --peers="ktrecv=tcp://127.0.0.1:$P1,tcp://127.0.0.1:$P2" \
        --kt.total=$N --kt.batch=500 --kt.interval-ms=10 \
        --outbox.lease-ms=150 --outbox.batch=200 --outbox.purge-ms=300 \
        >"$W/send$i.log" 2>&1 &
    eval "S$i=$!"
done
ok=1
kt_wait_drained $N 180 || { echo "FAIL: did not drain" >&2; ok=0; }
read -r sent applied lost twice failed < <(kt_counts)
# Delivered rows are history: aged past outbox.keep-days, a sender purges
# them (every 300 ms here).
tst_sql "UPDATE ktsend.outbox SET delivered_at = now() - interval '8 days'"
for _ in $(seq 1 100); do
    left=$(tst_sql "SELECT count(*) FROM ktsend.outbox")
    [ "$left" = 0 ] && break
    sleep 0.1
done
[ "$left" = 0 ] || { echo "FAIL: $left delivered rows were not purged" >&2; ok=0; }
kill -TERM $R1 $R2 $S1 $S2
wait $R1 $R2 $S1 $S2 || true
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
[ "$sent" = $N ] && [ "$applied" = $N ] && [ "$lost" = 0 ] &&
    [ "$twice" = 0 ] || ok=0
[ "${a1:-0}" -gt 0 ] && [ "${a2:-0}" -gt 0 ] ||
    { echo "FAIL: one replica applied nothing" >&2; ok=0; }
[ "${s1:-0}" -gt 0 ] && [ "${s2:-0}" -gt 0 ] ||
    { echo "FAIL: one sender replica sent nothing" >&2; ok=0; }
[ $((${a1:-0} + ${a2:-0})) = $N ] ||
    { echo "FAIL: replicas applied $a1 + $a2, not $N" >&2; ok=0; }
tst_sanitizer_clean || ok=0
[ $ok = 1 ] && { tst_pg_stop; rm -rf "$W"; }
[ $ok = 1 ]
