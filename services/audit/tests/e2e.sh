#!/usr/bin/env bash
# e2e.sh BIN [N] - the audit service end to end.
#
# A real sender (aud_emit: cmn_audit_emit in its transactions, delivered by
# its outbox) sends N events to mlps-audit, every 50th one invalid. Then:
# the chain holds exactly the valid events, once each, in seq 1..V; verify
# passes through the API (cmn_api_call) and the `verify` subcommand; a
# case's events come back in chain order; the invalid ones were refused
# naming the field. Then, as the superuser, one record's outcome is changed
# (verify must fail naming that seq), a record is deleted (verify must name
# the gap) and the last record is deleted (verify must notice from the
# inbox), each put back afterwards.
BIN=$(cd "$1" && pwd)
N=${2:-2000}
BAD_EVERY=50
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
. "$(dirname "$0")/lib.sh"

W=$(tst_workdir e2e)
ok=1 finished=0
# Stop everything, the cluster before its folder goes (kept unless the
# whole script ran and passed).
cleanup() {
    kill -9 ${APID:-} ${EPID:-} 2>/dev/null || true
    tst_pg_stop immediate 2>/dev/null || true
    if [ $finished = 1 ] && [ $ok = 1 ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' TERM INT # so the EXIT trap runs when ctest times out
tst_pg_start
ADMIN=$(tst_url mlps_admin)
fail() { echo "FAIL: $*" >&2; ok=0; }

aud_start_audit "$W/audit.log" || exit 1
APID=$AUD_PID PORT=$AUD_PORT API=$AUD_API
t0=$SECONDS
"$BIN/aud_emit" --db.url="$(tst_url audemit_svc)" --db.admin-url="$ADMIN" \
    --peers="audit=tcp://127.0.0.1:$PORT" --office=110108 \
    --emit.total="$N" --emit.batch=100 --emit.interval-ms=10 \
    --emit.bad-every=$BAD_EVERY --outbox.poll-ms=50 >"$W/emit.log" 2>&1 &
EPID=$!
aud_wait_drained "$N" 200 || fail "did not drain in 200 s"
secs=$((SECONDS - t0))
V=$((N - N / BAD_EVERY))

# 1. The chain: V records, seq 1..V, exactly the delivered events.
read -r records seq_ok delivered in_chain missing extra refused < <(aud_counts)
echo "e2e: sent=$N valid=$V records=$records seq_ok=$seq_ok" \
    "delivered=$delivered in_chain=$in_chain missing=$missing extra=$extra" \
    "refused=$refused drain_s=$secs"
[ "$records" = "$V" ] || fail "chain has $records records, want $V"
[ "$seq_ok" = 1 ] || fail "seq is not exactly 1..$records"
[ "$delivered" = "$V" ] && [ "$in_chain" = "$V" ] || fail "delivered/in chain"
[ "$missing" = 0 ] && [ "$extra" = 0 ] || fail "missing=$missing extra=$extra"
[ "$refused" = $((N / BAD_EVERY)) ] || fail "refused $refused, want $((N / BAD_EVERY))"
reasons=$(tst_sql "SELECT DISTINCT failed_reason FROM audemit.outbox
                   WHERE failed_reason IS NOT NULL")
echo "e2e: refusal reason: $reasons"
[ "$reasons" = 'field "action": must not be empty' ] || fail "refusal reason"
links=$(tst_sql "SELECT count(*) FROM audit.chain c JOIN audit.chain p
                 ON p.seq = c.seq - 1 WHERE c.prev_hash <> p.hash")
[ "$links" = 0 ] || fail "$links records do not link (SQL)"

# 2. Verify passes: API and subcommand.
out=$("$BIN/aud_call" verify "$API") || fail "api verify: $out"
echo "e2e: $out"
[ "$out" = "api verify: ok records=$V" ] || fail "api verify said: $out"
out=$(aud_verify_cmd) || fail "verify command exit $?: $out"
echo "e2e: $out"
[ "$out" = "audit verify: ok records=$V" ] || fail "verify command: $out"

# 3. A case's events, in chain order, as the database has them.
"$BIN/aud_call" events "$API" case-007 >"$W/events.txt" || fail "events call"
tst_sql "SELECT action || ' ' || outcome FROM audit.chain
         WHERE case_id = 'case-007' ORDER BY seq" >"$W/events.sql"
n_case=$(wc -l <"$W/events.sql")
head -1 "$W/events.txt" | grep -qx "events n=$n_case" || fail "events count"
tail -n +2 "$W/events.txt" | cmp -s - "$W/events.sql" || fail "events order"
echo "e2e: events case-007 n=$n_case (matches the chain, in seq order)"
"$BIN/aud_call" events "$API" "" >"$W/bad_case.txt" && fail "empty case_id"
grep -q "field case_id" "$W/bad_case.txt" || fail "empty case_id not named"

# 4. Tampering, as the superuser (triggers off: the chain is append-only).
TAMPER="SET session_replication_role = replica;"
K=$((V / 2))
saved=$(tst_sql "SELECT outcome FROM audit.chain WHERE seq = $K")
tst_sql "$TAMPER UPDATE audit.chain SET outcome = 'A' WHERE seq = $K" >/dev/null
out=$("$BIN/aud_call" verify "$API") && fail "api verify passed after tamper"
echo "e2e: tampered seq=$K -> $out"
case $out in "api verify: FAILED at seq=$K: event "*": hash: "*) ;;
*) fail "api verify did not name seq $K: $out" ;; esac
out=$(aud_verify_cmd) && fail "verify command passed after tamper"
echo "e2e: tampered seq=$K -> $out"
case $out in "audit verify: FAILED at seq=$K (event "*"): hash: "*) ;;
*) fail "verify command did not name seq $K: $out" ;; esac
tst_sql "$TAMPER UPDATE audit.chain SET outcome = '$saved' WHERE seq = $K" >/dev/null
out=$(aud_verify_cmd) || fail "not ok after restoring seq $K: $out"

