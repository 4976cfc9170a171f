#!/usr/bin/env bash
# install-deps.sh - the Debian 12 packages mlps builds, tests and runs with.
# Run as root; does nothing for packages already installed.
set -euo pipefail
PKGS=(build-essential cmake pkg-config git ca-certificates
    libzmq3-dev libsodium-dev libprotobuf-c-dev protobuf-c-compiler libuv1-dev
    libpq-dev postgresql-15 postgresql-client-15 libjansson-dev libssl-dev
    libcmocka-dev clang libclang-rt-14-dev bc openssl jq
    libcairo2-dev libpango1.0-dev libfontconfig-dev fonts-noto-cjk
    libqrencode-dev zbar-tools poppler-utils
    libcsv-dev python3 socat clang-format cppcheck)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (run as root): ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
