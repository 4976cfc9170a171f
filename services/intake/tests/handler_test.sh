#!/usr/bin/env bash
# handler_test.sh BUILD - the municipal intake's message handlers against a
# real PostgreSQL cluster, without the rest of the region: mlps-intake runs
# alone as office 110100 of deploy/region's hierarchy, and tst_probe stands
# in for the Haidian district's intake (intake@110108), the Chaoyang
# district's (intake@110105) and review, each with its own CURVE key. The
# intake's peers are ports where nothing listens: what it sends stays in
# its outbox, where the checks read it. Checked by their effect on the
# intake's tables: a batch or a decision applied twice changes nothing, an
# early case version is answered RETRY and kept for later, a sender the
# type's rule does not name (or a district speaking for another) changes
# nothing, bad input names its field.
BUILD=$(cd "$1" && pwd)
BIN=$BUILD
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../../../tests/support/lib.sh
. "$ROOT/tests/support/lib.sh"

T_NAME="intake handler test"
t_workdir intake-handlers
EX="$ROOT/deploy/examples"
# Ports 6500-6999: the intake handler test's (tests/support/README.md).
t_alone 6500
K="$W/keys"
for s in intake review panel audit; do mlps_ident "$K" "$s@110100" service 110100; done
mlps_ident "$K" intake@110108 service 110108
mlps_ident "$K" intake@110105 service 110105

"$BUILD/services/intake/mlps-intake" --db.url="$(mlps_url intake_svc)" \
    --db.admin-url="$ADMIN" \
    --db.svc-password-file="$(mlps_pg_password intake_svc)" \
    --office=110100 --curve.secret-key-file="$K/intake@110100.key" \
    --curve.registry="$K/registry" \
    --office.hierarchy="$ROOT/deploy/region/hierarchy.json" \
    --clock.today=2026-11-16 --listen="$H:$P_IN" --api="$H:$P_API" \
    --peers="review=$H:$P_NONE;audit=$H:$P_NONE;intake@110108=$H:$P_NONE;intake@110105=$H:$P_NONE" \
    >>"$W/intake.log" 2>&1 &
INTAKE_PID=$!
T_PIDS+=("$INTAKE_PID")
t_started intake "$INTAKE_PID"

# send AS TYPE VERSION JSON [OPTION...]: one message to the intake's inbox
# with AS's key (an identity: intake@110108, review@110100), claiming to be
# AS unless --source= or --office= say otherwise; prints the Ack line
# (t_inbox).
send() { t_inbox intake@110100 "$H:$P_IN" "$@"; }
# batch ID DISTRICT TRACKING FILE [REGION [SYSTEM]]: a FilingBatch of one
# record, the example FILE (its region code REGION, its system's name
# SYSTEM, when given).
batch() {
    jq -c --arg b "$1" --arg d "$2" --arg t "$3" --arg r "${5:-}" \
        --arg n "${6:-}" \
        '{batch_id: $b, district: $d, sent_on: "2026-11-16",
          filings: [{tracking_id: $t, received_on: "2026-11-13", revision: 1,
                     unit_secret_sha256: ("cd" * 32),
                     filing: (if $r == "" then . else .unit.region_code = $r end
                              | if $n == "" then . else .system.name = $n end)}]}' \
        "$EX/$4"
}
decided() { # ID STATE OUTCOME LEVEL
    printf '{"tracking_id": "%s", "state": "%s", "outcome": "%s", "level": %s, "on": "2026-11-17"}' \
        "$1" "$2" "$3" "$4"
}
q() { mlps_sql "$1"; }
filing() { q "SELECT state || '/' || outcome || '/' || level FROM intake.filings WHERE tracking_id = '$1'"; }
# out ID: what the intake has put in its outbox under that correlation id,
# by destination and type, in order (audit events apart).
out() {
    q "SELECT coalesce(string_agg(dest || ':' || type, ',' ORDER BY id), '')
       FROM intake.outbox WHERE correlation_id = '$1' AND dest <> 'audit'"
}
rows() {
    q "SELECT (SELECT count(*) FROM intake.filings) || '/' ||
        (SELECT count(*) FROM intake.batches) || '/' ||
        (SELECT count(*) FROM intake.outbox)"
}

echo "--- a district's batch: applied once"
B1=$(batch 110108-B1 110108 110108-F1 filing-level2.json)
MID=$(cat /proc/sys/kernel/random/uuid)
t_has "Haidian's batch is applied" \
    "$(send intake@110108 FilingBatch 0 "$B1" --message-id="$MID")" "ack: APPLIED"
