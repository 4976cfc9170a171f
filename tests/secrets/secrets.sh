#!/usr/bin/env bash
# secrets.sh BUILD - deploy/make-secrets.sh makes every key and password
# docker-compose.yml needs, once: modes and owners, a second run changes
# nothing, a lost file comes back without touching the others (a password
# from the passfile that holds it), a registry that disagrees with a key
# stops it. A real service runs on what it made (its CURVE key, the
# registry, the hierarchy, the signing key, its role's password and
# passfile), and mlpsctl reaches it with the reviewer's key. The services
# refuse the old committed examples: the audit signing key, and a role's
# password before anything is migrated (the log quotes with ' for ").
# docker-compose.yml names only
# files it made.
BUILD=$(cd "$1" && pwd)
BIN=$BUILD/services
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
t_workdir secrets
S=$W/secrets
export MLPS_KEYGEN=$BIN/mlpsctl/mlps-keygen
trap 'kill -9 ${APID:-} 2>/dev/null || true; mlps_pg_stop 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
sums() { (cd "$S" && find . -type f -exec sha256sum {} + | sort -k2); }
modes() { (cd "$S" && find . -printf '%m %p\n' | sort -k2); }

echo "--- what it makes"
out=$("$ROOT/deploy/make-secrets.sh" "$S" 2>&1) || t_die "make-secrets.sh: $out"
t_has "it says what it made" "$out" \
    "39 identities, the passwords of 6 databases and 6 audit signing keys"
ids=$(cut -d' ' -f1-3 "$S/curve/registry")
for id in "intake@110100 service 110100" "review@110100 service 110100" \
    "panel@110100 service 110100" "audit@110100 service 110100" \
    "intake@110101 service 110101" "intake@110108 service 110108" \
    "audit@110105 service 110105" \
    "office:110100 office 110100" "office:110106 office 110106" \
    "staff:reviewer staff 110100" "web gateway 110100" \
    "expert:101 expert 110100" "expert:107 expert 110100"; do
    t_has "the registry: $id" "$ids" "$id"
done
t_has "the reviewer has the role" "$(grep '^staff:reviewer ' "$S/curve/registry")" \
    " reviewer"
t_expect "one key pair per registry line" "$(find "$S/curve" -name '*.key' |
    wc -l)" "$(wc -l <"$S/curve/registry")"
m=$(modes)
t_has "secrets are mode 600: a service's key" "$m" "600 ./curve/review@110100.key"
t_has "secrets are mode 600: an expert's key" "$m" "600 ./curve/expert:101.key"
t_has "secrets are mode 600: the admin's password" "$m" "600 ./pg/110108/admin.password"
t_has "secrets are mode 600: a role's password" "$m" "600 ./pg/110100/panel_svc.password"
t_has "secrets are mode 600: a passfile" "$m" "600 ./pg/110105/intake.pgpass"
t_has "secrets are mode 600: the signing key" "$m" "600 ./audit/sign.pem"
t_has "... and a district's own" "$m" "600 ./audit/110108/sign.pem"
t_has "the registry is public" "$m" "644 ./curve/registry"
t_has "folders are mode 700" "$m" "700 ./pg/110100"
t_expect "no file is readable by others but the public ones" \
    "$(cd "$S" && find . -type f -perm /077 ! -name '*.pub' ! -name '*.pub.pem' \
        ! -name registry)" ""
t_expect "a passfile: the admin and its own role" \
    "$(cut -d: -f1-4 "$S/pg/110100/review.pgpass")" "*:*:mlps:mlps_admin
*:*:mlps:review_svc"
t_expect "the passfile holds the role's password" \
    "$(cut -d: -f5 "$S/pg/110100/review.pgpass" | tail -1)" \
    "$(cat "$S/pg/110100/review_svc.password")"
t_expect "districts' databases differ in password" \
    "$(sort -u "$S"/pg/*/admin.password | wc -l)" 6
t_expect "the public half is the signing key's" \
    "$(openssl pkey -in "$S/audit/sign.pem" -pubout)" "$(cat "$S/audit/sign.pub.pem")"
if [ "$(id -u)" -eq 0 ]; then
    t_expect "as root: a service's key belongs to the image's user" \
        "$(stat -c %u:%g "$S/curve/review@110100.key")" 10001:10001
    t_expect "as root: a person's key stays root's" \
        "$(stat -c %u "$S/curve/expert:101.key")" 0
    t_expect "as root: the admin's password belongs to postgres:15's postgres" \
        "$(stat -c %u "$S/pg/110100/admin.password")" 999
fi

echo "--- made once"
before=$(sums)
"$ROOT/deploy/make-secrets.sh" "$S" >/dev/null 2>&1
t_expect "a second run changes nothing" "$(sums)" "$before"
rm "$S/pg/110108/intake_svc.password" "$S/pg/110105/admin.password"
"$ROOT/deploy/make-secrets.sh" "$S" >/dev/null 2>&1
t_expect "lost passwords come back from their passfiles, the same" \
    "$(sums)" "$before"
rm "$S/curve/expert:104.key" "$S/curve/expert:104.pub"
sed -i '/^expert:104 /d' "$S/curve/registry"
"$ROOT/deploy/make-secrets.sh" "$S" >/dev/null 2>&1
t_expect "a lost pair comes back, and nothing else changes" \
    "$(diff <(echo "$before") <(sums) | sed -n 's/^> [0-9a-f]*  //p')" \
    "./curve/expert:104.key
