#!/usr/bin/env bash
# e2e.sh BUILD SCENARIO - the filing review end to end, through the real
# services (intake, review, panel, audit) on a private PostgreSQL, driven by
# mlpsctl as a unit and the experts would. Each scenario asserts the case's
# final state, and that afterwards the audit chain verifies and holds
# exactly one event per state change of the case.
#
# Scenarios: clean_a, missing_b, misgraded_c, insist, no_quorum,
# duplicate, invalid (review.auto=all: the workflow), and queue (people
# decide), proof (units prove themselves; jurisdiction), forged (every
# socket CURVE, every forged message refused).
set -euo pipefail
BIN=$(cd "$1" && pwd)
SCENARIO=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EX=$ROOT/deploy/examples
# Each scenario its own ports (BASE+1 .. BASE+49), apart from the ranges
# the other tests pick from and below the kernel's ephemeral range.
SCENARIOS=(clean_a missing_b misgraded_c insist no_quorum duplicate invalid
    queue proof forged)
BASE=
for i in "${!SCENARIOS[@]}"; do
    [ "${SCENARIOS[$i]}" = "$SCENARIO" ] && BASE=$((30500 + 50 * i))
done
[ -n "$BASE" ] || { echo "e2e: unknown scenario $SCENARIO" >&2; exit 2; }
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
# The filing's events; the evaluation and certificate services' on the
# same case (after A) are tests/evaluation's and tests/cert's to count.
filing_events() {
    region_ctl audit events "$1" | grep -v -e ' service=evaluation ' -e ' service=cert ' || true
}
audit_count() { filing_events "$1" | grep -c . || true; }
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
    actions=$(filing_events "$id" | grep -o 'action=[^ ]*' |
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
# One office takes the examples' filings itself: the city's regions are
# its own, and one district (110109) has staff who must see none of them.
HIERARCHY=$ROOT/tests/e2e/hierarchy.json
[ "$SCENARIO" = no_quorum ] && EXPERTS=$ROOT/tests/e2e/experts-two.json
# The workflow's scenarios let review decide (review.auto=all); queue and
# proof have people decide, as the office does.
case "$SCENARIO" in queue | proof) AUTO=${AUTO:-none} ;; esac
REVIEW_OPTS="--review.auto=${AUTO:-all} ${REVIEW_OPTS:-}"
# A district's reviewer, and a unit its district registered a key for.
REGION_IDENTS="staff:zhou staff 110109 reviewer
staff:qian staff 110100
unit:11110108000027385A unit 110108
unit:11110101000008547A unit 110101"
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
        # shellcheck disable=SC2046 # region_curve prints options
        region_start_one review "$BIN/services/review/mlps-review" \
            --listen="tcp://127.0.0.1:$P_REVIEW_IN" --api="$MLPS_REVIEW" \
            --peers="panel=tcp://127.0.0.1:$P_PANEL_IN;intake=tcp://127.0.0.1:$P_INTAKE_IN;audit=tcp://127.0.0.1:$P_AUDIT_IN" \
            --review.calendar="$ROOT/common/domain/calendar/cn-2026.txt" \
            --review.watch-ms=200 --review.auto=all $(region_curve review)
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
queue)
    # Review recommends; the case waits for a person. The queue shows it
    # with its deadline and the working days left.
    id=$(submit "$EX/filing-level3-missing.json")
    wait_state "$id" pending
    t_expect "recommendation" "$(status "$id" recommendation)" B
    q=$(region_ctl review queue)
    echo "$q"
    t_has "the queue lists the case" "$q" "queue: $id state=pending recommend=B level=3 due=2026-12-04 days_left=10 region=110102 missing=topology,product_list"
    t_has "the queue counts it" "$q" "queue: 1 shown of 1 waiting"
    # Only a reviewer decides; departing from the recommendation needs a
    # reason; B names what is missing.
    t_refused "a member of staff who is no reviewer" "forbidden" \
        region_as staff:qian review decide "$id" B
    t_refused "A without a reason, departing from B" "error: reason: " \
        region_ctl review decide "$id" A
    t_refused "an unknown material" 'error: missing: "fax"' \
        region_ctl review decide "$id" B --missing=fax
    t_refused "a decision on no case" "not_found" \
        region_ctl review decide NOPE-1 A
    region_ctl review decide "$id" B --missing=topology >/dev/null ||
        t_die "the reviewer could not decide B"
    wait_state "$id" incomplete
    t_expect "missing as decided" \
        "$(region_ctl status "$id" | sed -n 's/^missing: //p' | tr '\n' ' ')" \
        "topology "
    t_expect "decided_by" "$(status "$id" decided_by)" staff:li
    t_has "the letter names who decided" "$(region_ctl letter "$id")" \
        "经办：staff:li"
    t_refused "a second decision" "conflict" \
        region_ctl review decide "$id" A --reason=again
    t_has "the queue is empty" "$(region_ctl review queue)" \
        "queue: 0 shown of 0 waiting"
    # A clean level 2 under review.auto=none waits too, and a departing A
    # with a reason is taken and written in the letter.
    id2=$(submit "$EX/filing-misgraded.json")
    wait_state "$id2" pending
    t_expect "recommendation C" "$(status "$id2" recommendation)" C
    region_ctl review decide "$id2" A --reason="the unit's grading stands" \
        >/dev/null || t_die "a reasoned A was refused"
    wait_state "$id2" accepted
    t_has "the letter carries the reason" "$(region_ctl letter "$id2")" \
        "审核意见：the unit's grading stands"
    audit_is "$id" 3 filing.received case.queued case.decided
    ;;
