#!/usr/bin/env bash
# cert.sh BUILD SCENARIO - the certificate service through the real
# services: a private PostgreSQL, audit, review (review.auto=all), panel,
# intake and cert (deploy/lib/region.sh), every socket CURVE, driven by
# mlpsctl and, standing in for review's and the evaluation service's
# messages where a scenario needs its own, by tst_probe with their keys
# (review@110100, evaluation@110100). The date is pinned to 2026-12-01.
#
# Scenarios (tests/cert/README.md): issue, concurrency, fault, algorithms,
# tamper, revocation, pdf, refusals, demo.
set -euo pipefail
BIN=$(cd "$1" && pwd)
SCENARIO=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EX=$ROOT/deploy/examples
# Each scenario its own ports: BASE+1 .. BASE+14 (a region without
# districts, and a second cert replica at +13, +14), 20 apart in
# 32000-32199 (CERT_PORT0 moves them: two checkouts at once), apart from
# the other suites' ranges.
SCENARIOS=(issue concurrency fault algorithms tamper revocation pdf refusals
    demo)
BASE=
for i in "${!SCENARIOS[@]}"; do
    [ "${SCENARIOS[$i]}" = "$SCENARIO" ] && BASE=$((${CERT_PORT0:-32000} + 20 * i))
done
[ -n "$BASE" ] || { echo "cert: unknown scenario $SCENARIO" >&2; exit 2; }
TODAY=2026-12-01 # a Tuesday
MLPS_POLL=0.1
# shellcheck source=../../deploy/lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=../../deploy/lib/demo-cert.sh
. "$ROOT/deploy/lib/demo-cert.sh"
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
T_NAME="cert $SCENARIO"
t_workdir "cert-$SCENARIO"
trap 'region_stop; [ "${ok:-0}" = 1 ] && rm -rf "$W"' EXIT
trap 'exit 143' TERM INT

EXPERTS=$ROOT/tests/e2e/experts.json
HIERARCHY=$ROOT/tests/e2e/hierarchy.json # 110109: a district of its own
REVIEW_OPTS="--review.auto=all"
CERT_BASE_OPTS="--cert.lease-ms=500 --cert.issue-ms=100"
CERT_OPTS="$CERT_BASE_OPTS ${CERT_EXTRA:-}"
REGION_IDENTS="evaluation@110100 service 110100
staff:qian staff 110100
staff:zhou staff 110109 registrar
inst:xinan institution 110100
unit:11110108000027385A unit 110108
unit:11110108000028265R unit 110108"
H=tcp://127.0.0.1
UNIT2=11110108000027385A # filing-level2.json's unit
UNIT3=11110108000028265R # filing-level3.json's unit

# --- helpers ---------------------------------------------------------------

