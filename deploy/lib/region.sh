# region.sh - start and stop one office's services on this machine (sourced).
#
# Needs: ROOT (project root), BIN (build dir), W (work dir). Optional:
# BASE (first port, default 7100), TODAY (pin the date, YYYY-MM-DD),
# OFFICE (default 110100, the municipal office), EXTRA (extra options for
# every service), REVIEW_OPTS, PANEL_OPTS, EVAL_OPTS, EVAL_PEERS (more
# peers of the evaluation service), INSTITUTIONS (the institutions file
# whose ids get inst:ID keys), CERT_OPTS, CERT_ALG (the certificate
# signing key's algorithm: ed25519, the default, or sm2).
#
# Ports, from BASE: intake api +1; review api +2, inbox +3; panel api +4,
# inbox +5; audit api +6, inbox +7; intake inbox +8; evaluation api +9,
# inbox +10; cert api +11, inbox +12; districts from +20 (districts.sh).
# BASE+1 .. BASE+49 belong to a region.
#
# Every socket is CURVE, as in docker-compose.yml: each service, the
# office's desk (office:OFFICE), a reviewer (staff:li), a registrar
# (staff:wang, who revokes and reissues certificates), the web front end
# (gateway "web") and each expert in EXPERTS gets a key made here with
# mlps-keygen, and one key registry ($W/keys/registry) says who is who.
# mlpsctl runs as the reviewer unless told otherwise (region_as IDENTITY,
# region_expert_ctl ID, region_unit_ctl SECRET for a unit through the web
# gateway with its proof). The office hierarchy is deploy/region's
# (HIERARCHY).
#
# The cluster, SQL and waits are deploy/lib/mlps.sh's (mlps_*): the
# cluster lives in $W/pg, so mlps_sql reaches this region's database; every
# role, the admin's and each service's, logs in with a password made for
# this cluster ($W/pg/pgpass).
# shellcheck shell=bash
# shellcheck source=mlps.sh
. "$(dirname "${BASH_SOURCE[0]}")/mlps.sh"

region_ports() {
    BASE=${BASE:-7100}
    P_INTAKE_API=$((BASE + 1))
    P_REVIEW_API=$((BASE + 2))
    P_REVIEW_IN=$((BASE + 3))
    P_PANEL_API=$((BASE + 4))
    P_PANEL_IN=$((BASE + 5))
    P_AUDIT_API=$((BASE + 6))
    P_AUDIT_IN=$((BASE + 7))
    P_INTAKE_IN=$((BASE + 8))
    P_EVAL_API=$((BASE + 9))
    P_EVAL_IN=$((BASE + 10))
    P_CERT_API=$((BASE + 11))
    P_CERT_IN=$((BASE + 12))
    local h=tcp://127.0.0.1
    export MLPS_INTAKE="$h:$P_INTAKE_API" MLPS_REVIEW="$h:$P_REVIEW_API"
    export MLPS_PANEL="$h:$P_PANEL_API" MLPS_AUDIT="$h:$P_AUDIT_API"
    export MLPS_EVALUATION="$h:$P_EVAL_API" MLPS_CERT="$h:$P_CERT_API"
    export MLPS_REGISTRY="$W/keys/registry" MLPS_OFFICE="${OFFICE:-110100}"
    export MLPS_KEY_FILE="$W/keys/staff:li.key" # mlpsctl: the reviewer
}

