#!/usr/bin/env bash
# e2e.sh BIN [N] - the audit service end to end.
#
# A real sender (aud_emit: cmn_audit_emit in its transactions, delivered by
# its outbox), a district's service, sends N events to mlps-audit over
# CURVE, every 50th one invalid. Then: the chain holds exactly the valid
# events, once each, in seq 1..V, each naming the sender's key; verify
# passes through the API (aud_call, as the office's desk) and the `verify`
# subcommand; a
# case's events come back in chain order; the invalid ones were refused
# naming the field. Then, as the superuser, one record's outcome is changed
# (verify must fail naming that seq), a record is deleted (verify must name
# the gap) and the last record is deleted (verify must notice from the
# inbox), each put back afterwards.
BIN=$(cd "$1" && pwd)
N=${2:-2000}
BAD_EVERY=50
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir e2e
# Stop everything; the work dir stays unless every check passed.
trap 'kill -9 ${APID:-} ${EPID:-} 2>/dev/null || true
      mlps_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 1' TERM INT # so the EXIT trap runs when ctest times out
mlps_pg_start
aud_keys

aud_start_audit "$W/audit.log" || t_die "mlps-audit did not start"
APID=$AUD_PID PORT=$AUD_PORT API=$AUD_API
t0=$SECONDS
aud_emit --peers="audit@$AUD_OFFICE=tcp://127.0.0.1:$PORT" \
    --emit.total="$N" --emit.batch=100 --emit.interval-ms=10 \
    --emit.bad-every=$BAD_EVERY --outbox.poll-ms=50 >"$W/emit.log" 2>&1 &
EPID=$!
t_true "drained in 200 s" aud_wait_drained "$N" 200
secs=$((SECONDS - t0))
V=$((N - N / BAD_EVERY))

# 1. The chain: V records, seq 1..V, exactly the delivered events.
read -r records seq_ok delivered in_chain missing extra refused < <(aud_counts)
echo "e2e: sent=$N valid=$V records=$records seq_ok=$seq_ok" \
    "delivered=$delivered in_chain=$in_chain missing=$missing extra=$extra" \
    "refused=$refused drain_s=$secs"