proof)
    # A unit files through the web gateway and gets its proof once.
    out=$(region_as web submit "$EX/filing-level2.json") || t_die "submit: $out"
    id=$(echo "$out" | region_field tracking_id)
    secret=$(echo "$out" | region_field unit_secret)
    t_true "a proof of 128 bits was given" grep -qE '^[0-9a-f]{32}$' <<<"$secret"
    t_expect "only its hash is stored" "$(mlps_sql "SELECT unit_secret_sha256 = encode(sha256('$secret'), 'hex') FROM intake.filings WHERE tracking_id = '$id'")" t
    t_hasnt "the proof is in no log" "$(cat "$W"/*.log)" "$secret"
    out=$(region_as web submit "$EX/filing-level2.json")
    t_expect "a resend gets no proof" "$(echo "$out" | region_field unit_secret)" ""
    wait_state "$id" pending
    for cmd in "status $id" "letter $id"; do
        # shellcheck disable=SC2086 # cmd is two words
        t_refused "$cmd without the proof" "not_found" region_unit_ctl "" $cmd
        # shellcheck disable=SC2086
        t_refused "$cmd with a wrong proof" "not_found" \
            region_unit_ctl "${secret%?}x" $cmd
    done
    t_refused "a case that does not exist reads the same" "not_found" \
        region_unit_ctl "" status "110100-20261120-99999"
    t_expect "with its proof the unit sees its case" \
        "$(region_unit_ctl "$secret" status "$id" | region_field state)" pending
    t_expect "its registered key is proof too" \
        "$(region_as unit:11110108000027385A status "$id" | region_field state)" pending
    t_refused "another unit's key is not" "not_found" \
        region_as unit:11110101000008547A status "$id"
    t_refused "a district's staff see only their district" "not_found" \
        region_as staff:zhou status "$id"
    t_refused "a district's staff do not decide another's case" "not_found" \
        region_as staff:zhou review decide "$id" A
    t_has "nor see it queued" "$(region_as staff:zhou review queue)" \
        "queue: 0 shown of 0 waiting"
    t_refused "a unit's key files only its own systems" "unit.credit_code" \
        region_as unit:11110101000008547A submit "$EX/filing-level3.json"
    # Supplement and insist need the proof too.
    region_ctl review decide "$id" C --reason="to the panel" >/dev/null ||
        t_die "could not send the case to the panel"
    wait_state "$id" panel
    t_refused "insist without the proof" "not_found" \
        region_unit_ctl "" insist "$id" "我单位坚持原定级"
    wrong_proof() {
        MLPS_UNIT_SECRET=0000 region_as unit:11110101000008547A insist "$id" x
    }
    t_refused "a wrong proof through another unit's key" "not_found" \
        wrong_proof
    region_unit_ctl "$secret" insist "$id" "我单位坚持原定级并承担相应责任" \
        >/dev/null || t_die "insist with the proof was refused"
    wait_state "$id" pending
    t_expect "recommended: A with the liability notice" \
        "$(status "$id" recommendation)" A
    audit_actor=$(region_ctl audit events "$id" | grep "action=unit.insisted")
    t_has "the audit names the unit and the gateway" "$audit_actor" \
        'actor="11110108000027385A via web"'
    ;;
forged)
    id=$(submit "$EX/filing-level2.json")
    wait_state "$id" accepted
    mis=$(submit "$EX/filing-misgraded.json")
    wait_state "$mis" panel
    secret=$(mlps_sql "SELECT 'x'") # not the case's: the forger has none
    table=$(region_trust_table "$id" "$mis" "$secret")
    echo "$table"
    # intake, review, panel, audit, evaluation and cert: an API and an inbox each
    t_expect "every socket is CURVE" "$(grep -c 'trust: socket=.* CURVE' <<<"$table")" 12
    t_expect "nothing forged is accepted" "$(grep -c 'ACCEPTED' <<<"$table" || true)" 0
    t_expect "every forged message is refused" \
        "$(grep -c 'trust: forged=.* -> refused' <<<"$table")" 10
    # ... and changed nothing: the case is where it was, the chain verifies
    # and holds no forged event.
    t_expect "the withdrawn-by-forgery case is still at the panel" \
        "$(region_panel_state "$mis")" scheduled
    t_expect "no forged event in the chain" \
        "$(mlps_sql "SELECT count(*) FROM audit.chain WHERE actor = 'system' AND service = 'review' AND case_id = '$id' AND outcome = 'A' AND at < '2000-01-01'")" 0
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