# region_ctl ARGS...: mlpsctl (as the reviewer staff:li).
region_ctl() { "$BIN/services/mlpsctl/mlpsctl" "$@"; }
# region_as IDENTITY ARGS...: mlpsctl with IDENTITY's key.
region_as() {
    local id=$1
    shift
    MLPS_KEY_FILE="$W/keys/$id.key" region_ctl "$@"
}
# region_expert_ctl ID ARGS...: mlpsctl with expert ID's key.
region_expert_ctl() {
    local id=$1
    shift
    region_as "expert:$id" "$@"
}
# region_unit_ctl SECRET ARGS...: mlpsctl as a unit, through the web
# gateway, proving itself with its filing's SECRET (none: "").
region_unit_ctl() {
    local secret=$1
    shift
    MLPS_UNIT_SECRET="$secret" region_as web "$@"
}
# region_field NAME: the value of the first "NAME: value" line on stdin.
region_field() { sed -n "s/^$1: //p" | head -1; }
# region_state ID / region_panel_state ID: case ID's state as review / the
# panel show it (empty when it cannot be had).
region_state() { region_ctl status "$1" 2>/dev/null | region_field state || true; }
region_panel_state() {
    region_ctl panel show "$1" 2>/dev/null | region_field state || true
}
# region_wait_state SECONDS ID STATE...: until review shows case ID in one
# of the STATEs; else says where it is and returns 1.
# region_wait_panel SECONDS ID STATE: the same for the panel's view.
region_wait_state() { region__wait region_state "$@"; }
region_wait_panel() { region__wait region_panel_state "$@"; }
region__wait() { # GETTER SECONDS ID STATE...
    local get=$1 secs=$2 id=$3
    shift 3
    mlps_wait "$secs" region__in "$get" "$id" "$@" && return 0
    echo "region: $id did not reach ${*} in $secs s (${get#region_}:" \
        "$("$get" "$id" | grep . || echo none))" >&2
    return 1
}
region__in() { # GETTER ID STATE...: the case is in one of the states
    local s want
    s=$("$1" "$2")
    shift 2
    for want in "$@"; do [ "$s" = "$want" ] && return 0; done
    return 1
}

# region_start_one NAME BINARY ARGS...: starts a service, logs to $W/NAME.log
# and its pid to $W/NAME.pid. It migrates its schema as the admin, sets its
# role ROLE_svc's password (ROLE: default NAME; made once per cluster,
# mlps_pg_password) and logs in with it, to the database MLPS_DB (default
# mlps), as office OFFICE.
region_start_one() {
    local name=$1 bin=$2 extra
    shift 2
    read -ra extra <<<"${EXTRA:-}" # options, split at blanks
    "$bin" --db.url="$(mlps_url "${ROLE:-$name}_svc")" \
        --db.admin-url="$(mlps_url mlps_admin)" \
        --db.svc-password-file="$(mlps_pg_password "${ROLE:-$name}_svc")" \
        --office="${OFFICE:-110100}" ${TODAY:+--clock.today="$TODAY"} \
        "${extra[@]}" "$@" >>"$W/$name.log" 2>&1 &
    echo $! >"$W/$name.pid"
}

# The region's identities and their keys, and the registry (mlps_ident).
region_keys() {
    local k="$W/keys" o=${OFFICE:-110100} s id
    export MLPS_KEYGEN=${MLPS_KEYGEN:-$BIN/services/mlpsctl/mlps-keygen}
    for s in intake review panel audit evaluation cert; do
        mlps_ident "$k" "$s@$o" service "$o"
    done
    mlps_ident "$k" "office:$o" office "$o"
    mlps_ident "$k" staff:li staff "$o" reviewer
    mlps_ident "$k" staff:wang staff "$o" registrar # revokes, reissues
    mlps_ident "$k" web gateway "$o"
    # More identities (a test's): "IDENTITY KIND OFFICE [ROLES]", one a line.
    while read -r id s o2 r; do
        [ -n "$id" ] && mlps_ident "$k" "$id" "$s" "$o2" "$r"
    done <<<"${REGION_IDENTS:-}"
    while read -r id; do
        mlps_ident "$k" "expert:$id" expert "$o"
    done < <(grep -o '"id": *[0-9]*' "$(region_experts)" | grep -o '[0-9]*$')
    while read -r id; do
        mlps_ident "$k" "inst:$id" institution "$o"
    done < <(grep -o '"id": *"[a-z0-9_-]*"' "$(region_institutions)" |
        sed 's/.*"\([a-z0-9_-]*\)"$/\1/')
}
region_experts() { echo "${EXPERTS:-$ROOT/deploy/region/experts.json}"; }
region_institutions() {
    echo "${INSTITUTIONS:-$ROOT/deploy/region/institutions.json}"
}
region_hierarchy() { echo "${HIERARCHY:-$ROOT/deploy/region/hierarchy.json}"; }
# region_curve SERVICE: the options every service runs with: its key, the
# registry, the hierarchy.
region_curve() {
    echo "--curve.secret-key-file=$W/keys/$1@${OFFICE:-110100}.key" \
        "--curve.registry=$W/keys/registry" \
        "--office.hierarchy=$(region_hierarchy)"
}

