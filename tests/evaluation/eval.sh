#!/usr/bin/env bash
# eval.sh BUILD SCENARIO - the evaluation assignment service through the
# real services, every socket CURVE with the region's key registry, driven
# by mlpsctl as the unit, the office's staff, the institutions and the
# experts would, with evl_cert standing in for the cert service (it applies
# EvaluationConcluded through the runtime's inbox, versions checked).
#
# Scenarios:
#   region   the whole municipal office (intake, review, panel, audit,
#            evaluation): filings accepted by review reach evaluation; a
#            level-2 unit's choice (refused for a suspended and a lapsed
#            institution, without its proof nothing at all), the report
#            path end to end with an institution's key (another's gets
#            nothing), a level-3 proposal avoiding a conflict, the audit
#            trail, the sockets CURVE
#   assign   tst_probe stands in for review (CaseAccepted): capacity,
#            rotation, conflicts, an escalation when none qualifies and
#            the watch's new proposal, a suspension, who may do what
#   rectify  a poor (差) report, the unit's plan, the expert panel's review
#            (rejected, then approved), completion, the re-evaluation and
#            its cadence; a level-2 plan needs no panel
#   calendar the due date month-end clamped, the watch opening the next
#            round ahead of it and marking it overdue (the office's date
#            pinned, the service restarted on later days), the due list,
#            the inspection plan and an inspection recorded
set -euo pipefail
BIN=$(cd "$1" && pwd)
SCENARIO=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EX=$ROOT/deploy/examples
# Each scenario its own ports (BASE+1 .. BASE+49) in 31800-31999, apart
# from every other suite's (tests/support/README.md).
SCENARIOS=(region assign rectify calendar)
BASE=
for i in "${!SCENARIOS[@]}"; do
    [ "${SCENARIOS[$i]}" = "$SCENARIO" ] && BASE=$((31800 + 50 * i))
done
[ -n "$BASE" ] || { echo "evaluation: unknown scenario $SCENARIO" >&2; exit 2; }
TODAY=${TODAY:-2026-11-20}
MLPS_POLL=0.1
# shellcheck source=../../deploy/lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
T_NAME="evaluation $SCENARIO"
t_workdir "evaluation-$SCENARIO"
trap 'region_stop; [ "${ok:-0}" = 1 ] && rm -rf "$W"' EXIT
trap 'exit 143' TERM INT

H=tcp://127.0.0.1
P_CERT_IN=$((BASE + 12))
# evl_cert stands in for the cert service (region_start leaves it out);
# a district's reviewer (110109), a unit its district registered, and one
# more staff member.
REGION_WITHOUT=cert
REGION_IDENTS="staff:zhou staff 110109 reviewer
unit:111101080000301173 unit 110108"
HIERARCHY=$ROOT/tests/e2e/hierarchy.json
EVAL_OPTS="--evaluation.watch-ms=300 --outbox.poll-ms=50 --outbox.lease-ms=500"
INSTITUTIONS=$ROOT/tests/evaluation/institutions.json
[ "$SCENARIO" = region ] && INSTITUTIONS=$ROOT/deploy/region/institutions.json

U1=111101080000301173 U2=111101080000312082 U3=11110108000029024E
U4=11110105000032301X U5=111101020000334942
SHA_A=$(printf 'report A' | sha256sum | cut -c1-64)
SHA_B=$(printf 'report B' | sha256sum | cut -c1-64)
SHA_P=$(printf 'plan' | sha256sum | cut -c1-64)

