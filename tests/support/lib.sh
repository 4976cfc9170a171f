# lib.sh - helpers every shell test shares (sourced, usually by a suite's
# own lib.sh, e.g. tests/killtest/lib.sh, services/audit/tests/lib.sh).
# Needs: BIN (a build dir two levels below the build tree, e.g.
# build/tests/killtest), ROOT (project root); W (the work dir) once set.
set -euo pipefail
umask 022

# tst_workdir NAME: a fresh work dir build/tmp/NAME-PID, readable by the
# cluster's user. Prints its absolute path.
tst_workdir() {
    local w="$BIN/../../tmp/$1-$$"
    rm -rf "$w"
    mkdir -p "$w"
    (cd "$w" && pwd)
}

# tst_free_port LOW SPAN [TAKEN...]: a port in LOW .. LOW+SPAN-1 nothing
# listens on, none of TAKEN. Each suite has its own range, disjoint from the
# others' (tests run in parallel) and below the kernel's ephemeral range.
tst_free_port() {
    local low=$1 span=$2 p
    shift 2
    for _ in $(seq 1 200); do
        p=$((low + RANDOM % span))
        case " $* " in *" $p "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# The private cluster in $W/pg (deploy/pgcluster.sh); tst_pg_stop [MODE]
# (fast, or immediate for a crash).
tst_pg_start() { "$ROOT/deploy/pgcluster.sh" start "$W/pg" >/dev/null; }
tst_pg_stop() { "$ROOT/deploy/pgcluster.sh" stop "$W/pg" "${1:-fast}"; }
# tst_url USER: the cluster's connection string as USER.
tst_url() { echo "host=127.0.0.1 port=$(cat "$W/pg/port") dbname=mlps user=$1"; }
# tst_sql SQL: runs SQL as the admin; prints rows unaligned, fields by '|'.
tst_sql() { psql -qAtX -v ON_ERROR_STOP=1 "$(tst_url mlps_admin)" -c "$1"; }

# tst_wait_drained SCHEMA N SECONDS [POLL]: until SCHEMA.sent holds N rows
# and every row of SCHEMA.outbox is acknowledged (delivered or failed).
tst_wait_drained() {
    local schema=$1 n=$2 deadline=$((SECONDS + $3)) poll=${4:-0.3} out
    while [ $SECONDS -lt $deadline ]; do
        out=$(tst_sql "SELECT (SELECT count(*) FROM $schema.sent) = $n AND
              NOT EXISTS (SELECT 1 FROM $schema.outbox WHERE delivered_at IS
              NULL AND failed_reason IS NULL)" 2>/dev/null || true)
        [ "$out" = t ] && return 0
        sleep "$poll"
    done
    return 1
}

# tst_sanitizer_clean [LOG...]: fails (returns 1, prints the logs' names
# and the first reports) when a log holds a report of any sanitizer
# (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer, ...) or a
# UBSan "runtime error:". Default: every $W/*.log.
tst_sanitizer_clean() {
    local re='Sanitizer|runtime error:' bad
    [ $# -gt 0 ] || set -- "$W"/*.log
    mapfile -t bad < <(grep -lE "$re" "$@" 2>/dev/null || true)
    [ ${#bad[@]} -eq 0 ] && return 0
    echo "FAIL: a sanitizer reported a problem in: ${bad[*]}" >&2
    grep -hE -A12 "$re" "${bad[@]}" | head -40 >&2 || true
    return 1
}
