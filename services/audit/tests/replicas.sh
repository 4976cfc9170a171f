#!/usr/bin/env bash
# replicas.sh BIN [N] - two audit replicas share one schema and receive
# concurrently from two sender replicas; a short outbox lease makes senders
# resend to whichever replica is next, so both replicas append at once and
# some events reach both. The chain must still be one line: N records, seq
# 1..N, each event once, and verify passes.
BIN=$(cd "$1" && pwd)
N=${2:-3000}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir replicas
# Stop everything; the work dir stays unless every check passed.
trap 'kill -9 ${A1:-} ${A2:-} ${E1:-} ${E2:-} 2>/dev/null || true
      mlps_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 1' TERM INT # so the EXIT trap runs when ctest times out
mlps_pg_start
aud_keys

aud_start_audit "$W/audit1.log" --inbox.batch=50 --inbox.concurrency=2 ||
    t_die "mlps-audit (replica 1) did not start"
A1=$AUD_PID P1=$AUD_PORT
aud_start_audit "$W/audit2.log" --inbox.batch=50 --inbox.concurrency=2 ||
    t_die "mlps-audit (replica 2) did not start"
A2=$AUD_PID P2=$AUD_PORT
t0=$SECONDS
for i in 1 2; do
    aud_emit --peers="audit@$AUD_OFFICE=tcp://127.0.0.1:$P1,tcp://127.0.0.1:$P2" \
        --emit.total="$N" --emit.batch=300 --emit.interval-ms=10 \
        --emit.cases=50 --outbox.lease-ms=300 --outbox.batch=100 \
        --outbox.poll-ms=20 >"$W/emit$i.log" 2>&1 &
    eval "E$i=$!"
done
t_true "drained in 240 s" aud_wait_drained "$N" 240
secs=$((SECONDS - t0))
read -r records seq_ok _ in_chain missing extra refused < <(aud_counts)
vt0=$(date +%s%N)
out=$(aud_verify_cmd) || t_fail "verify: exit status $?"
verify_ms=$((($(date +%s%N) - vt0) / 1000000))
kill -TERM "$A1" "$A2" "$E1" "$E2" 2>/dev/null || true
wait "$A1" "$A2" "$E1" "$E2" 2>/dev/null || true
a1=$(aud_stat "$W/audit1.log" applied)
a2=$(aud_stat "$W/audit2.log" applied)
d=$(($(aud_stat "$W/audit1.log" duplicates) + $(aud_stat "$W/audit2.log" duplicates)))
dl=$(cat "$W"/audit*.log | grep -c "sqlstate=40P01" || true)
echo "replicas: sent=$N records=$records seq_ok=$seq_ok in_chain=$in_chain" \
    "missing=$missing extra=$extra refused=$refused replica1_applied=$a1" \
    "replica2_applied=$a2 duplicates_refused=$d deadlocks_retried=$dl" \
    "drain_s=$secs"
echo "replicas: $out (verify_ms=$verify_ms)"
t_expect "records in the chain" "$records" "$N"
t_expect "seq is exactly 1..records" "$seq_ok" 1
t_expect "delivered and in the chain" "$in_chain" "$N"
t_expect "delivered, not in the chain" "$missing" 0
t_expect "in the chain, not sent" "$extra" 0
t_expect "refused" "$refused" 0
t_expect "verify" "$out" "audit verify: ok records=$N"
t_true "replica 1 applied some" [ "$a1" -gt 0 ]
t_true "replica 2 applied some" [ "$a2" -gt 0 ]
t_expect "applied by the replicas together" $((a1 + a2)) "$N"
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
