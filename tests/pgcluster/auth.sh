#!/usr/bin/env bash
# auth.sh BIN KEYGEN - the private cluster (deploy/pgcluster.sh) lets no
# role in without its password: no `trust` line, the admin's password made
# at init, a service role's made once, set by the service when it migrates
# (--db.svc-password-file), refused when wrong or missing, over TCP and the
# unix socket alike. BIN holds kt_send, the service it starts.
BIN=$(cd "$1" && pwd)
KEYGEN=$2
# shellcheck source=../support/lib.sh
. "$(dirname "$0")/../support/lib.sh"
PGCLUSTER=$MLPS_LIB/../pgcluster.sh

t_workdir pg-auth
trap 'kill -9 ${RPID:-} 2>/dev/null || true; mlps_pg_stop 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
mlps_pg_start
PG=$W/pg
PORT=$(cat "$PG/port")
SOCK=$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" \
    "$PG/data/postgresql.conf" | tail -1)
# login CONNINFO: psql's first line (never prompting), or "in" when it got in.
login() {
    PGPASSFILE=/nonexistent psql -qAtXw "$1" -c "SELECT 'in'" 2>&1 | head -1
}
mode() { stat -c %a "$1"; }

echo "--- the cluster's configuration and files"
hba=$(grep -v '^#' "$PG/data/pg_hba.conf" | grep .)
t_hasnt "pg_hba.conf has no trust line" "$hba" trust
t_expect "pg_hba.conf: scram-sha-256 on the socket and 127.0.0.1" \
    "$(echo "$hba" | tr -s ' ')" \
    "local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256"
t_expect "admin.password is mode 600" "$(mode "$PG/admin.password")" 600
t_expect "pgpass is mode 600" "$(mode "$PG/pgpass")" 600
t_expect "the admin's password has 48 hex digits" \
    "$(grep -cE '^[0-9a-f]{48}$' "$PG/admin.password")" 1
t_has "pgpass holds the admin's line" "$(cat "$PG/pgpass")" \
    "127.0.0.1:$PORT:*:mlps_admin:$(cat "$PG/admin.password")"
t_has "the url logs in with the passfile" "$("$PGCLUSTER" url "$PG")" \
    "user=mlps_admin passfile=$PG/pgpass"

echo "--- the admin"
base="host=127.0.0.1 port=$PORT dbname=mlps user=mlps_admin"
t_has "no password over TCP: refused" "$(login "$base")" "no password supplied"
t_has "no password on the socket: refused" \
    "$(login "host=$SOCK port=$PORT dbname=mlps user=mlps_admin")" \
    "no password supplied"
t_has "a wrong password: refused" "$(login "$base password=wrong")" \
    "password authentication failed"
t_expect "the passfile over TCP: in" "$(login "$(mlps_url mlps_admin)")" in
t_expect "the passfile on the socket: in" "$(login \
    "host=$SOCK port=$PORT dbname=mlps user=mlps_admin passfile=$PG/pgpass")" in
t_expect "its password is stored as SCRAM" "$(mlps_sql "SELECT rolpassword
    LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = 'mlps_admin'")" t

echo "--- a service role"
pwfile=$(mlps_pg_password ktsend_svc)
t_expect "its password file" "$pwfile" "$PG/ktsend_svc.password"
t_expect "its password file is mode 600" "$(mode "$pwfile")" 600
first=$(cat "$pwfile")
t_expect "made once: asked again, the same file and password" \
    "$(mlps_pg_password ktsend_svc && cat "$pwfile")" "$pwfile
$first"
t_expect "pgpass holds its lines once (TCP, socket)" \
    "$(grep -c ":ktsend_svc:$first\$" "$PG/pgpass")" 2
t_refused "a role name that is not an identifier is refused" \
    "not a plain lower-case identifier" mlps_pg_password "x;drop"
mkdir -p "$W/keys"
for s in ktsend ktrecv; do # the sender, and the peer it names
    echo "$s@110100 service 110100 $("$KEYGEN" "$W/keys/$s.key")" \
        >>"$W/keys/registry"
done
"$BIN/kt_send" --db.url="$(mlps_url ktsend_svc)" \
    --db.admin-url="$(mlps_url mlps_admin)" \
    --db.svc-password-file="$pwfile" \
    --office=110100 --curve.secret-key-file="$W/keys/ktsend.key" \
    --curve.registry="$W/keys/registry" --peers="ktrecv=tcp://127.0.0.1:1" \
    --kt.total=5 --kt.batch=5 --kt.interval-ms=20 >"$W/send.log" 2>&1 &
RPID=$!
t_eventually "the service migrated and set its password" 30 mlps_true \
    "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid
     WHERE rolname = 'ktsend_svc'"
t_eventually "the service logged in as its role and wrote" 30 mlps_true \
    "SELECT count(*) = 5 FROM ktsend.sent"
svc="host=127.0.0.1 port=$PORT dbname=mlps user=ktsend_svc"
t_expect "its passfile line: in" "$(login "$(mlps_url ktsend_svc)")" in
t_expect "its password: in" \
    "$(login "$svc password=$first")" in
t_has "a wrong password: refused" "$(login "$svc password=wrong")" \
    "password authentication failed"
t_has "the admin's password: refused" \
    "$(login "$svc password=$(cat "$PG/admin.password")")" \
    "password authentication failed"
t_has "no password: refused" "$(login "$svc")" "no password supplied"
t_has "no password on the socket: refused" \
    "$(login "host=$SOCK port=$PORT dbname=mlps user=ktsend_svc")" \
    "no password supplied"
t_has "a role with no password at all: refused" \
    "$(mlps_sql "CREATE ROLE nopw_svc LOGIN" &&
        login "host=127.0.0.1 port=$PORT dbname=mlps user=nopw_svc password=x")" \
    "password authentication failed"
kill -TERM "$RPID"
wait "$RPID" || true
RPID=""
t_done
