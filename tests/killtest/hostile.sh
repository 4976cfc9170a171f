#!/usr/bin/env bash
# hostile.sh BIN - hostile frames (truncated, oversized, deeply nested,
# unknown type, random bytes, bad UTF-8, bad payload, refused by the handler,
# a NUL inside a string) are each rejected with a logged reason while the
# receiver keeps applying a good sender's messages; a 1 GiB frame, streamed
# to the inbox and to the API (and by a stranger before the handshake),
# costs the receiver no memory, and it answers afterwards. Every socket is
# CURVE: the hostile client holds a key the receiver takes messages from.
BIN=$(cd "$1" && pwd)
N=2000
FRAME_MAX=131072
GIB=1073741824
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir hostile
trap 'kill -9 ${RPID:-} ${SPID:-} 2>/dev/null || true; mlps_pg_stop immediate \
      2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
PORT=$(kt_free_port)
API_PORT=$(kt_free_port "$PORT")
ADMIN=$(mlps_url mlps_admin)
kt_keys
mlps_ident "$KT_KEYS" staff:li staff "$KT_OFFICE"
"$MLPS_KEYGEN" "$W/stranger.key" >/dev/null # in no registry
IN="tcp://127.0.0.1:$PORT" API="tcp://127.0.0.1:$API_PORT"
SERVER="ktrecv@$KT_OFFICE"
# shellcheck disable=SC2046 # kt_curve prints options
"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    $(kt_curve ktrecv) --frame-max=$FRAME_MAX --listen="$IN" --api="$API" \
    --db.svc-password-file="$(mlps_pg_password ktrecv_svc)" \
    >"$W/recv.log" 2>&1 &
RPID=$!
# shellcheck disable=SC2046
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
    $(kt_curve ktsend) --peers="ktrecv=$IN" --kt.total=$N --kt.batch=20 \
    --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
    --kt.interval-ms=20 >"$W/send.log" 2>&1 &
SPID=$!
say() { kt_as "$1" "$BIN/kt_say" "${@:2}"; }
answers() { [ "$(say staff:li api "$API" "$SERVER" | cut -d' ' -f1)" = reply ]; }
t_eventually "the receiver answers" 30 answers
t_true "kt_hostile: each hostile frame rejected" \
    kt_as "ktsend@$KT_OFFICE" "$BIN/kt_hostile" "$IN" $FRAME_MAX "$SERVER"
t_true "receiver alive after the hostile frames" kill -0 $RPID

echo "--- a NUL inside a string: mlps.test.KtSeq, NUL, x is not a KtSeq"
# Seq 0: were the type read as mlps.test.KtSeq, the handler would refuse
# it ("must be positive"); it must be refused before that, for the NUL.
out=$(say "ktsend@$KT_OFFICE" inbox "$IN" "$SERVER" --seq=0 --nul \
    --timeout-ms=2000) || true # no answer: the message id was not read
echo "hostile: inbox, type with a NUL -> $out"
t_hasnt "inbox: a type with a NUL never reaches the handler" "$out" \
    "must be positive"
t_true "inbox: the NUL logged as the reason" \
    grep -q "rejected frame.*type.*contains a NUL byte" "$W/recv.log"
out=$(say staff:li api "$API" "$SERVER" --nul) || true
echo "hostile: api, type with a NUL -> $out"
t_like "api: a type with a NUL is refused, naming it" "$out" \
    "problem invalid: *type*contains a NUL byte*"

echo "--- 1 GiB frames, streamed: no memory spent on them"
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$RPID/status"; }
hwm0=$(hwm)
t_true "the receiver's peak RSS can be read" [ -n "$hwm0" ]
out=$(kt_as staff:li "$BIN/kt_flood" "$API" "$SERVER" api $GIB) ||
    t_fail "api flood: exit status $? ($out)"
echo "$out" # api
t_has "api: the small frame came back first" "$out" "a small frame was answered"
t_has "api: the server hung up on the 1 GiB frame" "$out" "closed the connection"
out=$(kt_as "ktsend@$KT_OFFICE" "$BIN/kt_flood" "$IN" "$SERVER" inbox $GIB) ||
    t_fail "inbox flood: exit status $? ($out)"
echo "$out" # inbox
t_has "inbox: the small frame came back first" "$out" "a small frame was answered"
t_has "inbox: the server hung up on the 1 GiB frame" "$out" "closed the connection"
out=$(TST_REGISTRY="$KT_KEYS/registry" TST_KEY="$W/stranger.key" \
    "$BIN/kt_flood" "$IN" "$SERVER" inbox $GIB --before-handshake) ||
    t_fail "stranger's flood: exit status $? ($out)"
echo "$out" # stranger
t_has "a stranger's 1 GiB before the handshake: hung up on" "$out" \
    "closed the connection"
# The control: a frame under the inbox's cap (twice frame-max) is read
# whole, so the hang-ups above are the size limit's doing.
rc=0
out=$(kt_as "ktsend@$KT_OFFICE" "$BIN/kt_flood" "$IN" "$SERVER" inbox 200000) ||
    rc=$?
echo "$out" # control
t_expect "inbox: a 200 KB frame is read whole (kt_flood exit status)" $rc 1
hwm1=$(hwm)
echo "hostile: receiver peak RSS (VmHWM) ${hwm0} kB before, ${hwm1} kB after"
# Growth, not the figure itself: a sanitizer build starts higher.
t_true "the peak RSS grew by less than 64 MiB" \
    [ $((${hwm1:-999999999} - ${hwm0:-0})) -lt 65536 ]
t_true "the receiver still answers its API" answers

t_true "good messages drained" kt_wait_drained $N 120
read -r sent applied lost twice _ < <(kt_counts)
echo "hostile: sent=$sent applied=$applied lost=$lost applied_twice=$twice"
kt_check_counts $N "$sent" "$applied" "$lost" "$twice"
t_true "receiver alive at the end" kill -0 $RPID
kill -TERM $RPID $SPID
wait $RPID $SPID || true
for reason in "exceeds the limit" "not a valid Envelope" \
    "is not accepted here" "field 'payload'" "field 'correlation_id'" \
    "field 'message_id'" "parts, expected one Envelope" \
    "must be positive"; do
    t_true "logged: $reason" grep -q "rejected.*$reason" "$W/recv.log"
done
grep -c "rejected frame" "$W/recv.log" | sed 's/^/hostile: rejected frames logged: /'
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
