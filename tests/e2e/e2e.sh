#!/usr/bin/env bash
# e2e.sh BUILD SCENARIO - the filing review end to end, through the real
# services (intake, review, panel, audit) on a private PostgreSQL, driven by
# mlpsctl as a unit and the experts would. Each scenario asserts the case's
# final state, and that afterwards the audit chain verifies and holds
# exactly one event per state change of the case.
#
# Scenarios: clean_a, missing_b, misgraded_c, insist, no_quorum,
# duplicate, invalid.
set -euo pipefail
BIN=$(cd "$1" && pwd)
SCENARIO=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EX=$ROOT/deploy/examples
W=$BIN/tmp/e2e-$SCENARIO-$$
# Each scenario its own ports (BASE+1 .. BASE+302), apart from the ranges
# the other tests pick from and below the kernel's ephemeral range.
case "$SCENARIO" in
clean_a) BASE=30500 ;; missing_b) BASE=30810 ;; misgraded_c) BASE=31120 ;;
insist) BASE=31430 ;; no_quorum) BASE=31740 ;; duplicate) BASE=32050 ;;
*) BASE=32360 ;;
esac
TODAY=2026-11-20 # a Friday; deadlines counted on the 2026 calendar
. "$ROOT/deploy/lib/region.sh"

ctl() { "$BIN/services/mlpsctl/mlpsctl" "$@"; }
field() { sed -n "s/^$1: //p" | head -1; }
fail() {
    echo "FAIL [$SCENARIO]: $*" >&2
    for s in intake review panel audit; do
        echo "--- $s.log (last lines)" >&2
        tail -15 "$W/$s.log" >&2 || true
    done
    exit 1
}
check() { # DESC EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        echo "ok: $1 = $3"
    else
        fail "$1: expected '$2', got '$3'"
    fi
}
status() { ctl status "$1" | field "$2"; }
wait_state() { # ID STATE
    local s=""
    for _ in $(seq 1 200); do
        s=$(ctl status "$1" 2>/dev/null | field state || true)
        [ "$s" = "$2" ] && return 0
        sleep 0.1
    done
    fail "$1 did not reach state $2 (it is '${s:-unknown}')"
}
wait_panel() { # ID STATE
    local s=""
    for _ in $(seq 1 200); do
        s=$(ctl panel show "$1" 2>/dev/null | field state || true)
        [ "$s" = "$2" ] && return 0
        sleep 0.1
    done
    fail "panel: $1 did not reach $2 (it is '${s:-unknown}')"
}
submit() {
    local out
    out=$(ctl submit "$1") || fail "submit $1 refused: $out"
    echo "$out" | field tracking_id
}
# The audit chain must verify and hold exactly N events for the case, with
# these actions.
audit_is() { # ID N ACTION...
    local id=$1 n=$2 got actions
    shift 2
    region_drain 60 || fail "outboxes did not drain"
    for _ in $(seq 1 100); do
        got=$(ctl audit events "$id" | grep -c . || true)
        [ "$got" -ge "$n" ] && break
        sleep 0.1
    done
    sleep 0.3 # anything extra would arrive now
    got=$(ctl audit events "$id" | grep -c . || true)
    check "audit events for $id" "$n" "$got"
    # Events of different services reach audit in no defined order: compare
    # the sets (with repeats), not the sequences.
    actions=$(ctl audit events "$id" | grep -o 'action=[^ ]*' |
        sed 's/action=//; s/"//g' | sort | tr '\n' ' ' | sed 's/ $//')
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//')
    check "audit actions for $id" "$want" "$actions"
    ctl audit verify | grep -q '^audit verify: ok' ||
        fail "audit chain does not verify: $(ctl audit verify || true)"
    # The audit service signs the chain's head (audit.checkpoint-ms): once
    # it has, the whole chain is under a signature that verifies.
    local records
    for _ in $(seq 1 100); do
        out=$(ctl audit verify)
        records=$(echo "$out" | sed -n 's/.* records=\([0-9]*\) .*/\1/p')
        echo "$out" | grep -q "anchored_seq=$records " && break
        sleep 0.1
    done
    echo "$out" | grep -q "anchored_seq=$records key=" ||
        fail "the chain's head was not signed: $out"
    echo "ok: $out"
}

trap 'region_stop; [ "${ok:-0}" = 1 ] && rm -rf "$W"' EXIT
trap 'exit 143' TERM INT
EXPERTS=$ROOT/tests/e2e/experts.json
[ "$SCENARIO" = no_quorum ] && EXPERTS=$ROOT/tests/e2e/experts-two.json
region_start

