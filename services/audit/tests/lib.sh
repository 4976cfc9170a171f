# lib.sh - the audit service's shell test helpers (aud_*) on top of
# tests/support/lib.sh (sourced). Needs: BIN (dir with mlps-audit, aud_emit,
# aud_call).
# shellcheck shell=bash
# shellcheck source=../../../tests/support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../tests/support/lib.sh"

# This suite's ports: 27000-30499.
aud_free_port() { mlps_free_port 27000 3500 "$@"; }

# Every socket is CURVE. aud_keys makes, in $W/keys (mlps_ident), the keys
# and the registry of: the audit service (audit@110100), the emitter of a
# district (audemit@110108, a service like any other) and the municipal
# office's desk (office:110100), which reads the chain through the API.
# aud_curve NAME prints the options service NAME@OFFICE runs with.
AUD_OFFICE=110100 AUD_EMIT_OFFICE=110108
aud_keys() {
    AUD_KEYS="$W/keys"
    mlps_ident "$AUD_KEYS" "audit@$AUD_OFFICE" service "$AUD_OFFICE"
    mlps_ident "$AUD_KEYS" "audemit@$AUD_EMIT_OFFICE" service "$AUD_EMIT_OFFICE"
    mlps_ident "$AUD_KEYS" "office:$AUD_OFFICE" office "$AUD_OFFICE"
}
aud_curve() { # NAME OFFICE
    echo "--office=$2 --curve.secret-key-file=$AUD_KEYS/$1@$2.key" \
        "--curve.registry=$AUD_KEYS/registry"
}
# aud_emit OPTION... &: runs aud_emit as the district's emitter (its office,
# its key, the registry); the caller adds --peers=audit@110100=ENDPOINT
# (the audit service is of another office) and the rest. Run it in the
# background only: it execs, so $! is the emitter's pid (a kill reaches it,
# not a subshell).
aud_emit() {
    # shellcheck disable=SC2046 # aud_curve prints options
    exec "$BIN/aud_emit" --db.url="$(mlps_url audemit_svc)" \
        --db.admin-url="$(mlps_url mlps_admin)" \
        --db.svc-password-file="$(mlps_pg_password audemit_svc)" \
        $(aud_curve audemit "$AUD_EMIT_OFFICE") "$@"
}
# aud_call verify|events ENDPOINT [CASE]: the API client, as the office's
# desk, of audit@110100.
aud_call() {
    local cmd=$1 ep=$2
    shift 2
    TST_REGISTRY="$AUD_KEYS/registry" TST_KEY="$AUD_KEYS/office:$AUD_OFFICE.key" \
        "$BIN/aud_call" "$cmd" "$ep" "audit@$AUD_OFFICE" "$@"
}

# aud_start_audit LOG [OPTION...]: starts mlps-audit (as audit_svc,
# migrating as the admin, with audit@110100's key: aud_keys first) on a
# free inbox port and a free API port and waits until it has started; when
# another process took a port first, tries other ports. Sets AUD_PID,
# AUD_PORT and AUD_API (an endpoint).
aud_start_audit() {
    local log=$1
    shift
    for _ in 1 2 3 4 5; do
        AUD_PORT=$(aud_free_port)
        AUD_API="tcp://127.0.0.1:$(aud_free_port "$AUD_PORT")"
        # shellcheck disable=SC2046 # aud_curve prints options
        "$BIN/mlps-audit" --db.url="$(mlps_url audit_svc)" \
            --db.admin-url="$(mlps_url mlps_admin)" \
            --db.svc-password-file="$(mlps_pg_password audit_svc)" \
            $(aud_curve audit "$AUD_OFFICE") \
            --listen="tcp://127.0.0.1:$AUD_PORT" --api="$AUD_API" "$@" \
            >"$log" 2>&1 &
        AUD_PID=$!
        MLPS_POLL=0.1 mlps_wait 30 aud__settled "$log" || true
        grep -qs 'msg="started"' "$log" && return 0
        kill -9 "$AUD_PID" 2>/dev/null || true
        wait "$AUD_PID" 2>/dev/null || true
        echo "mlps-audit did not start: $(tail -1 "$log")" >&2
    done
    return 1
}

# aud__settled LOG: succeeds once mlps-audit has logged its start or exited.
aud__settled() { grep -qs 'msg="started"' "$1" || mlps_exited "$AUD_PID"; }

# aud_wait_drained N SECONDS: until N events were made and every outbox row
# was acknowledged (applied or refused for good).
aud_wait_drained() { MLPS_POLL=0.3 t_wait_generated audemit "$1" "$2"; }

# Prints "records seq_ok delivered in_chain missing extra refused":
# records in the chain; 1 if seq is exactly 1..records; outbox rows
# acknowledged as applied; of those, how many are in the chain (by event
# id); how many are not; chain records no sender made; rows refused.
aud_counts() {
    mlps_sql "SELECT (SELECT count(*) FROM audit.chain),
        (SELECT (count(*) = coalesce(max(seq), 0) AND
                 count(DISTINCT seq) = count(*))::int FROM audit.chain),
        (SELECT count(*) FROM audemit.outbox WHERE failed_reason IS NULL),
        (SELECT count(*) FROM audemit.outbox o JOIN audit.chain c
            ON c.event_id = o.message_id WHERE o.failed_reason IS NULL),
        (SELECT count(*) FROM audemit.outbox o WHERE o.failed_reason IS NULL
            AND NOT EXISTS (SELECT 1 FROM audit.chain c
                            WHERE c.event_id = o.message_id)),
        (SELECT count(*) FROM audit.chain c WHERE NOT EXISTS
            (SELECT 1 FROM audemit.outbox o WHERE o.message_id = c.event_id)),
        (SELECT count(*) FROM audemit.outbox WHERE failed_reason IS NOT NULL)" |
        tr '|' ' '
}

# The subcommand, as audit_svc. Prints its line; returns its exit code.
aud_verify_cmd() { "$BIN/mlps-audit" verify --db.url="$(mlps_url audit_svc)"; }

# Counts a replica's "inbox stats" field from its log (0 if absent).
aud_stat() {
    local v
    v=$(grep -o "inbox stats.*" "$1" | sed "s/.* $2=\([0-9]*\).*/\1/" | tail -1)
    echo "${v:-0}"
}