M=$((V / 3))
tst_sql "$TAMPER CREATE TABLE public.aud_saved AS SELECT * FROM audit.chain
         WHERE seq = $M; DELETE FROM audit.chain WHERE seq = $M" >/dev/null
out=$("$BIN/aud_call" verify "$API") && fail "api verify passed after delete"
echo "e2e: deleted seq=$M -> $out"
case $out in *"at seq=$((M + 1)): "*"gap: seq $((M + 1)) follows seq $((M - 1)); seq $M is missing"*) ;;
*) fail "api verify did not name the gap at $M: $out" ;; esac
out=$(aud_verify_cmd) && fail "verify command passed after delete"
echo "e2e: deleted seq=$M -> $out"
case $out in *"at seq=$((M + 1)) "*"seq $M is missing"*) ;;
*) fail "verify command did not name the gap: $out" ;; esac
tst_sql "$TAMPER INSERT INTO audit.chain SELECT * FROM public.aud_saved;
         DROP TABLE public.aud_saved" >/dev/null
out=$(aud_verify_cmd) || fail "not ok after restoring seq $M: $out"

tst_sql "$TAMPER CREATE TABLE public.aud_saved AS SELECT * FROM audit.chain
         WHERE seq = $V; DELETE FROM audit.chain WHERE seq = $V" >/dev/null
out=$(aud_verify_cmd) && fail "verify command passed after deleting the tail"
echo "e2e: deleted the last seq=$V -> $out"
case $out in *"at seq=$V "*"missing: "*) ;;
*) fail "verify command did not notice the removed tail: $out" ;; esac
tst_sql "$TAMPER INSERT INTO audit.chain SELECT * FROM public.aud_saved;
         DROP TABLE public.aud_saved" >/dev/null
out=$("$BIN/aud_call" verify "$API") || fail "not ok after restoring: $out"
echo "e2e: restored -> $out"

# 5. Logs hold no event contents ("step N" outcomes, case ids).
if grep -q "step [0-9]\|case-0" "$W/audit.log"; then fail "contents in log"; fi

kill -TERM "$APID" "$EPID" 2>/dev/null || true
wait "$APID" "$EPID" 2>/dev/null || true
echo "e2e: audit $(grep -o 'inbox stats.*' "$W/audit.log" || echo 'no stats')"
tst_sanitizer_clean || ok=0
[ $ok = 1 ] || echo "logs: $W" >&2
finished=1
[ $ok = 1 ]
