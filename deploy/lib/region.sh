# region.sh - start and stop one office's services on this machine (sourced).
#
# Needs: ROOT (project root), BIN (build dir), W (work dir). Optional:
# BASE (first port, default 7100), TODAY (pin the date, YYYY-MM-DD),
# OFFICE (default 110100, the municipal office), EXTRA (extra options for
# every service), REVIEW_OPTS, PANEL_OPTS.
#
# Ports, from BASE: intake api +1; review api +101, inbox +102;
# panel api +201, inbox +202; audit api +301, inbox +302.
#
# As in docker-compose.yml, review's inbox is a CURVE server with a ZAP
# allow-list (the link district offices use): intake and panel reach it
# with keys made here by mlps-keygen. The panel's API is a CURVE server
# too: each expert in EXPERTS has a key (identity expert:ID), the office
# staff one more (identity = the office code); mlpsctl uses the staff key
# unless told otherwise (region_expert_ctl). REGION_CURVE=0 turns this off.
#
# The cluster, SQL and waits are deploy/lib/mlps.sh's (mlps_*): the
# cluster lives in $W/pg, so mlps_sql reaches this region's database.
# shellcheck shell=bash
# shellcheck source=mlps.sh
. "$(dirname "${BASH_SOURCE[0]}")/mlps.sh"

region_ports() {
    BASE=${BASE:-7100}
    P_INTAKE_API=$((BASE + 1))
    P_REVIEW_API=$((BASE + 101))
    P_REVIEW_IN=$((BASE + 102))
    P_PANEL_API=$((BASE + 201))
    P_PANEL_IN=$((BASE + 202))
    P_AUDIT_API=$((BASE + 301))
    P_AUDIT_IN=$((BASE + 302))
    local h=tcp://127.0.0.1
    export MLPS_INTAKE="$h:$P_INTAKE_API" MLPS_REVIEW="$h:$P_REVIEW_API"
    export MLPS_PANEL="$h:$P_PANEL_API" MLPS_AUDIT="$h:$P_AUDIT_API"
    if [ "${REGION_CURVE:-1}" = 1 ]; then # mlpsctl: the staff's key
        export MLPS_KEY_FILE="$W/keys/staff.key"
        export MLPS_SERVER_KEYS="panel=@$W/keys/panel.pub"
    fi
}

