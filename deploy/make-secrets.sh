#!/usr/bin/env bash
# make-secrets.sh - every key and password a deployment of
# docker-compose.yml needs, made here and never committed.
#
#   deploy/make-secrets.sh [DIR]
#
# DIR defaults to $MLPS_SECRETS, else deploy/secrets/generated (gitignored);
# docker-compose.yml reads the same MLPS_SECRETS. Each secret is made once:
# an existing one is never overwritten, so running it again adds only what
# is missing (a new district office, a new expert). It makes:
#
#   DIR/curve/IDENTITY.key, .pub   a CURVE key pair (mlps-keygen) for every
#                                  identity: each service of the municipal
#                                  office (intake, review, panel, audit,
#                                  evaluation, cert) and
#                                  each district office's (intake, audit),
#                                  every
#                                  office's desk (office:CODE), a reviewer
#                                  (staff:reviewer), a registrar
#                                  (staff:registrar: revokes, reissues
#                                  certificates), the web gateway (web),
#                                  every expert (expert:ID), every
#                                  evaluation institution (inst:ID)
#   DIR/curve/registry             the key registry (cmn/ident.h)
#   DIR/pg/OFFICE/admin.password   the PostgreSQL admin's (mlps_admin) of
#                                  that office's database
#   DIR/pg/OFFICE/SVC_svc.password a service role's, which the service sets
#                                  on its role when it migrates
#   DIR/pg/OFFICE/SVC.pgpass       the service's libpq passfile: its role
#                                  and the admin (it migrates at start)
#   DIR/audit/sign.pem, .pub.pem   the municipal audit chain's Ed25519
#                                  signing key (openssl genpkey) and its
#                                  public half; DIR/audit/CODE/sign.pem,
#                                  .pub.pem each district's (each office
#                                  signs its own chain)
#   DIR/cert/sign.pem, .pub.pem    the certificate issuer's Ed25519 key and
#                                  the public half verifiers are given
#
# Secrets are mode 600 in folders of mode 700. Run as root, each file a
# container reads is given to the user that reads it there: MLPS_UID:
# MLPS_GID (default 10001, the image's user mlps) for the services' files,
# MLPS_PG_UID (default 999, postgres in the postgres:15 image) for the
# admin's password. The people's keys (desks, staff, web, experts) are for
# their holders: hand each its .key and delete the copy.
#
# Environment: MLPS_KEYGEN (mlps-keygen; default BUILD's, BUILD default
# build), HIERARCHY, EXPERTS and INSTITUTIONS (default deploy/region/'s).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/mlps.sh
. "$ROOT/deploy/lib/mlps.sh" # mlps_ident, mlps_secret
umask 077

DIR=${1:-${MLPS_SECRETS:-$ROOT/deploy/secrets/generated}}
HIERARCHY=${HIERARCHY:-$ROOT/deploy/region/hierarchy.json}
EXPERTS=${EXPERTS:-$ROOT/deploy/region/experts.json}
INSTITUTIONS=${INSTITUTIONS:-$ROOT/deploy/region/institutions.json}
SVC_UID=${MLPS_UID:-10001} SVC_GID=${MLPS_GID:-10001}
PG_UID=${MLPS_PG_UID:-999}
MUNICIPAL_SERVICES="intake review panel audit evaluation cert"
DISTRICT_SERVICES="intake audit"

die() {
    echo "make-secrets: $*" >&2
    exit 1
}

keygen() {
    local k=${MLPS_KEYGEN:-$ROOT/${BUILD:-build}/services/mlpsctl/mlps-keygen}
    [ -x "$k" ] || k=$(command -v mlps-keygen || true)
    [ -n "$k" ] || die "no mlps-keygen: build first (cmake -S . -B build &&" \
        "cmake --build build), or set MLPS_KEYGEN"
    echo "$k"
}

# owned UID[:GID] FILE...: FILE belongs to who reads it (only as root).
owned() {
    local who=$1
    shift
    [ "$(id -u)" -eq 0 ] || return 0
    chown "$who" "$@"
}

# The offices: the municipal one first, then each district's code.
offices() {
    jq -re '.municipal.code, .districts[].code' "$HIERARCHY" ||
        die "could not read the offices of $HIERARCHY"
}

