#!/usr/bin/env bash
# service_test.sh BIN - mlps-panel end to end on a private PostgreSQL
# cluster. pnl_fake stands in for review and audit (one process each, under
# their names and keys; it applies what it gets through the runtime's
# inbox, so case versions are checked), pnl_send stands in for review's
# sending side (as review, with review's key), pnl_ask is the API client
# (as a staff member or an expert). Every socket is CURVE, with keys and a
# registry made by mlps_ident; the office hierarchy is deploy/region's, so
# an office's staff see only the cases of their jurisdiction.
#
# The date is pinned to Monday 2026-03-02, so sessions (Thursdays) are
# 03-05, 03-12, 03-19, 03-26 ... The experts are deploy/region/experts.json:
# 102 works for unit 11110108000012345A, 103 declared a conflict with
# 91110108MA01ABCD1E, 104 cannot sit on 03-05 and 03-19.
BIN=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../../../tests/support/lib.sh
. "$ROOT/tests/support/lib.sh"

T_NAME="panel service test"
t_workdir panel
EXPERTS="$ROOT/deploy/region/experts.json"
HIERARCHY="$ROOT/deploy/region/hierarchy.json"
PANEL_PID="" FAKE_PID="" FAKE2_PID=""
cleanup() {
    kill -9 ${PANEL_PID:+"$PANEL_PID"} ${FAKE_PID:+"$FAKE_PID"} \
        ${FAKE2_PID:+"$FAKE2_PID"} 2>/dev/null || true
    mlps_pg_stop immediate 2>/dev/null || true
}
trap cleanup EXIT

mlps_pg_start
ADMIN=$(mlps_url mlps_admin)
H=tcp://127.0.0.1

# Ports 8000-9999: below the kernel's ephemeral range (32768 up) and apart
# from every other suite's (tests/support/lib.sh says which).
free_port() { mlps_free_port 8000 2000 "$@"; }
P_IN=$(free_port)
P_API=$(free_port "$P_IN")
P_REVIEW=$(free_port "$P_IN" "$P_API")
P_AUDIT=$(free_port "$P_IN" "$P_API" "$P_REVIEW")
PEERS="review=$H:$P_REVIEW;audit=$H:$P_AUDIT"

# The identities, all of the municipal office 110100 but two: the panel,
# review, audit and intake (services), a reviewer (staff:li), a clerk of the
# Haidian district office (staff:wang, 110108), the Chaoyang district's
# desk (office:110105), every expert of the experts file and one it does
# not list (expert:999).
K="$W/keys"
for s in panel review audit intake; do mlps_ident "$K" "$s@110100" service 110100; done
mlps_ident "$K" staff:li staff 110100 reviewer
mlps_ident "$K" staff:wang staff 110108
mlps_ident "$K" office:110105 office 110105
for e in $(grep -o '"id": *[0-9]*' "$EXPERTS" | grep -o '[0-9]*$') 999; do
    mlps_ident "$K" "expert:$e" expert 110100
done
# curve SERVICE: the options SERVICE@110100 runs with (split at blanks).
curve() {
    echo "--office=110100 --curve.secret-key-file=$K/$1@110100.key" \
        "--curve.registry=$K/registry"
}

# key=value line of a pnl_ask reply
val() { printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -1; }