# The audit chain's signing key (Ed25519, PEM), made with openssl once: each
# office signs its own chain (the municipal office's is audit-sign.pem, a
# district's audit-sign-CODE.pem, each with its signer's state beside it).
region_audit_sign() {
    local o=${OFFICE:-110100} n=audit-sign
    [ "$o" = 110100 ] || n=audit-sign-$o
    local k="$W/keys/$n.pem"
    mkdir -p "$W/keys"
    [ -f "$k" ] || openssl genpkey -algorithm ed25519 -out "$k" 2>/dev/null
    [ -f "$W/keys/$n.pub.pem" ] ||
        openssl pkey -in "$k" -pubout -out "$W/keys/$n.pub.pem"
    echo "--audit.sign-key-file=$k" \
        "--audit.checkpoint-ms=${AUDIT_CHECKPOINT_MS:-500}"
}
# The certificate service's signing key (PEM, $CERT_ALG: ed25519 or sm2),
# made with openssl once, and its public half (what verifiers are given:
# $W/keys/cert-sign.pub.pem).
region_cert_sign() {
    local k="$W/keys/cert-sign.pem"
    mkdir -p "$W/keys"
    [ -f "$k" ] ||
        openssl genpkey -algorithm "${CERT_ALG:-ed25519}" -out "$k" 2>/dev/null
    [ -f "$W/keys/cert-sign.pub.pem" ] ||
        openssl pkey -in "$k" -pubout -out "$W/keys/cert-sign.pub.pem"
    echo "--cert.sign-key-file=$k"
}
# The option helpers and REVIEW_OPTS, PANEL_OPTS, CERT_OPTS print options to
# split at blanks.
# shellcheck disable=SC2046,SC2086
region_start() {
    region_ports
    mkdir -p "$W"
    region_keys
    mlps_pg_start
    local h=tcp://127.0.0.1
    local audit="audit=$h:$P_AUDIT_IN"
    region_start_one audit "$BIN/services/audit/mlps-audit" \
        --listen="$h:$P_AUDIT_IN" --api="$h:$P_AUDIT_API" $(region_audit_sign) \
        $(region_curve audit)
    region_start_one review "$BIN/services/review/mlps-review" \
        --listen="$h:$P_REVIEW_IN" --api="$h:$P_REVIEW_API" \
        --peers="panel=$h:$P_PANEL_IN;intake=$h:$P_INTAKE_IN;evaluation=$h:$P_EVAL_IN;cert=$h:$P_CERT_IN;$audit" \
        --review.calendar="$ROOT/common/domain/calendar/cn-2026.txt" \
        $(region_curve review) ${REVIEW_OPTS:-}
    region_start_one panel "$BIN/services/panel/mlps-panel" \
        --listen="$h:$P_PANEL_IN" --api="$h:$P_PANEL_API" \
        --peers="review=$h:$P_REVIEW_IN;$audit" \
        --panel.experts="$(region_experts)" \
        $(region_curve panel) ${PANEL_OPTS:-}
    region_start_one intake "$BIN/services/intake/mlps-intake" \
        --api="$h:$P_INTAKE_API" --listen="$h:$P_INTAKE_IN" \
        --peers="review=$h:$P_REVIEW_IN;$audit${INTAKE_PEERS:+;$INTAKE_PEERS}" \
        $(region_curve intake) ${INTAKE_OPTS:-}
    region_start_one evaluation "$BIN/services/evaluation/mlps-evaluation" \
        --listen="$h:$P_EVAL_IN" --api="$h:$P_EVAL_API" \
        --peers="cert=$h:$P_CERT_IN;$audit${EVAL_PEERS:+;$EVAL_PEERS}" \
        $(region_curve evaluation) ${EVAL_OPTS:-}
    region_wanted cert && region_start_one cert "$BIN/services/cert/mlps-cert" \
        --listen="$h:$P_CERT_IN" --api="$h:$P_CERT_API" --peers="$audit" \
        $(region_cert_sign) $(region_curve cert) ${CERT_OPTS:-}
    region_wait_up
}