# submit FILE: files it as a unit through the web gateway; prints the
# tracking id and keeps the unit's proof in $W/units/ID.
submit() {
    local out id
    out=$(region_as web submit "$1") || t_die "submit $1 refused: $out"
    id=$(echo "$out" | region_field tracking_id)
    mkdir -p "$W/units"
    echo "$out" | region_field unit_secret >"$W/units/$id"
    echo "$id"
}
secret() { cat "$W/units/$1"; }
# probe KEY PORT inbox|api SOURCE VERSION TYPE JSON [OPTION...]: one message
# with KEY's identity to the cert service at PORT.
probe() {
    local key=$1 port=$2 kind=$3 src=$4 ver=$5 type=$6 json=$7
    shift 7
    mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=3000 \
        --key="$W/keys/$key.key" --registry="$W/keys/registry" \
        --server="cert@110100" --source="$src" --office=110100 \
        --version="$ver" "$@" "$kind" "$H:$port" "$type" "$json" 2>&1 || true
}
# accepted_json ID CREDIT SYSTEM LEVEL [REGION]: a CaseAccepted.
accepted_json() {
    printf '{"tracking_id": "%s", "district": "110100", "unit_name": "%s", "unit_credit_code": "%s", "region_code": "%s", "system_name": "%s", "level": %s, "accepted_on": "%s", "decided_by": "system"}' \
        "$1" "单位$2" "$2" "${5:-110108}" "$3" "$4" "$TODAY"
}
# accept ID CREDIT SYSTEM LEVEL VERSION [PORT]: review's key sends it.
accept() {
    probe "review@110100" "${6:-$P_CERT_IN}" inbox review "$5" \
        mlps.v1.CaseAccepted "$(accepted_json "$1" "$2" "$3" "$4")"
}
# evaluate ID LEVEL SCORE HIGH MEDIUM VERDICT VERSION: evaluation's key
# sends an EvaluationConcluded.
evaluate() {
    probe "evaluation@110100" "$P_CERT_IN" inbox evaluation "$7" \
        mlps.v1.EvaluationConcluded "$(printf '{"tracking_id": "%s", "level": %s, "institution_id": "inst:xinan", "institution_name": "信安测评", "report_date": "2026-11-30", "score": %s, "high_risks": %s, "medium_risks": %s, "verdict": "%s", "round": 1}' \
            "$1" "$2" "$3" "$4" "$5" "$6")"
}
# cstatus ID FIELD: a field of the case's certificate status.
cstatus() { region_ctl cert status --case="$1" 2>/dev/null | region_field "$2" || true; }
nstatus() { region_ctl cert status "$1" 2>/dev/null | region_field "$2" || true; }
in_state() { [ "$(cstatus "$1" state)" = "$2" ]; }
# wait_cert ID STATE: until the case's certificate (or the case) is STATE.
wait_cert() {
    mlps_wait 30 in_state "$1" "$2" ||
        t_die "$1 did not reach $2 (it is: $(cstatus "$1" state) $(cstatus "$1" note))"
}
# credit BODY17: the code with its GB 32100-2015 check character.
credit() {
    python3 -c 'import sys
a = "0123456789ABCDEFGHJKLMNPQRTUWXY"
b = sys.argv[1]
c = 31 - sum(a.index(x) * pow(3, i, 31) for i, x in enumerate(b)) % 31
print(b + a[0 if c == 31 else c])' "$1"
}
csql() { mlps_sql "$1"; } # as the admin, on the cert schema's tables
keys() { echo "$W/keys/cert-sign.pub.pem"; }
verdict() { # PAYLOAD|FILE ARGS...: the first line of an offline verify
    region_ctl cert verify "$@" 2>&1 | sed -n 1p || true
}
# cert_restart [OPTION...]: the cert service again, with more options.
cert_stop() {
    local pid
    pid=$(cat "$W/cert.pid")
    kill -TERM "$pid" 2>/dev/null || true
    mlps_wait 15 mlps_exited "$pid" || kill -KILL "$pid" 2>/dev/null || true
}
cert_start() {
    # shellcheck disable=SC2046,SC2086 # options split at blanks
    region_start_one cert "$BIN/services/cert/mlps-cert" \
        --listen="$H:$P_CERT_IN" --api="$H:$P_CERT_API" \
        --peers="audit=$H:$P_AUDIT_IN" $(region_cert_sign) \
        $(region_curve cert) $CERT_BASE_OPTS "$@"
}
cert_up() { region_ctl --timeout-ms=500 cert status PING >/dev/null 2>&1 || [ $? = 1 ]; }
# audited ID NEEDLE: the case's audit events hold NEEDLE.
audited() { region_ctl audit events "$1" 2>/dev/null | grep -q -- "$2"; }
# printed ID N: N prints of the case audited.
printed() { [ "$(region_ctl audit events "$1" 2>/dev/null | grep -c 'action=certificate.printed')" = "$2" ]; }
# flip TEXT I: TEXT with its I-th character changed (within base64url).
flip() {
    local ch=${1:$2:1}
    [ "$ch" = A ] && ch=B || ch=A
    echo "${1:0:$2}$ch${1:$2+1}"
}

[ "$SCENARIO" = algorithms ] && export CERT_ALG=sm2
[ "$SCENARIO" = revocation ] &&
    CERT_OPTS="$CERT_OPTS --cert.revlist-ms=1000 --cert.revlist-file=$W/revlist.txt"
region_start || t_die "the region did not start"