t_expect "records in the chain" "$records" "$V"
t_expect "seq is exactly 1..records" "$seq_ok" 1
t_expect "delivered" "$delivered" "$V"
t_expect "delivered and in the chain" "$in_chain" "$V"
t_expect "delivered, not in the chain" "$missing" 0
t_expect "in the chain, not sent" "$extra" 0
t_expect "refused" "$refused" $((N / BAD_EVERY))
reasons=$(mlps_sql "SELECT DISTINCT failed_reason FROM audemit.outbox
                   WHERE failed_reason IS NOT NULL")
echo "e2e: refusal reason: $reasons"
t_expect "refusal reason" "$reasons" 'field "action": must not be empty'
t_expect "every record names the emitter's key: service/office" \
    "$(mlps_sql "SELECT string_agg(DISTINCT service || '/' || office, ',')
                FROM audit.chain")" "audemit/$AUD_EMIT_OFFICE"
links=$(mlps_sql "SELECT count(*) FROM audit.chain c JOIN audit.chain p
                 ON p.seq = c.seq - 1 WHERE c.prev_hash <> p.hash")
t_expect "records that do not link (SQL)" "$links" 0

# 2. Verify passes: API and subcommand.
out=$(aud_call verify "$API") || t_fail "api verify: exit status $?"
echo "e2e: $out"
t_expect "api verify" "$out" "api verify: ok records=$V"
out=$(aud_verify_cmd) || t_fail "verify command: exit status $?"
echo "e2e: $out"
t_expect "verify command" "$out" "audit verify: ok records=$V"

# 3. A case's events, in chain order, as the database has them.
aud_call events "$API" case-007 >"$W/events.txt" ||
    t_fail "events call: exit status $?"
mlps_sql "SELECT action || ' ' || outcome FROM audit.chain
         WHERE case_id = 'case-007' ORDER BY seq" >"$W/events.sql"
n_case=$(wc -l <"$W/events.sql")
t_expect "events count" "$(head -1 "$W/events.txt")" "events n=$n_case"
t_true "events in chain order" cmp -s <(tail -n +2 "$W/events.txt") "$W/events.sql"
echo "e2e: events case-007 n=$n_case (matches the chain, in seq order)"
t_refused "empty case_id refused, named" "field case_id" \
    aud_call events "$API" ""

# 4. Tampering, as the superuser (triggers off: the chain is append-only).
TAMPER="SET session_replication_role = replica;"
K=$((V / 2))
saved=$(mlps_sql "SELECT outcome FROM audit.chain WHERE seq = $K")
mlps_sql "$TAMPER UPDATE audit.chain SET outcome = 'A' WHERE seq = $K" >/dev/null
out=$(aud_call verify "$API") && t_fail "api verify passed after tamper"
echo "e2e: tampered seq=$K -> $out"
t_like "api verify names seq $K" "$out" \
    "api verify: FAILED at seq=$K: event *: hash: *"
out=$(aud_verify_cmd) && t_fail "verify command passed after tamper"
echo "e2e: tampered seq=$K -> $out"
t_like "verify command names seq $K" "$out" \
    "audit verify: FAILED at seq=$K (event *): hash: *"
mlps_sql "$TAMPER UPDATE audit.chain SET outcome = '$saved' WHERE seq = $K" >/dev/null
out=$(aud_verify_cmd) || t_fail "not ok after restoring seq $K: $out"

M=$((V / 3))
mlps_sql "$TAMPER CREATE TABLE public.aud_saved AS SELECT * FROM audit.chain
         WHERE seq = $M; DELETE FROM audit.chain WHERE seq = $M" >/dev/null
out=$(aud_call verify "$API") && t_fail "api verify passed after delete"
echo "e2e: deleted seq=$M -> $out"
t_like "api verify names the gap at $M" "$out" \
    "*at seq=$((M + 1)): *gap: seq $((M + 1)) follows seq $((M - 1)); seq $M is missing*"
out=$(aud_verify_cmd) && t_fail "verify command passed after delete"
echo "e2e: deleted seq=$M -> $out"
t_like "verify command names the gap at $M" "$out" \
    "*at seq=$((M + 1)) *seq $M is missing*"
mlps_sql "$TAMPER INSERT INTO audit.chain SELECT * FROM public.aud_saved;
         DROP TABLE public.aud_saved" >/dev/null
out=$(aud_verify_cmd) || t_fail "not ok after restoring seq $M: $out"

mlps_sql "$TAMPER CREATE TABLE public.aud_saved AS SELECT * FROM audit.chain
         WHERE seq = $V; DELETE FROM audit.chain WHERE seq = $V" >/dev/null
out=$(aud_verify_cmd) && t_fail "verify command passed after deleting the tail"
echo "e2e: deleted the last seq=$V -> $out"
t_like "verify command notices the removed tail" "$out" "*at seq=$V *missing: *"
mlps_sql "$TAMPER INSERT INTO audit.chain SELECT * FROM public.aud_saved;
         DROP TABLE public.aud_saved" >/dev/null
out=$(aud_call verify "$API") || t_fail "not ok after restoring: $out"
echo "e2e: restored -> $out"

# 5. Logs hold no event contents ("step N" outcomes, case ids).
if grep -q "step [0-9]\|case-0" "$W/audit.log"; then
    t_fail "event contents in the log"
else
    t_pass "no event contents in the log"
fi

kill -TERM "$APID" "$EPID" 2>/dev/null || true
wait "$APID" "$EPID" 2>/dev/null || true
echo "e2e: audit $(grep -o 'inbox stats.*' "$W/audit.log" || echo 'no stats')"
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