# Until every API answers (a lookup of a case that does not exist), or a
# service exits (then its log's tail, and 1).
region_wait_up() {
    local dead
    mlps_wait 60 region__settled || {
        echo "region: services did not come up" >&2
        return 1
    }
    dead=$(region__dead) || return 0
    echo "region: $dead exited; see $W/$dead.log" >&2
    tail -5 "$W/$dead.log" >&2
    return 1
}
region__settled() { region__dead >/dev/null || region__answer; }
region__dead() { # prints the first service not running
    local s
    for s in intake review panel audit evaluation cert; do
        region_wanted "$s" || continue
        mlps_exited "$(cat "$W/$s.pid")" && { echo "$s"; return 0; }
    done
    return 1
}
region__answer() { # every API answers (0, or 1: no such case)
    local c=(region_ctl --timeout-ms=500)
    "${c[@]}" status PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    "${c[@]}" panel show PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    "${c[@]}" audit events PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    "${c[@]}" evaluation status PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    if region_wanted cert; then
        "${c[@]}" cert status PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    fi
}
# region_wanted NAME: whether region_start runs service NAME; a test that
# stands something else in for it names it in REGION_WITHOUT ("cert").
region_wanted() { case " ${REGION_WITHOUT:-} " in *" $1 "*) return 1 ;; esac; }

# region_drain [SECONDS]: until nothing is waiting in any outbox (every
# message delivered or failed); default 60 s.
region_drain() {
    local s w=()
    for s in intake review panel evaluation cert; do
        region_wanted "$s" && w+=("$s")
    done
    mlps_wait_drained "${1:-60}" "${w[@]}"
}