case "$SCENARIO" in
issue)
    # Level 2 straight from review's acceptance, through the real services.
    a=$(submit "$EX/filing-level2.json")
    wait_cert "$a" valid
    t_expect "level 2: its number" "$(cstatus "$a" number)" 11010000001-20001
    t_expect "level 2: its level" "$(cstatus "$a" level)" 2
    t_expect "level 2: signed with the default algorithm" "$(cstatus "$a" alg)" ed25519
    t_has "the unit reads it with its proof" \
        "$(region_unit_ctl "$(secret "$a")" cert status --case="$a")" "state: valid"
    t_refused "without the proof it is not found" not_found \
        region_unit_ctl "" cert status --case="$a"
    # Level 3 waits for an evaluation; a poor report does not issue.
    b=$(submit "$EX/filing-level3.json")
    wait_cert "$b" waiting
    t_has "level 3 waits for an evaluation" "$(cstatus "$b" note)" "needs an evaluation report"
    t_has "a poor report is recorded" "$(evaluate "$b" 3 65 1 0 poor 1)" "ack: APPLIED"
    sleep 1 # (a poor report issues nothing: there is nothing to wait for)
    t_expect "after a poor report it still waits" "$(cstatus "$b" state)" waiting
    t_has "and says why" "$(cstatus "$b" note)" "is poor"
    t_has "a report whose verdict is not its score's is refused" \
        "$(evaluate "$b" 3 95 1 0 excellent 2)" "REJECTED"
    t_has "a good report" "$(evaluate "$b" 3 86 0 1 good 3)" "ack: APPLIED"
    wait_cert "$b" valid
    t_expect "level 3 after the good report: its number" "$(cstatus "$b" number)" 11010000002-30001
    # The unit's sequence is allocated once and reused for its next system.
    t_has "a second system of the first unit" \
        "$(accept 110100-20261201-90001 "$UNIT2" 预约系统二期 2 1)" "ack: APPLIED"
    wait_cert 110100-20261201-90001 valid
    t_expect "it reuses the unit's sequence" \
        "$(cstatus 110100-20261201-90001 number)" 11010000001-20002
    # A report that comes before the acceptance is kept for it.
    evaluate 110100-20261201-90002 4 92 0 0 excellent 1 >/dev/null
    accept 110100-20261201-90002 "$UNIT3" 全民健康平台二期 4 1 >/dev/null
    wait_cert 110100-20261201-90002 valid
    t_expect "a report before the acceptance counts" \
        "$(cstatus 110100-20261201-90002 number)" 11010000002-40002
    # Certificate records can be inserted and read, never changed.
    for sql in "UPDATE cert.certificates SET key_id = 'x'" \
        "DELETE FROM cert.numbers" "UPDATE cert.revocations SET reason = 'fraud'" \
        "DELETE FROM cert.revlists" "UPDATE cert.units SET unit_seq = 9"; do
        t_refused "the role may not: $sql" "permission denied" \
            mlps_psql "$(mlps_url cert_svc)" "$sql"
    done
    t_true "the role reads them" mlps_psql "$(mlps_url cert_svc)" \
        "SELECT count(*) FROM cert.certificates"
    # Every issuance is an audit event of the case.
    region_drain 30 || true
    mlps_wait 10 audited "$a" action=certificate.issued || true
    ev=$(region_ctl audit events "$a")
    for action in case.accepted number.allocated certificate.issued; do
        t_has "audited: $action" "$ev" "service=cert action=$action"
    done
    t_has "audited: the poor report" "$(region_ctl audit events "$b")" \
        "action=evaluation.recorded"
    ;;
concurrency)
    # Two replicas of the service on one schema, taking acceptances at once:
    # 8 units with 5 systems each, each unit's systems split between them.
    # shellcheck disable=SC2046,SC2086 # options split at blanks
    ROLE=cert region_start_one cert2 "$BIN/services/cert/mlps-cert" \
        --listen="$H:$((BASE + 13))" --api="$H:$((BASE + 14))" \
        --peers="audit=$H:$P_AUDIT_IN" $(region_cert_sign) \
        $(region_curve cert) $CERT_OPTS
    up2() {
        region_ctl --cert="$H:$((BASE + 14))" --timeout-ms=500 cert status PING \
            >/dev/null 2>&1 || [ $? = 1 ]
    }
    mlps_wait 30 up2 || t_die "the second replica did not come up"
    for u in 0 1 2 3 4 5 6 7; do codes[u]=$(credit "9111010800000000$u"); done
    send() { # REPLICA: its half of the 40
        local r=$1 i port
        port=$P_CERT_IN
        [ "$r" = 1 ] && port=$((BASE + 13))
        for i in $(seq 0 39); do
            [ $(((i / 8) % 2)) = "$r" ] || continue
            accept "C-$i" "${codes[i % 8]}" "系统$i" 2 1 "$port" >>"$W/sent-$r.txt"
        done
    }
    send 0 &
    s0=$!
    send 1 &
    wait "$s0" $! # (not the services: they are this shell's children too)
    t_expect "every acceptance applied" "$(cat "$W"/sent-*.txt | grep -c 'ack: APPLIED')" 40
    done_sql="SELECT (SELECT count(*) FROM cert.certificates) = 40 AND NOT EXISTS (SELECT 1 FROM cert.cases WHERE state <> 'issued')"
    mlps_wait_sql 60 "$done_sql" || t_die "the 40 certificates were not issued"
    certs=$(csql "SELECT count(*) FROM cert.certificates")
    distinct=$(csql "SELECT count(DISTINCT number) FROM cert.certificates")
    numbers=$(csql "SELECT count(*) FROM cert.numbers")
    dups=$(csql "SELECT count(*) FROM (SELECT tracking_id FROM cert.numbers GROUP BY 1 HAVING count(*) > 1) d")
    echo "concurrency: replicas=2 cases=40 certificates=$certs numbers=$numbers duplicates=$dups"
    t_expect "40 certificates" "$certs" 40
    t_expect "40 different numbers" "$distinct" 40
    t_expect "no number allocated beyond them" "$numbers" 40
    t_expect "no case with two numbers" "$dups" 0
    t_expect "each unit one sequence, 1 to 8" \
        "$(csql "SELECT count(DISTINCT unit_seq) || ' ' || max(unit_seq) FROM cert.units")" "8 8"
    t_expect "each unit's systems 1 to 5" \
        "$(csql "SELECT count(*) FROM (SELECT unit_seq FROM cert.systems GROUP BY 1 HAVING count(DISTINCT system_seq) = 5 AND max(system_seq) = 5) s")" 8
    t_true "both replicas allocated numbers" \
        bash -c "grep -q 'allocated (level' '$W/cert.log' && grep -q 'allocated (level' '$W/cert2.log'"
    ;;