t_expect "... its filing is taken in" "$(filing 110108-F1)" received//0
t_expect "... imported" \
    "$(q "SELECT status FROM intake.batch_records WHERE tracking_id = '110108-F1'")" imported
t_expect "... review gets it" "$(out 110108-F1)" review:mlps.v1.FilingReceived
t_expect "... the district its receipt" "$(out 110108-B1)" intake@110108:mlps.v1.BatchReceipt
before=$(rows)
t_has "the same message again is a duplicate" \
    "$(send intake@110108 FilingBatch 0 "$B1" --message-id="$MID")" "ack: DUPLICATE"
t_has "the same batch in a new message is applied" \
    "$(send intake@110108 FilingBatch 0 "$B1")" "ack: APPLIED"
t_expect "... and changes nothing" "$(rows)" "$before"
B2=$(batch 110108-B2 110108 110108-F1 filing-level2.json)
t_has "the same record in another batch is applied" \
    "$(send intake@110108 FilingBatch 0 "$B2")" "ack: APPLIED"
t_expect "... as ignored: received before" \
    "$(q "SELECT status || ': ' || reason FROM intake.batch_records WHERE batch_id = '110108-B2'")" \
    "ignored: revision 1 received before"
t_expect "... review is not told twice" "$(out 110108-F1)" review:mlps.v1.FilingReceived

echo "--- a record outside the district, a district speaking for another"
B3=$(batch 110108-B3 110108 110108-F3 filing-level2.json 110105)
t_has "a batch with a Chaoyang unit from Haidian is applied" \
    "$(send intake@110108 FilingBatch 0 "$B3")" "ack: APPLIED"
t_has "... its record rejected, naming the field" \
    "$(q "SELECT status || ': ' || reason FROM intake.batch_records WHERE batch_id = '110108-B3'")" \
    "rejected: filing.unit.region_code: 110105 is not in district 110108's jurisdiction"
t_expect "... no filing stored" "$(q "SELECT count(*) FROM intake.filings WHERE tracking_id = '110108-F3'")" 0
before=$(rows)
r=$(send intake@110108 FilingBatch 0 "$(batch 110105-B1 110105 110105-F1 filing-level2.json 110105)")
t_has "Haidian sending a batch as Chaoyang's is rejected" "$r" "ack: REJECTED"
t_has "... saying why" "$r" 'names district "110105", but office 110108 sent it'
r=$(send intake@110108 FilingBatch 0 "$B1" --office=110105)
t_has "Haidian's key claiming Chaoyang's office is rejected" "$r" "ack: REJECTED"
r=$(send review@110100 FilingBatch 0 "$(batch 110108-B4 110108 110108-F4 filing-level2.json)")
t_has "a batch from review is rejected" "$r" "ack: REJECTED"
t_has "... naming the rule" "$r" "(only service:intake)"
r=$(send intake@110108 FilingBatch 0 "$(batch 110108-B5 110108 110108-F5 filing-level2.json |
    jq -c '.sent_on = "2026-13-01"')")
t_has "a batch with a bad sent_on is rejected, naming the field" "$r" "sent_on: not a date"
r=$(send intake@110108 FilingBatch 0 '{"batch_id": "110108-B6", "district": "110108",
    "sent_on": "2026-11-16"}')
t_has "an empty batch is rejected, naming the field" "$r" "filings: 1 to 5000 a batch, not 0"
t_expect "... none of them changed anything" "$(rows)" "$before"

echo "--- review's CaseDecided: versions in order, applied once"
r=$(send review@110100 CaseDecided 2 "$(decided 110108-F1 accepted A 2)")
t_has "version 2 before version 1: RETRY" "$r" "ack: RETRY"
t_expect "... the filing waits" "$(filing 110108-F1)" received//0
t_has "version 1 (pending) is applied" \
    "$(send review@110100 CaseDecided 1 "$(decided 110108-F1 pending '' 0)")" "ack: APPLIED"
t_has "version 2 (accepted) is applied after it" \
    "$(send review@110100 CaseDecided 2 "$(decided 110108-F1 accepted A 2)")" "ack: APPLIED"
t_expect "... the filing is accepted" "$(filing 110108-F1)" accepted/A/2
t_expect "... and Haidian hears each step" "$(out 110108-F1)" \
    "review:mlps.v1.FilingReceived,intake@110108:mlps.v1.CaseUpdate,intake@110108:mlps.v1.CaseUpdate"
