#!/usr/bin/env bash
# region.sh - bring the region up on this machine and run its main job.
#
# Installs what is missing (as root), builds if needed, and starts a
# private PostgreSQL cluster with the municipal office (audit, review,
# panel, intake, evaluation, cert) and the five district offices of deploy/region's
# hierarchy, each with its own intake, audit, database and keys, every
# socket CURVE with the region's key registry. Then it runs the month of
# November 2026 (the clocks are pinned):
#
#  1. units file at their district office (through the web gateway, each
#     proving itself later with the secret its filing got); the district
#     forwards upward in batches; the municipal office's reviewer decides
#     each case from the queue: a clean level 2 (A), a level 3 missing
#     table-4 materials (B, the missing ones, A), a misgraded system (C,
#     an expert panel session, the adjusted level, A), a misgraded system
#     whose unit keeps its level (A with a liability notice), levels 4 and
#     5 (A), the same submission twice, an invalid filing, a unit filing at
#     the wrong office;
#  2. the districts import their electronic data (NDJSON and CSV, several
#     hundred filings, the same file twice, changed records);
#  3. one district's link is cut while it goes on filing, then restored;
#  4. the month ends: three districts send their aggregates by themselves
#     (on the 28th), one is late (after midnight in China on the 30th), one
#     never reports; the month's report and reconciliation;
#
# and, once the cases of 1. are accepted, their level evaluations (a unit
# chooses its institution, the office assigns the others, verdicts, a
# rectification, next due dates) and filing certificates (numbers,
# signatures, the PDF's QR code scanned and verified offline, a
# revocation); then prints the trust table (every socket, every forged
# message),
# verifies each office's audit chain, and stops everything it started.
#
# Environment: BUILD (build dir, default build), W (work dir, default
# BUILD/region), BASE (first port, default 7100), KEEP=1 to leave the
# region running.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=$(mkdir -p "${BUILD:-build}" && cd "${BUILD:-build}" && pwd)
W=${W:-$BIN/region}
EX=$ROOT/deploy/examples
# shellcheck source=lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=lib/districts.sh
. "$ROOT/deploy/lib/districts.sh"
# shellcheck source=lib/demo-evaluation.sh
. "$ROOT/deploy/lib/demo-evaluation.sh"
# shellcheck source=lib/demo-cert.sh
. "$ROOT/deploy/lib/demo-cert.sh"

say() { printf '\n== %s\n' "$*"; }
indent() { sed 's/^/   /'; }

"$ROOT/deploy/install-deps.sh"
if [ ! -x "$BIN/tests/support/tst_probe" ] || [ -n "${REBUILD:-}" ] ||
    [ -n "$(find "$ROOT/common" "$ROOT/services" "$ROOT/proto" "$ROOT/tests" \
        -newer "$BIN/tests/support/tst_probe" \( -name '*.[ch]' -o -name \
        '*.proto' -o -name '*.sql' \) 2>/dev/null | head -1)" ]; then
    say "building"
    cmake -S "$ROOT" -B "$BIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BIN" -j2 >/dev/null
fi

rm -rf "$W"
mkdir -p "$W/units"
[ -n "${KEEP:-}" ] || trap 'region_stop' EXIT
TODAY=2026-11-20 # the month is November 2026, a Friday of it
MONTH=2026-11
DISTRICTS=$(dist_all) # 110101 110102 110105 110106 110108
REGION_IDENTS=$(dist_idents)
# People decide (the reviewer, from the queue); the districts send their
# aggregates by themselves from the 28th, but Dongcheng (late) and Fengtai
# (never) only when asked.
REVIEW_OPTS="--review.auto=none"
DIST_OPTS="--intake.aggregate-day=28"
DIST_OPTS_110101="--intake.aggregate-day=0"
DIST_OPTS_110106="--intake.aggregate-day=0"
region_ports
INTAKE_PEERS=$(dist_peers)
say "starting PostgreSQL, the municipal office and five district offices in $W"
region_start
dist_start_all
echo "municipal: intake $MLPS_INTAKE, review $MLPS_REVIEW, panel $MLPS_PANEL," \
    "audit $MLPS_AUDIT, evaluation $MLPS_EVALUATION, cert $MLPS_CERT"
