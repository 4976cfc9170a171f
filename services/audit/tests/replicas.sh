#!/usr/bin/env bash
# replicas.sh BIN [N] - two audit replicas share one schema and receive
# concurrently from two sender replicas; a short outbox lease makes senders
# resend to whichever replica is next, so both replicas append at once and
# some events reach both. The chain must still be one line: N records, seq
# 1..N, each event once, and verify passes.
BIN=$(cd "$1" && pwd)
N=${2:-3000}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
. "$(dirname "$0")/lib.sh"

W=$(tst_workdir replicas)
ok=1 finished=0
# Stop everything, the cluster before its folder goes (kept unless the
# whole script ran and passed).
cleanup() {
    kill -9 ${A1:-} ${A2:-} ${E1:-} ${E2:-} 2>/dev/null || true
    tst_pg_stop immediate 2>/dev/null || true
    if [ $finished = 1 ] && [ $ok = 1 ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' TERM INT # so the EXIT trap runs when ctest times out
tst_pg_start
ADMIN=$(tst_url mlps_admin)
fail() { echo "FAIL: $*" >&2; ok=0; }

aud_start_audit "$W/audit1.log" --inbox.batch=50 --inbox.concurrency=2 ||
    exit 1
A1=$AUD_PID P1=$AUD_PORT
aud_start_audit "$W/audit2.log" --inbox.batch=50 --inbox.concurrency=2 ||
    exit 1
A2=$AUD_PID P2=$AUD_PORT
t0=$SECONDS
for i in 1 2; do
    "$BIN/aud_emit" --db.url="$(tst_url audemit_svc)" --db.admin-url="$ADMIN" \
        --peers="audit=tcp://127.0.0.1:$P1,tcp://127.0.0.1:$P2" \
        --emit.total="$N" --emit.batch=300 --emit.interval-ms=10 \
        --emit.cases=50 --outbox.lease-ms=300 --outbox.batch=100 \
        --outbox.poll-ms=20 >"$W/emit$i.log" 2>&1 &
    eval "E$i=$!"
done
aud_wait_drained "$N" 240 || fail "did not drain in 240 s"
secs=$((SECONDS - t0))
read -r records seq_ok delivered in_chain missing extra refused < <(aud_counts)
vt0=$(date +%s%N)
out=$(aud_verify_cmd) || fail "verify: $out"
verify_ms=$((($(date +%s%N) - vt0) / 1000000))
kill -TERM $A1 $A2 $E1 $E2 2>/dev/null || true
wait $A1 $A2 $E1 $E2 2>/dev/null || true
a1=$(aud_stat "$W/audit1.log" applied)
a2=$(aud_stat "$W/audit2.log" applied)
d=$(($(aud_stat "$W/audit1.log" duplicates) + $(aud_stat "$W/audit2.log" duplicates)))
dl=$(cat "$W"/audit*.log | grep -c "sqlstate=40P01" || true)
echo "replicas: sent=$N records=$records seq_ok=$seq_ok in_chain=$in_chain" \
    "missing=$missing extra=$extra refused=$refused replica1_applied=$a1" \
    "replica2_applied=$a2 duplicates_refused=$d deadlocks_retried=$dl" \
    "drain_s=$secs"
echo "replicas: $out (verify_ms=$verify_ms)"
[ "$records" = "$N" ] && [ "$seq_ok" = 1 ] || fail "chain not 1..$N"
[ "$in_chain" = "$N" ] && [ "$missing" = 0 ] && [ "$extra" = 0 ] ||
    fail "events lost or doubled"
[ "$refused" = 0 ] || fail "$refused refused"
[ "$out" = "audit verify: ok records=$N" ] || fail "verify said: $out"
[ "$a1" -gt 0 ] && [ "$a2" -gt 0 ] || fail "one replica applied nothing"
[ $((a1 + a2)) = "$N" ] || fail "replicas applied $a1 + $a2, not $N"
tst_sanitizer_clean || ok=0
[ $ok = 1 ] || echo "logs: $W" >&2
finished=1
[ $ok = 1 ]