# ask_as IDENTITY show|opinion ...: pnl_ask with IDENTITY's key. ask: as
# staff:li for show, as expert EXPERT for "opinion ID EXPERT ...".
ask_as() {
    local who=$1
    shift
    TST_REGISTRY="$K/registry" TST_KEY="$K/$who.key" \
        "$BIN/pnl_ask" "$H:$P_API" panel@110100 "$@"
}
ask() {
    if [ "$1" = opinion ]; then ask_as "expert:$3" "$@"; else ask_as staff:li "$@"; fi
}
# send MESSAGE...: pnl_send as review; send_as SERVICE MESSAGE...: as
# another service, with its key.
send() { send_as review "$@"; }
# shellcheck disable=SC2046 # curve prints options
send_as() {
    local as=$1
    shift
    "$BIN/pnl_send" --as="$as" $(curve "$as") \
        --db.url="$(mlps_url pnlsend_svc)" --db.admin-url="$ADMIN" \
        --db.svc-password-file="$(mlps_pg_password pnlsend_svc)" \
        --peers="panel=$H:$P_IN" --outbox.poll-ms=20 --outbox.lease-ms=300 \
        --log.level=warn -- "$@" 2>>"$W/send.log"
}
# shellcheck disable=SC2046
start_panel() {
    "$BIN/mlps-panel" --db.url="$(mlps_url panel_svc)" --db.admin-url="$ADMIN" \
        $(curve panel) --office.hierarchy="$HIERARCHY" \
        --panel.experts="$EXPERTS" --listen="$H:$P_IN" \
        --db.svc-password-file="$(mlps_pg_password panel_svc)" \
        --api="$H:$P_API" --peers="$PEERS" --outbox.poll-ms=20 \
        --outbox.lease-ms=500 --clock.today=2026-03-02 "$@" \
        >>"$W/panel.log" 2>&1 &
    PANEL_PID=$!
    mlps_wait 30 panel_settled || true
    if mlps_exited "$PANEL_PID"; then t_die "mlps-panel exited"; fi
    panel_answers || t_die "mlps-panel did not answer in 30 s"
}
panel_answers() { [ "$(val "$(ask show PING 2>/dev/null)" code)" = not_found ]; }
panel_settled() { mlps_exited "$PANEL_PID" || panel_answers; }
# Until the panel's outbox holds nothing undelivered.
drained() {
    mlps_wait_drained 15 panel || t_fail "the panel's outbox did not drain"
}
stop_panel() {
    drained
    kill -TERM "$PANEL_PID"
    local rc=0
    wait "$PANEL_PID" || rc=$?
    PANEL_PID=""
    t_expect "mlps-panel stops cleanly on SIGTERM" "$rc" 0
}

echo "--- start-up refusals"
# refused NAME NEEDLE... OPTIONS: start-up must fail and the log say why.
# shellcheck disable=SC2046
refused() {
    local name=$1 needle=$2 needle2=$3 out rc=0
    shift 3
    out=$(timeout 20 "$BIN/mlps-panel" --db.url="$(mlps_url panel_svc)" \
        $(curve panel) "$@" 2>&1) || rc=$?
    if [ $rc = 0 ] || [ $rc = 124 ]; then
        t_fail "$name: exit status $rc"
        return
    fi
    t_has "$name (log)" "$out" "$needle"
    t_has "$name (log names it)" "$out" "$needle2"
}
refused "even quorum is refused" "quorum" "odd" --peers="$PEERS" \
    --panel.experts="$EXPERTS" --panel.quorum=4
refused "bad weekday is refused" "panel.weekday" "thirsday" --peers="$PEERS" \
    --panel.experts="$EXPERTS" --panel.weekday=thirsday
refused "peers without audit are refused" "peers" "audit" \
    --peers="review=$H:$P_REVIEW" --panel.experts="$EXPERTS"
sed 's/"2026-03-19"/"2026-02-30"/' "$EXPERTS" >"$W/bad-date.json"
refused "bad date in the experts file" "$W/bad-date.json" \
    "experts[3].unavailable[1]" --peers="$PEERS" \
    --panel.experts="$W/bad-date.json"
sed 's/"employer_code": "11110108000012345A"/"employer_cod": "x"/' \
    "$EXPERTS" >"$W/bad-key.json"
refused "unknown field in the experts file" "experts[1]: unknown field" \
    "employer_cod" --peers="$PEERS" \
    --panel.experts="$W/bad-key.json"
sed 's/"id": 107/"id": 101/' "$EXPERTS" >"$W/dup-id.json"
refused "duplicate expert id" "experts[6].id" "also experts[0].id" \
    --peers="$PEERS" --panel.experts="$W/dup-id.json"
printf '{"experts": [\n  {"id": 1, "name": }\n]}\n' >"$W/syntax.json"
refused "JSON syntax error" "$W/syntax.json" "line 2" --peers="$PEERS" \
    --panel.experts="$W/syntax.json"

