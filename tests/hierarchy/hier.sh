#!/usr/bin/env bash
# hier.sh BUILD SCENARIO - the office hierarchy through the real services:
# the municipal office (audit, review, panel, intake) and district offices
# (each its own intake, audit, database and keys, and a link of its own
# that a scenario can cut), every socket CURVE, on a private PostgreSQL.
#
# Scenarios:
#   link          a district keeps accepting while its link is cut and
#                 while the municipal intake is down; everything goes up
#                 once when they are back (counted)
#   kill          SIGKILL of a district's intake, then of the municipal
#                 intake, while batches are on their way: nothing lost,
#                 nothing twice
#   import        batch import: every summary count, dry runs, the same
#                 file twice, changed records, rejects named by line and
#                 field, --json; the municipal side gets the revisions
#   reconcile     an aggregate compared with what arrived: each kind of
#                 difference, then reconciled
#   month         on time and late at the month's end (UTC+8), a resend,
#                 a district that never reports, the rates
#   jurisdiction  a district sees and sends only its own
#   duplicates    the same system filed twice, in one district and in two:
#                 held, listed, decided (audited)
set -euo pipefail
BIN=$(cd "$1" && pwd)
SCENARIO=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EX=$ROOT/deploy/examples
GEN=$ROOT/deploy/examples/gen-batch.py
SCENARIOS=(link kill import reconcile month jurisdiction duplicates)
BASE=
for i in "${!SCENARIOS[@]}"; do
    [ "${SCENARIOS[$i]}" = "$SCENARIO" ] && BASE=$((31000 + 100 * i))
done
[ -n "$BASE" ] || { echo "hier: unknown scenario $SCENARIO" >&2; exit 2; }
TODAY=${TODAY:-2026-11-20}
MLPS_POLL=0.1
# shellcheck source=../../deploy/lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=../../deploy/lib/districts.sh
. "$ROOT/deploy/lib/districts.sh"
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
T_NAME="hierarchy $SCENARIO"
t_workdir "hier-$SCENARIO"
trap 'region_stop; [ "${ok:-0}" = 1 ] && rm -rf "$W"' EXIT
trap 'exit 143' TERM INT

DISTRICTS=${DISTRICTS:-110108 110105 110101}
REGION_IDENTS="$(dist_idents)
staff:wang staff 110100 reviewer"
REVIEW_OPTS=${REVIEW_OPTS:---review.auto=none}
# A district sends its aggregate when asked (a scenario sets a day).
DIST_OPTS=${DIST_OPTS:---intake.aggregate-day=0}
region_ports
INTAKE_PEERS=$(dist_peers)
start_all() {
    region_start || t_die "the municipal office did not start"
    dist_start_all || t_die "a district did not start"
}

# --- helpers ---------------------------------------------------------------