fault)
    # Boulder's test: the service is killed (or fails) between each pair of
    # steps of issuing; it is restarted, and afterwards no number is used
    # twice and no certificate is missing from the records.
    settled() { # PREFIX N: the N cases of PREFIX issued
        mlps_true "SELECT count(*) = $2 FROM cert.cases WHERE tracking_id LIKE '$1-%' AND state = 'issued'"
    }
    counts() { # PREFIX: "duplicates missing"
        csql "SELECT (SELECT count(*) FROM (SELECT tracking_id FROM cert.numbers WHERE tracking_id LIKE '$1-%' GROUP BY 1 HAVING count(*) > 1) d) + (SELECT count(*) - count(DISTINCT number) FROM cert.certificates WHERE tracking_id LIKE '$1-%'), (SELECT count(*) FROM cert.numbers n WHERE tracking_id LIKE '$1-%' AND NOT EXISTS (SELECT 1 FROM cert.certificates c WHERE c.number = n.number)) + (SELECT count(*) FROM cert.cases WHERE tracking_id LIKE '$1-%' AND current_number IS NULL)" |
            tr '|' ' '
    }
    alive() { ! mlps_exited "$(cat "$W/cert.pid")"; }
    kills=0
    up_or_dead() { ! alive || cert_up; }
    keep_up() { # OPTION...: restarts a killed service (kills counted)
        while ! alive; do
            kills=$((kills + 1))
            [ "$kills" -le 100 ] || t_die "cert was killed $kills times"
            cert_start "$@"
            mlps_wait 30 up_or_dead || t_die "cert did not come back"
        done
    }
    run_step() { # STEP MODE N
        local step=$1 mode=$2 n=$3 p="F-$1-$2" i out d m
        local opts=(--cert.fail-at="$step" --cert.fail-mode="$mode" --cert.fail-every=2)
        cert_stop
        cert_start "${opts[@]}"
        mlps_wait 30 cert_up || t_die "cert did not start with cert.fail-at=$step"
        kills=0
        for i in $(seq 1 "$n"); do
            for _ in $(seq 1 50); do # a message sent while it is dead is resent
                keep_up "${opts[@]}"
                out=$(accept "$p-$i" "$(credit "9211010800000000$((i % 3))")" "系统$i" 2 1)
                case $out in "ack: APPLIED"* | "ack: DUPLICATE"*) break ;; esac
            done
        done
        for _ in $(seq 1 600); do
            settled "$p" "$n" && break
            keep_up "${opts[@]}"
            sleep 0.1
        done
        t_true "$step/$mode: all $n issued" settled "$p" "$n"
        sleep 0.3 # a kill right after the last store's commit
        alive || kills=$((kills + 1))
        read -r d m <<<"$(counts "$p")"
        if [ "$mode" = kill ]; then
            echo "fault: step=$step kills=$kills duplicates=$d missing=$m"
            t_true "$step: the switch killed it" [ "$kills" -ge 1 ]
            t_expect "$step: every death was the switch's" \
                "$(grep -c "killed at step '$step'" "$W/cert.log" || true)" "$kills"
        else
            local f
            f=$(grep -c "failing at step '$step'" "$W/cert.log" || true)
            echo "fault: step=$step mode=error failures=$f duplicates=$d missing=$m"
            t_true "$step: the switch failed it" [ "$f" -ge 1 ]
        fi
        t_expect "$step/$mode: no duplicate number" "$d" 0
        t_expect "$step/$mode: no certificate missing" "$m" 0
    }
    for step in allocated signed stored; do run_step "$step" kill 8; done
    for step in allocated signed stored; do run_step "$step" error 6; done
    t_true "the switch said so at start" grep -q "TEST SWITCH cert.fail-at" "$W/cert.log"
    cert_stop
    cert_start
    mlps_wait 30 cert_up || t_die "cert did not start without the switch"
    t_expect "numbers and certificates agree in all" \
        "$(csql "SELECT count(*) FROM cert.numbers n FULL JOIN cert.certificates c USING (number) WHERE c.number IS NULL OR n.number IS NULL")" 0
    ;;
