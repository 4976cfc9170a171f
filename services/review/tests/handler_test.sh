#!/usr/bin/env bash
# handler_test.sh BUILD - review's message handlers against a real
# PostgreSQL cluster, without the rest of the region: mlps-review runs
# alone (review.auto=all, so each first review is decided at once), and
# tst_probe stands in for intake and the panel, sending each message with
# that service's CURVE key to review's inbox and printing the Ack. Review's
# own peers (panel, audit, intake) are ports where nothing listens: what it
# sends stays in its outbox, where the checks read it. Each handler, its
# refusals and the transition table's (fsm.c) are checked by their effect
# on review's tables: a message applied twice changes nothing, an early
# case version is answered RETRY and kept for later, a sender the type's
# rule does not name changes nothing, bad input names its field.
BUILD=$(cd "$1" && pwd)
BIN=$BUILD
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../../../tests/support/lib.sh
. "$ROOT/tests/support/lib.sh"

T_NAME="review handler test"
t_workdir review-handlers
EX="$ROOT/deploy/examples"
# Ports 6000-6499: the review handler test's (tests/support/README.md).
t_alone 6000
K="$W/keys"
for s in review intake panel audit; do mlps_ident "$K" "$s@110100" service 110100; done
mlps_ident "$K" staff:li staff 110100 reviewer

"$BUILD/services/review/mlps-review" --db.url="$(mlps_url review_svc)" \
    --db.admin-url="$ADMIN" \
    --db.svc-password-file="$(mlps_pg_password review_svc)" \
    --office=110100 --curve.secret-key-file="$K/review@110100.key" \
    --curve.registry="$K/registry" \
    --office.hierarchy="$ROOT/deploy/region/hierarchy.json" \
    --review.calendar="$ROOT/common/domain/calendar/cn-2026.txt" \
    --review.auto=all --clock.today=2026-11-16 \
    --listen="$H:$P_IN" --api="$H:$P_API" \
    --peers="panel=$H:$P_NONE;audit=$H:$P_NONE;intake=$H:$P_NONE" \
    >>"$W/review.log" 2>&1 &
REVIEW_PID=$!
T_PIDS+=("$REVIEW_PID")
t_started review "$REVIEW_PID"

# send AS TYPE VERSION JSON [OPTION...]: one message to review's inbox with
# the key of AS@110100, claiming to be AS unless --source= says otherwise;
# prints the Ack line (t_inbox).
send() { t_inbox review@110100 "$H:$P_IN" "$1@110100" "${@:2}"; }
# received ID FILE [RECEIVED_ON]: a FilingReceived for the example FILE.
received() {
    jq -c --arg id "$1" --arg on "${3:-2026-11-16}" \
        '{tracking_id: $id, office: "110100", received_on: $on,
          unit_secret_sha256: ("ab" * 32), filing: .}' "$EX/$2"
}
q() { mlps_sql "$1"; }
state() { q "SELECT state || '/' || outcome || '/' || level FROM review.cases WHERE tracking_id = '$1'"; }
# out ID: what review has put in its outbox for the case, by destination
# and type, in order.
out() {
    q "SELECT coalesce(string_agg(dest || ':' || type, ',' ORDER BY id), '')
       FROM review.outbox WHERE correlation_id = '$1' AND dest <> 'audit'"
}
audits() { q "SELECT count(*) FROM review.outbox WHERE dest = 'audit' AND correlation_id = '$1'"; }
rows() { q "SELECT (SELECT count(*) FROM review.cases) || '/' || (SELECT count(*) FROM review.outbox)"; }

echo "--- FilingReceived: applied once, whatever comes again"
F1=$(received RVW-H1 filing-level2.json)
MID=$(cat /proc/sys/kernel/random/uuid)
t_has "a level-2 filing from intake is applied" \
    "$(send intake FilingReceived 1 "$F1" --message-id="$MID")" "ack: APPLIED"
t_expect "... accepted at once (A, level 2)" "$(state RVW-H1)" accepted/A/2
t_expect "... intake is told" "$(out RVW-H1)" intake:mlps.v1.CaseDecided
t_true "... and it is audited" [ "$(audits RVW-H1)" -ge 1 ]
before=$(rows)
a1=$(audits RVW-H1)
t_has "the same message again is a duplicate" \
    "$(send intake FilingReceived 1 "$F1" --message-id="$MID")" "ack: DUPLICATE"