./curve/expert:104.pub
./curve/registry"
rm "$S/curve/web.key"
t_refused "a registry line that disagrees with a key pair stops it" \
    "does not hold web's key" "$ROOT/deploy/make-secrets.sh" "$S"
sed -i '/^web /d' "$S/curve/registry"
"$ROOT/deploy/make-secrets.sh" "$S" >/dev/null 2>&1
echo x >"$S/pg/110101/intake_svc.password"
t_refused "a password its passfile disagrees with stops it" \
    "hold different passwords for intake_svc" "$ROOT/deploy/make-secrets.sh" "$S"
sed -n 's/^\*:\*:mlps:intake_svc://p' "$S/pg/110101/intake.pgpass" \
    >"$S/pg/110101/intake_svc.password"

echo "--- the old committed examples are refused"
mlps_pg_start
PORT=$(mlps_free_port 7700 300)
API=$(mlps_free_port 7700 300 "$PORT")
PASSFILE=passfile=$S/pg/110100/audit.pgpass # make-secrets.sh's, not the cluster's
# audit_argv ARGS...: sets AUDIT_ARGV to mlps-audit on what make-secrets.sh
# made, with ARGS; audit ARGS...: runs it (within LIMIT s; 0: no limit).
audit_argv() {
    AUDIT_ARGV=("$BIN/audit/mlps-audit" --office=110100
        --db.url="$(mlps_url audit_svc | sed "s|passfile=.*|$PASSFILE|")"
        --db.admin-url="$(mlps_url mlps_admin)"
        --curve.secret-key-file="$S/curve/audit@110100.key"
        --curve.registry="$S/curve/registry"
        --office.hierarchy="$ROOT/deploy/region/hierarchy.json"
        --listen="tcp://127.0.0.1:$PORT" --api="tcp://127.0.0.1:$API"
        --audit.checkpoint-ms=200 "$@")
}
audit() {
    local limit=()
    [ "${LIMIT:-0}" = 0 ] || limit=(timeout "$LIMIT")
    audit_argv "$@"
    "${limit[@]}" "${AUDIT_ARGV[@]}"
}
env_limit() { LIMIT=20 "$@"; } # a refusal comes at once, or never
printf '%s\n' example-audit-password >"$W/audit_password.example"
t_refused "the example role password is refused, named" \
    "'db.svc-password-file': '$W/audit_password.example' is the committed example 'audit_password.example'" \
    env_limit audit --db.svc-password-file="$W/audit_password.example" \
    --audit.sign-key-file="$S/audit/sign.pem"
t_expect "... before anything was migrated" \
    "$(mlps_sql "SELECT to_regnamespace('audit') IS NULL")" t
cat >"$W/audit_sign.pem.example" <<'PEM'
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINV6/UBh22BRL1Hc2JUHrEttm+M/2mVEdn8dQ0qDpoD8
-----END PRIVATE KEY-----
PEM
t_refused "the example signing key is refused, named" \
    "'audit.sign-key-file': '$W/audit_sign.pem.example' is the committed example 'audit_sign.pem.example'" \
    env_limit audit --db.svc-password-file="$S/pg/110100/audit_svc.password" \
    --audit.sign-key-file="$W/audit_sign.pem.example"
t_expect "no committed example is left in deploy/secrets" \
    "$(find "$ROOT/deploy/secrets" -name '*.example')" ""

echo "--- a service runs on what it made"
# (Started straight, not through a function: $! is then the service's
# own pid, which the TERM below and the EXIT trap must reach.)
audit_argv --db.svc-password-file="$S/pg/110100/audit_svc.password" \
    --audit.sign-key-file="$S/audit/sign.pem"
"${AUDIT_ARGV[@]}" >"$W/audit.log" 2>&1 &
APID=$!
ctl() {
    "$BIN/mlpsctl/mlpsctl" --audit="tcp://127.0.0.1:$API" --office=110100 \
        --registry="$S/curve/registry" --timeout-ms=1000 "$@"
}
t_eventually "the reviewer's key reaches it: the chain verifies" 30 \
    ctl --key-file="$S/curve/staff:reviewer.key" audit verify
t_true "audit_svc's password is the one it was given" psql -qAtXw \
    "$(mlps_url audit_svc | sed "s|passfile=.*|$PASSFILE|")" -c "SELECT 1"
"$MLPS_KEYGEN" "$W/stranger.key" >/dev/null
t_refused "a key not in the registry gets no answer" "" \
    ctl --key-file="$W/stranger.key" audit verify
kill -TERM "$APID"
wait "$APID" || true
APID=""
# (A first start warns that the signer has no state yet: its path, in the
# secrets folder, is no warning about a secret.)
t_hasnt "it started without a warning about its secrets" \
    "$(grep -E 'level=(warn|error)' "$W/audit.log" | grep -v 'no signer state')" "secret"

echo "--- docker-compose.yml names only what it made"
if command -v docker-compose >/dev/null; then
    conf=$(cd "$ROOT" && MLPS_SECRETS=$S docker-compose -f docker-compose.yml \
        config 2>&1) || t_fail "docker-compose config: $conf"
    files=$(echo "$conf" | sed -n 's/^    file: //p')
    t_expect "every secret is under MLPS_SECRETS" \
        "$(echo "$files" | grep -vc "^$S/" || true)" 0
    t_expect "every secret file exists" \
        "$(echo "$files" | while read -r f; do [ -f "$f" ] || echo "$f"; done)" ""
    t_true "it names some" [ "$(echo "$files" | grep -c .)" -gt 20 ]
else
    echo "(docker-compose is not installed: its checks are skipped)"
fi
t_done
