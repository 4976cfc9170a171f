#!/usr/bin/env bash
# trust.sh BIN - the runtime's trust boundary, against kt_recv's inbox and
# API: every caller is who its key says, and each refusal is its own check.
#
# A sender of another office (ktsend@110108) is applied and attributed to
# its key. A stranger's key (not in the registry) gets nothing in and no
# answer; a registered non-service (an expert) cannot reach an inbox; a
# service the handler's rule does not name (intake) is REJECTED, and so is
# an envelope whose source or source_office disagrees with its key; only a
# gateway may name acting_for (the API then sees the person, via the
# gateway); the API refuses a kind its rule does not name. curve.dev-plain
# warns at start; a service without keys, or with a committed example key,
# refuses to start, naming why. Nothing refused is applied.
BIN=$(cd "$1" && pwd)
N=500
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

t_workdir trust
trap 'kill -9 ${RPID:-} ${GPID:-} ${XPID:-} ${DPID:-} 2>/dev/null || true
      mlps_pg_stop immediate 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
mlps_sql "CREATE DATABASE rogue" >/dev/null
P_IN=$(kt_free_port)
P_API=$(kt_free_port "$P_IN")
IN="tcp://127.0.0.1:$P_IN" API="tcp://127.0.0.1:$P_API"
ADMIN=$(mlps_url mlps_admin)
O=$KT_OFFICE
SERVER="ktrecv@$O"

# The region: the receiver and a sender of this office (kt_keys), a sender
# of another office, a service the receiver takes nothing from, an expert,
# two staff (one with no key of their own), a gateway; and a stranger.
kt_keys
K=$KT_KEYS
mlps_ident "$K" ktsend@110108 service 110108
mlps_ident "$K" "intake@$O" service "$O"
mlps_ident "$K" expert:101 expert "$O"
mlps_ident "$K" staff:li staff "$O" reviewer
mlps_person "$K" staff:zhao staff "$O" reviewer
mlps_ident "$K" web gateway "$O"
"$MLPS_KEYGEN" "$W/stranger.key" >/dev/null

# shellcheck disable=SC2046 # kt_curve prints options
"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --db.admin-url="$ADMIN" \
    --db.svc-password-file="$(mlps_pg_password ktrecv_svc)" \
    $(kt_curve ktrecv) --listen="$IN" --api="$API" --log.level=debug \
    >"$W/recv.log" 2>&1 &
RPID=$!
say() { kt_as "$1" "$BIN/kt_say" "${@:2}"; }
# (Run in the background or in $(...) only: it execs, so $! is the
# program's pid and the EXIT trap's kill reaches it.)
stranger() { TST_REGISTRY="$K/registry" TST_KEY="$W/stranger.key" exec "$@"; }
answers() { say staff:li api "$API" "$SERVER" >/dev/null; }
t_eventually "the receiver answers" 30 answers
t_true "the inbox is CURVE" grep -q "receiving at $IN (CURVE" "$W/recv.log"
t_true "the API is CURVE" grep -q "api at $API (CURVE" "$W/recv.log"

echo "--- a sender of another office: applied, attributed to its key"
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" --db.admin-url="$ADMIN" \
    --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
    --office=110108 --curve.secret-key-file="$K/ktsend@110108.key" \
    --curve.registry="$K/registry" --peers="ktrecv@$O=$IN" \
    --kt.total=$N --kt.batch=100 --kt.interval-ms=20 >"$W/send.log" 2>&1 &
GPID=$!

echo "--- a stranger's key: nothing in, no answer"
rogue() { mlps_url "$1" | sed 's/dbname=mlps/dbname=rogue/'; }
rogue_queued() {
    [ "$(mlps_psql "$(rogue mlps_admin)" "SELECT count(*) FROM ktsend.sent" \
        2>/dev/null)" = 200 ]
}
stranger "$BIN/kt_send" --db.url="$(rogue ktsend_svc)" \
    --db.admin-url="$(rogue mlps_admin)" --office="$O" \
    --db.svc-password-file="$(mlps_pg_password ktsend_svc)" \
    --curve.secret-key-file="$W/stranger.key" --curve.registry="$K/registry" \
    --peers="ktrecv=$IN" --kt.total=200 --kt.batch=100 --kt.interval-ms=20 \
    >"$W/rogue.log" 2>&1 &
