# lib.sh - the shell tests' layer over deploy/lib/mlps.sh (sourced): work
# dirs and the one assertion vocabulary every shell test speaks (t_*).
#
# Needs: BIN (a dir inside the build tree). A check prints "ok: NAME" on
# stdout or "FAIL: NAME: why" on stderr, counts, and the script goes on;
# t_done ends the checks, t_die stops at once. Every check returns 0, so a
# failed one never trips `set -e`.
# shellcheck shell=bash
# shellcheck source=../../deploy/lib/mlps.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib/mlps.sh"

T_PASSED=0 T_FAILED=0

# t_workdir NAME: sets W to a fresh work dir, BUILD/tmp/NAME-PID in the
# build tree that holds BIN (a cluster in $W/pg that the server's user
# cannot reach is relocated, deploy/pgcluster.sh), T_BUILD to that build
# tree, and T_NAME, the name t_done and t_die report under, to NAME unless
# it is set. It also exports MLPS_KEYGEN, for mlps_ident, as the build
# tree's mlps-keygen unless it is set.
t_workdir() {
    local d
    d=$(cd "$BIN" && pwd)
    while [ ! -f "$d/CMakeCache.txt" ]; do
        [ "$d" != / ] || {
            echo "t_workdir: BIN '$BIN' is not inside a build tree" >&2
            exit 2
        }
        d=$(dirname "$d")
    done
    T_BUILD=$d
    W="$d/tmp/$1-$$"
    rm -rf "$W"
    mkdir -p "$W"
    T_NAME=${T_NAME:-$1}
    export MLPS_KEYGEN=${MLPS_KEYGEN:-$d/services/mlpsctl/mlps-keygen}
}

# t_started NAME PID: until $W/NAME.log says the service started (30 s at
# most); t_die when PID exited instead, or it never did.
t_started() {
    mlps_wait 30 t__started "$1" "$2" || true
    if mlps_exited "$2" || ! grep -qs 'msg="started"' "$W/$1.log"; then
        t_die "$1 did not start"
    fi
}
t__started() { grep -qs 'msg="started"' "$W/$1.log" || mlps_exited "$2"; }