# region_ctl ARGS...: mlpsctl (as the office's staff, with CURVE).
region_ctl() { "$BIN/services/mlpsctl/mlpsctl" "$@"; }
# region_expert_ctl ID ARGS...: mlpsctl with expert ID's key.
region_expert_ctl() {
    local id=$1
    shift
    if [ "${REGION_CURVE:-1}" = 1 ]; then
        MLPS_KEY_FILE="$W/keys/expert-$id.key" region_ctl "$@"
    else
        region_ctl "$@"
    fi
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
region_start_one() {
    local name=$1 bin=$2 extra
    shift 2
    read -ra extra <<<"${EXTRA:-}" # options, split at blanks
    "$bin" --db.url="$(mlps_url "${name}_svc")" \
        --db.admin-url="$(mlps_url mlps_admin)" \
        --office="${OFFICE:-110100}" ${TODAY:+--clock.today="$TODAY"} \
        "${extra[@]}" "$@" >>"$W/$name.log" 2>&1 &
    echo $! >"$W/$name.pid"
}

# CURVE keys: review (server) and its senders, with review's allow-list;
# the panel's API (its server key is panel.key) with an allow-list of the
# office staff and of every expert in EXPERTS.
region_keys() {
    [ "${REGION_CURVE:-1}" = 1 ] || return 0
    local k="$W/keys" gen="$BIN/services/mlpsctl/mlps-keygen" s id
    mkdir -p "$k"
    for s in review intake panel staff; do
        [ -f "$k/$s.key" ] || "$gen" "$k/$s.key" >"$k/$s.pub"
    done
    printf '%s %s\n' "${OFFICE:-110100}" "$(cat "$k/intake.pub")" \
        "${OFFICE:-110100}" "$(cat "$k/panel.pub")" >"$k/offices"
    printf '%s %s\n' "${OFFICE:-110100}" "$(cat "$k/staff.pub")" \
        >"$k/panel-clients"
    while read -r id; do
        [ -f "$k/expert-$id.key" ] ||
            "$gen" "$k/expert-$id.key" >"$k/expert-$id.pub"
        printf 'expert:%s %s\n' "$id" "$(cat "$k/expert-$id.pub")" \
            >>"$k/panel-clients"
    done < <(grep -o '"id": *[0-9]*' "$(region_experts)" | grep -o '[0-9]*$')
}
region_experts() { echo "${EXPERTS:-$ROOT/deploy/region/experts.json}"; }

# The audit chain's signing key (Ed25519, PEM), made with openssl once.
region_audit_sign() {
    local k="$W/keys/audit-sign.pem"
    mkdir -p "$W/keys"
    [ -f "$k" ] || openssl genpkey -algorithm ed25519 -out "$k" 2>/dev/null
    [ -f "$W/keys/audit-sign.pub.pem" ] ||
        openssl pkey -in "$k" -pubout -out "$W/keys/audit-sign.pub.pem"
    echo "--audit.sign-key-file=$k" \
        "--audit.checkpoint-ms=${AUDIT_CHECKPOINT_MS:-500}"
}
# Options for review's inbox, and for a sender to it.
region_review_curve() {
    [ "${REGION_CURVE:-1}" = 1 ] || return 0
    echo "--curve.secret-key-file=$W/keys/review.key" \
        "--curve.clients-file=$W/keys/offices"
}
region_sender_curve() { # SERVICE
    [ "${REGION_CURVE:-1}" = 1 ] || return 0
    echo "--curve.secret-key-file=$W/keys/$1.key" \
        "--curve.peer-keys=review=@$W/keys/review.pub"
}
# The panel's API as a CURVE server (its inbox, review's link, stays plain).
region_panel_api_curve() {
    [ "${REGION_CURVE:-1}" = 1 ] || return 0
    echo "--curve.clients-file=$W/keys/panel-clients --curve.api=true" \
        "--curve.inbox=false"
}

# The option helpers and REVIEW_OPTS, PANEL_OPTS print options to split at
# blanks.
# shellcheck disable=SC2046,SC2086
region_start() {
    region_ports
    mkdir -p "$W"
    region_keys
    mlps_pg_start
    local h=tcp://127.0.0.1
    local audit="audit=$h:$P_AUDIT_IN"
    region_start_one audit "$BIN/services/audit/mlps-audit" \
        --listen="$h:$P_AUDIT_IN" --api="$h:$P_AUDIT_API" $(region_audit_sign)
    region_start_one review "$BIN/services/review/mlps-review" \
        --listen="$h:$P_REVIEW_IN" --api="$h:$P_REVIEW_API" \
        --peers="panel=$h:$P_PANEL_IN;$audit" \
        --review.calendar="$ROOT/common/domain/calendar/cn-2026.txt" \
        $(region_review_curve) ${REVIEW_OPTS:-}
    region_start_one panel "$BIN/services/panel/mlps-panel" \
        --listen="$h:$P_PANEL_IN" --api="$h:$P_PANEL_API" \
        --peers="review=$h:$P_REVIEW_IN;$audit" \
        --panel.experts="$(region_experts)" \
        $(region_sender_curve panel) $(region_panel_api_curve) ${PANEL_OPTS:-}
    region_start_one intake "$BIN/services/intake/mlps-intake" \
        --api="$h:$P_INTAKE_API" --peers="review=$h:$P_REVIEW_IN;$audit" \
        $(region_sender_curve intake)
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
    for s in intake review panel audit; do
        mlps_exited "$(cat "$W/$s.pid")" && { echo "$s"; return 0; }
    done
    return 1
}
region__answer() { # every API answers (0, or 1: no such case)
    local c=(region_ctl --timeout-ms=500)
    "${c[@]}" status PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    "${c[@]}" panel show PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
    "${c[@]}" audit events PING >/dev/null 2>&1 || [ $? = 1 ] || return 1
}

# region_drain [SECONDS]: until nothing is waiting in any outbox (every
# message delivered or failed); default 60 s.
region_drain() { mlps_wait_drained "${1:-60}" intake review panel; }

region_stop() {
    local s pid
    for s in intake panel review audit; do
        [ -f "$W/$s.pid" ] || continue
        kill -TERM "$(cat "$W/$s.pid")" 2>/dev/null || true
    done
    for s in intake panel review audit; do
        [ -f "$W/$s.pid" ] || continue
        pid=$(cat "$W/$s.pid")
        MLPS_POLL=0.1 mlps_wait 10 mlps_exited "$pid" ||
            kill -9 "$pid" 2>/dev/null || true
        rm -f "$W/$s.pid"
    done
    mlps_pg_stop 2>/dev/null || true
}