algorithms)
    # SM2 with SM3 (CERT_ALG=sm2, set above); Ed25519 is every other
    # scenario's.
    a=$(submit "$EX/filing-level2.json")
    wait_cert "$a" valid
    t_expect "signed with SM2" "$(cstatus "$a" alg)" sm2
    t_expect "its key id is the public key's" "$(cstatus "$a" key_id)" \
        "$(openssl pkey -pubin -in "$(keys)" -outform DER | sha256sum | cut -c1-16)"
    p=$(cstatus "$a" payload)
    t_expect "valid with the SM2 public key" "$(verdict "$p" --keys "$(keys)")" "cert verify: valid"
    t_like "another SM2 user id does not verify" \
        "$(verdict "$p" --keys "$(keys)" --sm2-id=1111111111111111)" "cert verify: invalid: bad signature*"
    openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout >"$W/ed.pub.pem"
    t_like "an Ed25519 key is the wrong key" "$(verdict "$p" --keys "$W/ed.pub.pem")" \
        "cert verify: invalid: wrong key*"
    cat "$W/ed.pub.pem" "$(keys)" >"$W/both.pem"
    t_expect "a keyring of both verifies it" "$(verdict "$p" --keys "$W/both.pem")" "cert verify: valid"
    region_ctl cert pdf "$(cstatus "$a" number)" -o "$W/a.pdf" >/dev/null
    t_expect "its PDF verifies" "$(verdict "$W/a.pdf" --keys "$(keys)")" "cert verify: valid"
    region_ctl cert revocations -o "$W/rl.txt" >/dev/null
    t_true "the list is signed with SM2 too" grep -qx "alg=sm2" "$W/rl.txt"
    t_like "not revoked, as of the list" \
        "$(region_ctl cert verify "$p" --keys "$(keys)" --revocations "$W/rl.txt" | region_field reason)" \
        "valid: signed by key id * not revoked as of *"
    ;;