echo "--- start: experts loaded, fake review and audit"
# shellcheck disable=SC2046
"$BIN/pnl_fake" --as=review $(curve review) --db.url="$(mlps_url pnlfake_svc)" \
    --db.admin-url="$ADMIN" --db.svc-password-file="$(mlps_pg_password pnlfake_svc)" \
    --listen="$H:$P_REVIEW" >>"$W/fake.log" 2>&1 &
FAKE_PID=$!
fake_settled() { grep -qs 'msg="started"' "$1" || mlps_exited "$2"; }
MLPS_POLL=0.1 mlps_wait 10 fake_settled "$W/fake.log" "$FAKE_PID" || true
# shellcheck disable=SC2046
"$BIN/pnl_fake" --as=audit $(curve audit) --db.url="$(mlps_url pnlfake_svc)" \
    --db.admin-url="$ADMIN" --db.svc-password-file="$(mlps_pg_password pnlfake_svc)" \
    --listen="$H:$P_AUDIT" >>"$W/fake-audit.log" 2>&1 &
FAKE2_PID=$!
MLPS_POLL=0.1 mlps_wait 10 fake_settled "$W/fake-audit.log" "$FAKE2_PID" || true
if mlps_exited "$FAKE_PID"; then t_die "pnl_fake (as review) exited"; fi
if mlps_exited "$FAKE2_PID"; then t_die "pnl_fake (as audit) exited"; fi
t_true "the fakes run as review and audit" \
    grep -q "service=audit .*msg=\"started\"" "$W/fake-audit.log"
start_panel
t_expect "7 experts active" "$(mlps_sql "SELECT count(*) FROM panel.experts WHERE active")" 7
t_eventually "experts loaded: one audit event" 10 mlps_true \
    "SELECT count(*) = 1 FROM pnlfake.audit WHERE action = 'panel.experts'"

echo "--- scheduling: conflicts excluded, panel rotates"
out=$(send "referral:PNL-T1:11110108000012345A:3:2:2026-03-02:1:110108")
t_expect "T1 referral delivered" "$out" "delivered mlps.v1.PanelReferral PNL-T1 v1"
out=$(send "referral:PNL-T2:91110108MA01ABCD1E:2:3:2026-03-02:1:110108")
t_expect "T2 referral delivered" "$out" "delivered mlps.v1.PanelReferral PNL-T2 v1"
t1=$(ask show PNL-T1)
t_expect "T1 scheduled" "$(val "$t1" state)" scheduled
t_expect "T1 at the first Thursday after the referral" "$(val "$t1" session)" 2026-03-05
t_expect "T1 quorum: never-sat first, then least recently sat" "$(val "$t1" experts)" "103,101,105"
t_hasnt "T1 without 102 (works for the unit)" ",$(val "$t1" experts)," ",102,"
t_hasnt "T1 without 104 (unavailable 03-05)" ",$(val "$t1" experts)," ",104,"
t2=$(ask show PNL-T2)
t_expect "T2 quorum rotates to others" "$(val "$t2" experts)" "102,106,107"
t_hasnt "T2 without 103 (declared conflict)" ",$(val "$t2" experts)," ",103,"
t_eventually "panel.scheduled audit events" 10 \
    mlps_true "SELECT count(*) = 2 FROM pnlfake.audit WHERE action = 'panel.scheduled'"
t_expect "T1 audit outcome names session and experts" \
    "$(mlps_sql "SELECT outcome FROM pnlfake.audit WHERE case_id = 'PNL-T1' AND action = 'panel.scheduled'")" \
    "session 2026-03-05: 103,101,105"

