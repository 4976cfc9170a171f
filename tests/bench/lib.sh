# lib.sh - what the end-to-end, memory and import benchmarks share (sourced;
# prefix b_): the municipal region under load from bench_e2e, the counts of
# filings accepted and audited, and the pgbench baseline on the same cluster.
#
# Needs: BIN (the build dir), ROOT, W (t_workdir). The region is
# deploy/lib/region.sh's, every socket CURVE, review deciding alone
# (review.auto=all); the generator files with the office's key
# (office:110100), as `mlpsctl submit` does with MLPS_KEY_FILE.
# shellcheck shell=bash
# shellcheck source=../../deploy/lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
B_SECS=${BENCH_SECONDS:-10}
B_TEMPLATE=$ROOT/deploy/examples/filing-level2.json

# b_start: the municipal region (BASE set by the caller), review.auto=all,
# synchronous_commit checked on.
b_start() {
    TODAY=${TODAY:-2026-11-20}
    REVIEW_OPTS="--review.auto=all ${REVIEW_OPTS:-}"
    region_start || t_die "the region did not start"
    [ "$(mlps_sql 'SHOW synchronous_commit')" = on ] ||
        t_die "synchronous_commit is not on: the figures would not be durable"
}

# b_gen ARGS...: the load generator as the office, against the region's
# intake; prints its "bench-gen:" line.
b_gen() {
    TST_REGISTRY="$W/keys/registry" TST_KEY="$W/keys/office:${OFFICE:-110100}.key" \
        "$BIN/tests/bench/bench_e2e" --endpoint="$MLPS_INTAKE" \
        --server="intake@${OFFICE:-110100}" --template="$B_TEMPLATE" "$@"
}
# b_field LINE NAME: the value of NAME=VALUE in LINE.
b_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# b_done_sql: the number of filings the review accepted that audit holds
# both events of (filing.received and case.decided A).
b_done_sql() {
    echo "SELECT count(*) FROM review.cases c WHERE c.state = 'accepted'
            AND EXISTS (SELECT 1 FROM audit.chain a WHERE a.case_id =
                        c.tracking_id AND a.action = 'case.decided'
                        AND a.outcome = 'A')
            AND EXISTS (SELECT 1 FROM audit.chain a WHERE a.case_id =
                        c.tracking_id AND a.action = 'filing.received')"
}
# b_wait_done N SECONDS: until N filings are accepted and audited.
b_wait_done() {
    MLPS_POLL=0.2 mlps_wait_sql "$2" "SELECT ($(b_done_sql)) >= $1" || {
        echo "bench: $(mlps_sql "$(b_done_sql)") of $1 accepted and audited" \
            "in $2 s" >&2
        return 1
    }
}
# b_last_audited: the epoch (s) of the last audit record.
b_last_audited() {
    mlps_sql "SELECT extract(epoch FROM max(recorded_at)) FROM audit.chain"
}

# b_pgbench_tps / b_pgbench_lat: the cluster's single-row INSERT
# transactions per second with 8 clients, and the average latency (ms) of
# the same transaction with 1 client (synchronous_commit on: a commit
# waits for its WAL flush).
b_pgbench_setup() {
    [ -f "$W/one.sql" ] && return 0
    mlps_sql "CREATE TABLE bench_rows (id bigserial PRIMARY KEY,
        v integer NOT NULL, at timestamptz NOT NULL DEFAULT now())"
    echo 'INSERT INTO bench_rows (v) VALUES (1);' >"$W/one.sql"
}
b_pgbench_tps() {
    b_pgbench_setup
    "$PGBIN/pgbench" -n -c 8 -j 2 -T "$B_SECS" -f "$W/one.sql" \
        "$(mlps_url mlps_admin)" 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
b_pgbench_lat() {
    b_pgbench_setup
    "$PGBIN/pgbench" -n -c 1 -j 1 -T "$B_SECS" -f "$W/one.sql" \
        "$(mlps_url mlps_admin)" 2>/dev/null |
        sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p'
}