tamper)
    a=$(submit "$EX/filing-level2.json")
    wait_cert "$a" valid
    p=$(cstatus "$a" payload)
    k=$(keys)
    t_expect "the payload as issued" "$(verdict "$p" --keys "$k")" "cert verify: valid"
    # shellcheck disable=SC2001 # FROM is a regular expression
    alter() { echo "$p" | sed "s/$1/$2/"; } # FROM TO
    for change in ";l=2;/;l=3;" ";d=2026-12-01;/;d=2026-12-02;" \
        ";n=11010000001-20001;/;n=11010000001-20002;" \
        ";t=$a;/;t=$a-X;" ";u=$UNIT2;/;u=$UNIT3;" ";sn=[^;]*;/;sn=5Lit;"; do
        t_like "altered (${change%%/*})" "$(verdict "$(alter "${change%%/*}" "${change#*/}")" --keys "$k")" \
            "cert verify: invalid: altered field*"
    done
    s=${p##*;s=}
    t_like "another signature" \
        "$(verdict "$(alter ";s=.*" ";s=$(flip "$s" 20)")" --keys "$k")" "cert verify: invalid: bad signature*"
    h=${p#*;h=}
    h=${h%%;*}
    t_like "another digest" "$(verdict "$(alter ";h=[^;]*" ";h=$(flip "$h" 5)")" --keys "$k")" \
        "cert verify: invalid: bad signature*"
    t_like "another key id" "$(verdict "$(alter ";k=[^;]*" ";k=0123456789abcdef")" --keys "$k")" \
        "cert verify: invalid: wrong key*"
    t_like "a part missing" "$(verdict "$(alter ";a=ed25519" "")" --keys "$k")" \
        "cert verify: invalid: malformed payload*"
    t_like "a name not base64url" "$(verdict "$(alter ";un=" ";un=*")" --keys "$k")" \
        "cert verify: invalid: malformed payload*part \"un\"*"
    # The PDF's own copy of the payload (its metadata), altered in place.
    region_ctl cert pdf "$(cstatus "$a" number)" -o "$W/a.pdf" >/dev/null
    t_expect "the PDF as rendered" "$(verdict "$W/a.pdf" --keys "$k")" "cert verify: valid"
    LC_ALL=C sed 's/;l=2;d=/;l=4;d=/' "$W/a.pdf" >"$W/b.pdf"
    t_true "(the copy was altered)" bash -c "! cmp -s '$W/a.pdf' '$W/b.pdf'"
    t_like "the PDF altered" "$(verdict "$W/b.pdf" --keys "$k")" "cert verify: invalid: altered field*"
    region_ctl cert revocations -o "$W/rl.txt" >/dev/null
    sed 's/^as_of=2026/as_of=2025/' "$W/rl.txt" >"$W/rl-bad.txt"
    t_refused "an altered revocation list is refused" "signature" \
        region_ctl cert verify "$p" --keys "$k" --revocations "$W/rl-bad.txt"
    ;;
revocation)
    a=$(submit "$EX/filing-level2.json")
    for i in 1 2; do accept "110100-20261201-9100$i" "$UNIT2" "系统$i" 2 1 >/dev/null; done
    for id in "$a" 110100-20261201-91001 110100-20261201-91002; do wait_cert "$id" valid; done
    n1=$(cstatus "$a" number) n2=$(cstatus 110100-20261201-91001 number)
    n3=$(cstatus 110100-20261201-91002 number)
    p1=$(cstatus "$a" payload) p2=$(cstatus 110100-20261201-91001 payload)
    reg() { region_as staff:wang "$@"; } # the registrar
    t_has "revoked with a reason" "$(reg cert revoke "$n1" fraud --note="伪造材料")" \
        "cert revoke: $n1 revoked (fraud) on 2026-12-01"
    t_has "again: nothing changes" "$(reg cert revoke "$n1" fraud)" \
        "cert revoke: $n1 was revoked before (fraud) on 2026-12-01"
    t_has "again with another reason: the first stands" "$(reg cert revoke "$n1" withdrawn)" \
        "was revoked before (fraud)"
    t_refused "superseded only with a reissue" "superseded comes with a reissue" \
        reg cert revoke "$n2" superseded
    t_refused "an unknown reason" "must be regraded, withdrawn, fraud or decommissioned" \
        reg cert revoke "$n2" lost
    t_expect "one revocation recorded" "$(csql "SELECT count(*) FROM cert.revocations")" 1
    region_ctl cert revocations -o "$W/rl.txt" >/dev/null
    t_like "revoked, as of the list" "$(verdict "$p1" --keys "$(keys)" --revocations "$W/rl.txt")" \
        "cert verify: revoked (fraud, 2026-12-01, as of 2026-1[12]-*)"
    t_expect "another certificate is not on it" \
        "$(verdict "$p2" --keys "$(keys)" --revocations "$W/rl.txt")" "cert verify: valid"
    t_refused "a revoked certificate is not printed" "is revoked" \
        region_ctl cert pdf "$n1" -o "$W/x.pdf"
    # Published with every revocation and on the schedule (1 s here), and
    # written to cert.revlist-file.
    as1=$(sed -n 's/^as_of=//p' "$W/rl.txt")
    sleep 2.2
    region_ctl cert revocations -o "$W/rl2.txt" >/dev/null
    t_true "a newer list on the schedule" [ "$(sed -n 's/^as_of=//p' "$W/rl2.txt")" \> "$as1" ]
    on_file() { [ "$(grep -c '^revoked=' "$W/revlist.txt" 2>/dev/null)" = "$1" ]; }
    t_eventually "the file holds the latest list" 10 on_file 1
    # Reissue at the same level: a new number, the old superseded by it.
    out=$(reg cert reissue "$n2" --note="单位名称变更")
    n4=$(echo "$out" | sed -n 's/^cert reissue: .* -> \([^ ]*\) .*/\1/p')
    t_like "reissued" "$out" "cert reissue: $n2 -> * (level 2, valid)*"
    t_expect "the old one superseded" "$(nstatus "$n2" revoked_reason)" superseded
    t_expect "... by the new one" "$(nstatus "$n2" superseded_by)" "$n4"
    t_expect "the case's certificate is the new one" "$(cstatus 110100-20261201-91001 number)" "$n4"
    t_hasnt "a number never made before" " $n1 $n2 $n3 " " $n4 "
    # Reissue at a level that needs an evaluation: the old one regraded now.
    t_has "reissued at level 3: it waits" "$(reg cert reissue "$n4" --level=3)" \
        "cert reissue: $n4 revoked; level 3 waiting"
    t_expect "the old one regraded" "$(nstatus "$n4" revoked_reason)" regraded
    # A regrade from review: the new acceptance at level 3, with its report.
    evaluate 110100-20261201-91002 3 81 0 2 good 1 >/dev/null
    accept 110100-20261201-91002 "$UNIT2" "系统2" 3 2 >/dev/null
    at_level() { [ "$(cstatus "$1" level)" = "$2" ] && in_state "$1" valid; }
    mlps_wait 30 at_level 110100-20261201-91002 3 ||
        t_fail "the regrade was not issued at level 3"
    n5=$(cstatus 110100-20261201-91002 number)
    t_expect "regraded: the new number keeps the system, with the level digit" \
        "$n5" "${n3%-*}-3${n3#*-2}"
    t_expect "the old one superseded by it" "$(nstatus "$n3" superseded_by)" "$n5"
    region_ctl cert revocations -o "$W/rl3.txt" >/dev/null
    t_expect "four on the list" "$(grep -c '^revoked=' "$W/rl3.txt")" 4
    t_has "re-revoking a superseded one changes nothing" \
        "$(reg cert revoke "$n3" withdrawn)" "was revoked before (superseded)"
    ;;
pdf)
    a=$(submit "$EX/filing-level2.json")
    wait_cert "$a" valid
    n=$(cstatus "$a" number)
    t_has "rendered" "$(region_ctl cert pdf "$n" -o "$W/a.pdf")" "cert pdf: $n -> $W/a.pdf"
    region_ctl cert pdf "$n" -o "$W/b.pdf" >/dev/null
    t_true "the same bytes each time" cmp -s "$W/a.pdf" "$W/b.pdf"
    t_has "one A4 page" "$(pdfinfo "$W/a.pdf")" "595.276 x 841.89 pts (A4)"
    t_true "every font embedded" bash -c "pdffonts '$W/a.pdf' | tail -n +3 | awk '{ if (\$(NF-4) != \"yes\") bad = 1 } END { exit bad }'"
    t_has "in Noto Sans CJK SC" "$(pdffonts "$W/a.pdf")" "NotoSansCJKsc"
    text=$(pdftotext "$W/a.pdf" - 2>/dev/null)
    for want in 信息系统安全等级保护备案证明 "$n" 第二级 2026年12月1日 海淀区政务服务预约系统; do
        t_has "the page says $want" "$text" "$want"
    done
    pdftoppm -r 150 -png -singlefile "$W/a.pdf" "$W/page"
    scanned=$(zbarimg -q --raw "$W/page.png" 2>/dev/null | tr -d '\n')
    t_expect "the QR code scanned is the payload" "$scanned" "$(cstatus "$a" payload)"
    t_expect "the scanned payload verifies" "$(verdict "$scanned" --keys "$(keys)")" "cert verify: valid"
    t_expect "the PDF file verifies" "$(verdict "$W/a.pdf" --keys "$(keys)")" "cert verify: valid"
    t_refused "no PDF of a number never issued" not_found \
        region_ctl cert pdf 11010099999-29999 -o "$W/x.pdf"
    region_drain 30 || true
    t_eventually "each print is audited" 10 printed "$a" 2
    # The PDF is drawn by mlps-cert-render, a process a print: the service
    # itself never maps the drawing and font libraries.
    pid=$(cat "$W/cert.pid")
    t_expect "the service maps no Cairo, Pango or fontconfig after printing" \
        "$(grep -cE 'libcairo|libpango|libfontconfig' "/proc/$pid/maps" || true)" 0
    t_refused "a missing renderer is refused at start, named" \
        "cert.renderer: '$W/no-such-renderer' is not an executable file" \
        "$BIN/services/cert/mlps-cert" --db.url="$(mlps_url cert_svc)" --curve.dev-plain \
        --peers="audit=tcp://127.0.0.1:1" --cert.sign-key-file="$W/keys/cert-sign.pem" \
        --cert.renderer="$W/no-such-renderer"
    # The renderer alone: a payload that is not one is refused, named.
    t_refused "the renderer refuses a bad payload" "payload" \
        bash -c "echo 'MLPSC1;n=x' | '$BIN/services/cert/mlps-cert-render'"
    t_expect "the renderer alone draws the same page" \
        "$(cstatus "$a" payload | "$BIN/services/cert/mlps-cert-render" | cmp -s - "$W/a.pdf" && echo same)" same
    # A service that rendered stops cleanly.
    rc=0
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    t_expect "after rendering it exits cleanly" "$rc" 0
    ;;