case "$SCENARIO" in
clean_a)
    id=$(submit "$EX/filing-level2.json")
    wait_state "$id" accepted
    check outcome A "$(status "$id" outcome)"
    check level 2 "$(status "$id" level)"
    check deadline "2026-12-04" "$(status "$id" deadline | cut -c1-10)"
    ctl letter "$id" | grep -q "予以备案" || fail "letter A lacks the decision"
    audit_is "$id" 2 filing.received case.decided
    ;;
missing_b)
    id=$(submit "$EX/filing-level3-missing.json")
    wait_state "$id" incomplete
    check outcome B "$(status "$id" outcome)"
    check missing "topology product_list" \
        "$(ctl status "$id" | sed -n 's/^missing: //p' | tr '\n' ' ' | sed 's/ $//')"
    ctl letter "$id" | grep -q "系统拓扑结构" || fail "letter B does not list topology"
    ctl supplement "$id" "$EX/supplement-level3.json" >/dev/null ||
        fail "supplement refused"
    wait_state "$id" accepted
    check outcome A "$(status "$id" outcome)"
    check level 3 "$(status "$id" level)"
    # the same supplement again changes nothing
    ctl supplement "$id" "$EX/supplement-level3.json" | grep -q "nothing changed" ||
        fail "a repeated supplement was not recognised"
    audit_is "$id" 4 filing.received case.decided materials.supplemented \
        case.decided
    ;;
misgraded_c)
    id=$(submit "$EX/filing-misgraded.json")
    wait_state "$id" panel
    check outcome C "$(status "$id" outcome)"
    ctl letter "$id" | grep -q "定级明显不准确" || fail "letter C lacks the finding"
    wait_panel "$id" scheduled
    mapfile -t seated < <(ctl panel show "$id" | sed -n 's/^expert: //p')
    check "experts seated" 3 "${#seated[@]}"
    # experts with a conflict never sit (employer / declared)
    for e in "${seated[@]}"; do
        case "$e" in 201 | 202) fail "conflicted expert $e was seated" ;; esac
    done
    # The panel's API knows each caller by its CURVE key: an expert not
    # seated neither sees the case nor gives an opinion on it...
    out=$(region_expert_ctl 201 panel opinion "$id" 201 confirm "not mine" 2>&1) &&
        fail "an expert not seated could give an opinion"
    echo "$out" | grep -q "not_found" || fail "not seated: not not_found: $out"
    out=$(region_expert_ctl 201 panel show "$id" 2>&1) &&
        fail "an expert not seated could see the case: $out"
    echo "$out" | grep -q "not_found" || fail "not seated, show: not not_found: $out"
    # ... one expert's key cannot give another's opinion, nor the office's
    # key anyone's; a seated expert sees the case.
    out=$(region_expert_ctl "${seated[1]}" panel opinion "$id" "${seated[0]}" \
        adjust 3 "x" 2>&1) && fail "expert ${seated[1]} gave ${seated[0]}'s opinion"
    echo "$out" | grep -q "forbidden" || fail "another's opinion: not forbidden: $out"
    out=$(ctl panel opinion "$id" "${seated[0]}" adjust 3 "x" 2>&1) &&
        fail "the office's key gave an expert's opinion"
    echo "$out" | grep -q "forbidden" || fail "office key: not forbidden: $out"
    region_expert_ctl "${seated[2]}" panel show "$id" | grep -q "^state: scheduled" ||
        fail "a seated expert could not see the case"
    region_expert_ctl "${seated[0]}" panel opinion "$id" "${seated[0]}" adjust 3 \
        "社会秩序严重损害" >/dev/null
    if region_expert_ctl "${seated[0]}" panel opinion "$id" "${seated[0]}" \
        adjust 3 "again" >/dev/null 2>&1; then
        fail "an expert gave two opinions"
    fi
    region_expert_ctl "${seated[1]}" panel opinion "$id" "" adjust 3 "应为第三级" \
        >/dev/null || fail "an expert's key alone could not name the expert"
    check "opinions recorded" 2 "$(mlps_sql "SELECT count(*) FROM panel.opinions
        WHERE tracking_id = '$id'")"
    wait_panel "$id" decided
    wait_state "$id" accepted
    check outcome A "$(status "$id" outcome)"
    check level 3 "$(status "$id" level)"
    check proposed_level 2 "$(status "$id" proposed_level)"
    ctl letter "$id" | grep -q "专家组" || fail "letter A lacks the panel's decision"
    audit_is "$id" 7 filing.received case.decided panel.scheduled \
        panel.opinion panel.opinion panel.decided case.decided
    ;;
