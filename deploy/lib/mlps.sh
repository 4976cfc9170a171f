# mlps.sh - the private cluster, SQL, free ports and polling waits, for
# deploy/ and tests/ alike (sourced; prefix mlps_, mlps__ internal).
#
# The cluster and SQL functions need W (a work dir): the cluster lives in
# $W/pg (deploy/pgcluster.sh). Every wait polls every MLPS_POLL seconds
# (default 0.2); set it for one call with `MLPS_POLL=0.5 mlps_wait ...`.
# A function returns 0 or 1 (a wait: 1 when the time ran out), 2 on bad
# arguments with a message naming them.
# shellcheck shell=bash
set -euo pipefail
umask 022
MLPS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# --- the private cluster ---------------------------------------------------

# mlps_pg_start: starts the cluster in $W/pg, making it the first time, and
# waits until it accepts connections.
mlps_pg_start() { "$MLPS_LIB/../pgcluster.sh" start "$W/pg" >/dev/null; }
# mlps_pg_stop [MODE]: stops it (MODE: fast, the default, or immediate,
# which is a crash).
mlps_pg_stop() { "$MLPS_LIB/../pgcluster.sh" stop "$W/pg" "${1:-fast}"; }
# mlps_url USER [DIR]: the connection string, as USER, of the cluster in DIR
# (default $W/pg).
mlps_url() {
    echo "host=127.0.0.1 port=$(cat "${2:-$W/pg}/port") dbname=mlps user=$1"
}

# --- SQL -------------------------------------------------------------------

# mlps_psql URL SQL: runs SQL at URL, stopping at its first error (then exit
# status 1 and psql's message on stderr). Prints rows unaligned, fields
# separated by '|'.
mlps_psql() { psql -qAtX -v ON_ERROR_STOP=1 "$1" -c "$2"; }
# mlps_sql SQL: mlps_psql as the cluster's admin (mlps_admin).
mlps_sql() { mlps_psql "$(mlps_url mlps_admin)" "$1"; }
# mlps_true SQL: succeeds when SQL, as the admin, prints exactly t (an error
# counts as not true, and its message is dropped).
mlps_true() { [ "$(mlps_sql "$1" 2>/dev/null)" = t ]; }

# --- ports -----------------------------------------------------------------

# mlps_free_port LOW SPAN [TAKEN...]: prints a port in LOW .. LOW+SPAN-1 that
# nothing listens on and that is none of TAKEN. Each user picks from its own
# range (tests run in parallel), below the kernel's ephemeral range (32768
# up); tests/support/README.md lists the ranges.
mlps_free_port() {
    local low=${1:-} span=${2:-} p
    mlps__whole LOW "$low" mlps_free_port || return 2
    mlps__whole SPAN "$span" mlps_free_port || return 2
    [ "$span" -gt 0 ] || { echo "mlps_free_port: SPAN must be positive" >&2; return 2; }
    shift 2
    for _ in $(seq 1 200); do
        p=$((low + RANDOM % span))
        case " $* " in *" $p "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "mlps_free_port: no free port in $low..$((low + span - 1))" >&2
    return 1
}

# --- waits -----------------------------------------------------------------

# mlps_wait SECONDS CMD...: runs CMD until it succeeds (returns 0) or
# SECONDS have passed (returns 1). CMD runs at least once, and once more
# after the last pause.
mlps_wait() {
    mlps__whole SECONDS "${1:-}" mlps_wait || return 2
    local deadline=$((SECONDS + $1))
    shift
    [ $# -gt 0 ] || { echo "mlps_wait: no command to run" >&2; return 2; }
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep "${MLPS_POLL:-0.2}"
    done
}
# mlps_wait_sql SECONDS SQL: until SQL, as the admin, prints t.
mlps_wait_sql() { mlps_wait "$1" mlps_true "$2"; }

# mlps_drained_sql SCHEMA...: a boolean SQL expression, true when no row of
# any SCHEMA.outbox is waiting (each one delivered, or failed for good).
mlps_drained_sql() {
    local s sql="true"
    for s in "$@"; do
        sql="$sql AND NOT EXISTS (SELECT 1 FROM $s.outbox WHERE"
        sql="$sql delivered_at IS NULL AND failed_reason IS NULL)"
    done
    echo "$sql"
}
# mlps_wait_drained SECONDS SCHEMA...: until the outboxes of every SCHEMA
# are drained (mlps_drained_sql).
mlps_wait_drained() {
    local secs=$1
    shift
    [ $# -gt 0 ] || { echo "mlps_wait_drained: no schema given" >&2; return 2; }
    mlps_wait_sql "$secs" "SELECT $(mlps_drained_sql "$@")"
}

# mlps_exited PID: succeeds when process PID is not running (for waits).
mlps_exited() { ! kill -0 "$1" 2>/dev/null; }

# --- logs ------------------------------------------------------------------

# mlps_sanitizer_clean [LOG...]: returns 1, printing the logs' names and
# the first reports on stderr, when a log holds a report of any sanitizer
# (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer, ...) or a
# UBSan "runtime error:". Default: every $W/*.log.
mlps_sanitizer_clean() {
    local re='Sanitizer|runtime error:' bad
    [ $# -gt 0 ] || set -- "$W"/*.log
    mapfile -t bad < <(grep -lE "$re" "$@" 2>/dev/null || true)
    [ ${#bad[@]} -eq 0 ] && return 0
    echo "a sanitizer reported a problem in: ${bad[*]}" >&2
    grep -hE -A12 "$re" "${bad[@]}" | head -40 >&2 || true
    return 1
}

# mlps__whole NAME VALUE FUNC: succeeds when VALUE is a whole number; else
# says which argument of FUNC is wrong.
mlps__whole() {
    case $2 in
    '' | *[!0-9]*)
        echo "$3: $1 must be a whole number, not '$2'" >&2
        return 1
        ;;
    esac
}