refusals)
    a=$(submit "$EX/filing-level2.json")
    wait_cert "$a" valid
    n=$(cstatus "$a" number)
    expert=expert:$(grep -o '"id": *[0-9]*' "$EXPERTS" | head -1 | grep -o '[0-9]*$')
    t_refused "an expert may not revoke" forbidden region_as "$expert" cert revoke "$n" fraud
    t_refused "staff without the registrar role may not" 'no role "registrar"' \
        region_as staff:qian cert revoke "$n" fraud
    t_refused "the reviewer may not reissue" 'no role "registrar"' \
        region_ctl cert reissue "$n"
    t_refused "a district's registrar does not see the city's" not_found \
        region_as staff:zhou cert revoke "$n" fraud
    t_refused "... nor reads it" not_found region_as staff:zhou cert status "$n"
    t_refused "an institution may not read a certificate" forbidden \
        region_as inst:xinan cert status "$n"
    t_true "an institution may fetch the revocation list" \
        region_as inst:xinan cert revocations -o "$W/rl.txt"
    t_refused "another unit's key does not see it" not_found \
        region_as "unit:$UNIT3" cert status "$n"
    t_has "its own unit's key does" "$(region_as "unit:$UNIT2" cert status "$n")" "state: valid"
    t_refused "the gateway without the proof" not_found region_unit_ctl "" cert pdf "$n" -o "$W/x.pdf"
    t_refused "the gateway with a wrong proof" not_found region_unit_ctl 0123 cert status "$n"
    t_has "the gateway with the proof prints it" \
        "$(region_unit_ctl "$(secret "$a")" cert pdf "$n" -o "$W/a.pdf")" "cert pdf: $n"
    ca=$(accepted_json 110100-20261201-99001 "$UNIT2" 伪造 2)
    t_has "an acceptance with intake's key" \
        "$(probe "intake@110100" "$P_CERT_IN" inbox intake 1 mlps.v1.CaseAccepted "$ca")" \
        "REJECTED reason=\"intake@110100\" (kind service) may not send mlps.v1.CaseAccepted"
    t_has "an evaluation report with review's key" \
        "$(probe "review@110100" "$P_CERT_IN" inbox review 1 mlps.v1.EvaluationConcluded \
            '{"tracking_id": "110100-20261201-99001", "level": 3, "institution_id": "x", "report_date": "2026-11-30", "score": 90, "verdict": "excellent", "round": 1}')" \
        "may not send mlps.v1.EvaluationConcluded"
    t_has "evaluation's key claiming to be review" \
        "$(probe "evaluation@110100" "$P_CERT_IN" inbox review 1 mlps.v1.CaseAccepted "$ca")" \
        "REJECTED"
    t_has "a correlation id that is not the case" \
        "$(probe "review@110100" "$P_CERT_IN" inbox review 1 mlps.v1.CaseAccepted "$ca" --corr=OTHER)" \
        "differs from the envelope's correlation id"
    t_has "a level that does not exist" \
        "$(probe "review@110100" "$P_CERT_IN" inbox review 1 mlps.v1.CaseAccepted "$(accepted_json 110100-20261201-99002 "$UNIT2" x 7)")" \
        "REJECTED reason=field level"
    t_has "a credit code with a wrong check character" \
        "$(probe "review@110100" "$P_CERT_IN" inbox review 1 mlps.v1.CaseAccepted "$(accepted_json 110100-20261201-99003 11110108000027385B x 2)")" \
        "REJECTED reason=field unit_credit_code"
    "$MLPS_KEYGEN" "$W/keys/stranger.key" >/dev/null
    t_has "a stranger's key is let in nowhere" \
        "$(probe stranger "$P_CERT_API" api client 0 mlps.v1.CertRevocationsRequest '{}')" "reply: none"
    t_has "a plain client gets nothing" \
        "$(mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=700 plain "$H:$P_CERT_API" || true)" "plain: no answer"
    t_expect "nothing forged was recorded" \
        "$(csql "SELECT count(*) FROM cert.cases WHERE tracking_id LIKE '110100-20261201-99%'")" 0
    t_expect "the certificate still stands" "$(nstatus "$n" state)" valid
    # A committed example key is refused at start (the audit key the
    # project once committed, whose fingerprint common/src/secret.c keeps).
    cat >"$W/audit_sign.pem.example" <<'PEM'
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINV6/UBh22BRL1Hc2JUHrEttm+M/2mVEdn8dQ0qDpoD8
-----END PRIVATE KEY-----
PEM
    t_refused "the committed example signing key is refused" \
        "is the committed example 'audit_sign.pem.example'" \
        "$BIN/services/cert/mlps-cert" --db.url="$(mlps_url cert_svc)" --curve.dev-plain \
        --peers="audit=tcp://127.0.0.1:1" \
        --cert.sign-key-file="$W/audit_sign.pem.example"
    ;;