ev() { region_ctl evaluation "$@"; }                 # as staff:li (110100)
ev_as() { local id=$1; shift; region_as "$id" evaluation "$@"; }
field() { region_field "$1"; }                       # NAME on stdin
ev_state() { ev status "$1" 2>/dev/null | field state || true; }
wait_ev() { # ID STATE...
    region__wait ev_state 30 "$@" || t_die "$1 did not reach ${*:2}"
}
# The cert stand-in's record of case ID: "version:verdict:round:next_due".
cert_got() {
    mlps_sql "SELECT string_agg(case_version || ':' || verdict || ':' ||
        round || ':' || next_due, ' ' ORDER BY case_version) FROM evlcert.got
        WHERE tracking_id = '$1'"
}
cert_has() { [ "$(cert_got "$1")" = "$2" ]; }
events() { region_ctl audit events "$1" | grep ' service=evaluation ' || true; }
# The case's actions, sorted: the events of one transaction reach audit
# in no defined order, so sets (with repeats) are compared.
actions() { events "$1" | grep -o 'action=[^ ]*' | sed 's/action=//' | sort | tr '\n' ' ' | sed 's/ $//'; }
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }
has_event() { events "$1" | grep -q "action=$2"; } # ID ACTION

# The option helpers and EVAL_OPTS print options to split at blanks.
# shellcheck disable=SC2046,SC2086
# Starts the stand-in cert service (after the keys are made).
start_cert() {
    ROLE=evlcert region_start_one cert "$BIN/services/evaluation/evl_cert" \
        --listen="$H:$P_CERT_IN" $(region_curve cert)
}
# The evaluation service alone, on TODAY (again, after a stop).
# shellcheck disable=SC2046,SC2086
start_evaluation() {
    region_start_one evaluation "$BIN/services/evaluation/mlps-evaluation" \
        --listen="$H:$P_EVAL_IN" --api="$H:$P_EVAL_API" \
        --peers="audit=$H:$P_AUDIT_IN;cert=$H:$P_CERT_IN" \
        $(region_curve evaluation) $EVAL_OPTS
    mlps_wait 30 eval_settled || true
    mlps_exited "$(cat "$W/evaluation.pid")" && t_die "mlps-evaluation exited"
    eval_answers || t_die "mlps-evaluation did not answer"
}
eval_answers() {
    region_ctl --timeout-ms=500 evaluation status PING >/dev/null 2>&1 || [ $? = 1 ]
}
eval_settled() { mlps_exited "$(cat "$W/evaluation.pid")" || eval_answers; }
stop_evaluation() {
    local pid
    pid=$(cat "$W/evaluation.pid")
    kill -TERM "$pid"
    mlps_wait 10 mlps_exited "$pid" || t_die "mlps-evaluation did not stop"
}
# Only what the probe scenarios need: audit, evaluation, the cert stand-in.
# shellcheck disable=SC2046
start_small() {
    region_ports
    mkdir -p "$W"
    region_keys
    mlps_pg_start
    region_start_one audit "$BIN/services/audit/mlps-audit" \
        --listen="$H:$P_AUDIT_IN" --api="$H:$P_AUDIT_API" $(region_audit_sign) \
        $(region_curve audit)
    start_cert
    start_evaluation
}
# accept ID LEVEL CREDIT REGION [VERSION [SECRET]]: review's CaseAccepted,
# sent with review's key (tst_probe stands in for review).
accept() {
    local sha=""
    [ -n "${6:-}" ] && sha=$(printf '%s' "$6" | sha256sum | cut -c1-64)
    probe_inbox review@110100 review mlps.v1.CaseAccepted "${5:-1}" \
        "{\"tracking_id\": \"$1\", \"district\": \"${4}\", \"unit_name\":
        \"测试单位$1\", \"unit_credit_code\": \"$3\", \"region_code\": \"$4\",
        \"system_name\": \"测试系统$1\", \"level\": $2, \"accepted_on\":
        \"$TODAY\", \"decided_by\": \"staff:li\", \"unit_secret_sha256\": \"$sha\"}"
}
probe_inbox() { # KEY SOURCE TYPE VERSION JSON: prints the ack
    mlps_bounded "$BIN/tests/support/tst_probe" --key="$W/keys/$1.key" \
        --registry="$W/keys/registry" --server=evaluation@110100 \
        --source="$2" --office=110100 --version="$4" \
        inbox "$H:$P_EVAL_IN" "$3" "$5"
}
accepted() { # ID LEVEL CREDIT REGION [VERSION [SECRET]]
    t_has "CaseAccepted $1 applied" "$(accept "$@")" "ack: APPLIED"
}
report() { # INSTITUTION ID DATE SCORE HIGH MEDIUM [SHA]
    ev_as "inst:$1" report "$2" --date="$3" --score="$4" --high="$5" \
        --medium="$6" --sha256="${7:-$SHA_A}"
}
# Until nothing waits in the outboxes of the services running.
drain() {
    if [ "$SCENARIO" = region ]; then
        region_drain 30
    else
        mlps_wait_drained 30 evaluation audit
    fi
}
load_institutions() {
    region_ctl institution add "$INSTITUTIONS" >"$W/put.out" ||
        t_die "institution add refused: $(cat "$W/put.out")"
}

