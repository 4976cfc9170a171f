# mlps.sh - the private cluster, SQL, free ports and polling waits, for
# deploy/ and tests/ alike (sourced; prefix mlps_, mlps__ internal).
#
# The cluster and SQL functions need W (a work dir): the cluster lives in
# $W/pg (deploy/pgcluster.sh), and every role logs in with a password from
# $W/pg/pgpass. Every wait polls every MLPS_POLL seconds
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
# (default $W/pg), to the database MLPS_DB (default mlps); USER logs in with
# the password in DIR/pgpass.
mlps_url() {
    local d
    d=$(cd "${2:-$W/pg}" && pwd) || return 1
    echo "host=127.0.0.1 port=$(cat "$d/port") dbname=${MLPS_DB:-mlps} user=$1" \
        "passfile=$(mlps__conn_value "$d/pgpass")"
}
# mlps_pg_password ROLE [DIR]: the name of ROLE's password file in the
# cluster in DIR (default $W/pg), made once and added to DIR/pgpass. A
# service sets it on its role when it migrates: pass it as
# --db.svc-password-file.
mlps_pg_password() {
    "$MLPS_LIB/../pgcluster.sh" password "${2:-$W/pg}" "${1:-}"
}
mlps__conn_value() { # a libpq conninfo value: quoted when it must be
    case $1 in
    *[[:space:]\\\']* | '')
        printf "'%s'" "$(printf '%s' "$1" | sed "s/[\\\\']/\\\\&/g")" ;;
    *) printf '%s' "$1" ;;
    esac
}

# --- identities and keys ---------------------------------------------------

# mlps_ident DIR IDENTITY KIND OFFICE [ROLES]: makes IDENTITY's CURVE key
# pair once (DIR/IDENTITY.key, mode 600, and DIR/IDENTITY.pub) with
# $MLPS_KEYGEN (mlps-keygen), and adds its line to the key registry
# DIR/registry (common/include/cmn/ident.h). KIND is service (IDENTITY
# SERVICE@OFFICE), office, staff, expert, institution, gateway or unit.
mlps_ident() {
    local dir=${1:-} id=${2:-} kind=${3:-} office=${4:-} roles=${5:-}
    [ -n "$dir" ] && [ -n "$id" ] && [ -n "$kind" ] && [ -n "$office" ] || {
        echo "mlps_ident: usage: mlps_ident DIR IDENTITY KIND OFFICE [ROLES]" >&2
        return 2
    }
    [ -x "${MLPS_KEYGEN:-}" ] || {
        echo "mlps_ident: MLPS_KEYGEN must name mlps-keygen" >&2
        return 2
    }
    mkdir -p "$dir"
    [ -f "$dir/$id.key" ] || "$MLPS_KEYGEN" "$dir/$id.key" >"$dir/$id.pub"
    mlps__registry "$dir" "$id" "$kind" "$office" "$(cat "$dir/$id.pub")" \
        "$roles"
}
# mlps_person DIR IDENTITY KIND OFFICE [ROLES]: a registry line for a person
# without a key of their own, who comes through a gateway.
mlps_person() {
    mlps__registry "$1" "$2" "$3" "$4" - "${5:-}"
}
mlps__registry() { # DIR ID KIND OFFICE KEY ROLES: once per identity
    touch "$1/registry"
    grep -q "^$2 " "$1/registry" ||
        printf '%s %s %s %s %s\n' "$2" "$3" "$4" "$5" "$6" >>"$1/registry"
}

# --- secrets ---------------------------------------------------------------

# mlps_secret FILE: a random password (48 hex digits, 192 bits from
# /dev/urandom) into FILE, mode 600, unless FILE already holds one: an
# existing secret is never overwritten.
mlps_secret() {
    [ -n "${1:-}" ] || { echo "mlps_secret: no FILE given" >&2; return 2; }
    [ -s "$1" ] && return 0
    (
        umask 077
        od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$1.tmp"
        echo >>"$1.tmp"
    ) && mv -f "$1.tmp" "$1"
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

# mlps_bounded CMD...: runs CMD, killed if it runs past MLPS_BOUND seconds
# (20), for clients that bound their own waits and so must not hang (once
# in CI, under the sanitizers, a probe ran until the test's timeout, 300 s,
# with nothing to show where). What CMD printed is printed all the same
# (its stderr first, then its stdout), and a kill is said on stderr with
# status 124.
mlps_bounded() {
    local tmp rc=0
    tmp=$(mktemp -d) || return 2
    timeout -k 2 "${MLPS_BOUND:-20}" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    cat "$tmp/err" >&2
    cat "$tmp/out"
    rm -rf "$tmp"
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        echo "mlps_bounded: ${1##*/} ran past ${MLPS_BOUND:-20} s and was killed" >&2
        return 124
    fi
    return $rc
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