for c in $DISTRICTS; do
    dist_ports "$c"
    echo "district $c: intake tcp://127.0.0.1:$D_INTAKE_API, audit" \
        "tcp://127.0.0.1:$D_AUDIT_API, its own database mlps_$c"
done
echo "(every socket CURVE; one registry of keys, $W/keys/registry; the date $TODAY)"

# A unit files at its district (the first six digits of its region say
# which; the municipal office's own units file there). Each unit keeps the
# proof its filing got in $W/units/TRACKING_ID.
office_of() { # FILE: the office a filing's region belongs to
    python3 - "$1" "$(region_hierarchy)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["unit"]["region_code"]
h = json.load(open(sys.argv[2]))
print(next((d["code"] for d in h["districts"] if r in d["regions"]), h["municipal"]["code"]))
PY
}
at() { # OFFICE ARGS...: mlpsctl at OFFICE's intake, as the web gateway
    local o=$1
    shift
    if [ "$o" = 110100 ]; then region_as web "$@"; else DIST_AS=web dist_ctl "$o" "$@"; fi
}
submit() { # FILE -> tracking id
    local out id s o
    o=$(office_of "$1")
    out=$(at "$o" submit "$1")
    echo "$out" | grep -v '^unit_secret:' | sed "s/^/   at $o: /" >&2
    id=$(echo "$out" | region_field tracking_id)
    s=$(echo "$out" | region_field unit_secret)
    if [ -n "$s" ]; then
        (umask 077 && echo "$s" >"$W/units/$id")
        echo "   unit_secret: (given to the unit once; kept only hashed)" >&2
    fi
    echo "$id"
}
secret() { cat "$W/units/$1"; } # ID: the unit's proof
unit() { # ID ARGS...: mlpsctl as case ID's unit, with its proof
    local id=$1
    shift
    region_unit_ctl "$(secret "$id")" "$@"
}
unit_at_district() { # ID ARGS...: the unit at the district that took it in
    local id=$1
    shift
    MLPS_UNIT_SECRET="$(secret "$id")" at "${id%%-*}" "$@"
}
report() { # ID: the case as the unit sees it
    unit "$1" status "$1" |
        grep -E '^(state|outcome|proposed_level|level|deadline|missing|panel|liability_notice|recommendation|recommendation_reason|decided_by):' |
        indent
}
decide() { region_ctl review decide "$@" | indent; } # ID OUTCOME [OPTIONS...]
queue() { region_ctl review queue | indent; }
wait_state() { region_wait_state 60 "$@"; } # ID STATE...: batches take a moment

say "1.1 a clean level-2 filing, at its district (海淀): review recommends, the reviewer decides"
A=$(submit "$EX/filing-level2.json")
wait_state "$A" pending
echo "   -- the district forwarded it in batch $(dist_sql 110108 "SELECT batch_id FROM intake.filings WHERE tracking_id = '$A'");" \
    "the municipal office knows its district: $(mlps_sql "SELECT district FROM intake.filings WHERE tracking_id = '$A'")"
echo "   -- without its proof nobody reads the case (the same as no case):"
region_unit_ctl "" status "$A" 2>&1 | indent || true
echo "   -- the reviewer's queue:"
queue
decide "$A" A
wait_state "$A" accepted
report "$A"

say "1.2 the same submission again (a resend changes nothing)"
A2=$(submit "$EX/filing-level2.json")
[ "$A2" = "$A" ] && echo "   same tracking id: $A2"

