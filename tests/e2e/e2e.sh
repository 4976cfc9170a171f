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
# Each scenario its own ports (BASE+1 .. BASE+302), apart from the ranges
# the other tests pick from and below the kernel's ephemeral range.
case "$SCENARIO" in
clean_a) BASE=30500 ;; missing_b) BASE=30810 ;; misgraded_c) BASE=31120 ;;
insist) BASE=31430 ;; no_quorum) BASE=31740 ;; duplicate) BASE=32050 ;;
*) BASE=32360 ;;
esac
TODAY=2026-11-20 # a Friday; deadlines counted on the 2026 calendar
MLPS_POLL=0.1    # every wait polls at 0.1 s
# shellcheck source=../../deploy/lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
T_NAME="e2e $SCENARIO"
t_workdir "e2e-$SCENARIO"

status() { region_ctl status "$1" | region_field "$2"; }
wait_state() { # ID STATE
    region_wait_state 30 "$1" "$2" || t_die "$1 did not reach state $2"
}
wait_panel() { # ID STATE
    region_wait_panel 30 "$1" "$2" || t_die "panel: $1 did not reach $2"
}
submit() {
    local out
    out=$(region_ctl submit "$1") || t_die "submit $1 refused: $out"
    echo "$out" | region_field tracking_id
}
audit_count() { region_ctl audit events "$1" | grep -c . || true; }
audit_at_least() { [ "$(audit_count "$1")" -ge "$2" ]; } # ID N
# The chain's head is under a signature: verify's anchored_seq is its last.
audit_anchored() {
    local out records
    out=$(region_ctl audit verify) || return 1
    records=$(echo "$out" | sed -n 's/.* records=\([0-9]*\) .*/\1/p')
    echo "$out" | grep -q "anchored_seq=$records key="
}
# The audit chain must verify and hold exactly N events for the case, with
# these actions.
audit_is() { # ID N ACTION...
    local id=$1 n=$2 actions want out
    shift 2
    region_drain 60 || t_die "outboxes did not drain"
    mlps_wait 10 audit_at_least "$id" "$n" || true
    sleep 0.3 # anything extra would arrive now
    t_expect "audit events for $id" "$(audit_count "$id")" "$n"
    # Events of different services reach audit in no defined order: compare
    # the sets (with repeats), not the sequences.
    actions=$(region_ctl audit events "$id" | grep -o 'action=[^ ]*' |
        sed 's/action=//; s/"//g' | sort | tr '\n' ' ' | sed 's/ $//')
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//')
    t_expect "audit actions for $id" "$actions" "$want"
    t_like "audit chain verifies" "$(region_ctl audit verify || true)" \
        "audit verify: ok*"
    # The audit service signs the chain's head (audit.checkpoint-ms): once
    # it has, the whole chain is under a signature that verifies.
    mlps_wait 10 audit_anchored || true
    t_true "the chain's head is signed" audit_anchored
    out=$(region_ctl audit verify || true)
    echo "   $out"
}

trap 'region_stop; [ "${ok:-0}" = 1 ] && rm -rf "$W"' EXIT
trap 'exit 143' TERM INT
EXPERTS=$ROOT/tests/e2e/experts.json
[ "$SCENARIO" = no_quorum ] && EXPERTS=$ROOT/tests/e2e/experts-two.json
region_start || t_die "the region did not start"

case "$SCENARIO" in
clean_a)
    id=$(submit "$EX/filing-level2.json")
    wait_state "$id" accepted
    t_expect outcome "$(status "$id" outcome)" A
    t_expect level "$(status "$id" level)" 2
    t_expect deadline "$(status "$id" deadline | cut -c1-10)" "2026-12-04"
    t_has "letter A gives the decision" "$(region_ctl letter "$id")" "予以备案"
    audit_is "$id" 2 filing.received case.decided
    ;;
