#!/usr/bin/env bash
# pgcluster.sh - a throwaway PostgreSQL 15 cluster in a folder.
#
#   pgcluster.sh start DIR [PORT]    init (first time) and start; waits until
#                                    it accepts connections; writes DIR/env
#   pgcluster.sh stop DIR [MODE]     stop it (MODE: fast, default, or
#                                    immediate, which is a crash)
#   pgcluster.sh status DIR          exit 0 if running
#   pgcluster.sh url DIR [USER]      print a libpq connection string
#
# PostgreSQL refuses to run as root, so when run as root the server runs as
# $MLPS_PG_USER (default: postgres, which Debian's package creates). It
# listens on 127.0.0.1 only and trusts local connections: this is a private
# test and development cluster; each service still logs in as its own role
# with only its own grants. `stop` stops exactly the cluster in DIR.
set -euo pipefail
# shellcheck source=lib/mlps.sh
. "$(dirname "$0")/lib/mlps.sh" # mlps_free_port, mlps_url, mlps_wait

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    sed -n '2,16p' "$0" >&2
    exit 2
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "${MLPS_PG_USER:-postgres}" -- "$@"
    else
        "$@"
    fi
}

init() {
    local port=$1
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        chown "${MLPS_PG_USER:-postgres}" "$dir"
    fi
    chmod 700 "$dir"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U mlps_admin --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] %u@%d '
CONF
    echo "$port" >"$dir/port"
}

start() {
    local port=${3:-}
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        [ -n "$port" ] || port=$(mlps_free_port 20000 7000)
        init "$port"
    fi
    dir=$(cd "$dir" && pwd)
    port=$(cat "$dir/port")
    if as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        : # already running (left by an earlier run): reuse it
    elif ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
        -w -t 60 start >/dev/null; then
        tail -20 "$dir/server.log" >&2
        exit 1
    fi
    MLPS_POLL=0.1 mlps_wait 10 "$PGBIN/pg_isready" -q -h 127.0.0.1 \
        -p "$port" || true
    if ! "$PGBIN/psql" -qAt -h 127.0.0.1 -p "$port" -U mlps_admin -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = 'mlps'" | grep -q 1; then
        "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U mlps_admin mlps
    fi
    cat >"$dir/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=mlps_admin
PGDATABASE=mlps
ENV
    echo "pgcluster: running in $dir on 127.0.0.1:$port"
}

case "$cmd" in
start) start "$@" ;;
stop)
    mode=${3:-fast}
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop \
            >/dev/null || true
    fi
    ;;
status) as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null ;;
url) mlps_url "${3:-mlps_admin}" "$dir" ;;
*)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