muni_count() { # [DISTRICT]: filings the municipal office holds (of DISTRICT)
    mlps_sql "SELECT count(*) FROM intake.filings${1:+ WHERE district = '$1'}"
}
dist_count() { dist_sql "$1" "SELECT count(*) FROM intake.filings"; }
gen() { # N DISTRICT OUT [SEED]
    python3 "$GEN" "$1" "$3" --district="$2" ${4:+--seed=$4} ||
        t_die "gen-batch.py failed"
}
import() { # DISTRICT FILE [OPTIONS...]: the summary on stdout
    local d=$1 f=$2
    shift 2
    dist_ctl "$d" batch import "$f" --secrets="$W/secrets-$d-$(date +%s%N)" "$@"
}
summary() { sed -n "s/^$1: //p" <<<"$2" | head -1; } # FIELD SUMMARY
has_all() { # DISTRICT N: the municipal office holds N of DISTRICT's
    [ "$(muni_count "$1")" = "$2" ]
}
# Nothing twice: each tracking id once at the municipal office, and once in
# review.
no_doubles() {
    t_expect "$1: no filing twice at the municipal office" \
        "$(mlps_sql "SELECT count(*) - count(DISTINCT tracking_id) FROM intake.filings")" 0
    t_expect "$1: no case twice in review" \
        "$(mlps_sql "SELECT count(*) - count(DISTINCT tracking_id) FROM review.cases")" 0
    t_expect "$1: each filing of the municipal office has its case" \
        "$(mlps_sql "SELECT count(*) FROM intake.filings f WHERE state <> 'held'
            AND NOT EXISTS (SELECT 1 FROM review.cases c WHERE c.tracking_id = f.tracking_id)")" 0
}
# Every filing of DISTRICT is at the municipal office, the same revision.
same_filings() { # DISTRICT
    local d=$1 here there
    here=$(dist_sql "$d" "SELECT string_agg(tracking_id || ':' || revision, ',' ORDER BY tracking_id) FROM intake.filings WHERE state <> 'rejected'")
    there=$(mlps_sql "SELECT string_agg(tracking_id || ':' || revision, ',' ORDER BY tracking_id) FROM intake.filings WHERE district = '$d'")
    t_expect "district $d: the municipal office holds exactly its filings" \
        "$(md5sum <<<"$there" | cut -c1-12)" "$(md5sum <<<"$here" | cut -c1-12)"
}
drained_all() {
    local c
    for c in $DISTRICTS; do dist_forwarded "$c" || return 1; done
    mlps_true "SELECT $(mlps_drained_sql intake review)"
}
settle() {
    mlps_wait "${1:-90}" drained_all && return 0
    local c
    for c in $DISTRICTS; do
        echo "district $c waiting: $(dist_sql "$c" "SELECT count(*) FILTER (WHERE forwarded_revision < revision AND state <> 'rejected') FROM intake.filings") unforwarded; outbox: $(dist_sql "$c" "SELECT string_agg(dest || ' ' || type || ' x' || n, ', ') FROM (SELECT dest, type, count(*) n FROM intake.outbox WHERE delivered_at IS NULL AND failed_reason IS NULL GROUP BY 1, 2) q")" >&2
    done
    for c in intake review; do
        echo "municipal $c outbox: $(mlps_sql "SELECT string_agg(dest || ' ' || type || ' x' || n, ', ') FROM (SELECT dest, type, count(*) n FROM $c.outbox WHERE delivered_at IS NULL AND failed_reason IS NULL GROUP BY 1, 2) q")" >&2
    done
    t_die "the outboxes did not drain"
}
report() { region_ctl report month "$1"; } # MONTH (as the reviewer staff:li)
# muni_intake_start: the municipal intake again (after a stop or a crash).
# shellcheck disable=SC2046 # region_curve prints options
muni_intake_start() {
    local h=tcp://127.0.0.1
    region_start_one intake "$BIN/services/intake/mlps-intake" \
        --api="$h:$P_INTAKE_API" --listen="$h:$P_INTAKE_IN" \
        --peers="review=$h:$P_REVIEW_IN;audit=$h:$P_AUDIT_IN;$INTAKE_PEERS" \
        $(region_curve intake)
    region_wait_up || t_die "the municipal intake did not come back"
}
muni_intake_stop() { # [SIGNAL]
    local pid
    pid=$(cat "$W/intake.pid")
    kill "-${1:-TERM}" "$pid"
    mlps_wait 20 mlps_exited "$pid" || t_die "the municipal intake did not stop"
}
muni_state() { # ID: the filing's state at the municipal office
    mlps_sql "SELECT state FROM intake.filings WHERE tracking_id = '$1'"
}
dist_state() { # CODE ID: the filing's state at district CODE
    dist_sql "$1" "SELECT state FROM intake.filings WHERE tracking_id = '$2'"
}
state_is() { [ "$("$@")" = "${WANT:?}" ]; } # GETTER ARGS... = $WANT