case "$SCENARIO" in
region)
    REVIEW_OPTS="--review.auto=all"
    region_start || t_die "the region did not start"
    start_cert
    out=$(region_ctl institution add "$INSTITUTIONS")
    t_has "seven institutions added" "$out" \
        "institutions: 7 listed, 7 added, 0 changed, 0 unchanged"
    t_has "the same file again changes nothing" \
        "$(region_ctl institution add "$INSTITUTIONS")" "7 unchanged"
    out=$(region_ctl institution list)
    t_has "three qualified today" "$out" "institutions: 7, 3 qualified"
    t_has "jingan lapsed" "$out" "why: certificate DJCP-2023-110-0009 expired on 2026-03-31"
    t_has "fengping has no level-evaluation certificate" "$out" \
        "why: no certificate of category level_evaluation"

    echo "--- level 2: the unit's choice"
    sub=$(region_as web submit "$EX/filing-level2.json")
    A=$(echo "$sub" | field tracking_id)
    SA=$(echo "$sub" | field unit_secret)
    { [ -n "$A" ] && [ -n "$SA" ]; } || t_die "no tracking id or proof: $sub"
    region_wait_state 30 "$A" accepted || t_die "$A was not accepted"
    wait_ev "$A" choosing
    t_refused "without its proof a unit sees nothing" not_found \
        region_unit_ctl "" evaluation status "$A"
    t_refused "without its proof a unit chooses nothing" not_found \
        region_unit_ctl "" evaluation choose "$A" xinan
    wrong=${SA%?}0
    [ "$wrong" = "$SA" ] && wrong=${SA%?}1
    t_refused "a wrong proof is no proof" not_found \
        region_unit_ctl "$wrong" evaluation choose "$A" xinan
    t_refused "a suspended institution is refused, saying so" \
        "certificate DJCP-2025-110-0077 is suspended" \
        region_unit_ctl "$SA" evaluation choose "$A" tianhe
    t_refused "a lapsed one too" "expired on 2026-03-31" \
        region_unit_ctl "$SA" evaluation choose "$A" jingan
    t_refused "one that failed its surveillance too" \
        "failed its annual surveillance on 2026-09-12" \
        region_unit_ctl "$SA" evaluation choose "$A" anxin
    t_refused "the office does not choose for the unit" forbidden \
        ev choose "$A" xinan
    t_has "the unit chooses xinan" \
        "$(region_unit_ctl "$SA" evaluation choose "$A" xinan)" "xinan chosen"
    t_refused "another institution's key gets nothing" not_found \
        ev_as inst:huace status "$A"
    t_refused "nor can it report" not_found \
        report huace "$A" "$TODAY" 95 0 0
    t_expect "the chosen institution sees its assignment" \
        "$(ev_as inst:xinan status "$A" | field state)" assigned
    t_refused "a report needs a digest" report_sha256 \
        report xinan "$A" "$TODAY" 95 0 0 nothex
    t_has "xinan reports" "$(report xinan "$A" "$TODAY" 92 0 0)" \
        "verdict excellent (优); next due 2028-11-20"
    st=$(region_unit_ctl "$SA" evaluation status "$A")
    printf '   %s\n' "${st//$'\n'/$'\n'   }"
    t_expect "state" "$(echo "$st" | field state)" evaluated
    t_expect "institution" "$(echo "$st" | field institution)" \
        "xinan (北京信安等级测评技术有限公司)"
    t_expect "verdict" "$(echo "$st" | field verdict)" "excellent (优)"
    t_expect "report_date" "$(echo "$st" | field report_date)" "$TODAY"
    t_expect "next_due (level 2: 24 months)" "$(echo "$st" | field next_due)" \
        2028-11-20
    t_eventually "the cert service heard it (version 1)" 15 \
        cert_has "$A" "1:excellent:1:2028-11-20"

    echo "--- level 3: the office assigns"
    sub=$(region_as web submit "$EX/filing-level3.json")
    B=$(echo "$sub" | field tracking_id)
    SB=$(echo "$sub" | field unit_secret)
    region_wait_state 30 "$B" accepted || t_die "$B was not accepted"
    wait_ev "$B" proposed
    st=$(ev status "$B")
    t_hasnt "zhongke, which did the unit's security design, is not proposed" \
        "$(echo "$st" | field proposal)" zhongke
    t_has "the proposal says why zhongke was passed over" "$st" \
        "zhongke: did the unit's security design"
    t_refused "a level-3 unit does not choose" \
        "the municipal office assigns the institution" \
        region_unit_ctl "$SB" evaluation choose "$B" xinan
    t_refused "staff cannot assign zhongke" "did the unit's security design" \
        ev assign "$B" zhongke --reason="the unit asked for it"
    prop=$(echo "$st" | field proposal)
    t_has "staff confirm the proposal" "$(ev assign "$B")" "$prop assigned"
    out=$(ev queue)
    t_hasnt "nothing waits for the office for $B" "$out" "$B"

    echo "--- level 4: a related institution is never proposed"
    C=$(region_as web submit "$EX/filing-level4.json" | field tracking_id)
    region_wait_state 30 "$C" accepted || t_die "$C was not accepted"
    wait_ev "$C" proposed
    t_has "huace, related to the unit, is passed over" "$(ev status "$C")" \
        "huace: related to the unit"

    echo "--- audit and sockets"
    drain || t_fail "outboxes did not drain"
    t_eventually "the choice is audited" 10 has_event "$A" evaluation.reported
    t_expect "every state change of $A is one event" "$(actions "$A")" \
        "$(sorted evaluation.choosing evaluation.chosen evaluation.reported)"
    t_like "audit chain verifies" "$(region_ctl audit verify || true)" \
        "audit verify: ok*"
    out=$(region_trust_table "$A" "$A" "$SA")
    t_has "the evaluation API is CURVE" "$out" "trust: socket=evaluation.api CURVE"
    t_has "the evaluation inbox is CURVE" "$out" "trust: socket=evaluation.inbox CURVE"
    t_hasnt "no forged message accepted" "$out" "ACCEPTED"
    ;;