missing_b)
    id=$(submit "$EX/filing-level3-missing.json")
    wait_state "$id" incomplete
    t_expect outcome "$(status "$id" outcome)" B
    t_expect missing "$(region_ctl status "$id" | sed -n 's/^missing: //p' |
        tr '\n' ' ' | sed 's/ $//')" "topology product_list"
    t_has "letter B lists topology" "$(region_ctl letter "$id")" "系统拓扑结构"
    region_ctl supplement "$id" "$EX/supplement-level3.json" >/dev/null ||
        t_die "supplement refused"
    wait_state "$id" accepted
    t_expect outcome "$(status "$id" outcome)" A
    t_expect level "$(status "$id" level)" 3
    # the same supplement again changes nothing
    t_has "a repeated supplement is recognised" \
        "$(region_ctl supplement "$id" "$EX/supplement-level3.json")" \
        "nothing changed"
    audit_is "$id" 4 filing.received case.decided materials.supplemented \
        case.decided
    ;;
misgraded_c)
    id=$(submit "$EX/filing-misgraded.json")
    wait_state "$id" panel
    t_expect outcome "$(status "$id" outcome)" C
    t_has "letter C gives the finding" "$(region_ctl letter "$id")" "定级明显不准确"
    wait_panel "$id" scheduled
    mapfile -t seated < <(region_ctl panel show "$id" | sed -n 's/^expert: //p')
    t_expect "experts seated" "${#seated[@]}" 3
    [ "${#seated[@]}" = 3 ] || t_die "cannot go on without three seated experts"
    # experts with a conflict never sit (employer / declared)
    t_hasnt "conflicted expert 201 not seated" " ${seated[*]} " " 201 "
    t_hasnt "conflicted expert 202 not seated" " ${seated[*]} " " 202 "
    # The panel's API knows each caller by its CURVE key: an expert not
    # seated neither sees the case nor gives an opinion on it...
    t_refused "an expert not seated gives no opinion" not_found \
        region_expert_ctl 201 panel opinion "$id" 201 confirm "not mine"
    t_refused "an expert not seated does not see the case" not_found \
        region_expert_ctl 201 panel show "$id"
    # ... one expert's key cannot give another's opinion, nor the office's
    # key anyone's; a seated expert sees the case.
    t_refused "expert ${seated[1]} cannot give ${seated[0]}'s opinion" forbidden \
        region_expert_ctl "${seated[1]}" panel opinion "$id" "${seated[0]}" \
        adjust 3 "x"
    t_refused "the office's key cannot give an expert's opinion" forbidden \
        region_ctl panel opinion "$id" "${seated[0]}" adjust 3 "x"
    t_true "a seated expert sees the case" grep -q "^state: scheduled" \
        <<<"$(region_expert_ctl "${seated[2]}" panel show "$id")"
    region_expert_ctl "${seated[0]}" panel opinion "$id" "${seated[0]}" adjust 3 \
        "社会秩序严重损害" >/dev/null || t_die "expert ${seated[0]}'s opinion refused"
    if region_expert_ctl "${seated[0]}" panel opinion "$id" "${seated[0]}" \
        adjust 3 "again" >/dev/null 2>&1; then
        t_fail "an expert gave two opinions"
    else
        t_pass "an expert cannot give two opinions"
    fi
    region_expert_ctl "${seated[1]}" panel opinion "$id" "" adjust 3 "应为第三级" \
        >/dev/null || t_die "an expert's key alone could not name the expert"
    t_expect "opinions recorded" "$(mlps_sql "SELECT count(*) FROM panel.opinions
        WHERE tracking_id = '$id'")" 2
    wait_panel "$id" decided
    wait_state "$id" accepted
    t_expect outcome "$(status "$id" outcome)" A
    t_expect level "$(status "$id" level)" 3
    t_expect proposed_level "$(status "$id" proposed_level)" 2
    t_has "letter A gives the panel's decision" "$(region_ctl letter "$id")" "专家组"
    audit_is "$id" 7 filing.received case.decided panel.scheduled \
        panel.opinion panel.opinion panel.decided case.decided
    ;;
insist)
    id=$(submit "$EX/filing-insist.json")
    wait_state "$id" panel
    wait_panel "$id" scheduled
    region_ctl insist "$id" "我单位坚持原定级并承担相应责任" >/dev/null ||
        t_die "insist refused"
    wait_state "$id" accepted
    t_expect level "$(status "$id" level)" 2
    t_true "liability notice recorded" grep -q "^liability_notice: 我单位坚持" \
        <<<"$(region_ctl status "$id")"
    t_has "letter gives the liability notice" "$(region_ctl letter "$id")" \
        "定级责任告知"
    wait_panel "$id" withdrawn
    audit_is "$id" 6 filing.received case.decided panel.scheduled \
        unit.insisted case.decided panel.withdrawn
    ;;
