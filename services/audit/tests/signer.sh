#!/usr/bin/env bash
# signer.sh BIN [N] - the checkpoint signer's state file, end to end.
#
# The committed example key is refused at start. Then
# mlps-audit signs every 200 ms with a fresh Ed25519 key while a real
# sender (aud_emit) delivers N events; the signer's state file
# (<key>.state) must name the head. The verifier saves that checkpoint
# (--save-checkpoint). Restarted, the service goes on from its state file
# through N more events. Then the superuser deletes the checkpoints and
# records after the first N and the sender delivers 2N more, so the tables
# verify on their own: the signer must log one ALARM, sign nothing more,
# and verify (API, command with the state file, command with the saved
# checkpoint) must say the chain no longer extends what was signed. A
# restart reads the same state and refuses again; with the chain put back
# the command passes, and the refusing service still says it refuses.
BIN=$(cd "$1" && pwd)
N=${2:-300}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir signer
trap 'kill -9 ${APID:-} ${EPID:-} 2>/dev/null || true
      mlps_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 1' TERM INT # so the EXIT trap runs when ctest times out
mlps_pg_start
aud_keys
KEY=$W/sign.pem PUB=$W/sign.pub.pem STATE=$W/sign.pem.state
openssl genpkey -algorithm ed25519 -out "$KEY" 2>/dev/null || t_die "openssl genpkey"
openssl pkey -in "$KEY" -pubout -out "$PUB" || t_die "openssl pkey"

# start LOG: the service, signing every 200 ms. Sets APID, API, PORT.
start() {
    aud_start_audit "$1" --audit.sign-key-file="$KEY" \
        --audit.checkpoint-ms=200 || t_die "mlps-audit did not start"
    APID=$AUD_PID API=$AUD_API PORT=$AUD_PORT
}
stop() {
    kill -TERM "$APID" 2>/dev/null || true
    wait "$APID" 2>/dev/null || true
}
# emit TOTAL: the sender runs until TOTAL events in all were delivered.
emit() {
    aud_emit --peers="audit@$AUD_OFFICE=tcp://127.0.0.1:$PORT" \
        --emit.total="$1" --emit.batch=50 --emit.interval-ms=10 \
        --outbox.poll-ms=50 >>"$W/emit.log" 2>&1 &
    EPID=$!
    t_true "delivered $1 in all" aud_wait_drained "$1" 120
    kill -TERM "$EPID" 2>/dev/null || true
    wait "$EPID" 2>/dev/null || true
}
state_seq() { sed -n 's/^seq=//p' "$STATE" 2>/dev/null; }
signed_up_to() { [ "$(state_seq)" = "$1" ]; }
# verify_cmd [OPTION...]: the command with the public key.
verify_cmd() {
    "$BIN/mlps-audit" verify --db.url="$(mlps_url audit_svc)" \
        --audit.verify-key-file="$PUB" "$@"
}
records() { mlps_sql "SELECT count(*) FROM audit.chain"; }

# 0. The committed example key is refused at start.
# (The example's text, as it was committed; only its fingerprint is kept.)
EXAMPLE=$W/audit_sign.pem.example
cat >"$EXAMPLE" <<'PEM'
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINV6/UBh22BRL1Hc2JUHrEttm+M/2mVEdn8dQ0qDpoD8
-----END PRIVATE KEY-----
PEM
# shellcheck disable=SC2046 # aud_curve prints options
out=$(timeout 30 "$BIN/mlps-audit" --db.url="$(mlps_url audit_svc)" \
    --db.admin-url="$(mlps_url mlps_admin)" \
    --db.svc-password-file="$(mlps_pg_password audit_svc)" \
    $(aud_curve audit "$AUD_OFFICE") \
    --listen="tcp://127.0.0.1:$(aud_free_port)" \
    --audit.sign-key-file="$EXAMPLE" 2>&1) && t_fail "started with the example key"
t_has "the example signing key is refused" "$out" \
    "is the committed example 'audit_sign.pem.example'"

# 1. First run: no state yet; the signer catches up with the head.
start "$W/audit1.log"
t_has "first start: no state yet" "$(cat "$W/audit1.log")" "no signer state"
emit "$N"
t_true "state file names seq $N" mlps_wait 30 signed_up_to "$N"
t_expect "state file mode" "$(stat -c %a "$STATE")" 600
out=$(verify_cmd --audit.sign-state-file="$STATE" --save-checkpoint="$W/saved1") ||
    t_fail "verify and save: exit status $?"
echo "signer: $out"
t_like "verify ok, saved seq $N" "$out" \
    "audit verify: ok records=$N checkpoints=* anchored_seq=$N key=*
audit verify: saved the checkpoint at seq=$N to \"$W/saved1\""

# 2. Restarted: it goes on from the state file.
stop
start "$W/audit2.log"
t_has "restart: reads its state" "$(cat "$W/audit2.log")" \
    "the last one it signed: seq $N"
t_hasnt "restart: state found" "$(cat "$W/audit2.log")" "no signer state"
emit $((2 * N))
t_true "state file names seq $((2 * N))" mlps_wait 30 signed_up_to $((2 * N))
out=$(verify_cmd --since-checkpoint="$W/saved1" --save-checkpoint="$W/saved2") ||
    t_fail "verify since: exit status $?"
