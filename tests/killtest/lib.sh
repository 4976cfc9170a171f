# lib.sh - shared helpers for the runtime's shell tests (sourced).
# Needs: BIN (dir with kt_send/kt_recv), ROOT (project root).
set -euo pipefail
umask 022

# A fresh work dir under the build tree, readable by the cluster's user.
kt_workdir() {
    local w="$BIN/../../tmp/$1-$$"
    rm -rf "$w"
    mkdir -p "$w"
    (cd "$w" && pwd)
}

kt_free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((10000 + RANDOM % 10000)) # below the ephemeral range
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

kt_pg_start() { "$ROOT/deploy/pgcluster.sh" start "$W/pg" >/dev/null; }
kt_pg_stop() { "$ROOT/deploy/pgcluster.sh" stop "$W/pg" "${1:-fast}"; }
kt_url() { echo "host=127.0.0.1 port=$(cat "$W/pg/port") dbname=mlps user=$1"; }
kt_sql() { psql -qAtX "$(kt_url mlps_admin)" -c "$1"; }

# kt_wait_drained N SECONDS: until N sent, all delivered or failed.
kt_wait_drained() {
    local n=$1 deadline=$((SECONDS + $2)) out
    while [ $SECONDS -lt $deadline ]; do
        out=$(kt_sql "SELECT (SELECT count(*) FROM ktsend.sent) = $n AND
              NOT EXISTS (SELECT 1 FROM ktsend.outbox WHERE delivered_at IS
              NULL AND failed_reason IS NULL)" 2>/dev/null || true)
        [ "$out" = t ] && return 0
        sleep 0.5
    done
    return 1
}

# Prints "sent applied lost twice failed".
kt_counts() {
    kt_sql "SELECT (SELECT count(*) FROM ktsend.sent),
        (SELECT count(DISTINCT seq) FROM ktrecv.applied),
        (SELECT count(*) FROM ktsend.sent s WHERE NOT EXISTS
            (SELECT 1 FROM ktrecv.applied a WHERE a.seq = s.seq)),
        (SELECT count(*) - count(DISTINCT seq) FROM ktrecv.applied),
        (SELECT count(*) FROM ktsend.outbox WHERE failed_reason IS NOT NULL)" |
        tr '|' ' '
}

# Fails (returns 1) when a service's log holds a sanitizer report.
kt_sanitizer_clean() {
    if grep -lE "Sanitizer|runtime error:" "$W"/*.log; then
        echo "FAIL: a sanitizer reported a problem (logs above)" >&2
        return 1
    fi
}