demo)
    # The region's story (deploy/lib/demo-cert.sh), as the region calls it.
    # (one after the other: the unit sequences go by the order the
    # acceptances reach the service)
    a=$(submit "$EX/filing-level2.json")
    wait_cert "$a" valid
    b=$(submit "$EX/filing-level3.json")
    wait_cert "$b" waiting
    evaluate "$b" 3 88 0 0 good 1 >/dev/null
    out=$(demo_cert --wait=30 "$a" "$b") || t_fail "demo_cert returned $?"
    # shellcheck disable=SC2001 # every line indented
    echo "$out" | sed 's/^/   /'
    t_has "it prints the level-2 certificate" "$out" "certificate: $a 11010000001-20001 level 2 (valid)"
    t_has "it prints the level-3 certificate" "$out" "certificate: $b 11010000002-30001 level 3 (valid)"
    t_has "the scanned QR verifies" "$out" $'\ncert verify: valid\n'
    t_like "after the revocation it says so" "$(echo "$out" | tail -1)" \
        "cert verify: revoked (withdrawn, 2026-12-01, as of *)"
    t_true "the PDF is kept" [ -s "$W/cert/11010000001-20001.pdf" ]
    ;;
esac

t_true "no sanitizer report" mlps_sanitizer_clean
t_done
ok=1