case "$SCENARIO" in
link)
    start_all
    gen 120 110108 "$W/a.ndjson" 1
    gen 150 110108 "$W/b.ndjson" 2
    out=$(import 110108 "$W/a.ndjson") || t_die "import a: $out"
    t_expect "imported before the cut" "$(summary imported "$out")" 120
    t_eventually "the first 120 went up" 60 has_all 110108 120
    # The link is cut: the district goes on taking filings in.
    dist_link_cut 110108
    out=$(import 110108 "$W/b.ndjson") || t_die "import b: $out"
    t_expect "imported during the cut" "$(summary imported "$out")" 150
    one=$(DIST_AS=web dist_ctl 110108 submit "$EX/filing-level2.json") ||
        t_die "a unit could not file during the cut: $one"
    one=$(region_field tracking_id <<<"$one")
    sleep 2
    t_expect "nothing reached the municipal office during the cut" \
        "$(muni_count 110108)" 120
    waiting=$(dist_sql 110108 "SELECT count(*) FROM intake.outbox WHERE
        dest = 'intake@110100' AND delivered_at IS NULL")
    t_true "the batches wait in the district's outbox ($waiting)" [ "$waiting" -ge 1 ]
    dist_link_restore 110108
    t_eventually "after the link is back, all 271 went up" 90 has_all 110108 271
    settle
    t_expect "the unit's filing is there" \
        "$(mlps_sql "SELECT district FROM intake.filings WHERE tracking_id = '$one'")" 110108
    batches=$(dist_sql 110108 "SELECT count(*) FROM intake.batches")
    got=$(mlps_sql "SELECT count(*) FROM intake.batches WHERE district = '110108'")
    t_expect "every batch arrived once" "$got" "$batches"
    echo "forward: link cut: district=110108 accepted_during_cut=151 forwarded_after_restore=$(($(muni_count 110108) - 120)) municipal=$(muni_count 110108) batches=$batches doubled=$(mlps_sql "SELECT count(*) - count(DISTINCT tracking_id) FROM intake.filings")"
    same_filings 110108
    no_doubles "link"
    # The municipal intake down (SIGTERM, and then SIGKILL of its
    # successor): the district keeps taking filings in.
    muni_intake_stop TERM
    gen 40 110105 "$W/c.ndjson" 3
    out=$(import 110105 "$W/c.ndjson") || t_die "import c: $out"
    t_expect "imported while the municipal intake is down" "$(summary imported "$out")" 40
    sleep 1
    t_expect "nothing of it is at the municipal office" "$(muni_count 110105)" 0
    muni_intake_start
    t_eventually "after the municipal intake is back, all 40 went up" 90 has_all 110105 40
    settle
    same_filings 110105
    no_doubles "municipal down"
    echo "forward: municipal down: district=110105 accepted_while_down=40 forwarded_after_restart=$(muni_count 110105)"
    ;;
kill)
    DIST_OPTS="--intake.aggregate-day=0 --intake.batch-max=40"
    start_all
    gen 600 110108 "$W/a.ndjson" 4
    out=$(import 110108 "$W/a.ndjson") || t_die "import: $out"
    t_expect "imported" "$(summary imported "$out")" 600
    sleep 0.3
    at_kill=$(muni_count 110108)
    dist_restart_intake 110108 KILL || t_die "the district intake did not come back"
    echo "   district intake killed with $at_kill of 600 at the municipal office"
    t_eventually "after its restart, all 600 went up" 120 has_all 110108 600
    settle
    same_filings 110108
    no_doubles "district killed"
    # Now the municipal intake dies while a district forwards.
    gen 400 110105 "$W/b.ndjson" 5
    out=$(import 110105 "$W/b.ndjson") || t_die "import b: $out"
    some_arrived() { [ "$(muni_count 110105)" -gt 0 ]; }
    mlps_wait 30 some_arrived || true
    at_kill=$(muni_count 110105)
    muni_intake_stop KILL
    echo "   municipal intake killed with $at_kill of 400 from 110105"
    sleep 1
    muni_intake_start
    t_eventually "after its restart, all 400 went up" 120 has_all 110105 400
    settle
    same_filings 110105
    no_doubles "municipal killed"
    t_expect "review has every case once" "$(mlps_sql "SELECT count(*) FROM review.cases")" 1000
    echo "kill: district=110108 filings=600 municipal=$(muni_count 110108); district=110105 filings=400 municipal=$(muni_count 110105); doubles=0"
    ;;
import)
    start_all
    gen 20 110108 "$W/a.ndjson" 6
    # A dry run classifies and stores nothing.
    out=$(import 110108 "$W/a.ndjson" --dry-run) || t_die "dry run: $out"
    echo "$out"
    t_expect "dry run: imported" "$(summary imported "$out")" 20
    t_has "dry run says so" "$out" "dry run"
    t_expect "dry run stored nothing" "$(dist_count 110108)" 0
    out=$(import 110108 "$W/a.ndjson") || t_die "import: $out"
    echo "$out"
    t_expect "status" "$(summary status "$out")" OK
    t_expect "imported" "$(summary imported "$out")" 20
    for k in updated ignored rejected; do
        t_expect "$k" "$(summary $k "$out")" 0
    done
    t_expect "a proof for each unit, kept by the district" \
        "$(cat "$W"/secrets-110108-* | grep -c .)" 20
    # The same file again changes nothing.
    out=$(import 110108 "$W/a.ndjson") || t_die "import again: $out"
    t_expect "again: ignored" "$(summary ignored "$out")" 20
    t_expect "again: imported" "$(summary imported "$out")" 0
    t_expect "again: nothing new stored" "$(dist_count 110108)" 20
    # Three records changed, two new, two bad, thirteen the same.
    python3 - "$W/a.ndjson" "$W/b.ndjson" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for r in rows[:3]:
    r["system"]["business"] += "（已更新）"
