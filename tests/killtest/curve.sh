#!/usr/bin/env bash
# curve.sh BIN KEYGEN - the trust boundary: a receiver that faces other
# offices runs CURVE with a ZAP allow-list. An allowed office's messages
# are applied and attributed to the office its key authenticates, whatever
# the envelope claims; an office whose key is not on the list gets nothing
# in, and nothing of its is applied.
BIN=$(cd "$1" && pwd)
KEYGEN=$2
N=500
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

W=$(tst_workdir curve)
trap 'kill -9 ${RPID:-} ${GPID:-} ${XPID:-} 2>/dev/null || true; tst_pg_stop \
      immediate 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
tst_pg_start
tst_sql "CREATE DATABASE rogue" >/dev/null
PORT=$(kt_free_port)
ADMIN=$(tst_url mlps_admin)
RPUB=$("$KEYGEN" "$W/recv.key")
echo "$RPUB" >"$W/recv.pub"
HPUB=$("$KEYGEN" "$W/haidian.key")
"$KEYGEN" "$W/rogue.key" >/dev/null
printf '# office public-key\n110108 %s\n' "$HPUB" >"$W/clients"

"$BIN/kt_recv" --db.url="$(tst_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    --curve.secret-key-file="$W/recv.key" --curve.clients-file="$W/clients" \
    --listen="tcp://127.0.0.1:$PORT" >"$W/recv.log" 2>&1 &
RPID=$!
# The allowed office claims to be another one in its envelopes.
"$BIN/kt_send" --db.url="$(tst_url ktsend_svc)" --db.admin-url="$ADMIN" \
    --office=999999 --curve.secret-key-file="$W/haidian.key" \
    --curve.peer-keys="ktrecv=@$W/recv.pub" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total=$N --kt.batch=100 --kt.interval-ms=20 >"$W/send.log" 2>&1 &
GPID=$!
rogue() { echo "$(tst_url "$1")" | sed 's/dbname=mlps/dbname=rogue/'; }
"$BIN/kt_send" --db.url="$(rogue ktsend_svc)" --db.admin-url="$(rogue mlps_admin)" \
    --curve.secret-key-file="$W/rogue.key" --curve.peer-keys="ktrecv=$RPUB" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total=200 --kt.batch=100 \
    --kt.interval-ms=20 >"$W/rogue.log" 2>&1 &
XPID=$!
ok=1
kt_wait_drained $N 120 || { echo "FAIL: the allowed office did not drain" >&2; ok=0; }
# The refused office has all of its messages queued and keeps trying.
for _ in $(seq 1 100); do
    [ "$(psql -qAtX "$(rogue mlps_admin)" -c "SELECT count(*) FROM ktsend.sent" \
        2>/dev/null)" = 200 ] && break
    sleep 0.1
done
sleep 2
applied=$(tst_sql "SELECT count(DISTINCT seq) FROM ktrecv.applied")
by_office=$(tst_sql "SELECT string_agg(DISTINCT peer, ',') FROM ktrecv.applied")
rogue_left=$(psql -qAtX "$(rogue mlps_admin)" -c "SELECT count(*) FROM
    ktsend.outbox WHERE delivered_at IS NULL")
kill -TERM $RPID $GPID $XPID
wait $RPID $GPID $XPID || true
echo "curve: applied=$applied attributed_to=$by_office rogue_undelivered=$rogue_left"
[ "$applied" = $N ] || { echo "FAIL: applied $applied of $N" >&2; ok=0; }
[ "$by_office" = 110108 ] ||
    { echo "FAIL: attributed to '$by_office', not the authenticated 110108" >&2; ok=0; }
[ "$rogue_left" = 200 ] ||
    { echo "FAIL: the refused office delivered something" >&2; ok=0; }
grep -q "refused a connection: key not on the allow-list" "$W/recv.log" ||
    { echo "FAIL: no refusal logged" >&2; ok=0; }
grep -q "110108 authenticated (key" "$W/recv.log" ||
    { echo "FAIL: no authentication logged" >&2; ok=0; }
tst_sanitizer_clean || ok=0
[ $ok = 1 ] && { tst_pg_stop; rm -rf "$W"; }
[ $ok = 1 ]