say "1.3 a level-3 filing missing table-4 materials (西城)"
B=$(submit "$EX/filing-level3-missing.json")
wait_state "$B" pending
report "$B"
decide "$B" B
wait_state "$B" incomplete
echo "   -- the unit sends only what the letter lists, with its proof, at its district:"
unit_at_district "$B" supplement "$B" "$EX/supplement-level3.json" | indent
wait_state "$B" pending
decide "$B" A
wait_state "$B" accepted
report "$B"

say "1.4 a misgraded filing (朝阳): C, the expert panel, the adjusted level"
C=$(submit "$EX/filing-misgraded.json")
wait_state "$C" pending
report "$C"
decide "$C" C
wait_state "$C" panel
region_wait_panel 30 "$C" scheduled
region_ctl panel show "$C" | indent
experts=$(region_ctl panel show "$C" | sed -n 's/^expert: //p')
# Two of the three seated experts find the system should be level 3: a
# strict majority, and the panel decides. Each speaks with their own key.
e1=$(echo "$experts" | sed -n 1p)
e2=$(echo "$experts" | sed -n 2p)
echo "   the reviewer's key giving expert $e1's opinion:"
region_ctl panel opinion "$C" "$e1" adjust 3 "x" 2>&1 | sed 's/^/     /' || true
echo "   expert $e2's key giving expert $e1's opinion:"
region_expert_ctl "$e2" panel opinion "$C" "$e1" adjust 3 "x" 2>&1 |
    sed 's/^/     /' || true
for e in "$e1" "$e2"; do
    region_expert_ctl "$e" panel opinion "$C" "$e" adjust 3 \
        "社会秩序受到严重损害，应定为第三级" | sed "s/^/   expert $e: /"
done
region_wait_panel 30 "$C" decided
wait_state "$C" pending
report "$C"
decide "$C" A
wait_state "$C" accepted
report "$C"

say "1.5 a misgraded filing whose unit keeps its level (东城)"
D=$(submit "$EX/filing-insist.json")
wait_state "$D" pending
decide "$D" C
wait_state "$D" panel
unit_at_district "$D" insist "$D" "我单位经复核坚持按第二级备案，并承担由此产生的责任。" |
    indent
wait_state "$D" pending
report "$D"
decide "$D" A
wait_state "$D" accepted incomplete
report "$D"

say "1.6 a level-4 filing (朝阳) and a level-5 filing (a unit of the municipal office's own region)"
LEVEL45=()
for f in filing-level4 filing-level5; do
    E=$(submit "$EX/$f.json")
    wait_state "$E" pending
    decide "$E" A
    wait_state "$E" accepted
    report "$E"
    LEVEL45+=("$E")
done

say "1.7 refused: malformed, wrong fields, and a unit filing at the wrong office"
echo "   -- malformed JSON, refused by mlpsctl before sending:"
at 110106 submit "$EX/filing-invalid.json" 2>&1 | indent || true
echo "   -- well-formed, wrong fields, refused by the district's intake:"
at 110108 submit "$EX/filing-invalid-fields.json" 2>&1 | indent || true
echo "   -- a 海淀 unit at the municipal office, and at 朝阳:"
at 110100 submit "$EX/filing-level2.json" 2>&1 | indent || true
at 110105 submit "$EX/filing-level2.json" 2>&1 | indent || true

say "1.8 the same system filed again, at another district: held as a possible duplicate"
python3 - "$EX/filing-level2.json" "$W/level2-at-110105.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["unit"]["region_code"] = "110105"   # the unit gives another district's region
f["system"]["business"] += "（朝阳分部）"
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
PY
H=$(submit "$W/level2-at-110105.json")
held() { mlps_true "SELECT state = 'held' FROM intake.filings WHERE tracking_id = '$H'"; }
mlps_wait 30 held || true
region_ctl duplicates list | indent
region_ctl duplicates decide "$H" yes --reason="同一系统已在海淀区备案" | indent
WANT_DUP() { [ "$(dist_sql 110105 "SELECT state FROM intake.filings WHERE tracking_id = '$H'")" = duplicate ]; }
mlps_wait 30 WANT_DUP || true
echo "   朝阳 hears it: $H is $(dist_sql 110105 "SELECT state FROM intake.filings WHERE tracking_id = '$H'") (not reviewed twice)"

