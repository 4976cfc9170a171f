#!/usr/bin/env bash
# anywhere.sh BIN - a cluster whose folder the server's user cannot reach
# (a parent is 0700, as /root is) still runs when pgcluster.sh runs as
# root: its data goes to a folder of its own under MLPS_PG_RELOCATE, DIR
# keeps the port, env, passwords and a symlink, `stop` stops exactly that
# cluster, and a relocated cluster whose DIR is gone is reaped. When even
# MLPS_PG_RELOCATE cannot be reached, start fails at once saying what to
# do. Skipped (77) when not root: then the server runs as the caller.
BIN=$(cd "$1" && pwd)
# shellcheck source=../support/lib.sh
. "$(dirname "$0")/../support/lib.sh"
PGCLUSTER=$MLPS_LIB/../pgcluster.sh
if [ "$(id -u)" -ne 0 ]; then
    echo "pg-anywhere: skipped (only root relocates a cluster)"
    exit 77
fi

t_workdir pg-anywhere
export MLPS_PG_RELOCATE=/var/tmp/mlps-pg-test-$$
HIDDEN=$W/hidden # like /root: the server's user cannot traverse it
A=$HIDDEN/a/pg B=$HIDDEN/b/pg
cleanup() {
    "$PGCLUSTER" stop "$A" immediate 2>/dev/null || true
    "$PGCLUSTER" stop "$B" immediate 2>/dev/null || true
    rm -rf "$MLPS_PG_RELOCATE"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
mkdir -p "$HIDDEN"
chmod 700 "$HIDDEN"
user=${MLPS_PG_USER:-postgres}
t_refused "the server's user cannot reach the folder" "" \
    runuser -u "$user" -- test -x "$A"

echo "--- a cluster in a folder the server's user cannot reach"
t_true "start" "$PGCLUSTER" start "$A"
place=$(readlink "$A/data")
t_like "DIR/data points into MLPS_PG_RELOCATE" "$place" \
    "$MLPS_PG_RELOCATE/????????????????/data"
home=$(dirname "$place")
t_expect "the place belongs to the server's user, mode 700" \
    "$(stat -c '%U %a' "$home")" "$user 700"
t_expect "the place names its DIR" "$(cat "$home/dir")" "$A"
for f in port env pgpass admin.password; do
    t_true "DIR keeps $f" test -f "$A/$f"
done
t_expect "the admin logs in" "$(mlps_psql "$(mlps_url mlps_admin "$A")" \
    "SELECT current_setting('data_directory')")" "$place"
t_true "status: running" "$PGCLUSTER" status "$A"

echo "--- a second one, and stop stops exactly one"
t_true "start another" "$PGCLUSTER" start "$B"
t_hasnt "another place" "$(readlink "$B/data")" "$home/"
mlps_psql "$(mlps_url mlps_admin "$A")" "CREATE TABLE marker (i int)"
t_true "stop the first" "$PGCLUSTER" stop "$A"
t_refused "status: the first is stopped" "" "$PGCLUSTER" status "$A"
t_true "status: the second still runs" "$PGCLUSTER" status "$B"
t_expect "the second still answers" \
    "$(mlps_psql "$(mlps_url mlps_admin "$B")" "SELECT 1")" 1
t_true "start the first again" "$PGCLUSTER" start "$A"
t_expect "the same place" "$(readlink "$A/data")" "$place"
has_marker() {
    mlps_psql "$(mlps_url mlps_admin "$A")" \
        "SELECT to_regclass('public.marker') IS NOT NULL"
}
t_expect "the same data: the marker table is still there" "$(has_marker)" t

echo "--- DIR wiped while its cluster runs, and one whose DIR is gone"
b_home=$(dirname "$(readlink "$B/data")")
"$PGCLUSTER" stop "$B"
rm -rf "$(dirname "$B")" # B's place is now an orphan, stopped
rm -rf "$A"              # A's cluster still runs there
t_true "start in the wiped folder" "$PGCLUSTER" start "$A"
t_expect "one server for the place" \
    "$(pgrep -fc "postgres -D $place" || true)" 1
t_expect "a new cluster: its new admin password works, no marker" \
    "$(has_marker)" f
t_refused "the orphan is reaped" "" test -e "$b_home"

echo "--- nowhere to go: start says what to do"
export MLPS_PG_RELOCATE=$HIDDEN/base
t_refused "an unreachable MLPS_PG_RELOCATE is refused" \
    "set MLPS_PG_RELOCATE to a folder it can reach" \
    "$PGCLUSTER" start "$HIDDEN/c/pg"
export MLPS_PG_RELOCATE=/var/tmp/mlps-pg-test-$$
t_done