bad1 = json.loads(json.dumps(rows[5])); bad1["unit"]["credit_code"] = "91110108MA01ABCD1X"
bad1["system"]["name"] += "-二"
bad2 = json.loads(json.dumps(rows[6])); bad2["grading"]["final_level"] = 9
bad2["system"]["name"] += "-三"
out = rows[:18] + [bad1, bad2]
with open(sys.argv[2], "w") as f:
    for r in out:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
    gen 2 110108 "$W/new.ndjson" 7
    cat "$W/new.ndjson" >>"$W/b.ndjson"
    rc=0
    out=$(import 110108 "$W/b.ndjson") || rc=$?
    echo "$out"
    t_expect "some rejected: exit 1" "$rc" 1
    t_expect "status" "$(summary status "$out")" WARNING
    t_expect "imported" "$(summary imported "$out")" 2
    t_expect "updated" "$(summary updated "$out")" 3
    t_expect "ignored" "$(summary ignored "$out")" 15
    t_expect "rejected" "$(summary rejected "$out")" 2
    t_true "the conflict names line 19 and the credit code" \
        grep -q "^conflict: line 19: unit.credit_code: " <<<"$out"
    t_true "the conflict names line 20 and the level" \
        grep -q "^conflict: line 20: grading.final_level: " <<<"$out"
    t_expect "stored: 20 + 2 new" "$(dist_count 110108)" 22
    t_expect "three revisions" "$(dist_sql 110108 "SELECT count(*) FROM intake.filings WHERE revision = 2")" 3
    json=$(import 110108 "$W/b.ndjson" --json --dry-run || true)
    t_expect "--json: the counts" \
        "$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["imported"], d["updated"], d["ignored"], d["rejected"], len(d["conflicts"]))' <<<"$json")" \
        "0 0 20 2 2"
    # Upstream: each revision arrives once, as an update.
    t_eventually "the municipal office has the 22" 60 has_all 110108 22
    settle
    t_expect "the municipal office has the revisions" \
        "$(mlps_sql "SELECT count(*) FROM intake.filings WHERE district = '110108' AND revision = 2")" 3
    t_expect "recorded as updated in their batch" \
        "$(mlps_sql "SELECT count(*) FROM intake.batch_records WHERE status = 'updated'")" 3
    rev=$(dist_sql 110108 "SELECT tracking_id FROM intake.filings WHERE revision = 2 ORDER BY 1 LIMIT 1")
    t_expect "review reviewed the revision again" \
        "$(region_ctl audit events "$rev" | grep -c 'action=case.revised')" 1
    same_filings 110108
    no_doubles "import"
    # The same 40 records imported twice at once, one file reversed (a
    # retry after a timeout while the first still runs, or two clerks):
    # one takes them in, the other finds them, none is a revision, and
    # the two, sharing 40 systems in opposite orders, never deadlock.
    gen 40 110108 "$W/c.ndjson" 9
    tac "$W/c.ndjson" >"$W/c-rev.ndjson"
    before=$(dist_count 110108)
    import 110108 "$W/c.ndjson" >"$W/c1.out" 2>&1 &
    imp1=$!
    rc2=0
    import 110108 "$W/c-rev.ndjson" >"$W/c2.out" 2>&1 || rc2=$?
    rc1=0
    wait "$imp1" || rc1=$?
    t_expect "both imports at once succeed" "$rc1 $rc2" "0 0"
    c1=$(cat "$W/c1.out") c2=$(cat "$W/c2.out")
    t_expect "between them: imported once each" \
        "$(($(summary imported "$c1") + $(summary imported "$c2")))" 40
    t_expect "... ignored once each" \
        "$(($(summary ignored "$c1") + $(summary ignored "$c2")))" 40
    t_expect "... and none updated" \
        "$(summary updated "$c1") $(summary updated "$c2")" "0 0"
    t_expect "stored once" "$(dist_count 110108)" "$((before + 40))"
    t_expect "still three revisions" \
        "$(dist_sql 110108 "SELECT count(*) FROM intake.filings WHERE revision > 1")" 3
    # Records that depend on earlier ones of the same file: a record twice
    # (the second ignored) and a system twice with two contents (the
    # second a revision of the first), among new ones.
    gen 3 110108 "$W/d.ndjson" 11
    python3 - "$W/d.ndjson" "$W/e.ndjson" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r1b = json.loads(json.dumps(r[1])); r1b["system"]["business"] += "（第二版）"