echo "--- opinions on T2 (proposed level 2)"
r=$(ask opinion PNL-T2 101 adjust 3 "不在本案")
t_expect "non-seated expert: not_found" "$(val "$r" code)" not_found
t_hasnt "not_found says nothing about the case" "$r" "PNL-T2"
t_expect "unknown expert: not_found" "$(val "$(ask opinion PNL-T2 999 confirm 0 x)" code)" not_found
r=$(ask_as expert:102 opinion PNL-T2 1x2 confirm 0 x)
t_expect "malformed expert id: invalid" "$(val "$r" code)" invalid
t_has "invalid names expert_id" "$r" "error=expert_id: must be a positive decimal expert id"
t_expect "unknown case: not_found" "$(val "$(ask opinion PNL-NONE 102 confirm 0 x)" code)" not_found
r=$(ask opinion PNL-T2 107 adjust 9 "")
t_expect "bad level and no reasons: invalid" "$(val "$r" code)" invalid
t_has "invalid names level" "$r" "error=level: must be a level from 1 to 5"
t_has "invalid names reasons" "$r" "error=reasons: are required when adjusting"
r=$(ask opinion PNL-T2 107 adjust 2 "与原定级相同")
t_has "adjusting to the proposed level: invalid level" "$r" "error=level: 2 is the proposed level"
r=$(ask opinion PNL-T2 107 none 0 "")
t_has "no verdict: invalid verdict" "$r" "error=verdict: must be CONFIRM or ADJUST"
r=$(ask opinion PNL-T2 107 confirm 4 "")
t_has "confirm with another level: invalid level" "$r" "error=level: must be 0 or the proposed level 2"
r=$(ask opinion PNL-T2 102 adjust 3 "承载全区政务数据，遭破坏将严重损害社会秩序")
t_expect "first opinion recorded" "$(val "$r" ok)" true
t_has "first opinion: pending" "$(val "$r" detail)" "pending: 1 of 3"
r=$(ask opinion PNL-T2 102 confirm 0 "改变主意")
t_expect "second opinion of one expert: conflict" "$(val "$r" code)" conflict
t_has "conflict says why" "$(val "$r" message)" "already gave an opinion"
r=$(ask opinion PNL-T2 106 adjust 3 "系统服务中断将影响公共利益")
t_expect "second expert's opinion recorded" "$(val "$r" ok)" true
t_has "two of three adjust to 3: decided" "$(val "$r" detail)" "adjusted to level 3 by 2 of 3"
r=$(ask opinion PNL-T2 107 confirm 0 "")
t_expect "opinion after the decision: conflict" "$(val "$r" code)" conflict
t_eventually "PanelDecision reached review" 10 mlps_true \
    "SELECT count(*) = 1 FROM pnlfake.got WHERE tracking_id = 'PNL-T2'"
t_expect "PanelDecision fields" \
    "$(mlps_sql "SELECT type, source, case_version, verdict, level, session_date, experts, majority FROM pnlfake.got WHERE tracking_id = 'PNL-T2'")" \
    "mlps.v1.PanelDecision|panel|1|ADJUST|3|2026-03-05|3|2"
t_expect "PanelDecision reasons: the majority's, joined" \
    "$(mlps_sql "SELECT reasons FROM pnlfake.got WHERE tracking_id = 'PNL-T2'")" \
    "承载全区政务数据，遭破坏将严重损害社会秩序; 系统服务中断将影响公共利益"
t2=$(ask show PNL-T2)
t_expect "T2 decided" "$(val "$t2" state)" decided
t_expect "T2 keeps its experts" "$(val "$t2" experts)" "102,106,107"
t_has "T2 detail: decision summary" "$(val "$t2" detail)" "adjusted to level 3"
t_expect "seated experts' last_sat is the session" \
    "$(mlps_sql "SELECT string_agg(id || ':' || last_sat, ',' ORDER BY id) FROM panel.experts WHERE id IN (102, 106, 107)")" \
    "102:2026-03-05,106:2026-03-05,107:2026-03-05"