# t_alone LOW: the start of a test of one service alone: a private
# cluster in $W/pg (stopped at exit, when every pid in T_PIDS is killed),
# ADMIN (its admin URL), H (tcp://127.0.0.1) and three free ports of
# LOW..LOW+499: P_IN, P_API and P_NONE, where nothing listens (peers whose
# messages stay in the outbox, for the checks to read).
# shellcheck disable=SC2034 # ADMIN, H and the ports are for the caller
t_alone() {
    T_PIDS=()
    trap t__alone_exit EXIT
    mlps_pg_start
    ADMIN=$(mlps_url mlps_admin)
    H=tcp://127.0.0.1
    P_IN=$(mlps_free_port "$1" 500)
    P_API=$(mlps_free_port "$1" 500 "$P_IN")
    P_NONE=$(mlps_free_port "$1" 500 "$P_IN" "$P_API")
}
t__alone_exit() {
    [ ${#T_PIDS[@]} -eq 0 ] || kill -9 "${T_PIDS[@]}" 2>/dev/null || true
    mlps_pg_stop immediate 2>/dev/null || true
}

# t_inbox SERVER ENDPOINT AS TYPE VERSION JSON [OPTION...]: one
# mlps.v1.TYPE message (JSON, tst_probe's) to the inbox at ENDPOINT of
# SERVER (its registry identity), with the key of identity AS (NAME@OFFICE,
# in $W/keys), claiming to be service NAME of office OFFICE unless
# --source= or --office= say otherwise, at case VERSION (0: none). Prints
# tst_probe's Ack line ("ack: APPLIED", "ack: none", ...); never fails.
t_inbox() {
    local server=$1 ep=$2 as=$3 type=$4 version=$5 json=$6
    shift 6
    mlps_bounded "$T_BUILD/tests/support/tst_probe" --key="$W/keys/$as.key" \
        --registry="$W/keys/registry" --server="$server" \
        --source="${as%@*}" --office="${as#*@}" --version="$version" "$@" \
        inbox "$ep" "mlps.v1.$type" "$json" 2>&1 || true
}

# t_wait_generated SCHEMA N SECONDS: until a tst_gen sender's SCHEMA.sent
# holds N rows and its outbox is drained (mlps_drained_sql).
t_wait_generated() {
    mlps_wait_sql "$3" "SELECT (SELECT count(*) FROM $1.sent) = $2 AND
        $(mlps_drained_sql "$1")"
}

# --- checks ----------------------------------------------------------------

# t_pass NAME / t_fail NAME: a check that passed / failed.
t_pass() {
    T_PASSED=$((T_PASSED + 1))
    echo "ok: $1"
}
t_fail() {
    T_FAILED=$((T_FAILED + 1))
    echo "FAIL: $1" >&2
}
# t_expect NAME GOT WANT: GOT is exactly WANT.
t_expect() {
    if [ "$2" = "$3" ]; then
        case $2 in *$'\n'*) t_pass "$1" ;; *) t_pass "$1 = $2" ;; esac
    else
        t_fail "$1: got [$2], want [$3]"
    fi
}
# t_has NAME TEXT NEEDLE / t_hasnt NAME TEXT NEEDLE: TEXT holds NEEDLE /
# does not.
t_has() { case $2 in *"$3"*) t_pass "$1" ;; *) t_fail "$1: [$2] lacks [$3]" ;; esac; }
t_hasnt() { case $2 in *"$3"*) t_fail "$1: [$2] has [$3]" ;; *) t_pass "$1" ;; esac; }
# t_like NAME TEXT PATTERN: TEXT matches the glob PATTERN as a whole.
t_like() {
    # shellcheck disable=SC2053 # PATTERN is a glob on purpose
    if [[ $2 == $3 ]]; then t_pass "$1"; else t_fail "$1: [$2] is not [$3]"; fi
}
# t_true NAME CMD...: CMD succeeds (its output goes where it would).
t_true() {
    local name=$1 rc=0
    shift
    "$@" || rc=$?
    if [ $rc = 0 ]; then t_pass "$name"; else t_fail "$name: exit status $rc"; fi
}
# t_refused NAME NEEDLE CMD...: CMD fails, and its output (stdout and
# stderr together) holds NEEDLE.
t_refused() {
    local name=$1 needle=$2 out rc=0
    shift 2
    out=$("$@" 2>&1) || rc=$?
    if [ $rc = 0 ]; then
        t_fail "$name: succeeded (it should be refused): [$out]"
    else
        t_has "$name" "$out" "$needle"
    fi
}
# t_eventually NAME SECONDS CMD...: CMD succeeds within SECONDS (mlps_wait).
t_eventually() {
    local name=$1 secs=$2
    shift 2
    if mlps_wait "$secs" "$@"; then
        t_pass "$name"
    else
        t_fail "$name: not within $secs s"
    fi
}

# --- the end ---------------------------------------------------------------

# t_done: exits 1 if any check failed, printing how many and the tails of
# the service logs ($W/*.log); else prints how many passed and returns.
t_done() {
    local n=$((T_PASSED + T_FAILED))
    if [ "$T_FAILED" -gt 0 ]; then
        t__tails
        echo "${T_NAME:-$0}: $T_FAILED of $n checks failed; logs in $W" >&2
        exit 1
    fi
    echo "${T_NAME:-$0}: passed ($n checks)"
}
# t_die MESSAGE: stops the test now (exit 1), printing MESSAGE and the tails
# of the service logs.
t_die() {
    echo "FAIL: $*" >&2
    t__tails
    echo "${T_NAME:-$0}: stopped; logs in ${W:-(none yet)}" >&2
    exit 1
}
t__tails() {
    local f
    for f in "${W:-/nonexistent}"/*.log; do
        [ -f "$f" ] || continue
        echo "--- $(basename "$f") (last lines)" >&2
        tail -15 "$f" >&2 || true
    done
}