with open(sys.argv[2], "w") as f:
    for x in [r[0], r[0], r[1], r1b, r[2]]:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")
PY
    before=$(dist_count 110108)
    out=$(import 110108 "$W/e.ndjson") || t_die "import e: $out"
    t_expect "one file, records depending on earlier ones: imported updated ignored" \
        "$(summary imported "$out") $(summary updated "$out") $(summary ignored "$out")" "3 1 1"
    t_expect "... stored once each" "$(dist_count 110108)" "$((before + 3))"
    t_expect "... the system filed twice is at revision 2" \
        "$(dist_sql 110108 "SELECT count(*) FROM intake.filings WHERE revision > 1")" 4
    received_audited() {
        [ "$(dist_sql 110108 "SELECT count(DISTINCT case_id) FROM audit.chain
                WHERE action = 'filing.received'")" = "$(dist_count 110108)" ]
    }
    t_eventually "... the district's audit has each filing's receipt" 30 received_audited
    ;;
reconcile)
    # The district forwards only when its intake starts (and then hourly):
    # the test decides when batches go up.
    DIST_BATCH_MS=3600000
    start_all
    gen 30 110108 "$W/a.ndjson" 8
    import 110108 "$W/a.ndjson" >/dev/null || t_die "import"
    # 1. The aggregate goes before the filings: reported, not received.
    dist_ctl 110108 aggregate send 2026-11 >/dev/null || t_die "aggregate send"
    aggregates() { # N: the municipal office holds N of Haidian's revisions
        mlps_true "SELECT count(*) = $1 FROM intake.aggregates WHERE district = '110108'"
    }
    mlps_wait 30 aggregates 1 || t_die "the aggregate did not arrive"
    out=$(report 2026-11)
    echo "$out"
    t_has "reported, not received: the count" "$out" \
        "report 2026-11: district=110108 reported=yes on_time=yes filings=30 reconciled=filings: reported 30, received 0"
    t_has "... each filing by tracking id" "$out" \
        "filing 110108-20261120-00001: reported, not received"
    t_has "... the levels" "$out" "level 2: reported "
    t_has "... the states" "$out" "state filed: reported 30, received 0"
    t_has "... the sectors" "$out" "sector "
    # 2. The filings go up (the intake restarts and forwards): their batch
    # was not in the aggregate.
    dist_restart_intake 110108 || t_die "restart"
    t_eventually "the 30 went up" 60 has_all 110108 30
    settle
    b1=$(dist_sql 110108 "SELECT batch_id FROM intake.batches ORDER BY 1 LIMIT 1")
    out=$(report 2026-11)
    echo "$out"
    t_has "received, not reported: the batch" "$out" \
        "district=110108 reported=yes on_time=yes filings=30 reconciled=batch $b1: received, not reported"
    # 3. A new revision of the aggregate replaces the first: reconciled.
    dist_ctl 110108 aggregate send 2026-11 >/dev/null || t_die "aggregate send 2"
    settle
    t_has "reconciled" "$(report 2026-11)" \
        "report 2026-11: district=110108 reported=yes on_time=yes filings=30 reconciled=yes"
    # 4. The office decides a case while the way down is cut: the district
    # still says pending when it reports.
    x=$(mlps_sql "SELECT tracking_id FROM review.cases ORDER BY 1 LIMIT 1")
    dist_link_cut 110108 down
    region_ctl review decide "$x" A >/dev/null || t_die "decide $x"
    region_wait_state 30 "$x" accepted || t_die "$x not accepted"
    mlps_wait 30 mlps_true "SELECT state = 'accepted' FROM intake.filings WHERE tracking_id = '$x'" ||
        t_die "the municipal intake did not hear of the decision"
    dist_ctl 110108 aggregate send 2026-11 >/dev/null || t_die "aggregate send 3"
    mlps_wait 30 mlps_true "SELECT count(*) = 3 FROM intake.aggregates WHERE district = '110108'" ||
        t_die "the third aggregate did not arrive"
    out=$(report 2026-11)
    echo "$out"
    t_has "a state differs" "$out" \
        "reconciled=state accepted: reported 0, received 1; state pending: reported 30, received 29"
    dist_link_restore 110108 down
    WANT=accepted t_eventually "the district hears of the decision" 30 \
        state_is dist_state 110108 "$x"
    dist_ctl 110108 aggregate send 2026-11 >/dev/null || t_die "aggregate send 4"
    settle
    t_has "reconciled again" "$(report 2026-11)" "filings=30 reconciled=yes"
    # 5. Lost at the municipal office (a stale backup restored): a filing
    # and its batch gone there, still in the district's report.
    gone=$(mlps_sql "SELECT tracking_id FROM intake.filings WHERE district = '110108' AND tracking_id <> '$x' ORDER BY 1 DESC LIMIT 1")
    mlps_sql "DELETE FROM intake.filing_states WHERE tracking_id = '$gone';
        DELETE FROM intake.batch_records WHERE tracking_id = '$gone';
        DELETE FROM intake.filings WHERE tracking_id = '$gone';
        DELETE FROM intake.batches WHERE batch_id = '$b1'" >/dev/null
    out=$(report 2026-11)
    echo "$out"
    t_has "lost: the count, the filing and the batch" "$out" \
        "filings: reported 30, received 29"
    t_has "... the filing" "$out" "filing $gone: reported, not received"
    t_has "... the batch" "$out" "batch $b1: reported, not received"
    echo "reconcile: $(grep 'district=110108' <<<"$out")"
    ;;