echo "--- no majority on T1 (proposed level 3): another session"
r=$(ask opinion PNL-T1 103 confirm 0 "定级依据充分")
t_has "T1 first opinion pending" "$(val "$r" detail)" "pending"
r=$(ask opinion PNL-T1 101 adjust 2 "仅影响单位自身")
t_has "T1 second opinion still pending" "$(val "$r" detail)" "pending: 2 of 3"
r=$(ask opinion PNL-T1 105 adjust 4 "涉及全市人口数据")
t_expect "T1 third opinion recorded" "$(val "$r" ok)" true
t_has "confirm / 2 / 4: no majority" "$(val "$r" detail)" "no majority"
t_has "rescheduled to the next Thursday" "$(val "$r" detail)" "session 2026-03-12"
t1=$(ask show PNL-T1)
t_expect "T1 scheduled again" "$(val "$t1" state)/$(val "$t1" session)" scheduled/2026-03-12
t_expect "T1 new quorum (104 available now, never sat)" "$(val "$t1" experts)" "104,101,103"
t_expect "T1 rounds" \
    "$(mlps_sql "SELECT string_agg(round || ':' || outcome, ',' ORDER BY round) FROM panel.rounds WHERE tracking_id = 'PNL-T1'")" \
    "1:no_majority,2:open"
t_eventually "panel.rescheduled audit event" 10 mlps_true \
    "SELECT count(*) = 1 FROM pnlfake.audit WHERE case_id = 'PNL-T1' AND action = 'panel.rescheduled'"
t_expect "nothing sent to review for a reschedule" \
    "$(mlps_sql "SELECT count(*) FROM pnlfake.got WHERE tracking_id = 'PNL-T1'")" 0

echo "--- withdrawal, ordering, duplicates, refusals"
out=$(send "referral:PNL-T5:12110105000000012K:3:2:2026-03-02:1:110105")
t_expect "T5 referral delivered" "$out" "delivered mlps.v1.PanelReferral PNL-T5 v1"
t_expect "T5 scheduled" "$(val "$(ask show PNL-T5)" state)" scheduled
out=$(send "withdrawal:PNL-T5:2")
t_expect "T5 withdrawal delivered" "$out" "delivered mlps.v1.PanelWithdrawal PNL-T5 v2"
t5=$(ask show PNL-T5)
t_expect "T5 withdrawn, no experts" "$(val "$t5" state)/$(val "$t5" experts)" withdrawn/
t_expect "T5 seats released, booking freed" \
    "$(mlps_sql "SELECT string_agg(DISTINCT s.state, ',') || '/' || r.outcome FROM panel.seats s JOIN panel.rounds r USING (tracking_id, round) WHERE tracking_id = 'PNL-T5' GROUP BY r.outcome")" \
    "released/withdrawn"
out=$(send "withdrawal:PNL-T6:2" "referral:PNL-T6:12110105000000012K:3:2:2026-03-02:1:110105")
t_has "v2 before v1: both applied" "$out" "delivered mlps.v1.PanelWithdrawal PNL-T6 v2"
t_expect "T6 withdrawn after its referral" "$(val "$(ask show PNL-T6)" state)" withdrawn
out=$(send "withdrawal:PNL-T2:2")
t_expect "withdrawal of a decided case is applied" "$out" "delivered mlps.v1.PanelWithdrawal PNL-T2 v2"
t_expect "... and changes nothing" "$(val "$(ask show PNL-T2)" state)" decided
drained
n=$(mlps_sql "SELECT count(*) FROM pnlfake.audit")
out=$(send "referral:PNL-T2:91110108MA01ABCD1E:2:3:2026-03-02:0:110108")
t_expect "duplicate referral delivered" "$out" "delivered mlps.v1.PanelReferral PNL-T2 v0"
t_expect "duplicate referral changes nothing" "$(val "$(ask show PNL-T2)" state)" decided
drained
t_expect "duplicate referral: no audit event" "$(mlps_sql "SELECT count(*) FROM pnlfake.audit")" "$n"
rc=0
out=$(send "referral:PNL-BAD1:91110108MA01ABCD1E:0:3:2026-03-02:1:110108" \
    "referral:PNL-BAD2:91110108MA01ABCD1E:2:3:2026-02-30:1:110108" \
    "referral:PNL-BAD3: :2:3:2026-03-02:1" "withdrawal:PNL-NOPE:1") || rc=$?
