#!/usr/bin/env bash
# curve.sh BIN KEYGEN - the trust boundary: a receiver that faces other
# offices runs CURVE with a ZAP allow-list. An allowed office's messages
# are applied and attributed to the office its key authenticates, whatever
# the envelope claims; an office whose key is not on the list gets nothing
# in, and nothing of its is applied.
BIN=$(cd "$1" && pwd)
KEYGEN=$2
N=500
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir curve
trap 'kill -9 ${RPID:-} ${GPID:-} ${XPID:-} 2>/dev/null || true; mlps_pg_stop \
      immediate 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
mlps_sql "CREATE DATABASE rogue" >/dev/null
PORT=$(kt_free_port)
ADMIN=$(mlps_url mlps_admin)
RPUB=$("$KEYGEN" "$W/recv.key")
echo "$RPUB" >"$W/recv.pub"
HPUB=$("$KEYGEN" "$W/haidian.key")
"$KEYGEN" "$W/rogue.key" >/dev/null
printf '# office public-key\n110108 %s\n' "$HPUB" >"$W/clients"

"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    --curve.secret-key-file="$W/recv.key" --curve.clients-file="$W/clients" \
    --listen="tcp://127.0.0.1:$PORT" >"$W/recv.log" 2>&1 &
RPID=$!
# The allowed office claims to be another one in its envelopes.
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
    --office=999999 --curve.secret-key-file="$W/haidian.key" \
    --curve.peer-keys="ktrecv=@$W/recv.pub" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total=$N --kt.batch=100 --kt.interval-ms=20 >"$W/send.log" 2>&1 &
GPID=$!
rogue() { mlps_url "$1" | sed 's/dbname=mlps/dbname=rogue/'; }
rogue_queued() {
    [ "$(mlps_psql "$(rogue mlps_admin)" "SELECT count(*) FROM ktsend.sent" \
        2>/dev/null)" = 200 ]
}
"$BIN/kt_send" --db.url="$(rogue ktsend_svc)" --db.admin-url="$(rogue mlps_admin)" \
    --curve.secret-key-file="$W/rogue.key" --curve.peer-keys="ktrecv=$RPUB" \
    --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total=200 --kt.batch=100 \
    --kt.interval-ms=20 >"$W/rogue.log" 2>&1 &
XPID=$!
t_true "the allowed office drained" kt_wait_drained $N 120
# The refused office has all of its messages queued and keeps trying.
MLPS_POLL=0.1 mlps_wait 10 rogue_queued || true
sleep 2
applied=$(mlps_sql "SELECT count(DISTINCT seq) FROM ktrecv.applied")
by_office=$(mlps_sql "SELECT string_agg(DISTINCT peer, ',') FROM ktrecv.applied")
rogue_left=$(mlps_psql "$(rogue mlps_admin)" "SELECT count(*) FROM
    ktsend.outbox WHERE delivered_at IS NULL")
kill -TERM $RPID $GPID $XPID
wait $RPID $GPID $XPID || true
echo "curve: applied=$applied attributed_to=$by_office rogue_undelivered=$rogue_left"
t_expect "applied" "$applied" $N
t_expect "attributed to the authenticated office" "$by_office" 110108
t_expect "the refused office's messages left undelivered" "$rogue_left" 200
t_true "refusal logged" grep -q "refused a connection: key not on the allow-list" \
    "$W/recv.log"
t_true "authentication logged" grep -q "110108 authenticated (key" "$W/recv.log"
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