month)
    # The districts send only when asked, but Haidian (110108) by itself
    # from the 28th; the municipal office's clock is moved to the month's
    # last day, then past midnight in China (UTC+8).
    DIST_OPTS_110108="--intake.aggregate-day=28"
    start_all
    gen 10 110108 "$W/a.ndjson" 11
    gen 6 110105 "$W/b.ndjson" 12
    import 110108 "$W/a.ndjson" >/dev/null || t_die "import a"
    import 110105 "$W/b.ndjson" >/dev/null || t_die "import b"
    settle
    t_expect "nothing is sent before the day" \
        "$(mlps_sql "SELECT count(*) FROM intake.aggregates")" 0
    muni_intake_stop TERM
    TODAY=2026-11-30 muni_intake_start
    # Haidian's clock reaches the 28th: its aggregate goes by itself.
    TODAY=2026-11-28 dist_restart_intake 110108 || t_die "restart 110108"
    sent_one() { mlps_true "SELECT count(*) = 1 FROM intake.aggregates WHERE district = '110108'"; }
    t_eventually "Haidian's aggregate went by itself on the 28th" 30 sent_one
    t_has "the audit records it on time" \
        "$(region_ctl audit events 110108/2026-11 || true)" "(on time)"
    muni_intake_stop TERM
    TODAY=2026-12-01 muni_intake_start
    dist_ctl 110105 aggregate send 2026-11 >/dev/null || t_die "send 110105"
    dist_ctl 110108 aggregate send 2026-11 >/dev/null || t_die "resend 110108"
    settle
    t_has "the audit records the late one" \
        "$(region_ctl audit events 110105/2026-11 || true)" "(late)"
    out=$(report 2026-11)
    echo "$out"
    t_has "on time" "$out" "report 2026-11: district=110108 reported=yes on_time=yes filings=10 reconciled=yes"
    t_has "late" "$out" "report 2026-11: district=110105 reported=yes on_time=no filings=6 reconciled=yes"
    t_has "missing" "$out" "report 2026-11: district=110101 reported=no on_time=no filings=0 reconciled=no"
    t_has "the rates (every district of the hierarchy)" "$out" \
        "report 2026-11: districts=5 reported=2 on_time=1 reporting_rate=2/5 on_time_rate=1/5"
    t_expect "the resend is kept beside the first" \
        "$(mlps_sql "SELECT count(*) FROM intake.aggregates WHERE district = '110108' AND month = '2026-11'")" 2
    json=$(region_ctl report month 2026-11 --json)
    t_expect "--json: revisions, and late is false" "$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); r={x["district"]: x for x in d["districts"]}; print(r["110108"]["revisions"], r["110105"].get("on_time", False))' <<<"$json")" "2 False"
    t_refused "a month that is no month" "MONTH must be YYYY-MM" \
        region_ctl report month 2026-13
    out=$(mlps_bounded "$BIN/tests/support/tst_probe" --key="$W/keys/staff:li.key" \
        --registry="$W/keys/registry" --server=intake@110100 api \
        "tcp://127.0.0.1:$P_INTAKE_API" mlps.v1.ReportMonthRequest '{"month": "2026-13"}' || true)
    t_has "... and the intake names it too" "$out" "problem: invalid: month:"
    ;;
