#!/usr/bin/env bash
# hostile.sh BIN - hostile frames (truncated, oversized, deeply nested,
# unknown type, random bytes, bad UTF-8, bad payload, refused by the handler)
# are each rejected with a logged reason while the receiver keeps applying a
# good sender's messages.
BIN=$(cd "$1" && pwd)
N=2000
FRAME_MAX=131072
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

W=$(tst_workdir hostile)
trap 'kill -9 ${RPID:-} ${SPID:-} 2>/dev/null || true; tst_pg_stop immediate \
      2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
tst_pg_start
PORT=$(kt_free_port)
ADMIN=$(tst_url mlps_admin)
"$BIN/kt_recv" --db.url="$(tst_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    --frame-max=$FRAME_MAX --listen="tcp://127.0.0.1:$PORT" \
    >"$W/recv.log" 2>&1 &
RPID=$!
"$BIN/kt_send" --db.url="$(tst_url ktsend_svc)" --db.admin-url="$ADMIN" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total=$N --kt.batch=20 \
    --kt.interval-ms=20 >"$W/send.log" 2>&1 &
SPID=$!
sleep 0.5
ok=1
"$BIN/kt_hostile" "tcp://127.0.0.1:$PORT" $FRAME_MAX || ok=0
kill -0 $RPID || { echo "FAIL: receiver died" >&2; ok=0; }
kt_wait_drained $N 120 || { echo "FAIL: good messages did not drain" >&2; ok=0; }
read -r sent applied lost twice failed < <(kt_counts)
echo "hostile: sent=$sent applied=$applied lost=$lost applied_twice=$twice"
[ "$applied" = $N ] && [ "$lost" = 0 ] && [ "$twice" = 0 ] || ok=0
kill -0 $RPID || { echo "FAIL: receiver died" >&2; ok=0; }
kill -TERM $RPID $SPID
wait $RPID $SPID || true
for reason in "exceeds the limit" "not a valid Envelope" \
    "is not accepted here" "field 'payload'" "field 'correlation_id'" \
    "field 'message_id'" "parts, expected one Envelope" \
    "must be positive"; do
    if grep -q "rejected.*$reason" "$W/recv.log"; then
        echo "hostile: logged: $reason"
    else
        echo "FAIL: no log line for: $reason" >&2
        ok=0
    fi
done
grep -c "rejected frame" "$W/recv.log" | sed 's/^/hostile: rejected frames logged: /'
tst_sanitizer_clean || ok=0
[ $ok = 1 ] && { tst_pg_stop; rm -rf "$W"; }
[ $ok = 1 ]