# Stops everything started here (every $W/*.pid: the services, a
# district's, a link's relays), then the cluster.
region_stop() {
    local f pid
    for f in "$W"/*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        case $f in */link-*) pkill -KILL -P "$pid" 2>/dev/null || true ;; esac
        kill -TERM "$pid" 2>/dev/null || true
    done
    for f in "$W"/*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        MLPS_POLL=0.1 mlps_wait 10 mlps_exited "$pid" ||
            kill -9 "$pid" 2>/dev/null || true
        rm -f "$f"
    done
    mlps_pg_stop 2>/dev/null || true
}

# region_trust_table A C SECRET: every socket of the region tried with a
# plain client, and each forged message of the security review tried
# against the real services (A, C: cases of the run; SECRET: A's proof).
# One line each: "trust: socket=NAME CURVE|PLAIN", "trust: forged=WHAT ->
# refused (HOW)" or "-> ACCEPTED".
region_trust_table() {
    local a=$1 c=$2 secret=$3 s name port r rc
    local h=tcp://127.0.0.1
    for s in "intake.api $P_INTAKE_API" "intake.inbox $P_INTAKE_IN" \
        "review.api $P_REVIEW_API" \
        "review.inbox $P_REVIEW_IN" "panel.api $P_PANEL_API" \
        "panel.inbox $P_PANEL_IN" "audit.api $P_AUDIT_API" \
        "audit.inbox $P_AUDIT_IN" "evaluation.api $P_EVAL_API" \
        "evaluation.inbox $P_EVAL_IN" "cert.api $P_CERT_API" \
        "cert.inbox $P_CERT_IN"; do
        read -r name port <<<"$s"
        rc=0
        r=$(mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=700 plain "$h:$port") || rc=$?
        if [ $rc = 124 ]; then
            echo "trust: socket=$name not tried: the probe hung"
        elif [ "$r" = "plain: no answer" ]; then
            echo "trust: socket=$name CURVE (a plain client gets nothing)"
        else
            echo "trust: socket=$name PLAIN"
        fi
    done
    [ -f "$W/keys/stranger.key" ] ||
        "$MLPS_KEYGEN" "$W/keys/stranger.key" >"$W/keys/stranger.pub"
    local o=${OFFICE:-110100} ev expert
    expert=expert:$(grep -o '"id": *[0-9]*' "$(region_experts)" | head -1 |
        grep -o '[0-9]*$')
    ev="{\"service\": \"review\", \"actor\": \"system\", \"action\": \"case.decided\", \"case_id\": \"$a\", \"outcome\": \"A\", \"at_us\": 1700000000000000, \"office\": \"$o\"}"
    region__forge "an AuditEvent from a stranger's key" \
        stranger audit "$P_AUDIT_IN" inbox intake mlps.v1.AuditEvent "$ev"
    region__forge "an AuditEvent naming review, with intake's key" \
        "intake@$o" audit "$P_AUDIT_IN" inbox intake mlps.v1.AuditEvent "$ev"
    region__forge "a PanelWithdrawal with intake's key" \
        "intake@$o" panel "$P_PANEL_IN" inbox intake mlps.v1.PanelWithdrawal \
        "{\"tracking_id\": \"$c\", \"reason\": \"forged\"}"
    OFFICE_CLAIM=110108 region__forge \
        "a FilingReceived from intake's key claiming another office" \
        "intake@$o" review "$P_REVIEW_IN" inbox intake mlps.v1.FilingReceived \
        "{\"tracking_id\": \"$o-FORGED\", \"received_on\": \"2026-12-01\"}"
    region__forge "a CaseDecided to intake with the panel's key" \
        "panel@$o" intake "$P_INTAKE_IN" inbox review mlps.v1.CaseDecided \
        "{\"tracking_id\": \"$a\", \"state\": \"accepted\", \"outcome\": \"A\"}"
    region__forge "a PanelDecision to review from an expert's key" \
        "$expert" review "$P_REVIEW_IN" inbox panel mlps.v1.PanelDecision \
        "{\"tracking_id\": \"$c\", \"verdict\": \"confirm\", \"level\": 2}"
    # The proof with its last character changed (to 0, or to 1 when it
    # is 0 already: then it would be the proof itself).
    local wrong=${secret%?}0
    [ "$wrong" != "$secret" ] || wrong=${secret%?}1
    region__forge "a StatusRequest with another unit's proof wrong" \
        web review "$P_REVIEW_API" api client mlps.v1.StatusRequest \
        "{\"tracking_id\": \"$a\", \"unit_secret\": \"$wrong\"}"
    region__forge "an InsistRequest with no proof" \
        web intake "$P_INTAKE_API" api client mlps.v1.InsistRequest \
        "{\"tracking_id\": \"$c\", \"statement\": \"forged\"}"
    region__forge "a review decision from an expert's key" \
        "$expert" review "$P_REVIEW_API" api client \
        mlps.v1.ReviewDecideRequest "{\"tracking_id\": \"$a\", \"outcome\": \"C\"}"
    ACTING=$expert region__forge \
        "acting for a person from a key that is no gateway" \
        staff:li panel "$P_PANEL_API" api client mlps.v1.PanelShowRequest \
        "{\"tracking_id\": \"$c\"}"
}
# region__forge WHAT KEY SERVICE PORT inbox|api SOURCE TYPE JSON
region__forge() {
    local what=$1 key=$2 svc=$3 port=$4 kind=$5 src=$6 type=$7 json=$8 out
    local rc=0
    out=$(mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=1500 \
        --key="$W/keys/$key.key" --registry="$W/keys/registry" \
        --server="$svc@${OFFICE:-110100}" --source="$src" \
        --office="${OFFICE_CLAIM:-${OFFICE:-110100}}" \
        ${ACTING:+--acting-for="$ACTING"} \
        "$kind" "tcp://127.0.0.1:$port" "$type" "$json" 2>&1) || rc=$?
    # 2: the probe could not try; 124: it hung and was killed.
    if [ $rc = 2 ] || [ $rc = 124 ]; then out="PROBE-ERROR $out"; fi
    case "$out" in
    PROBE-ERROR*)
        echo "trust: forged=$what -> not tried: ${out#PROBE-ERROR }" ;;
    "ack: none"* | "reply: none"*)
        echo "trust: forged=$what -> refused (no answer: the key is let in nowhere)" ;;
    "ack: REJECTED"*)
        echo "trust: forged=$what -> refused (${out#ack: })" ;;
    *"problem: not_found"* | *"problem: forbidden"*)
        echo "trust: forged=$what -> refused ($(echo "$out" | grep '^problem:' | head -1))" ;;
    *)
        echo "trust: forged=$what -> ACCEPTED: $out" ;;
    esac
}