jurisdiction)
    start_all
    a=$(DIST_AS=web dist_ctl 110108 submit "$EX/filing-level2.json") || t_die "submit"
    a=$(region_field tracking_id <<<"$a")
    t_like "a district's tracking id carries its code" "$a" "110108-*"
    wrong_district() { DIST_AS=web dist_ctl 110108 submit "$EX/filing-level4.json"; }
    t_refused "a unit of another district's region is sent there" \
        "unit.region_code: 110105 is not in the jurisdiction of office 110108: its units file at 110105" \
        wrong_district
    t_refused "the municipal office sends a district's unit to its district" \
        "its units file at 110108" region_as web submit "$EX/filing-level2.json"
    settle
    t_refused "a district's clerk does not read another district's case" "not_found" \
        region_as staff:clerk.110105 status "$a"
    t_expect "its own district's clerk does" \
        "$(region_as staff:clerk.110108 status "$a" | region_field state)" pending
    other_insists() { DIST_AS=staff:clerk.110105 dist_ctl 110105 insist "$a" 坚持; }
    t_refused "nor acts on it at another district" "not_found" other_insists
    t_refused "a district's clerk does not read the city's report" "forbidden" \
        region_as staff:clerk.110108 report month 2026-11
    t_refused "a district has no report of its own" "wrong_office" \
        dist_ctl 110108 report month 2026-11
    other_sends() { DIST_AS=office:110105 dist_ctl 110108 aggregate send 2026-11; }
    t_refused "another district's office does not send a district's aggregate" \
        "forbidden" other_sends
    # Forged messages between offices, with real keys.
    forge() { # WHAT KEY SERVICE PORT SOURCE OFFICE TYPE JSON
        mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=1500 --key="$W/keys/$2.key" \
            --registry="$W/keys/registry" --server="$3" --source="$5" \
            --office="$6" inbox "tcp://127.0.0.1:$4" "$7" "$8" 2>&1 || true
    }
    out=$(forge x intake@110105 intake@110100 "$P_INTAKE_IN" intake 110105 \
        mlps.v1.FilingBatch '{"batch_id": "110108-B99999", "district": "110108", "sent_on": "2026-11-20", "filings": [{"tracking_id": "110108-20261120-99999", "revision": 1}]}')
    t_has "a district's key cannot send another district's batch" "$out" "ack: REJECTED"
    out=$(forge x intake@110105 intake@110100 "$P_INTAKE_IN" intake 110105 \
        mlps.v1.MonthlyAggregate '{"district": "110108", "month": "2026-11", "revision": 7}')
    t_has "nor its aggregate" "$out" "ack: REJECTED"
    out=$(forge x intake@110105 intake@110100 "$P_INTAKE_IN" intake 110105 \
        mlps.v1.MaterialsSupplemented "{\"tracking_id\": \"$a\", \"received_on\": \"2026-11-20\"}")
    t_has "nor act on another district's filing" "$out" "ack: REJECTED"
    dist_ports 110108
    out=$(forge x intake@110105 intake@110108 "$D_INTAKE_IN" intake 110105 \
        mlps.v1.CaseUpdate "{\"tracking_id\": \"$a\", \"state\": \"accepted\", \"outcome\": \"A\", \"level\": 2}")
    t_has "a district hears case updates only from its municipal office" "$out" "ack: REJECTED"
    out=$(forge x review@110100 intake@110108 "$D_INTAKE_IN" review 110100 \
        mlps.v1.CaseDecided "{\"tracking_id\": \"$a\", \"state\": \"accepted\"}")
    t_has "review speaks to the municipal intake only" "$out" "ack: REJECTED"
    t_expect "the district's filing is as it was" "$(dist_state 110108 "$a")" pending
    ;;
