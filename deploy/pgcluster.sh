#!/usr/bin/env bash
# pgcluster.sh - a throwaway PostgreSQL 15 cluster in a folder, with passwords.
#
#   pgcluster.sh start DIR [PORT]    init (first time) and start; waits until
#                                    it accepts connections; writes DIR/env
#   pgcluster.sh stop DIR [MODE]     stop it (MODE: fast, default, or
#                                    immediate, which is a crash)
#   pgcluster.sh status DIR          exit 0 if running
#   pgcluster.sh url DIR [USER]      print a libpq connection string that
#                                    logs in with DIR/pgpass
#   pgcluster.sh password DIR ROLE   make ROLE's password once (DIR/ROLE.password,
#                                    mode 600), add it to DIR/pgpass, print
#                                    the file's name
#
# Every role logs in with a password (scram-sha-256), over TCP (127.0.0.1
# only) and the unix socket alike: there is no `trust` line. The admin
# (mlps_admin) gets a random password at init (DIR/admin.password); each
# service role's is made by `password` and set by the service itself when
# it migrates (--db.svc-password-file). DIR/pgpass (libpq's passfile, mode
# 600) holds a line for each.
#
# MLPS_PG_CONF, at init: more lines for postgresql.conf (a profile's
# shared_preload_libraries, say).
#
# PostgreSQL refuses to run as root, so when run as root the server runs as
# $MLPS_PG_USER (default: postgres, which Debian's package creates). When
# that user cannot reach DIR (a parent such as /root is 0700), the data,
# server.log and the socket go to $MLPS_PG_RELOCATE/<hash of DIR's path>
# (default /var/tmp/mlps-pg), owned by that user, mode 700; DIR/data is a
# symlink to it and everything else stays in DIR. A relocated cluster whose
# DIR is gone, or no longer points at it, is deleted at the next relocated
# init if it is not running. `stop` stops exactly the cluster of DIR.
set -euo pipefail
# shellcheck source=lib/mlps.sh
. "$(dirname "$0")/lib/mlps.sh" # mlps_free_port, mlps_url, mlps_wait, mlps_secret

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_USER=${MLPS_PG_USER:-postgres}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    sed -n '2,14p' "$0" >&2
    exit 2
fi

die() {
    echo "pgcluster: $*" >&2
    exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }
as_owner() {
    if is_root; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}
# owner_reaches PATH: the server's user can enter and write PATH.
owner_reaches() { as_owner test -x "$1" -a -w "$1" 2>/dev/null; }

# The folder holding the data, server.log and the socket: DIR, or where
# DIR/data points when the cluster was relocated.
home() {
    if [ -L "$dir/data" ]; then
        dirname "$(readlink "$dir/data")"
    else
        echo "$dir"
    fi
}

pgpass_escape() { printf '%s' "$1" | sed 's/[\\:]/\\&/g'; }

# Rewrites DIR/pgpass (atomically) from admin.password and every other
# ROLE.password: a TCP line and a socket line for each role.
write_pgpass() {
    local port sock f role tmp="$dir/pgpass.tmp"
    port=$(cat "$dir/port")
    sock=$(pgpass_escape "$(home)")
    (
        umask 077
        : >"$tmp"
        for f in "$dir"/*.password; do
            [ -f "$f" ] || continue
            role=$(basename "$f" .password)
            [ "$role" != admin ] || role=mlps_admin
            printf '127.0.0.1:%s:*:%s:%s\n%s:%s:*:%s:%s\n' "$port" "$role" \
                "$(head -1 "$f")" "$sock" "$port" "$role" "$(head -1 "$f")"
        done >>"$tmp"
    )
    mv -f "$tmp" "$dir/pgpass"
}

# password ROLE: ROLE's password file, made once; pgpass rewritten. Under
# DIR/lock, so parallel callers agree.
password() {
    local role=${1:-}
    case $role in
    '' | [!a-z_]* | *[!a-z0-9_]*)
        die "role '$role' is not a plain lower-case identifier" ;;
    admin) die "role 'admin' is reserved: DIR/admin.password is mlps_admin's" ;;
    mlps_admin) role="admin" ;;
    esac
    [ -f "$dir/port" ] || die "$dir holds no cluster yet: run '$0 start $dir' first"
    (
        flock 9
        mlps_secret "$dir/$role.password"
        write_pgpass
    ) 9>"$dir/lock"
    echo "$dir/$role.password"
}

# relocate: the cluster's user cannot reach DIR, so its data, log and socket
# go to a folder of their own that it can; DIR/data points there. Under
# BASE/lock: parallel inits neither reap nor reuse each other's folder.
relocate() {
    local base=${MLPS_PG_RELOCATE:-/var/tmp/mlps-pg} h
    mkdir -p "$base"
    h=$base/$(printf '%s' "$dir" | sha256sum | cut -c1-16)
    (
        flock 9
        reap "$base"
        if [ -e "$h" ]; then # this DIR's earlier cluster, DIR since emptied
            [ "$(cat "$h/dir" 2>/dev/null)" = "$dir" ] ||
                die "$h belongs to another cluster: remove it, or set MLPS_PG_RELOCATE"
            as_owner "$PGBIN/pg_ctl" -D "$h/data" -m immediate -w stop \
                >/dev/null 2>&1 || true
            rm -rf "$h"
        fi
        mkdir -m 700 "$h"
        chown "$PG_USER" "$h"
        owner_reaches "$h" || die "user $PG_USER cannot reach $dir (a parent" \
            "directory is not traversable, as /root is) nor $h: set" \
            "MLPS_PG_RELOCATE to a folder it can reach, or put $dir there"
        ln -sfn "$h/data" "$dir/data" # before h/dir: reap skips it until then
        ln -sfn "$h/server.log" "$dir/server.log"
        echo "$dir" >"$h/dir"
    ) 9>"$base/lock"
}

# reap BASE: deletes each relocated cluster that is not running and whose
# DIR (named in its dir file) no longer points at it.
reap() {
    local h
    for h in "$1"/*/; do
        h=${h%/}
        [ -f "$h/dir" ] || continue
        [ "$(readlink "$(cat "$h/dir")/data" 2>/dev/null)" != "$h/data" ] ||
            continue
        as_owner "$PGBIN/pg_ctl" -D "$h/data" status >/dev/null 2>&1 ||
            rm -rf "$h"
    done
}

# The server's user owns DIR, or, when it cannot reach it, the folder the
# cluster is relocated to.
place() {
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ ! -L "$dir/data" ] || rm -f "$dir/data" "$dir/server.log"
    is_root || return 0
    chown "$PG_USER" "$dir"
    owner_reaches "$dir" && return 0
    chown "$(id -u):$(id -g)" "$dir"
    relocate
}