XPID=$!
out=$(stranger "$BIN/kt_say" inbox "$IN" "$SERVER" --seq=900001 \
    --source=ktsend --office="$O" --timeout-ms=1500) || true
t_expect "a stranger's message: no answer" "$out" "no answer within 1500 ms"
out=$(stranger "$BIN/kt_say" api "$API" "$SERVER" --timeout-ms=1500) || true
t_expect "a stranger's request: no answer" "$out" "no answer within 1500 ms"

echo "--- a registered expert cannot reach an inbox"
out=$(say expert:101 inbox "$IN" "$SERVER" --seq=900002 --source=ktsend \
    --office="$O" --timeout-ms=1500) || true
t_expect "an expert's message: no answer" "$out" "no answer within 1500 ms"
t_true "logged: an inbox takes services only" \
    grep -q "refused a connection: an inbox takes services only" "$W/recv.log"

echo "--- a service the rule does not name is REJECTED"
out=$(say "intake@$O" inbox "$IN" "$SERVER" --seq=900003) || true
t_like "intake's KtSeq is rejected, naming the rule" "$out" \
    "ack REJECTED: \"intake@$O\" (kind service) may not send mlps.test.KtSeq (only service:ktsend)"

echo "--- an envelope that disagrees with its key is REJECTED"
out=$(say "ktsend@$O" inbox "$IN" "$SERVER" --seq=900004 --source=intake) ||
    true
t_like "another source than the key's" "$out" \
    "ack REJECTED: the envelope says source \"intake\" office \"$O\"; the key is \"ktsend@$O\""
out=$(say "ktsend@$O" inbox "$IN" "$SERVER" --seq=900005 --office=110108) ||
    true
t_like "another source_office than the key's" "$out" \
    "ack REJECTED: the envelope says source \"ktsend\" office \"110108\"; the key is \"ktsend@$O\""

echo "--- acting_for: a gateway's only"
out=$(say "ktsend@$O" inbox "$IN" "$SERVER" --seq=900006 \
    --acting-for=staff:zhao) || true
t_expect "an inbox takes no acting_for" "$out" \
    "ack REJECTED: an inbox takes no acting_for"
out=$(say staff:li api "$API" "$SERVER" --acting-for=staff:zhao) || true
t_expect "staff acting for another: forbidden" "$out" \
    "problem forbidden: \"staff:li\" is of kind staff: only a gateway may act for a person"
out=$(say expert:101 api "$API" "$SERVER" --acting-for=staff:zhao) || true
t_like "an expert acting for staff: forbidden" "$out" \
    "problem forbidden: \"expert:101\" is of kind expert: only a gateway may act for a person"
out=$(say web api "$API" "$SERVER" --acting-for="ktsend@$O") || true
t_expect "a gateway acting for a service: forbidden" "$out" \
    "problem forbidden: gateway \"web\" acts for \"ktsend@$O\", who is not a person in the registry"
out=$(say web api "$API" "$SERVER" --acting-for=staff:zhao) || true
t_like "a gateway acting for a person: the person, via the gateway" "$out" \
    "reply peer=staff:zhao via=web applied=*"

echo "--- the API: who may ask"
out=$(say staff:li api "$API" "$SERVER") || true
t_like "staff: answered as itself" "$out" "reply peer=staff:li via= applied=*"
out=$(say expert:101 api "$API" "$SERVER") || true
t_like "an expert (a kind the rule does not name): forbidden" "$out" \
    "problem forbidden: \"expert:101\" (kind expert) may not send mlps.test.KtCountRequest"
out=$(say web api "$API" "$SERVER") || true
t_expect "a gateway for itself: forbidden" "$out" \
    "problem forbidden: \"web\" (kind gateway) may not send mlps.test.KtCountRequest"