t_expect "refused messages: sender sees failures" "$rc" 3
t_has "bad level refused, field named" "$out" 'PNL-BAD1 v1: field "proposed_level"'
t_has "bad date refused, field named" "$out" 'PNL-BAD2 v1: field "referred_on"'
t_has "blank unit code refused, field named" "$out" 'PNL-BAD3 v1: field "unit_credit_code"'
t_has "withdrawal of an unknown case refused" "$out" 'PNL-NOPE v1: field "tracking_id"'
rc=0
out=$(send_as intake "withdrawal:PNL-T1:9") || rc=$?
t_expect "a withdrawal from intake: the sender sees a failure" "$rc" 3
t_has "... refused: only review may send it" "$out" \
    'PNL-T1 v9: "intake@110100" (kind service) may not send mlps.v1.PanelWithdrawal (only service:review)'
t_expect "... and T1 is untouched" "$(val "$(ask show PNL-T1)" state)" scheduled
t_expect "refused referrals store nothing" \
    "$(mlps_sql "SELECT count(*) FROM panel.cases WHERE tracking_id LIKE 'PNL-BAD%'")" 0

echo "--- jurisdiction: an office sees its own region's cases; experts their sessions'"
# T1 and T2 are Haidian's (110108), T5 Chaoyang's (110105).
nf=$(ask show PNL-NONE)
t_expect "the municipal office's staff see a district's case" \
    "$(val "$(ask_as staff:li show PNL-T5)" state)" withdrawn
t_expect "a Haidian clerk sees a Haidian case" \
    "$(val "$(ask_as staff:wang show PNL-T1)" state)" scheduled
r=$(ask_as staff:wang show PNL-T5)
t_expect "a Haidian clerk: not_found for a Chaoyang case" "$(val "$r" code)" not_found
t_expect "... as for a case that does not exist" "$r" "${nf//PNL-NONE/PNL-T5}"
t_expect "Chaoyang's desk sees its case" \
    "$(val "$(ask_as office:110105 show PNL-T6)" state)" withdrawn
t_expect "Chaoyang's desk: not_found for a Haidian case" \
    "$(val "$(ask_as office:110105 show PNL-T2)" code)" not_found
t_expect "a seated expert sees the case" \
    "$(val "$(ask_as expert:106 show PNL-T2)" state)" decided
t_expect "an expert not seated: not_found" \
    "$(val "$(ask_as expert:101 show PNL-T2)" code)" not_found
t_refused "staff cannot give an opinion (the API's rule: experts)" \
    "forbidden: \"staff:li\" (kind staff) may not send mlps.v1.OpinionRequest" \
    ask_as staff:li opinion PNL-T1 103 confirm 0 x
r=$(ask_as expert:104 opinion PNL-T1 103 confirm 0 x)
t_expect "an expert cannot give another's opinion" "$(val "$r" code)" forbidden
t_has "... and is told whose key it is" "$(val "$r" message)" \
    "this connection is expert 104: it cannot give expert 103's opinion"
stop_panel

echo "--- too few experts (quorum 7): escalation"
start_panel --panel.quorum=7
out=$(send "referral:PNL-T3:12110105000000012K:3:2:2026-03-02:1:110105")
t_expect "T3 referral delivered" "$out" "delivered mlps.v1.PanelReferral PNL-T3 v1"
out=$(send "referral:PNL-T4:11110108000012345A:3:2:2026-03-02:1:110108")
t_expect "T4 referral delivered" "$out" "delivered mlps.v1.PanelReferral PNL-T4 v1"
t3=$(ask show PNL-T3)
t_expect "T3 escalated" "$(val "$t3" state)/$(val "$t3" session)/$(val "$t3" experts)" \
    escalated/2026-03-05/
t_has "T3 reason: the shortfall" "$(val "$t3" detail)" "7 experts needed, 6 of 7 eligible"
t_has "T3 reason: who is excluded" "$(val "$t3" detail)" "unavailable on 2026-03-05"
t_has "T3 reason: the earliest session that would do" "$(val "$t3" detail)" \
    "the earliest session with room and a quorum is 2026-03-12"
t_eventually "PanelEscalation reached review twice" 10 mlps_true \
    "SELECT count(*) = 2 FROM pnlfake.got WHERE type = 'mlps.v1.PanelEscalation'"
