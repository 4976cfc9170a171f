#!/usr/bin/env bash
# run.sh - the test command: installs what is missing (as root), builds in
# build/, and runs every test (unit, PostgreSQL, integration, end to end).
# Extra arguments go to ctest, e.g. `tests/run.sh -L unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2 "$@"