t_has "the same case version in a new message: a duplicate" \
    "$(send intake FilingReceived 1 "$F1")" "ack: DUPLICATE"
t_has "the same filing, unversioned: applied (received before)" \
    "$(send intake FilingReceived 0 "$F1")" "ack: APPLIED"
t_expect "... and nothing changed: cases and outbox rows" "$(rows)" "$before"
t_expect "... nor the case" "$(state RVW-H1)" accepted/A/2
t_expect "... nor its audit events" "$(audits RVW-H1)" "$a1"

echo "--- versions in order: an early one waits"
F2=$(received RVW-H2 filing-level3-missing.json)
t_has "a level-3 filing missing two materials is applied" \
    "$(send intake FilingReceived 1 "$F2")" "ack: APPLIED"
t_expect "... incomplete (B)" "$(state RVW-H2)" incomplete/B/3
t_expect "... the B names what is missing" \
    "$(q "SELECT array_to_string(missing, ',') FROM review.cases WHERE tracking_id = 'RVW-H2'")" \
    "topology,product_list"
S2=$(jq -c '{tracking_id: "RVW-H2", received_on: "2026-11-18", actor: "unit",
    materials: .materials}' "$EX/supplement-level3.json")
r=$(send intake MaterialsSupplemented 3 "$S2")
t_has "version 3 before version 2: RETRY" "$r" "ack: RETRY"
t_has "... saying what it waits for" "$r" "case version 3 waits for 2"
t_expect "... and the case waits too" "$(state RVW-H2)" incomplete/B/3
t_expect "... nothing recorded for it" \
    "$(q "SELECT count(*) FROM review.inbox WHERE correlation_id = 'RVW-H2' AND case_version = 3")" 0
t_has "version 2: the materials are applied" \
    "$(send intake MaterialsSupplemented 2 "$S2")" "ack: APPLIED"
t_expect "... the case is accepted" "$(state RVW-H2)" accepted/A/3
t_has "version 3, resent, is applied after it" \
    "$(send intake MaterialsSupplemented 3 "$S2")" "ack: APPLIED"
t_expect "... and changes nothing (the case is accepted: ignored)" \
    "$(state RVW-H2)" accepted/A/3
t_expect "intake heard B, then A" "$(out RVW-H2)" \
    "intake:mlps.v1.CaseDecided,intake:mlps.v1.CaseDecided"

echo "--- senders: only the service the type's rule names"
F3=$(received RVW-H3 filing-level2.json)
before=$(rows)
r=$(send panel FilingReceived 1 "$F3")
t_has "a FilingReceived from the panel is rejected" "$r" "ack: REJECTED"
t_has "... naming the rule" "$r" "(only service:intake)"
r=$(send intake FilingReceived 1 "$F3" --source=panel)
t_has "intake's key claiming to be the panel is rejected" "$r" "ack: REJECTED"
r=$(send panel PanelDecision 1 '{"tracking_id": "RVW-H1", "verdict": "adjust",
    "level": 3, "reasons": "x", "session_date": "2026-11-19", "experts": 3,
    "majority": 2}' --source=intake)
t_has "the panel's key claiming to be intake is rejected" "$r" "ack: REJECTED"
r=$(t_inbox review@110100 "$H:$P_IN" staff:li FilingReceived 1 "$F3" \
    --source=intake --office=110100 --timeout-ms=1500)
t_has "a person's key is not let into the inbox at all" "$r" "ack: none"
t_expect "... none of them changed anything" "$(rows)" "$before"
t_expect "... no case RVW-H3" "$(q "SELECT count(*) FROM review.cases WHERE tracking_id = 'RVW-H3'")" 0

echo "--- bad input names its field; nothing is half-applied"
r=$(send intake FilingReceived 1 "$(received RVW-H4 filing-level2.json 2026-02-30)")
t_has "a received_on that is no date is rejected" "$r" "ack: REJECTED"
t_has "... naming the field" "$r" 'field "filing"'
r=$(send intake FilingReceived 1 "$(received RVW-H4 filing-level2.json)" --corr=RVW-OTHER)
t_has "a tracking id other than the envelope's is rejected" "$r" "ack: REJECTED"
t_has "... naming the field" "$r" 'field "tracking_id"'
r=$(send intake FilingReceived 1 '{"tracking_id": "RVW-H4X", "office": "110100",
    "received_on": "2026-11-16"}')