insist)
    id=$(submit "$EX/filing-insist.json")
    wait_state "$id" panel
    wait_panel "$id" scheduled
    ctl insist "$id" "我单位坚持原定级并承担相应责任" >/dev/null ||
        fail "insist refused"
    wait_state "$id" accepted
    check level 2 "$(status "$id" level)"
    ctl status "$id" | grep -q "^liability_notice: 我单位坚持" ||
        fail "no liability notice recorded"
    ctl letter "$id" | grep -q "定级责任告知" || fail "letter lacks the liability notice"
    wait_panel "$id" withdrawn
    audit_is "$id" 6 filing.received case.decided panel.scheduled \
        unit.insisted case.decided panel.withdrawn
    ;;
no_quorum)
    id=$(submit "$EX/filing-misgraded.json")
    wait_state "$id" escalated
    ctl status "$id" | grep -q "^panel: .*no quorum" || fail "no escalation reason"
    ctl panel show "$id" | grep -q "^state: escalated" || fail "panel did not escalate"
    deadline=$(status "$id" deadline | cut -c1-10)
    [ -n "$deadline" ] || fail "an escalated case must have a running clock"
    echo "ok: escalated, review deadline $deadline"
    # Later: the office has not acted. Two working days before the deadline
    # the watch warns; after it, the watch records the breach.
    restart_review() { # DATE
        kill -TERM "$(cat "$W/review.pid")"
        while kill -0 "$(cat "$W/review.pid")" 2>/dev/null; do sleep 0.1; done
        TODAY=$1
        region_start_one review "$BIN/services/review/mlps-review" \
            --listen="tcp://127.0.0.1:$P_REVIEW_IN" --api="$MLPS_REVIEW" \
            --peers="panel=tcp://127.0.0.1:$P_PANEL_IN;audit=tcp://127.0.0.1:$P_AUDIT_IN" \
            --review.calendar="$ROOT/services/review/calendar/cn-2026.txt" \
            --review.watch-ms=200 $(region_review_curve)
    }
    restart_review 2026-12-02 # Dec 3 and 4 are left
    for _ in $(seq 1 100); do
        ctl audit events "$id" 2>/dev/null | grep -q "action=deadline.warning" && break
        sleep 0.1
    done
    ctl audit events "$id" | grep "action=deadline.warning" |
        grep -q "2 working day(s) left, due 2026-12-04" || fail "no deadline warning"
    check breached no "$(status "$id" breached)"
    echo "ok: warned two working days ahead"
    restart_review 2026-12-31
    for _ in $(seq 1 100); do
        [ "$(status "$id" breached 2>/dev/null || true)" = yes ] && break
        sleep 0.1
    done
    check breached yes "$(status "$id" breached)"
    audit_is "$id" 6 filing.received case.decided panel.escalated \
        case.escalated deadline.warning deadline.breached
    ;;
duplicate)
    id=$(submit "$EX/filing-level2.json")
    wait_state "$id" accepted
    out=$(ctl submit "$EX/filing-level2.json")
    check "tracking id of the resend" "$id" "$(echo "$out" | field tracking_id)"
    check duplicate yes "$(echo "$out" | field duplicate)"
    check "filings stored" 1 "$(mlps_sql 'SELECT count(*) FROM intake.filings')"
    audit_is "$id" 2 filing.received case.decided
    ;;
invalid)
    set +e
    out=$(ctl submit "$EX/filing-invalid.json" 2>&1)
    rc=$?
    set -e
    echo "$out"
    check "exit code" 1 "$rc"
    echo "$out" | grep -q "^error: unit.credit_code: " || fail "credit code not named"
    echo "$out" | grep -q "^error: grading.final_level: " || fail "final level not named"
    # well-formed JSON, wrong fields: the intake service names each
    set +e
    out=$(ctl submit "$EX/filing-invalid-fields.json" 2>&1)
    rc=$?
    set -e
    echo "$out"
    check "exit code" 1 "$rc"
    for f in unit.credit_code unit.region_code 'unit.contacts\[0\].phone' \
        system.go_live_date grading.final_level grading.graded_on \
        'materials\[2\].kind' 'materials\[3\].sha256'; do
        echo "$out" | grep -q "^error: $f: " || fail "intake did not name $f"
    done
    check "filings stored" 0 "$(mlps_sql 'SELECT count(*) FROM intake.filings')"
    check "messages sent" 0 "$(mlps_sql 'SELECT count(*) FROM intake.outbox')"
    ctl audit verify | grep -q '^audit verify: ok' || fail "audit does not verify"
    ;;
*)
    fail "unknown scenario"
    ;;
esac
# Stopped cleanly, and (in a sanitizer build) without a report.
region_stop
if grep -lE "Sanitizer|runtime error:" "$W"/*.log; then
    fail "a sanitizer reported a problem (logs above)"
fi
ok=1
echo "e2e $SCENARIO: passed"
