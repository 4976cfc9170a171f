#!/usr/bin/env bash
# hostile.sh BIN - hostile frames (truncated, oversized, deeply nested,
# unknown type, random bytes, bad UTF-8, bad payload, refused by the handler)
# are each rejected with a logged reason while the receiver keeps applying a
# good sender's messages.
BIN=$(cd "$1" && pwd)
N=2000
FRAME_MAX=131072
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir hostile
trap 'kill -9 ${RPID:-} ${SPID:-} 2>/dev/null || true; mlps_pg_stop immediate \
      2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
PORT=$(kt_free_port)
ADMIN=$(mlps_url mlps_admin)
"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    --frame-max=$FRAME_MAX --listen="tcp://127.0.0.1:$PORT" \
    >"$W/recv.log" 2>&1 &
RPID=$!
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total=$N --kt.batch=20 \
    --kt.interval-ms=20 >"$W/send.log" 2>&1 &
SPID=$!
sleep 0.5
t_true "kt_hostile: each hostile frame rejected" \
    "$BIN/kt_hostile" "tcp://127.0.0.1:$PORT" $FRAME_MAX
t_true "receiver alive after the hostile frames" kill -0 $RPID
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