assign)
    start_small
    load_institutions
    accepted T-1 3 "$U1" 110108
    wait_ev T-1 proposed
    t_expect "rotation: never assigned first, then by id" \
        "$(ev status T-1 | field proposal)" alpha
    t_has "the confirmation" "$(ev assign T-1)" "alpha assigned"
    accepted T-2 3 "$U2" 110108
    wait_ev T-2 proposed
    st=$(ev status T-2)
    t_expect "alpha is full: beta" "$(echo "$st" | field proposal)" beta
    t_has "why alpha was passed over" "$st" \
        "alpha: at capacity (1 of 1 evaluations running)"
    t_has "why delta was" "$st" "delta: certificate T-DELTA-1 expired on 2026-06-30"
    t_refused "another than the proposal needs a reason" \
        "the assignment departs from the proposal" ev assign T-2 gamma
    t_refused "a full institution cannot be assigned" "at capacity" \
        ev assign T-2 alpha --reason="alpha knows the system"
    t_has "beta assigned" "$(ev assign T-2)" "beta assigned"
    # gamma is related to U3, alpha and beta are full, delta lapsed: none.
    accepted T-3 3 "$U3" 110108
    wait_ev T-3 escalated
    st=$(ev status T-3)
    t_has "the escalation says why each one cannot" "$st" \
        "no institution qualifies: alpha: at capacity (1 of 1 evaluations running); beta: at capacity (1 of 1 evaluations running); delta: certificate T-DELTA-1 expired on 2026-06-30; gamma: related to the unit"
    t_has "it waits in the office's queue" "$(ev queue)" "queue: T-3 level=3 state=escalated"
    t_refused "an escalated case cannot be confirmed" "no institution is proposed" \
        ev assign T-3
    accepted T-4 4 "$U4" 110105
    wait_ev T-4 proposed
    t_expect "gamma for another unit" "$(ev status T-4 | field proposal)" gamma
    t_has "gamma assigned" "$(ev assign T-4)" "gamma assigned"
    # alpha's report frees it: the watch proposes it for T-3.
    t_has "alpha reports T-1" "$(report alpha T-1 "$TODAY" 85 0 1)" "verdict good"
    wait_ev T-3 proposed
    t_expect "the watch proposes alpha for T-3" "$(ev status T-3 | field proposal)" alpha
    t_eventually "audited: escalated" 10 has_event T-3 evaluation.escalated
    t_eventually "audited: proposed again" 10 has_event T-3 evaluation.proposed
    # A suspension: the proposal no longer stands; the watch escalates.
    t_has "alpha suspended" "$(region_ctl institution suspend alpha \
        --reason="监督检查暂停")" "1 certificate(s) suspended"
    wait_ev T-3 escalated
    t_has "why: suspended" "$(ev status T-3)" "certificate T-ALPHA-1 is suspended"
    region_ctl institution suspend alpha --lift >/dev/null
    wait_ev T-3 proposed
    t_has "lifted: alpha again" "$(ev assign T-3)" "alpha assigned"
    t_true "alpha shows 1 of 1 busy" grep -q "^busy: 1" <<<"$(region_ctl institution show alpha)"

    echo "--- who may do what"
    t_has "a CaseAccepted with intake's key is refused" "$(probe_inbox \
        intake@110100 intake mlps.v1.CaseAccepted 1 \
        '{"tracking_id": "T-9", "level": 3}')" "ack: REJECTED"
    t_has "one with a bad field names it" "$(probe_inbox review@110100 review \
        mlps.v1.CaseAccepted 1 "{\"tracking_id\": \"T-9\", \"unit_name\": \"x\",
        \"system_name\": \"y\", \"unit_credit_code\": \"$U5\", \"region_code\":
        \"110102\", \"level\": 1, \"accepted_on\": \"$TODAY\"}")" \
        'field "level": must be a filed level from 2 to 5'
    t_refused "a district's reviewer does not assign" forbidden \
        region_as staff:zhou evaluation assign T-2
    t_refused "nor sees a case outside its district" not_found \
        region_as staff:zhou evaluation status T-2
    t_refused "an institution's key reading another's assignment gets nothing" \
        not_found ev_as inst:beta status T-1
    t_expect "its own it reads" "$(ev_as inst:beta status T-2 | field state)" assigned
    t_refused "an institution sees no other institution" not_found \
        region_as inst:beta institution show alpha
    t_refused "an institution manages no institutions" forbidden \
        region_as inst:beta institution add "$INSTITUTIONS"
    t_refused "a unit's key reads only its own systems" not_found \
        ev_as "unit:$U1" status T-2
    t_expect "its own it reads" "$(ev_as "unit:$U1" status T-1 | field state)" evaluated
    t_refused "an expert's key does not assign" forbidden \
        ev_as expert:101 assign T-4
    t_refused "an institution file with errors stores nothing, naming each" \
        "institutions[0].capacity: must be 1 to 1000" \
        region_ctl institution add <(sed 's/"capacity": 1,/"capacity": 0,/' "$INSTITUTIONS")
    drain || t_fail "outboxes did not drain"
    t_expect "T-1's trail" "$(actions T-1)" \
        "$(sorted evaluation.proposed evaluation.assigned evaluation.reported)"
    t_like "audit chain verifies" "$(region_ctl audit verify || true)" "audit verify: ok*"
    ;;
