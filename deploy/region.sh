#!/usr/bin/env bash
# region.sh - bring the region up on this machine and run its main job.
#
# Installs what is missing (as root), builds if needed, starts a private
# PostgreSQL cluster and the municipal office's services (audit, review,
# panel, intake), then files the sample filings of deploy/examples through
# mlpsctl as units would: a clean level 2 (A), a level 3 missing table-4
# materials (B, then the missing ones, then A), a misgraded system (C, an
# expert panel session, the adjusted level, A), a misgraded system whose
# unit keeps its level (A with a liability notice), levels 4 and 5 (A), the same
# submission twice, and an invalid filing. Prints what happened to each,
# verifies the audit chain, and stops everything it started.
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

say() { printf '\n== %s\n' "$*"; }

"$ROOT/deploy/install-deps.sh"
if [ ! -x "$BIN/services/mlpsctl/mlpsctl" ] || [ -n "${REBUILD:-}" ] ||
    [ -n "$(find "$ROOT/common" "$ROOT/services" "$ROOT/proto" -newer \
        "$BIN/services/mlpsctl/mlpsctl" -name '*.[ch]' -o -newer \
        "$BIN/services/mlpsctl/mlpsctl" -name '*.proto' 2>/dev/null | head -1)" ]; then
    say "building"
    cmake -S "$ROOT" -B "$BIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BIN" -j2 >/dev/null
fi

rm -rf "$W"
[ -n "${KEEP:-}" ] || trap 'region_stop' EXIT
say "starting PostgreSQL and the municipal office's services in $W"
region_start
echo "intake $MLPS_INTAKE, review $MLPS_REVIEW, panel $MLPS_PANEL," \
    "audit $MLPS_AUDIT"

submit() { # FILE -> tracking id
    local out
    out=$(region_ctl submit "$1")
    # shellcheck disable=SC2001 # indents each line; ${//} cannot do the first
    echo "$out" | sed 's/^/   /' >&2
    echo "$out" | region_field tracking_id
}
report() { # ID: the case as review sees it
    region_ctl status "$1" | grep -E '^(state|outcome|proposed_level|level|deadline|missing|panel|liability_notice):' |
        sed 's/^/   /'
}

say "1. a clean level-2 filing"
A=$(submit "$EX/filing-level2.json")
region_wait_state 30 "$A" accepted
report "$A"

say "2. the same submission again (a resend changes nothing)"
A2=$(submit "$EX/filing-level2.json")
[ "$A2" = "$A" ] && echo "   same tracking id: $A2"

say "3. a level-3 filing missing table-4 materials"
B=$(submit "$EX/filing-level3-missing.json")
region_wait_state 30 "$B" incomplete
report "$B"
echo "   -- the unit sends only what the letter lists:"
region_ctl supplement "$B" "$EX/supplement-level3.json" | sed 's/^/   /'
region_wait_state 30 "$B" accepted
report "$B"

say "4. a misgraded filing: C, the expert panel, the adjusted level"
C=$(submit "$EX/filing-misgraded.json")
region_wait_state 30 "$C" panel
report "$C"
region_wait_panel 30 "$C" scheduled
region_ctl panel show "$C" | sed 's/^/   /'
experts=$(region_ctl panel show "$C" | sed -n 's/^expert: //p')
# Two of the three seated experts find the system should be level 3: that
# is a strict majority, and the panel decides. Each speaks with their own
# key: the panel's API knows them by it, and refuses one expert's key
# giving another's opinion, or the office's key giving any.
e1=$(echo "$experts" | sed -n 1p)
e2=$(echo "$experts" | sed -n 2p)
echo "   the office's key giving expert $e1's opinion:"
region_ctl panel opinion "$C" "$e1" adjust 3 "x" 2>&1 | sed 's/^/     /' || true
echo "   expert $e2's key giving expert $e1's opinion:"
region_expert_ctl "$e2" panel opinion "$C" "$e1" adjust 3 "x" 2>&1 |
    sed 's/^/     /' || true
for e in "$e1" "$e2"; do
    region_expert_ctl "$e" panel opinion "$C" "$e" adjust 3 \
        "社会秩序受到严重损害，应定为第三级" | sed "s/^/   expert $e: /"
done
region_wait_panel 30 "$C" decided
region_wait_state 30 "$C" accepted incomplete
report "$C"

say "5. a misgraded filing whose unit keeps its level"
D=$(submit "$EX/filing-insist.json")
region_wait_state 30 "$D" panel
region_ctl insist "$D" "我单位经复核坚持按第二级备案，并承担由此产生的责任。" |
    sed 's/^/   /'
region_wait_state 30 "$D" accepted incomplete
report "$D"

say "6. a level-4 and a level-5 filing"
for f in filing-level4 filing-level5; do
    E=$(submit "$EX/$f.json")
    region_wait_state 30 "$E" accepted incomplete panel
    report "$E"
done

say "7. an invalid filing (refused, nothing stored)"
echo "   -- malformed JSON, refused by mlpsctl before sending:"
region_ctl submit "$EX/filing-invalid.json" 2>&1 | sed 's/^/   /' || true
echo "   -- well-formed, wrong fields, refused by intake:"
region_ctl submit "$EX/filing-invalid-fields.json" 2>&1 | sed 's/^/   /' || true

say "reply letters"
for id in "$B" "$C" "$D"; do
    echo "---- $id"
    region_ctl letter "$id"
done

say "audit"
region_drain 30 || true
sleep 1
for id in "$A" "$C"; do
    echo "   $id:"
    region_ctl audit events "$id" | sed 's/^/     /'
done
sleep 1 # the audit service signs the chain's head every 500 ms
region_ctl audit verify
# Anyone with the public key alone can check the chain and its signed
# checkpoints, straight from the database:
echo "   with the public key only (mlps-audit verify):"
"$BIN/services/audit/mlps-audit" verify --db.url="$(mlps_url audit_svc)" \
    --audit.verify-key-file="$W/keys/audit-sign.pub.pem" | sed 's/^/     /'

say "done: every filing reached its final state"
[ -n "${KEEP:-}" ] && echo "region left running (KEEP=1); stop with: kill \$(cat $W/*.pid)"
exit 0