t_has "a FilingReceived with no filing is rejected" "$r" 'field "filing"'
t_expect "... none of them stored anything" "$(rows)" "$before"
# A refused version is the case's version all the same: the next one is
# not held back behind it for ever (it was answered RETRY, "waits for 1").
r=$(send intake MaterialsSupplemented 2 "$(jq -c '.tracking_id = "RVW-H4X"' <<<"$S2")")
t_has "version 2 after a refused version 1 is not held back" "$r" "ack: REJECTED"
t_has "... it is refused for what it says (no such case)" "$r" "RVW-H4X"
t_expect "... the case's version is 2" \
    "$(q "SELECT version FROM review.inbox_case WHERE correlation_id = 'RVW-H4X'")" 2

echo "--- the transition table's refusals"
r=$(send intake MaterialsSupplemented 1 \
    '{"tracking_id": "RVW-NONE", "received_on": "2026-11-18"}')
t_has "materials for no case are rejected" "$r" 'ack: REJECTED'
t_has "... saying so" "$r" 'no review case "RVW-NONE"'
r=$(send panel PanelDecision 1 '{"tracking_id": "RVW-H1", "verdict": "adjust",
    "level": 9, "reasons": "x"}')
t_has "an ADJUST to level 9 is rejected" "$r" 'field "level": must be 1 to 5'
n=$(q "SELECT count(*) FROM review.outbox")
# (Version 2: the refused version 1 is the case's version all the same.)
r=$(send panel PanelDecision 2 '{"tracking_id": "RVW-H1", "verdict": "adjust",
    "level": 3, "reasons": "x", "session_date": "2026-11-19", "experts": 3,
    "majority": 2}')
t_has "a panel decision on an accepted case is applied" "$r" "ack: APPLIED"
t_expect "... and ignored: the case keeps its level" "$(state RVW-H1)" accepted/A/2
t_expect "... only an audit event says so" \
    "$(q "SELECT count(*) FROM review.outbox WHERE id > 0")" "$((n + 1))"
t_expect "... nothing to intake" "$(out RVW-H1)" intake:mlps.v1.CaseDecided

echo "--- the panel's answer to a C"
F5=$(received RVW-H5 filing-misgraded.json)
t_has "a misgraded filing is applied" "$(send intake FilingReceived 1 "$F5")" "ack: APPLIED"
t_expect "... C: with the panel" "$(state RVW-H5)" panel/C/2
t_expect "... referred, and intake told" "$(out RVW-H5)" \
    "panel:mlps.v1.PanelReferral,intake:mlps.v1.CaseDecided"
PD='{"tracking_id": "RVW-H5", "verdict": "adjust", "level": 3,
    "reasons": "影响社会秩序", "session_date": "2026-11-19", "experts": 3,
    "majority": 2}'
t_has "the panel's decision (ADJUST to 3) is applied" \
    "$(send panel PanelDecision 1 "$PD")" "ack: APPLIED"
t_expect "... the case is accepted (A) at level 3" "$(state RVW-H5)" accepted/A/3
t_has "... the panel's note is kept" \
    "$(q "SELECT panel_note FROM review.cases WHERE tracking_id = 'RVW-H5'")" "影响社会秩序"
t_has "the same decision, unversioned: applied" \
    "$(send panel PanelDecision 0 "$PD")" "ack: APPLIED"
t_expect "... and ignored: intake heard C, then the decision, once" \
    "$(out RVW-H5)" \
    "panel:mlps.v1.PanelReferral,intake:mlps.v1.CaseDecided,intake:mlps.v1.CaseDecided"
r=$(send panel PanelEscalation 2 '{"tracking_id": "RVW-H5", "reason": "x"}')
t_has "an escalation after the decision is applied" "$r" "ack: APPLIED"
t_expect "... and ignored" "$(state RVW-H5)" accepted/A/3

echo "--- rejections are remembered"
t_expect "every rejected message is in the inbox with its reason" \
    "$(q "SELECT count(*) FILTER (WHERE reason <> '') = count(*) FROM review.inbox WHERE status = 'rejected'")" t
t_true "the service still runs" kill -0 "$REVIEW_PID"
kill -TERM "$REVIEW_PID"
rc=0
wait "$REVIEW_PID" || rc=$?
T_PIDS=()
t_expect "mlps-review stops cleanly on SIGTERM" "$rc" 0
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
rm -rf "$W"