rectify)
    start_small
    load_institutions
    accepted R-1 3 "$U1" 110108 1 "secret-r1"
    wait_ev R-1 proposed
    ev assign R-1 >/dev/null || t_die "R-1 not assigned"
    t_has "a high risk: poor" "$(report alpha R-1 "$TODAY" 88 1 2)" \
        "verdict poor (差); rectification"
    st=$(ev status R-1)
    t_expect "state" "$(echo "$st" | field state)" rectification
    t_expect "verdict" "$(echo "$st" | field verdict)" "poor (差)"
    t_expect "no due date before a standing report" "$(echo "$st" | field next_due)" none
    t_eventually "cert heard the poor verdict (no certificate on it)" 15 \
        cert_has R-1 "1:poor:1:"
    t_refused "a plan without the unit's proof: nothing" not_found \
        region_unit_ctl "" rectification plan R-1 "$SHA_P" "修复高危漏洞"
    t_has "the unit's plan goes to the panel" \
        "$(region_unit_ctl secret-r1 rectification plan R-1 "$SHA_P" \
            "修复高危漏洞，加固边界")" "the expert panel reviews"
    t_refused "completion waits for the review" "the panel reviews the plan first" \
        region_unit_ctl secret-r1 rectification complete R-1 "done"
    t_refused "a rejection needs a reason" "reason: is required" \
        region_expert_ctl 101 rectification review R-1 reject
    t_refused "an institution does not review plans" forbidden \
        region_as inst:alpha rectification review R-1 approve
    t_has "the panel rejects" "$(region_expert_ctl 101 rectification review \
        R-1 reject "边界加固措施不足")" "plan rejected by expert:101"
    t_expect "back to the unit" "$(ev_state R-1)" rectification
    region_unit_ctl secret-r1 rectification plan R-1 "$SHA_B" "修复高危漏洞，增加边界防护设备" >/dev/null
    t_has "the panel approves" "$(region_expert_ctl 102 rectification review \
        R-1 approve)" "plan approved by expert:102"
    t_has "the unit reports it done: a re-evaluation" \
        "$(region_unit_ctl secret-r1 rectification complete R-1 "整改完成")" \
        "re-evaluation after rectification: round 2"
    st=$(ev status R-1)
    t_expect "round 2" "$(echo "$st" | field round)" 2
    t_expect "rotation: beta, never assigned" "$(echo "$st" | field proposal)" beta
    ev assign R-1 >/dev/null || t_die "R-1 round 2 not assigned"
    t_has "the re-evaluation" "$(report beta R-1 "$TODAY" 86 0 1 "$SHA_B")" \
        "verdict good (良); next due 2027-11-20"
    t_expect "the cadence restarts from it" "$(ev status R-1 | field next_due)" 2027-11-20
    t_eventually "cert heard both (versions 1, 2)" 15 \
        cert_has R-1 "1:poor:1: 2:good:2:2027-11-20"
    # Level 2: the plan stands without the panel.
    accepted R-2 2 "$U2" 110108 1 "secret-r2"
    wait_ev R-2 choosing
    region_unit_ctl secret-r2 evaluation choose R-2 gamma >/dev/null ||
        t_die "R-2 choice refused"
    report gamma R-2 "$TODAY" 64 0 0 >/dev/null || t_die "R-2 report refused"
    t_has "level 2: no panel" "$(region_unit_ctl secret-r2 rectification plan \
        R-2 "$SHA_P" "补齐安全管理制度")" "the plan stands"
    t_expect "rectifying" "$(ev_state R-2)" rectifying
    drain || t_fail "outboxes did not drain"
    t_expect "R-1's trail" "$(actions R-1)" "$(sorted evaluation.proposed \
        evaluation.assigned evaluation.reported rectification.planned \
        rectification.rejected rectification.planned rectification.approved \
        rectification.completed evaluation.proposed evaluation.assigned \
        evaluation.reported)"
    t_like "audit chain verifies" "$(region_ctl audit verify || true)" "audit verify: ok*"
    ;;