init() {
    local port=$1 h pwfile
    place
    h=$(home)
    echo "$port" >"$dir/port"
    mlps_secret "$dir/admin.password"
    pwfile=$dir/admin.password
    if is_root; then # the server's user reads it, then it goes
        pwfile=$h/initdb.pwfile
        install -m 600 -o "$PG_USER" "$dir/admin.password" "$pwfile"
    fi
    as_owner "$PGBIN/initdb" -D "$h/data" -U mlps_admin --pwfile="$pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    [ "$pwfile" = "$dir/admin.password" ] || rm -f "$pwfile"
    as_owner tee -a "$h/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$h'
password_encryption = 'scram-sha-256'
max_connections = 300
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] %u@%d '
CONF
    [ -z "${MLPS_PG_CONF:-}" ] ||
        printf '%s\n' "$MLPS_PG_CONF" | as_owner tee -a "$h/data/postgresql.conf" >/dev/null
    as_owner tee "$h/data/pg_hba.conf" >/dev/null <<HBA
# pg_hba.conf - by deploy/pgcluster.sh: every role logs in with a password
local all all                scram-sha-256
host  all all 127.0.0.1/32   scram-sha-256
HBA
    write_pgpass
}

# A cluster made before passwords (trust, no admin.password) is throwaway:
# stop it and make it again.
forget_old() {
    [ -f "$dir/data/PG_VERSION" ] && [ ! -f "$dir/admin.password" ] || return 0
    echo "pgcluster: $dir was made without passwords: making it again" >&2
    as_owner "$PGBIN/pg_ctl" -D "$(home)/data" -m fast -w stop \
        >/dev/null 2>&1 || true
    if [ -L "$dir/data" ]; then rm -rf "$(home)"; fi
    rm -rf "$dir/data"
}

start() {
    local port=${3:-} h
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    forget_old
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        [ -n "$port" ] || port=$(mlps_free_port 20000 7000)
        init "$port"
    fi
    port=$(cat "$dir/port")
    h=$(home)
    if as_owner "$PGBIN/pg_ctl" -D "$h/data" status >/dev/null 2>&1; then
        : # already running (left by an earlier run): reuse it
    elif ! as_owner "$PGBIN/pg_ctl" -D "$h/data" -l "$h/server.log" \
        -w -t 60 start >/dev/null; then
        tail -20 "$h/server.log" >&2
        exit 1
    fi
    MLPS_POLL=0.1 mlps_wait 10 "$PGBIN/pg_isready" -q -h 127.0.0.1 \
        -p "$port" || true
    make_db "$port"
    cat >"$dir/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=mlps_admin
PGDATABASE=mlps
PGPASSFILE=$dir/pgpass
ENV
    local where=""
    [ "$h" = "$dir" ] || where=" (data in $h)"
    echo "pgcluster: running in $dir on 127.0.0.1:$port$where"
}

make_db() { # PORT: the database mlps, made once
    local c=(-h 127.0.0.1 -p "$1" -U mlps_admin -w)
    if ! PGPASSFILE=$dir/pgpass "$PGBIN/psql" -qAtX "${c[@]}" -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = 'mlps'" | grep -q 1; then
        PGPASSFILE=$dir/pgpass "$PGBIN/createdb" "${c[@]}" mlps
    fi
}

[ ! -d "$dir" ] || dir=$(cd "$dir" && pwd)
case "$cmd" in
start) start "$@" ;;
stop)
    mode=${3:-fast}
    if [ -f "$(home)/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$(home)/data" -m "$mode" -w -t 60 stop \
            >/dev/null || true
    fi
    ;;
status) as_owner "$PGBIN/pg_ctl" -D "$(home)/data" status >/dev/null ;;
url) mlps_url "${3:-mlps_admin}" "$dir" ;;
password) password "${3:-}" ;;
*)
    sed -n '2,14p' "$0" >&2
    exit 2
    ;;
esac