no_quorum)
    id=$(submit "$EX/filing-misgraded.json")
    wait_state "$id" escalated
    t_true "review says why: no quorum" grep -q "^panel: .*no quorum" \
        <<<"$(region_ctl status "$id")"
    t_true "the panel escalated" grep -q "^state: escalated" \
        <<<"$(region_ctl panel show "$id")"
    deadline=$(status "$id" deadline | cut -c1-10)
    t_true "an escalated case has a running clock (deadline $deadline)" \
        [ -n "$deadline" ]
    # Later: the office has not acted. Two working days before the deadline
    # the watch warns; after it, the watch records the breach.
    restart_review() { # DATE
        local pid
        pid=$(cat "$W/review.pid")
        kill -TERM "$pid"
        mlps_wait 30 mlps_exited "$pid" || t_die "review did not stop"
        TODAY=$1
        # shellcheck disable=SC2046 # region_review_curve prints options
        region_start_one review "$BIN/services/review/mlps-review" \
            --listen="tcp://127.0.0.1:$P_REVIEW_IN" --api="$MLPS_REVIEW" \
            --peers="panel=tcp://127.0.0.1:$P_PANEL_IN;audit=tcp://127.0.0.1:$P_AUDIT_IN" \
            --review.calendar="$ROOT/common/domain/calendar/cn-2026.txt" \
            --review.watch-ms=200 $(region_review_curve)
    }
    warned() { region_ctl audit events "$id" 2>/dev/null | grep -q "action=deadline.warning"; }
    breached() { [ "$(status "$id" breached 2>/dev/null || true)" = yes ]; }
    restart_review 2026-12-02 # Dec 3 and 4 are left
    mlps_wait 10 warned || true
    t_has "warned two working days ahead" \
        "$(region_ctl audit events "$id" | grep "action=deadline.warning" || true)" \
        "2 working day(s) left, due 2026-12-04"
    t_expect breached "$(status "$id" breached)" no
    restart_review 2026-12-31
    mlps_wait 10 breached || true
    t_expect breached "$(status "$id" breached)" yes
    audit_is "$id" 6 filing.received case.decided panel.escalated \
        case.escalated deadline.warning deadline.breached
    ;;
duplicate)
    id=$(submit "$EX/filing-level2.json")
    wait_state "$id" accepted
    out=$(region_ctl submit "$EX/filing-level2.json") || t_die "the resend was refused"
    t_expect "tracking id of the resend" "$(echo "$out" | region_field tracking_id)" "$id"
    t_expect duplicate "$(echo "$out" | region_field duplicate)" yes
    t_expect "filings stored" "$(mlps_sql 'SELECT count(*) FROM intake.filings')" 1
    audit_is "$id" 2 filing.received case.decided
    ;;
invalid)
    rc=0
    out=$(region_ctl submit "$EX/filing-invalid.json" 2>&1) || rc=$?
    echo "$out"
    t_expect "exit code" "$rc" 1
    t_true "credit code named" grep -q "^error: unit.credit_code: " <<<"$out"
    t_true "final level named" grep -q "^error: grading.final_level: " <<<"$out"
    # well-formed JSON, wrong fields: the intake service names each
    rc=0
    out=$(region_ctl submit "$EX/filing-invalid-fields.json" 2>&1) || rc=$?
    echo "$out"
    t_expect "exit code" "$rc" 1
    for f in unit.credit_code unit.region_code 'unit.contacts\[0\].phone' \
        system.go_live_date grading.final_level grading.graded_on \
        'materials\[2\].kind' 'materials\[3\].sha256'; do
        t_true "intake names $f" grep -q "^error: $f: " <<<"$out"
    done
    t_expect "filings stored" "$(mlps_sql 'SELECT count(*) FROM intake.filings')" 0
    t_expect "messages sent" "$(mlps_sql 'SELECT count(*) FROM intake.outbox')" 0
    t_like "audit verifies" "$(region_ctl audit verify || true)" "audit verify: ok*"
    ;;
*)
    t_die "unknown scenario"
    ;;
esac
# Stopped cleanly, and (in a sanitizer build) without a report.
region_stop
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
ok=1