calendar)
    TODAY=2026-08-31
    start_small
    load_institutions
    accepted K-4 4 "$U1" 110108
    accepted K-2 2 "$U2" 110108 1 "secret-k2"
    wait_ev K-4 proposed
    ev assign K-4 >/dev/null || t_die "K-4 not assigned"
    t_has "level 4 on 2026-08-31: due 6 months on, clamped to February's end" \
        "$(report alpha K-4 2026-08-31 93 0 0)" "next due 2027-02-28"
    region_unit_ctl secret-k2 evaluation choose K-2 beta >/dev/null
    t_has "level 2: 24 months" "$(report beta K-2 2026-08-31 81 0 3)" \
        "next due 2028-08-31"
    out=$(ev due --before 2027-03-01)
    t_has "the due list" "$out" "due: K-4 level=4 state=evaluated next_due=2027-02-28 days_left=181"
    t_hasnt "K-2 is not due by then" "$out" "K-2"
    t_has "nothing is due within the warning days" "$(ev due)" "due: 0 listed"
    # The office's date moves on: 2027-02-01 is within 30 days of the due
    # date, so the watch opens the next round.
    stop_evaluation
    TODAY=2027-02-01 start_evaluation
    wait_ev K-4 proposed
    st=$(ev status K-4)
    t_expect "round 2" "$(echo "$st" | field round)" 2
    t_expect "calendar: due" "$(echo "$st" | field calendar)" due
    t_has "the due list shows it" "$(ev due)" "due: K-4 level=4 state=proposed next_due=2027-02-28 days_left=27 calendar=due"
    stop_evaluation
    TODAY=2027-03-01 start_evaluation
    overdue() { ev status K-4 | grep -q "^calendar: overdue"; }
    t_eventually "the day after, overdue" 15 overdue
    t_has "overdue by one day" "$(ev due)" "next_due=2027-02-28 days_left=-1 calendar=overdue"
    ev assign K-4 >/dev/null || t_die "K-4 round 2 not assigned"
    t_has "the re-evaluation resets the cadence" \
        "$(report beta K-4 2027-03-01 90 0 0)" "next due 2027-09-01"
    t_expect "and the calendar" "$(ev status K-4 | field calendar)" ""
    echo "--- inspections"
    out=$(region_ctl inspection plan 2027)
    t_has "the level-4 system is required in 2027" "$out" \
        "inspection 2027: K-4 level=4 required=yes last=never"
    t_hasnt "the level-2 one is no important system" "$out" "K-2"
    t_refused "a level-2 system is not inspected" "important systems" \
        region_ctl inspection record K-2 2027-03-01 passed
    t_has "an inspection recorded" \
        "$(region_ctl inspection record K-4 2027-03-01 passed "现场检查通过")" \
        "inspection of 2027-03-01 recorded"
    t_has "done for 2027" "$(region_ctl inspection plan 2027)" \
        "inspection 2027: important=1 done=1 planned=0"
    t_has "in 2028 it may come again, not required" \
        "$(region_ctl inspection plan 2028)" "planned=1 required=0"
    drain || t_fail "outboxes did not drain"
    t_expect "K-4's trail" "$(actions K-4)" "$(sorted evaluation.proposed \
        evaluation.assigned evaluation.reported evaluation.due \
        evaluation.proposed evaluation.overdue evaluation.assigned \
        evaluation.reported inspection.recorded)"
    t_like "audit chain verifies" "$(region_ctl audit verify || true)" "audit verify: ok*"
    ;;
esac

t_true "no sanitizer report" mlps_sanitizer_clean
t_done
ok=1