echo "signer: $out"
t_like "verify since seq $N ok" "$out" \
    "audit verify: ok records=$((2 * N)) *anchored_seq=$((2 * N)) key=* since_seq=$N
audit verify: saved the checkpoint at seq=$((2 * N)) *"

# 3. The rewrite: checkpoints and records after seq N deleted (and what the
# inbox says of them), then 2N more events delivered.
mlps_sql "CREATE TABLE public.k_chain AS SELECT * FROM audit.chain;
    CREATE TABLE public.k_marks AS SELECT * FROM audit.checkpoints" >/dev/null
mlps_sql "SET session_replication_role = replica;
    DELETE FROM audit.checkpoints WHERE seq > $N;
    DELETE FROM audit.chain WHERE seq > $N;
    DELETE FROM audit.inbox i WHERE NOT EXISTS
        (SELECT 1 FROM audit.chain c WHERE c.event_id = i.message_id)" >/dev/null
emit $((4 * N))
sleep 1 # five rounds of the signer
t_expect "records after the rewrite" "$(records)" $((3 * N))
t_expect "checkpoints signed after the rewrite" \
    "$(mlps_sql "SELECT count(*) FROM audit.checkpoints WHERE seq > $N")" 0
alarms=$(grep -c 'level=error.*ALARM' "$W/audit2.log" || true)
t_expect "alarms logged" "$alarms" 1
alarm=$(grep 'level=error.*ALARM' "$W/audit2.log" | head -1)
echo "signer: $alarm"
t_has "the alarm says what it found" "$alarm" \
    "the chain no longer extends the last checkpoint this signer signed at seq $((2 * N))"
t_expect "state file untouched" "$(state_seq)" $((2 * N))

out=$(verify_cmd) || t_fail "the tables alone: exit status $?"
echo "signer: tables alone -> $out"
t_like "the tables alone verify" "$out" "audit verify: ok records=$((3 * N)) *"
out=$(aud_call verify "$API") && t_fail "api verify passed"
echo "signer: api -> $out"
t_has "api verify reports it" "$out" \
    "the chain no longer extends the last checkpoint this signer signed at seq $((2 * N))"
out=$(verify_cmd --audit.sign-state-file="$STATE") && t_fail "verify passed"
echo "signer: command with the state file -> $out"
t_has "verify with the state file reports it" "$out" \
    "FAILED at seq=$((2 * N)) (event "
t_has "... naming the signer's checkpoint" "$out" \
    "the chain no longer extends the last checkpoint this signer signed at seq $((2 * N)): rebuilt: "
out=$(verify_cmd --since-checkpoint="$W/saved2") && t_fail "verify since passed"
echo "signer: command since the saved checkpoint -> $out"
t_has "verify since the saved checkpoint reports it" "$out" \
    "the chain no longer extends the saved checkpoint at seq $((2 * N)): rebuilt: "

# 4. A restart does not clear it: the state file still says seq 2N.
stop
start "$W/audit3.log"
t_true "refused again after a restart" mlps_wait 10 grep -q \
    "level=error.*ALARM.*signed at seq $((2 * N))" "$W/audit3.log"

# 5. The chain put back as it was (the events since, and the inbox's word
# of them, dropped): verify with the state file passes again, but the
# refusing service still says it refuses.
mlps_sql "SET session_replication_role = replica;
    DELETE FROM audit.chain; INSERT INTO audit.chain SELECT * FROM public.k_chain;
    DELETE FROM audit.checkpoints;
    INSERT INTO audit.checkpoints SELECT * FROM public.k_marks;
    DELETE FROM audit.inbox i WHERE NOT EXISTS
        (SELECT 1 FROM audit.chain c WHERE c.event_id = i.message_id)" >/dev/null
out=$(verify_cmd --audit.sign-state-file="$STATE") ||
    t_fail "verify with the state file after putting back: exit status $?"
echo "signer: put back -> $out"
t_like "put back: verify with the state file passes" "$out" \
    "audit verify: ok records=$((2 * N)) *"
out=$(aud_call verify "$API") && t_fail "api verify passed while refusing"
echo "signer: put back, api -> $out"
t_has "put back: the api says the signer still refuses" "$out" \
    "the signer refuses: the chain no longer extends the last checkpoint"
stop

# 6. A clean stop signs the head: started with an hour between
# checkpoints (it signs the head at start, seq 2N), N more events (the
# sender has made 4N so far: 5N in all), then SIGTERM: the state file
# names seq 3N.
aud_start_audit "$W/audit4.log" --audit.sign-key-file="$KEY" \
    --audit.checkpoint-ms=3600000 || t_die "mlps-audit did not start"
APID=$AUD_PID PORT=$AUD_PORT
t_true "signed the head at start" mlps_wait 10 signed_up_to $((2 * N))
emit $((5 * N))
t_expect "records" "$(records)" $((3 * N))
t_expect "not signed again within the hour" "$(state_seq)" $((2 * N))
stop
t_expect "a clean stop signed the head" "$(state_seq)" $((3 * N))
t_expect "... and the table has it" \
    "$(mlps_sql "SELECT max(seq) FROM audit.checkpoints")" $((3 * N))

if grep -q "step [0-9]\|case-0" "$W"/audit*.log; then
    t_fail "event contents in the log"
else
    t_pass "no event contents in the log"
fi
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