t_expect "T3 escalation fields" \
    "$(mlps_sql "SELECT source, case_version, session_date FROM pnlfake.got WHERE tracking_id = 'PNL-T3'")" \
    "panel|1|2026-03-05"
r4=$(mlps_sql "SELECT reason FROM pnlfake.got WHERE tracking_id = 'PNL-T4'")
t_has "T4 reason: works for the filing unit" "$r4" 'expert 102 "李秀英" (works for the filing unit)'
t_has "T4 reason: no session within the horizon" "$r4" "no session among the next 8 has room and a quorum"
t_eventually "escalations audited" 10 mlps_true \
    "SELECT count(*) = 2 FROM pnlfake.audit WHERE action = 'panel.escalated'"
out=$(send "withdrawal:PNL-T3:2")
t_expect "an escalated case can be withdrawn" "$(val "$(ask show PNL-T3)" state)" withdrawn
stop_panel

echo "--- a session over with opinions missing goes to another session"
start_panel --clock.today=2026-03-20 --panel.watch-ms=200
t_eventually "T1 moved on from 03-12 to 03-26" 15 mlps_true \
    "SELECT session_date = '2026-03-26' FROM panel.cases WHERE tracking_id = 'PNL-T1'"
t1=$(ask show PNL-T1)
t_expect "T1 round 3" "$(mlps_sql "SELECT round FROM panel.cases WHERE tracking_id = 'PNL-T1'")" 3
r=$(ask opinion PNL-T1 "$(val "$t1" experts | cut -d, -f1)" confirm 0 "")
t_has "opinions go to the new round" "$(val "$r" detail)" "pending: 1 of 3"
t_eventually "the move is audited" 10 mlps_true \
    "SELECT count(*) = 2 FROM pnlfake.audit WHERE case_id = 'PNL-T1' AND action = 'panel.rescheduled'"
t_has "the move says why" \
    "$(mlps_sql "SELECT string_agg(outcome, ' | ') FROM pnlfake.audit WHERE case_id = 'PNL-T1' AND action = 'panel.rescheduled'")" \
    "session 2026-03-12 is over with opinions missing"
stop_panel

echo "--- everything delivered, every change audited once"
t_expect "panel outbox drained, nothing refused" \
    "$(mlps_sql "SELECT count(*) FILTER (WHERE delivered_at IS NULL), count(*) FILTER (WHERE failed_reason IS NOT NULL) FROM panel.outbox")" \
    "0|0"
t_expect "experts loaded once over three starts" \
    "$(mlps_sql "SELECT count(*) FROM pnlfake.audit WHERE action = 'panel.experts'")" 1
t_expect "audit actions" \
    "$(mlps_sql "SELECT string_agg(action || '=' || n, ',' ORDER BY action) FROM (SELECT action, count(*) n FROM pnlfake.audit GROUP BY action) a")" \
    "panel.decided=1,panel.escalated=2,panel.experts=1,panel.opinion=6,panel.rescheduled=2,panel.scheduled=4,panel.withdrawn=3"
t_expect "audit events come from the panel of office 110100" \
    "$(mlps_sql "SELECT string_agg(DISTINCT service || '/' || office, ',') FROM pnlfake.audit")" \
    "panel/110100"
t_expect "opinion actors are experts" \
    "$(mlps_sql "SELECT string_agg(actor, ',' ORDER BY actor) FROM pnlfake.audit WHERE action = 'panel.opinion' AND case_id = 'PNL-T2'")" \
    "expert:102,expert:106"
t_expect "panel_svc cannot delete" \
    "$(mlps_psql "$(mlps_url panel_svc)" "DELETE FROM panel.opinions" 2>&1 | grep -c 'permission denied')" 1

kill -TERM "$FAKE_PID" 2>/dev/null || true
wait "$FAKE_PID" 2>/dev/null || true
FAKE_PID=""
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
[ -n "${PNL_KEEP_LOGS:-}" ] || rm -rf "$W" # keep them with PNL_KEEP_LOGS=1