say "reply letters"
for id in "$B" "$C" "$D"; do
    echo "---- $id"
    unit "$id" letter "$id"
done

say "1.9 level evaluations: the accepted systems are evaluated"
# A (level 2) chooses its institution; B (level 3) is assigned one, is
# found poor, rectifies and passes; C, E4 and E5 (levels 3, 4, 5) are
# assigned and reported fair, good and excellent.
demo_evaluation "$A" "$B" "$C" "${LEVEL45[@]}" | indent

say "1.10 filing certificates: numbered, signed, printed with a QR code"
# Level 2 (A, and D at the level its unit kept) at once; levels 3 to 5 once
# their evaluation is in.
demo_cert --wait=90 "$A" "$D" "$B" "$C" "${LEVEL45[@]}" | indent

say "2. the month's electronic data: each district imports its units' filings"
import() { # DISTRICT FILE [OPTIONS...]: the summary, indented
    dist_ctl "$1" batch import "$2" --secrets="$W/units/import-$1-$(date +%s%N)" \
        "${@:3}" 2>&1 | indent || true
}
gen() { python3 "$EX/gen-batch.py" "$1" "$3" --district="$2" --month="$MONTH" ${4:+--seed=$4}; }
gen 120 110108 "$W/110108.ndjson" 1
gen 80 110102 "$W/110102.csv" 2
gen 50 110105 "$W/110105.ndjson" 3
gen 40 110101 "$W/110101.ndjson" 4
gen 30 110106 "$W/110106.ndjson" 5
echo "   -- 海淀 (110108), 120 filings (NDJSON), a dry run first:"
import 110108 "$W/110108.ndjson" --dry-run
import 110108 "$W/110108.ndjson"
echo "   -- the same file again: nothing changes"
import 110108 "$W/110108.ndjson"
echo "   -- 西城 (110102), 80 filings as CSV:"
import 110102 "$W/110102.csv"
echo "   -- 朝阳 (110105) 50, 东城 (110101) 40, 丰台 (110106) 30:"
for c in 110105 110101 110106; do import "$c" "$W/$c.ndjson"; done
echo "   -- 海淀 again, three records changed, one with a bad credit code:"
python3 - "$W/110108.ndjson" "$W/110108-changed.ndjson" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][:10]
for r in rows[:3]:
    r["system"]["business"] += "（已更新联系人与业务说明）"
rows[9]["unit"]["credit_code"] = rows[9]["unit"]["credit_code"][:-1] + "0"
rows[9]["system"]["name"] += "（二期）"
with open(sys.argv[2], "w") as f:
    f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
PY
import 110108 "$W/110108-changed.ndjson"

say "3. 朝阳's link to the municipal office is cut; it goes on taking filings in"
forwarded() { mlps_sql "SELECT count(*) FROM intake.filings WHERE district = '$1'"; }
mlps_wait 60 dist_forwarded 110105 || true
before=$(forwarded 110105)
dist_link_cut 110105
gen 60 110105 "$W/110105-more.ndjson" 6
import 110105 "$W/110105-more.ndjson"
sleep 3
echo "   at the municipal office from 朝阳: $(forwarded 110105) (before the cut: $before);" \
    "waiting in 朝阳's outbox: $(dist_sql 110105 "SELECT count(*) FROM intake.outbox WHERE dest = 'intake@110100' AND delivered_at IS NULL") message(s)"
dist_link_restore 110105
mlps_wait 90 dist_forwarded 110105 || true
echo "   the link is back: $(forwarded 110105) from 朝阳 (each once:" \
    "$(mlps_sql "SELECT count(*) - count(DISTINCT tracking_id) FROM intake.filings") twice)"