curve_keys() {
    local c=$DIR/curve municipal=$1 o s id
    shift
    for s in $MUNICIPAL_SERVICES; do
        mlps_ident "$c" "$s@$municipal" service "$municipal"
    done
    for o in "$@"; do
        for s in $DISTRICT_SERVICES; do mlps_ident "$c" "$s@$o" service "$o"; done
    done
    for o in "$municipal" "$@"; do mlps_ident "$c" "office:$o" office "$o"; done
    mlps_ident "$c" staff:reviewer staff "$municipal" reviewer
    mlps_ident "$c" staff:registrar staff "$municipal" registrar
    mlps_ident "$c" web gateway "$municipal"
    for id in $(jq -re '.experts[].id' "$EXPERTS" ||
        die "could not read the expert ids of $EXPERTS"); do
        mlps_ident "$c" "expert:$id" expert "$municipal"
    done
    for id in $(jq -re '.institutions[].id' "$INSTITUTIONS" ||
        die "could not read the institution ids of $INSTITUTIONS"); do
        mlps_ident "$c" "inst:$id" institution "$municipal"
    done
    chmod 644 "$c"/*.pub "$c/registry" # public: who is who
    registry_agrees "$c"
    for o in "$municipal" "$@"; do
        owned "$SVC_UID:$SVC_GID" "$c"/*@"$o".key
    done
}

# registry_agrees DIR: every key pair's public half is its registry line's
# key (a key file deleted and made again would leave the old line).
registry_agrees() {
    local pub id
    for pub in "$1"/*.pub; do
        id=$(basename "$pub" .pub)
        awk -v id="$id" -v key="$(cat "$pub")" \
            '$1 == id { found++; bad = $4 != key } END { exit found != 1 || bad }' \
            "$1/registry" ||
            die "$1/registry does not hold $id's key from $pub: delete its" \
                "line (or the pair) and run again"
    done
}

# pg_secrets OFFICE SERVICE...: the admin's password of OFFICE's database,
# and each SERVICE's role password and passfile.
pg_secrets() {
    local d=$DIR/pg/$1 s
    shift
    mkdir -p "$d"
    password "$d" mlps_admin "$d/admin.password"
    owned "$PG_UID" "$d/admin.password"
    for s in "$@"; do
        password "$d" "${s}_svc" "$d/${s}_svc.password"
        pgpass_line "$d/$s.pgpass" mlps_admin "$d/admin.password"
        pgpass_line "$d/$s.pgpass" "${s}_svc" "$d/${s}_svc.password"
        owned "$SVC_UID:$SVC_GID" "$d/${s}_svc.password" "$d/$s.pgpass"
    done
}
# password DIR ROLE FILE: ROLE's password in FILE, made once. A passfile
# of DIR that already holds ROLE's password gives it back rather than a
# new one; one that holds another stops us, naming both.
password() {
    local known
    known=$(find "$1" -maxdepth 1 -name '*.pgpass' -exec cat {} + |
        sed -n "s/^\*:\*:mlps:$2://p" | sort -u)
    [ "$(echo "$known" | grep -c .)" -le 1 ] ||
        die "the passfiles in $1 disagree on $2's password: fix them by hand"
    if [ ! -s "$3" ] && [ -n "$known" ]; then
        echo "$known" >"$3"
    fi
    mlps_secret "$3"
    [ -z "$known" ] || [ "$known" = "$(head -1 "$3")" ] ||
        die "$3 and the passfiles in $1 hold different passwords for $2:" \
            "fix them by hand"
}
# pgpass_line FILE ROLE PASSWORD_FILE: ROLE's line, added once. Any host
# and port: the passfile is given to one service for one database.
pgpass_line() {
    touch "$1"
    grep -q "^\*:\*:mlps:$2:" "$1" ||
        printf '*:*:mlps:%s:%s\n' "$2" "$(head -1 "$3")" >>"$1"
}

# audit_key [CODE]: the municipal office's signing key, or a district's.
audit_key() {
    local d=$DIR/audit${1:+/$1}
    mkdir -p "$d"
    [ -s "$d/sign.pem" ] || openssl genpkey -algorithm ed25519 -out "$d/sign.pem"
    [ -s "$d/sign.pub.pem" ] ||
        openssl pkey -in "$d/sign.pem" -pubout -out "$d/sign.pub.pem"
    chmod 644 "$d/sign.pub.pem"
    owned "$SVC_UID:$SVC_GID" "$d/sign.pem"
}

# The certificate issuer's Ed25519 key and its public half (for verifiers).
cert_key() {
    local d=$DIR/cert
    mkdir -p "$d"
    [ -s "$d/sign.pem" ] || openssl genpkey -algorithm ed25519 -out "$d/sign.pem"
    [ -s "$d/sign.pub.pem" ] ||
        openssl pkey -in "$d/sign.pem" -pubout -out "$d/sign.pub.pem"
    chmod 644 "$d/sign.pub.pem"
    owned "$SVC_UID:$SVC_GID" "$d/sign.pem"
}

main() {
    local codes o
    mapfile -t codes < <(offices)
    [ ${#codes[@]} -gt 0 ] || die "$HIERARCHY names no office"
    MLPS_KEYGEN=$(keygen)
    export MLPS_KEYGEN
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    curve_keys "${codes[@]}"
    # shellcheck disable=SC2086 # the service lists split at blanks
    pg_secrets "${codes[0]}" $MUNICIPAL_SERVICES
    for o in "${codes[@]:1}"; do
        # shellcheck disable=SC2086
        pg_secrets "$o" $DISTRICT_SERVICES
    done
    audit_key
    for o in "${codes[@]:1}"; do audit_key "$o"; done
    cert_key
    echo "make-secrets: $DIR holds $(wc -l <"$DIR/curve/registry") identities," \
        "the passwords of ${#codes[@]} databases and ${#codes[@]} audit signing keys"
    [ "$(id -u)" -eq 0 ] || echo "make-secrets: not root: every file is yours" \
        "(uid $(id -u)); containers read them only as that uid" >&2
}
main
