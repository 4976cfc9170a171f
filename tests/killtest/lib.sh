# lib.sh - the kill test suite's helpers (kt_*) on top of tests/support/lib.sh
# (sourced). Needs: BIN (dir with kt_send/kt_recv).
# shellcheck shell=bash
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"

# This suite's ports: 10000-19999.
kt_free_port() { mlps_free_port 10000 10000 "$@"; }

# Every socket is CURVE. The suite's identities are of office KT_OFFICE:
# kt_keys makes the sender's and the receiver's keys (services ktsend and
# ktrecv) and the registry in $W/keys (mlps_ident), once; kt_curve NAME
# prints the options service NAME runs with (its office, key and the
# registry), to be split at blanks.
KT_OFFICE=110100
KT_KEYS=
kt_keys() {
    KT_KEYS="$W/keys"
    mlps_ident "$KT_KEYS" "ktsend@$KT_OFFICE" service "$KT_OFFICE"
    mlps_ident "$KT_KEYS" "ktrecv@$KT_OFFICE" service "$KT_OFFICE"
}
kt_curve() {
    echo "--office=$KT_OFFICE" \
        "--curve.secret-key-file=$KT_KEYS/$1@$KT_OFFICE.key" \
        "--curve.registry=$KT_KEYS/registry"
}
# kt_as IDENTITY CMD...: runs a test client (tst/client.h) with the key of
# IDENTITY (in $W/keys) and the registry.
kt_as() {
    local id=$1
    shift
    TST_REGISTRY="$KT_KEYS/registry" TST_KEY="$KT_KEYS/$id.key" "$@"
}

# kt_wait_drained N SECONDS: until N sent, all delivered or failed.
kt_wait_drained() { MLPS_POLL=0.5 t_wait_generated ktsend "$1" "$2"; }

# Prints "sent applied lost twice failed".
kt_counts() {
    mlps_sql "SELECT (SELECT count(*) FROM ktsend.sent),
        (SELECT count(DISTINCT seq) FROM ktrecv.applied),
        (SELECT count(*) FROM ktsend.sent s WHERE NOT EXISTS
            (SELECT 1 FROM ktrecv.applied a WHERE a.seq = s.seq)),
        (SELECT count(*) - count(DISTINCT seq) FROM ktrecv.applied),
        (SELECT count(*) FROM ktsend.outbox WHERE failed_reason IS NOT NULL)" |
        tr '|' ' '
}

# kt_check_counts N SENT APPLIED LOST TWICE: the checks of kt_counts' figures
# every run ends with: N sent, N applied, none lost, none applied twice.
kt_check_counts() {
    t_expect "sent" "$2" "$1"
    t_expect "applied" "$3" "$1"
    t_expect "lost" "$4" 0
    t_expect "applied twice" "$5" 0
}
