#!/usr/bin/env bash
# killtest.sh BIN [N] - the runtime's promise under SIGKILL.
#
# A sending service generates N numbered messages (each committed with its
# outbox row) and a receiving service applies them (each recorded in its
# inbox with its effect). Both are SIGKILLed and restarted at random moments,
# at least 5 times each, and PostgreSQL is stopped with -m immediate (a crash)
# and restarted once. After draining, every message must have been applied
# exactly once, counted in the receiver's schema.
BIN=$(cd "$1" && pwd)
N=${2:-10000}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir killtest
trap 'kill -9 ${RPID:-} ${SPID:-} 2>/dev/null || true; mlps_pg_stop immediate \
      2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
PORT=$(kt_free_port)
ADMIN=$(mlps_url mlps_admin)
COMMON=(--db.admin-url="$ADMIN" --outbox.lease-ms=1000 --outbox.poll-ms=50)
kt_keys

# shellcheck disable=SC2046 # kt_curve prints options
start_recv() {
    "$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" "${COMMON[@]}" \
        $(kt_curve ktrecv) \
        --db.svc-password-file="$(mlps_pg_password ktrecv_svc)" \
        --listen="tcp://127.0.0.1:$PORT" >>"$W/recv.log" 2>&1 &
    RPID=$!
}
# shellcheck disable=SC2046
start_send() {
    "$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" "${COMMON[@]}" \
        $(kt_curve ktsend) \
        --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
        --peers="ktrecv=tcp://127.0.0.1:$PORT" --kt.total="$N" \
        --kt.batch=50 --kt.interval-ms=80 >>"$W/send.log" 2>&1 &
    SPID=$!
}
rand_sleep() { sleep "$(printf '0.%03d' $((RANDOM % 1000)))"; }

start_recv
start_send
kills_r=0 kills_s=0 db_restarts=0 restarts=0
end=$((SECONDS + 240))
while [ $SECONDS -lt $end ]; do
    rand_sleep
    rand_sleep
    # A service that died by itself (e.g. it could not reach the database
    # at start-up) is restarted, as a supervisor would.
    kill -0 "$RPID" 2>/dev/null || { start_recv; restarts=$((restarts + 1)); }
    kill -0 "$SPID" 2>/dev/null || { start_send; restarts=$((restarts + 1)); }
    generated=$(mlps_sql "SELECT count(*) FROM ktsend.sent" 2>/dev/null || echo 0)
    if [ $kills_r -ge 5 ] && [ $kills_s -ge 5 ] && [ $db_restarts -ge 1 ] &&
        [ "$generated" -ge "$N" ]; then
        break
    fi
    case $((RANDOM % 2)) in
    0)
        kill -9 "$RPID" 2>/dev/null && kills_r=$((kills_r + 1))
        wait "$RPID" 2>/dev/null || true
        rand_sleep
        start_recv
        ;;
    1)
        kill -9 "$SPID" 2>/dev/null && kills_s=$((kills_s + 1))
        wait "$SPID" 2>/dev/null || true
        rand_sleep
        start_send
        ;;
    esac
    if [ $db_restarts -eq 0 ] && [ $kills_r -ge 2 ] && [ $kills_s -ge 2 ]; then
        mlps_pg_stop immediate
        sleep 1
        mlps_pg_start
        db_restarts=1
    fi
done
kill -0 "$RPID" 2>/dev/null || start_recv
kill -0 "$SPID" 2>/dev/null || start_send

drained=0
kt_wait_drained "$N" 180 && drained=1
read -r sent applied lost twice failed < <(kt_counts)
by=$(mlps_sql "SELECT string_agg(DISTINCT peer, ',') FROM ktrecv.applied")
kill -TERM "$RPID" "$SPID" 2>/dev/null || true
wait "$RPID" "$SPID" 2>/dev/null || true

echo "kill-test: sent=$sent applied=$applied lost=$lost" \
    "applied_twice=$twice kills=$((kills_r + kills_s)) db_restarts=$db_restarts"
echo "kill-test: receiver kills=$kills_r sender kills=$kills_s" \
    "self-restarts=$restarts failed=$failed drained=$drained logs=$W"
t_expect "drained in time" "$drained" 1
kt_check_counts "$N" "$sent" "$applied" "$lost" "$twice"
t_expect "failed for good" "$failed" 0
t_expect "applied as the sender's key (CURVE)" "$by" "ktsend@$KT_OFFICE"
t_true "receiver killed at least 5 times" [ $kills_r -ge 5 ]
t_true "sender killed at least 5 times" [ $kills_s -ge 5 ]
t_true "PostgreSQL crashed and restarted" [ $db_restarts -ge 1 ]
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W/pg"