before=$(rows)
t_has "version 2 again is a duplicate" \
    "$(send review@110100 CaseDecided 2 "$(decided 110108-F1 accepted A 2)")" "ack: DUPLICATE"
t_expect "... and changes nothing" "$(rows)" "$before"
r=$(send panel@110100 CaseDecided 3 "$(decided 110108-F1 incomplete B 2)")
t_has "a CaseDecided from the panel is rejected" "$r" "ack: REJECTED"
t_has "... naming the rule" "$r" "(only service:review)"
r=$(send intake@110108 CaseDecided 3 "$(decided 110108-F1 incomplete B 2)")
t_has "... and from a district" "$r" "ack: REJECTED"
t_expect "... the filing is untouched" "$(filing 110108-F1)" accepted/A/2
r=$(send review@110100 CaseDecided 1 "$(decided 110108-NONE accepted A 2)")
t_has "a decision on no filing is rejected, naming the field" "$r" \
    'tracking_id: no filing "110108-NONE" here'
r=$(send review@110100 CaseDecided 1 "$(decided 110108-F9 '' A 2)")
t_has "a decision without a state is rejected, naming the field" "$r" "state: required"
t_expect "... nothing changed" "$(rows)" "$before"

echo "--- a unit's later action, relayed by its district"
S='{"tracking_id": "110108-F7", "received_on": "2026-11-18", "actor": "unit"}'
r=$(send intake@110108 MaterialsSupplemented 1 "$S" --timeout-ms=1500)
t_has "materials for a filing still on its way: no Ack (sent again later)" \
    "$r" "ack: none"
t_expect "... nothing recorded" "$(q "SELECT count(*) FROM intake.inbox WHERE correlation_id = '110108-F7'")" 0
t_has "the filing's batch arrives" \
    "$(send intake@110108 FilingBatch 0 "$(batch 110108-B7 110108 110108-F7 filing-level2.json "" 海淀区政务服务办件系统)")" \
    "ack: APPLIED"
t_has "the materials sent again are applied" \
    "$(send intake@110108 MaterialsSupplemented 1 "$S")" "ack: APPLIED"
t_expect "... recorded once, and relayed to review" \
    "$(q "SELECT count(*) FROM intake.case_actions WHERE tracking_id = '110108-F7'")/$(out 110108-F7)" \
    "1/review:mlps.v1.FilingReceived,review:mlps.v1.MaterialsSupplemented"
r=$(send intake@110105 MaterialsSupplemented 1 \
    '{"tracking_id": "110108-F1", "received_on": "2026-11-18", "actor": "unit"}')
t_has "Chaoyang relaying for Haidian's filing is rejected" "$r" \
    "tracking_id: 110108-F1 is not district 110105's"

echo "--- a district's monthly aggregate: each revision once"
A1='{"district": "110108", "month": "2026-11", "revision": 1, "made_at_us": 1795000000000000,
    "filings": 1, "batches": ["110108-B1"], "tracking_ids": ["110108-F1"]}'
t_has "Haidian's aggregate is applied" \
    "$(send intake@110108 MonthlyAggregate 0 "$A1")" "ack: APPLIED"
t_has "the same revision in a new message is applied" \
    "$(send intake@110108 MonthlyAggregate 0 "$A1")" "ack: APPLIED"
t_expect "... and kept once" "$(q "SELECT count(*) FROM intake.aggregates WHERE district = '110108'")" 1
r=$(send intake@110108 MonthlyAggregate 0 '{"district": "110108", "month": "2026-13",
    "revision": 1}')
t_has "a bad month is rejected, naming the field" "$r" 'month: "2026-13" is not YYYY-MM'
r=$(send intake@110105 MonthlyAggregate 0 "$A1")
t_has "Chaoyang sending Haidian's aggregate is rejected" "$r" "ack: REJECTED"
t_expect "... still one" "$(q "SELECT count(*) FROM intake.aggregates")" 1

t_expect "every rejected message is in the inbox with its reason" \
    "$(q "SELECT count(*) FILTER (WHERE reason <> '') = count(*) FROM intake.inbox WHERE status = 'rejected'")" t
t_true "the service still runs" kill -0 "$INTAKE_PID"
kill -TERM "$INTAKE_PID"
rc=0
wait "$INTAKE_PID" || rc=$?
T_PIDS=()
t_expect "mlps-intake stops cleanly on SIGTERM" "$rc" 0
t_true "no sanitizer report" mlps_sanitizer_clean
t_done
rm -rf "$W"