duplicates)
    start_all
    a=$(DIST_AS=web dist_ctl 110108 submit "$EX/filing-level2.json") || t_die "submit a"
    a=$(region_field tracking_id <<<"$a")
    # The same system again at the same district, with another text (a
    # new submission, not a resend), and at another district (the unit's
    # region given as 110105).
    python3 - "$EX/filing-level2.json" "$W/again.json" "$W/there.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["system"]["business"] = f["system"].get("business", "") + "（补充说明）"
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
f["unit"]["region_code"] = "110105"
json.dump(f, open(sys.argv[3], "w"), ensure_ascii=False)
PY
    b=$(DIST_AS=web dist_ctl 110108 submit "$W/again.json") || t_die "submit b"
    b=$(region_field tracking_id <<<"$b")
    # The first filed is the one the municipal office took in first: the
    # third is filed at 110105 once 110108's first has arrived (each
    # district forwards on its own schedule, so filed at once, either
    # could arrive first).
    WANT=pending t_true "the first reached the municipal office" \
        mlps_wait 60 state_is muni_state "$a"
    c=$(DIST_AS=web dist_ctl 110105 submit "$W/there.json") || t_die "submit c"
    c=$(region_field tracking_id <<<"$c")
    settle
    t_expect "the first goes to review" "$(region_state "$a")" pending
    t_expect "the second is held" "$(muni_state "$b")" held
    t_expect "the third (another district) is held" "$(muni_state "$c")" held
    t_expect "held ones are not reviewed" "$(mlps_sql "SELECT count(*) FROM review.cases WHERE tracking_id IN ('$b', '$c')")" 0
    t_expect "the district hears it is held" "$(dist_state 110105 "$c")" held
    out=$(region_ctl duplicates list)
    echo "$out"
    t_has "listed with both tracking ids" "$out" "$b"
    t_has "the other one named" "$out" "$a"
    t_has "across districts too" "$out" "$c"
    t_refused "a decision needs a reason" "reason" region_ctl duplicates decide "$b" yes
    region_ctl duplicates decide "$b" yes --reason="同一系统重复提交" >/dev/null ||
        t_die "decide b"
    region_ctl duplicates decide "$c" no --reason="不同单位的同名系统" >/dev/null ||
        t_die "decide c"
    t_refused "decided once only" "conflict" region_ctl duplicates decide "$b" no --reason=again
    settle
    t_expect "b is closed as a duplicate" "$(muni_state "$b")" duplicate
    t_eventually "c goes to review" 30 region__in region_state "$c" pending
    WANT=duplicate t_eventually "the district of b hears it" 30 \
        state_is dist_state 110108 "$b"
    t_has "audited: who decided" "$(region_ctl audit events "$b")" "action=duplicate.decided"
    t_has "audited for c" "$(region_ctl audit events "$c")" "action=duplicate.decided"
    # Another system filed at both districts at once: whichever arrives
    # first goes to review, the other is held, never both to review (two
    # inbox transactions each finding no other: the system's lock).
    python3 - "$EX/filing-level2.json" "$W/twin1.json" "$W/twin2.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["system"]["name"] = "海淀区并发测试系统"
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
f["unit"]["region_code"] = "110105"
json.dump(f, open(sys.argv[3], "w"), ensure_ascii=False)
PY
    DIST_AS=web dist_ctl 110108 submit "$W/twin1.json" >"$W/twin1.out" &
    twin1=$!
    DIST_AS=web dist_ctl 110105 submit "$W/twin2.json" >"$W/twin2.out" || t_die "submit twin 2"
    wait "$twin1" || t_die "submit twin 1"
    t1=$(region_field tracking_id <"$W/twin1.out")
    t2=$(region_field tracking_id <"$W/twin2.out")
    settle
    t_expect "two filings of one system at once: one to review, one held" \
        "$(mlps_sql "SELECT string_agg(state, ',' ORDER BY state) FROM intake.filings WHERE tracking_id IN ('$t1', '$t2')")" \
        "held,pending"
    t_expect "... and review has one of them" \
        "$(mlps_sql "SELECT count(*) FROM review.cases WHERE tracking_id IN ('$t1', '$t2')")" 1
    ;;
esac
t_done
ok=1
