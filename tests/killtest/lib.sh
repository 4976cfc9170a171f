# lib.sh - helpers for the runtime's shell tests (sourced): the generic ones
# from tests/support/lib.sh (tst_*) and the kill test's own (kt_*).
# Needs: BIN (dir with kt_send/kt_recv), ROOT (project root).
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"

# This suite's ports: 10000-19999.
kt_free_port() { tst_free_port 10000 10000 "$@"; }

# kt_wait_drained N SECONDS: until N sent, all delivered or failed.
kt_wait_drained() { tst_wait_drained ktsend "$1" "$2" 0.5; }

# Prints "sent applied lost twice failed".
kt_counts() {
    tst_sql "SELECT (SELECT count(*) FROM ktsend.sent),
        (SELECT count(DISTINCT seq) FROM ktrecv.applied),
        (SELECT count(*) FROM ktsend.sent s WHERE NOT EXISTS
            (SELECT 1 FROM ktrecv.applied a WHERE a.seq = s.seq)),
        (SELECT count(*) - count(DISTINCT seq) FROM ktrecv.applied),
        (SELECT count(*) FROM ktsend.outbox WHERE failed_reason IS NOT NULL)" |
        tr '|' ' '
}
