# demo-cert.sh - the certificate part of the region's story (sourced, after
# deploy/lib/region.sh and region_start; prefix demo_cert).
#
#   demo_cert [--wait=SECONDS] TRACKING_ID...
#
# For the accepted cases named (level 2 are issued at once; level 3 and
# above once evaluation reports a verdict that is not poor), waits until
# each has its certificate (SECONDS in all, default 60) and prints one line
# per case:
#   certificate: TRACKING_ID NUMBER level N (valid)
# or, for one still waiting, "certificate: TRACKING_ID waiting: WHY". Then
# it takes the first certificate issued and tells its story: the service
# renders the PDF ($W/cert/NUMBER.pdf), the page is rastered (pdftoppm) and
# its QR code scanned (zbarimg), and the payload is verified offline with
# the issuer's public key alone ($W/keys/cert-sign.pub.pem): "cert verify:
# valid". The registrar (staff:wang) revokes it (withdrawn), the signed
# revocation list is fetched, and the same scanned payload verified with it
# says "cert verify: revoked (withdrawn, DATE, as of INSTANT)".
# Returns 1 when no case got a certificate or a verdict is not the one
# expected, 2 for bad arguments. Needs W, BIN and region_start's
# environment (MLPS_CERT, MLPS_REGISTRY, ...).
# shellcheck shell=bash

# demo_cert__line ID: the case's certificate line; 0 when it has a valid one.
demo_cert__line() {
    local out number state level note
    out=$(region_ctl cert status --case="$1" 2>/dev/null) || {
        echo "certificate: $1 none yet (no acceptance has reached the service)"
        return 1
    }
    number=$(echo "$out" | region_field number)
    state=$(echo "$out" | region_field state)
    level=$(echo "$out" | region_field level)
    note=$(echo "$out" | region_field note)
    if [ "$state" = valid ]; then
        echo "certificate: $1 $number level $level (valid)"
        return 0
    fi
    echo "certificate: $1 ${number:+$number }$state${note:+: $note}"
    return 1
}
# demo_cert__all ID...: every case has a valid certificate (quietly).
demo_cert__all() {
    local id
    for id in "$@"; do demo_cert__line "$id" >/dev/null || return 1; done
}

# demo_cert__scan PDF PREFIX: the QR payload scanned from the PDF's page.
demo_cert__scan() {
    pdftoppm -r 150 -png -singlefile "$1" "$2" &&
        zbarimg -q --raw "$2.png" 2>/dev/null | tr -d '\n'
}

demo_cert() {
    local secs=60 id first="" number pdf payload keys="$W/keys/cert-sign.pub.pem"
    case ${1:-} in --wait=*) secs=${1#--wait=}; shift ;; esac
    [ $# -gt 0 ] || { echo "demo_cert: usage: demo_cert [--wait=SECONDS] TRACKING_ID..." >&2; return 2; }
    mlps_wait "$secs" demo_cert__all "$@" || true
    for id in "$@"; do
        demo_cert__line "$id" && [ -z "$first" ] && first=$id
    done
    [ -n "$first" ] || { echo "demo_cert: no case has a certificate" >&2; return 1; }
    number=$(region_ctl cert status --case="$first" | region_field number)
    mkdir -p "$W/cert"
    pdf="$W/cert/$number.pdf"
    echo "-- the service renders $number (Cairo + Pango, Noto Sans CJK SC):"
    region_ctl cert pdf "$number" -o "$pdf" || return 1
    payload=$(demo_cert__scan "$pdf" "$W/cert/$number") || true
    [ -n "$payload" ] || { echo "demo_cert: no QR code scanned from $pdf" >&2; return 1; }
    echo "-- scanned from the page (pdftoppm -r 150 | zbarimg): ${payload:0:60}..."
    echo "-- verified offline with the issuer's public key alone:"
    demo_cert__verify "$payload" "cert verify: valid" --keys "$keys" ||
        return 1
    echo "-- the registrar revokes it; the signed list is fetched:"
    region_as staff:wang cert revoke "$number" withdrawn \
        --note="演示：单位撤回备案" || return 1
    region_ctl cert revocations -o "$W/cert/revocations.txt" || return 1
    echo "-- the same payload, verified offline with the list:"
    demo_cert__verify "$payload" "cert verify: revoked (withdrawn, *" \
        --keys "$keys" --revocations "$W/cert/revocations.txt"
}
# demo_cert__verify PAYLOAD PATTERN ARGS...: prints the verdict line of
# mlpsctl cert verify; 0 when it matches the glob PATTERN.
demo_cert__verify() {
    local payload=$1 want=$2 line
    shift 2
    line=$(region_ctl cert verify "$payload" "$@" 2>&1 | sed -n 1p) || true
    echo "$line"
    # shellcheck disable=SC2053 # a glob on purpose
    [[ $line == $want ]]
}