echo "--- the good sender drains; the stranger's stay undelivered"
t_true "the other office's sender drained" kt_wait_drained $N 120
# (It shares the cluster, and so its role, with the good sender: both set
# the role's password as they start, from two databases at once.)
if MLPS_POLL=0.1 mlps_wait 10 rogue_queued; then
    t_pass "the stranger's sender queued its 200"
else
    t_fail "the stranger's sender queued its 200 (its log follows)"
    sed 's/^/  rogue: /' "$W/rogue.log" | tail -20
fi
sleep 2
applied=$(mlps_sql "SELECT count(DISTINCT seq) FROM ktrecv.applied")
rows=$(mlps_sql "SELECT count(*) FROM ktrecv.applied")
by=$(mlps_sql "SELECT string_agg(DISTINCT peer, ',') FROM ktrecv.applied")
refused_seqs=$(mlps_sql "SELECT count(*) FROM ktrecv.applied WHERE seq > 900000")
rogue_left=$(mlps_psql "$(rogue mlps_admin)" "SELECT count(*) FROM
    ktsend.outbox WHERE delivered_at IS NULL")
kill -TERM $RPID $GPID $XPID
wait $RPID $GPID $XPID || true
echo "trust: applied=$applied rows=$rows attributed_to=$by" \
    "rogue_undelivered=$rogue_left refused_applied=$refused_seqs"
t_expect "applied" "$applied" $N
t_expect "rows applied in all (nothing refused among them)" "$rows" $N
t_expect "refused messages applied" "$refused_seqs" 0
t_expect "attributed to the authenticated key" "$by" ktsend@110108
t_expect "the stranger's messages left undelivered" "$rogue_left" 200
t_true "refusal logged" \
    grep -q "refused a connection: key not in the registry" "$W/recv.log"
t_true "authentication logged" \
    grep -q "ktsend@110108 authenticated (key" "$W/recv.log"
t_true "refused messages logged" grep -q "refused message" "$W/recv.log"

echo "--- curve.dev-plain warns at start"
P_DEV=$(kt_free_port "$P_IN" "$P_API")
"$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" --curve.dev-plain \
    --api="tcp://127.0.0.1:$P_DEV" >"$W/plain.log" 2>&1 &
DPID=$!
plain_answers() { "$BIN/kt_say" api "tcp://127.0.0.1:$P_DEV" - >/dev/null; }
t_eventually "the plain receiver answers" 30 plain_answers
out=$("$BIN/kt_say" api "tcp://127.0.0.1:$P_DEV" -) || true
t_like "a plain caller is the development identity" "$out" \
    "reply peer=dev via= applied=*"
kill -TERM $DPID
wait $DPID || true
t_true "warned at start" grep -q \
    'level=warn .*curve.dev-plain: every socket is PLAIN and every caller is trusted' \
    "$W/plain.log"
t_true "the API said PLAIN" grep -q "(PLAIN: development only)" "$W/plain.log"

echo "--- refusals at start (the log quotes with ')"
start() { timeout 30 "$BIN/kt_recv" --db.url="$(mlps_url ktrecv_svc)" "$@"; }
t_refused "no keys and no dev-plain: refused" \
    "'curve.secret-key-file' and 'curve.registry' are required" \
    start --listen="$IN"
# shellcheck disable=SC2016 # the key's text, as it was committed
printf '%s\n' '@A-{<0m#RAyAr4HH/$Ydww}$vu5dJdn@1(8JgN.p' >"$W/example.key"
t_refused "a committed example key: refused, named" \
    "is the committed example 'review_curve.key.example'" \
    start --curve.secret-key-file="$W/example.key" \
    --curve.registry="$K/registry" --listen="$IN"
printf 'nobody wizard 110100 -\n' >"$W/bad-registry"
t_refused "a registry with a bad line: refused, naming file:line" \
    "$W/bad-registry:1: kind" start --curve.secret-key-file="$K/ktrecv@$O.key" \
    --curve.registry="$W/bad-registry" --listen="$IN"

t_true "no sanitizer report" mlps_sanitizer_clean
t_done
mlps_pg_stop
rm -rf "$W"
