# lib.sh - the kill test suite's helpers (kt_*) on top of tests/support/lib.sh
# (sourced). Needs: BIN (dir with kt_send/kt_recv).
# shellcheck shell=bash
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"

# This suite's ports: 10000-19999.
kt_free_port() { mlps_free_port 10000 10000 "$@"; }

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
