#!/usr/bin/env bash
# refuse.sh BIN - refusals inside batches: kt_recv applies a run of new
# messages with one statement (its apply_many); a run holding a message it
# refuses (seq 0) fails as a whole, and the inbox applies that batch one
# message at a time, so the refused message is recorded REJECTED (its
# outbox row failed, for good) and every other message of the batch is
# applied, once.
BIN=$(cd "$1" && pwd)
N=1000
EVERY=10
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir refuse
trap 'kill -9 ${R:-} ${S:-} 2>/dev/null || true
      mlps_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
P=$(kt_free_port)
ADMIN=$(mlps_url mlps_admin)
kt_keys
# shellcheck disable=SC2046 # kt_curve prints options
"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    $(kt_curve ktrecv) --db.svc-password-file="$(mlps_pg_password ktrecv_svc)" \
    --listen="tcp://127.0.0.1:$P" --inbox.batch=100 --log.level=debug \
    >"$W/recv.log" 2>&1 &
R=$!
# shellcheck disable=SC2046
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
    $(kt_curve ktsend) --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
    --peers="ktrecv=tcp://127.0.0.1:$P" --kt.total=$N --kt.batch=500 \
    --kt.interval-ms=10 --kt.refuse-every=$EVERY --outbox.batch=200 \
    >"$W/send.log" 2>&1 &
S=$!
# All N generated (each committed with its outbox row) and none pending.
# (The count of sent must stand outside the outbox query's WHERE: inside
# it, too few sent emptied the filter and "settled" held at once.)
settled() {
    mlps_true "SELECT (SELECT count(*) FROM ktsend.sent) = $N
        AND NOT EXISTS (SELECT 1 FROM ktsend.outbox
                        WHERE delivered_at IS NULL AND failed_reason IS NULL)"
}
t_true "every message answered" mlps_wait 120 settled
refused=$((N / EVERY))
good=$((N - refused))
t_expect "applied (distinct seqs)" \
    "$(mlps_sql "SELECT count(DISTINCT seq) FROM ktrecv.applied")" $good
t_expect "rows applied (none twice)" \
    "$(mlps_sql "SELECT count(*) FROM ktrecv.applied")" $good
t_expect "a refused message applied" \
    "$(mlps_sql "SELECT count(*) FROM ktrecv.applied WHERE seq % $EVERY = 0")" 0
t_expect "recorded rejected by the inbox" \
    "$(mlps_sql "SELECT count(*) FROM ktrecv.inbox WHERE status = 'rejected'")" \
    $refused
t_expect "each rejection names its field" \
    "$(mlps_sql "SELECT DISTINCT reason FROM ktrecv.inbox WHERE status = 'rejected'")" \
    'field "seq": must be positive'
t_expect "failed for good at the sender" \
    "$(mlps_sql "SELECT count(*) FROM ktsend.outbox WHERE failed_reason IS NOT NULL")" \
    $refused
t_true "a run with a refusal was tried at once, then one by one" \
    grep -q "x mlps.test.KtSeq applied at once: rejected" "$W/recv.log"
kill -TERM "$R" "$S"
wait "$R" "$S" || true
t_like "the receiver's count" "$(grep -o 'inbox stats.*' "$W/recv.log")" \
    "inbox stats received=* applied=$good duplicates=0 rejected=$refused *"
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