say "4. the month ends"
settled() {
    local c
    for c in $DISTRICTS; do dist_forwarded "$c" || return 1; done
    mlps_true "SELECT $(mlps_drained_sql intake review)"
}
mlps_wait 120 settled || echo "   (still settling)"
echo "   filings at the municipal office: $(mlps_sql "SELECT count(*) FROM intake.filings")," \
    "in review: $(mlps_sql "SELECT count(*) FROM review.cases")," \
    "waiting for the office: $(mlps_sql "SELECT count(*) FROM review.cases WHERE state = 'pending'")"
# The 28th at the districts: the three that send by themselves do.
for c in 110108 110102 110105; do TODAY=2026-11-28 dist_restart_intake "$c" >/dev/null; done
sent() { mlps_true "SELECT count(DISTINCT district) = 3 FROM intake.aggregates"; }
mlps_wait 60 sent || echo "   (not all three arrived)"
echo "   on the 28th: $(mlps_sql "SELECT string_agg(district || ' revision ' || revision, ', ' ORDER BY district) FROM intake.aggregates")"
echo "   -- later that day a unit files at 海淀, after its aggregate went:"
L=$(submit "$EX/filing-level3.json")
mlps_wait 30 dist_forwarded 110108 || true
wait_state "$L" pending
region_ctl report month "$MONTH" | grep "district=110108" | indent
echo "   -- 海淀 sends its aggregate again (a new revision replaces the first; both are kept):"
dist_ctl 110108 aggregate send "$MONTH" | indent
mlps_wait 30 mlps_true "SELECT count(*) = 2 FROM intake.aggregates WHERE district = '110108'" || true
region_ctl report month "$MONTH" | grep "district=110108" | indent
# Midnight passes in China (UTC+8) on the 30th: Dongcheng sends late.
kill -TERM "$(cat "$W/intake.pid")"
mlps_wait 20 mlps_exited "$(cat "$W/intake.pid")" || true
# shellcheck disable=SC2046 # region_curve prints options
TODAY=2026-12-01 region_start_one intake "$BIN/services/intake/mlps-intake" \
    --api="tcp://127.0.0.1:$P_INTAKE_API" --listen="tcp://127.0.0.1:$P_INTAKE_IN" \
    --peers="review=tcp://127.0.0.1:$P_REVIEW_IN;audit=tcp://127.0.0.1:$P_AUDIT_IN;$INTAKE_PEERS" \
    $(region_curve intake)
region_wait_up
echo "   on 2026-12-01, 东城 (110101) sends its aggregate:"
dist_ctl 110101 aggregate send "$MONTH" | indent
mlps_wait 30 mlps_true "SELECT count(DISTINCT district) = 4 FROM intake.aggregates" || true
echo "   (丰台, 110106, never does.)"

say "the month's report ($MONTH)"
region_ctl report month "$MONTH"

say "trust: every socket, and the forged messages of the review"
region_trust_table "$A" "$C" "$(secret "$A")"
dist_trust_table 110108 110105 "$A"

say "audit"
mlps_wait 30 settled || true
sleep 1
for id in "$A" "$C"; do
    echo "   $id:"
    region_ctl audit events "$id" | sed 's/^/     /'
done
sleep 1 # the audit services sign their chains' heads every 500 ms
echo "   the municipal office's chain:"
region_ctl audit verify | indent
for c in $DISTRICTS; do
    echo "   district $c's chain: $(dist_ctl "$c" audit verify)"
done
# Anyone with the public key alone can check the chain and its signed
# checkpoints, straight from the database:
echo "   with the public key only (mlps-audit verify):"
"$BIN/services/audit/mlps-audit" verify --db.url="$(mlps_url audit_svc)" \
    --audit.verify-key-file="$W/keys/audit-sign.pub.pem" | sed 's/^/     /'

say "done: every filing reached its final state, every district is accounted for"
[ -n "${KEEP:-}" ] && echo "region left running (KEEP=1); stop with: kill \$(cat $W/*.pid)"
exit 0
