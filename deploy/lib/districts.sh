# districts.sh - district offices beside the municipal region on this
# machine (sourced after region.sh, whose ROOT, BIN, W, BASE, TODAY it
# uses).
#
# Each district office runs the same binaries in its district role: its
# own intake and its own audit, its own PostgreSQL database (mlps_CODE in
# the region's cluster) and its own keys (intake@CODE, audit@CODE,
# office:CODE, and a clerk staff:clerk.CODE), all in the one registry of
# the region. Its intake forwards upward through a link of its own: two
# socat relays (district -> municipal intake, municipal intake ->
# district), so a test can cut a district's link and restore it
# (dist_link_cut, dist_link_restore) while both sides keep running.
#
# DISTRICTS: the codes to run (default: every district of the hierarchy).
# DIST_OPTS_<CODE>: extra intake options for that district (e.g.
# --intake.aggregate-day=28). DIST_OPTS: for every district.
#
# Ports: district I (0-based, in DISTRICTS order) from D=BASE+20+6*I:
# intake api D, intake inbox D+1, audit api D+2, audit inbox D+3, link up
# D+4, link down D+5 (so at most 5 districts within BASE+1..+49).
# shellcheck shell=bash

# The district codes of the hierarchy file, in its order.
dist_all() {
    python3 -c 'import json,sys; print(" ".join(d["code"] for d in json.load(open(sys.argv[1]))["districts"]))' \
        "$(region_hierarchy)"
}
dist_codes() { echo "${DISTRICTS:-$(dist_all)}"; }

# dist_ports CODE: sets D_INTAKE_API D_INTAKE_IN D_AUDIT_API D_AUDIT_IN
# D_UP D_DOWN for CODE (1 if CODE is not run here).
dist_ports() {
    local i=0 c
    for c in $(dist_codes); do
        if [ "$c" = "$1" ]; then
            local d=$((${BASE:-7100} + 20 + 6 * i))
            D_INTAKE_API=$d D_INTAKE_IN=$((d + 1)) D_AUDIT_API=$((d + 2))
            D_AUDIT_IN=$((d + 3)) D_UP=$((d + 4)) D_DOWN=$((d + 5))
            return 0
        fi
        i=$((i + 1))
    done
    echo "districts: $1 is not run here (DISTRICTS: $(dist_codes))" >&2
    return 1
}

# The districts' identities, as REGION_IDENTS lines (region_keys makes
# them with the municipal office's).
dist_idents() {
    local c
    for c in $(dist_codes); do
        printf 'intake@%s service %s\naudit@%s service %s\n' "$c" "$c" "$c" "$c"
        printf 'office:%s office %s\nstaff:clerk.%s staff %s\n' "$c" "$c" "$c" "$c"
    done
}

# The municipal intake's peers: each district's intake, through its link.
dist_peers() {
    local c out=""
    for c in $(dist_codes); do
        dist_ports "$c"
        out="$out${out:+;}intake@$c=tcp://127.0.0.1:$D_DOWN"
    done
    echo "$out"
}

# dist_start CODE: the district's database, audit, intake and links.
dist_start() {
    local c=$1
    dist_ports "$c" || return 1
    mlps_psql "$(MLPS_DB=postgres mlps_url mlps_admin)" \
        "SELECT 1 FROM pg_database WHERE datname = 'mlps_$c'" | grep -q 1 ||
        mlps_psql "$(MLPS_DB=postgres mlps_url mlps_admin)" \
            "CREATE DATABASE mlps_$c"
    dist_start_audit "$c"
    dist_start_intake "$c"
    dist_link_restore "$c"
}
# dist_start_audit CODE / dist_start_intake CODE: one of its services.
# shellcheck disable=SC2046,SC2086 # option helpers print options to split
dist_start_audit() {
    local c=$1 h=tcp://127.0.0.1
    dist_ports "$c" || return 1
    MLPS_DB=mlps_$c OFFICE=$c ROLE=audit region_start_one "audit-$c" \
        "$BIN/services/audit/mlps-audit" \
        --listen="$h:$D_AUDIT_IN" --api="$h:$D_AUDIT_API" \
        $(OFFICE=$c region_audit_sign) $(OFFICE=$c region_curve audit)
}
# shellcheck disable=SC2046,SC2086
dist_start_intake() {
    local c=$1 h=tcp://127.0.0.1 opts="DIST_OPTS_$1"
    dist_ports "$c" || return 1
    MLPS_DB=mlps_$c OFFICE=$c ROLE=intake region_start_one "intake-$c" \
        "$BIN/services/intake/mlps-intake" \
        --api="$h:$D_INTAKE_API" --listen="$h:$D_INTAKE_IN" \
        --peers="intake@${OFFICE:-110100}=$h:$D_UP;audit=$h:$D_AUDIT_IN" \
        --intake.batch-ms="${DIST_BATCH_MS:-300}" \
        $(OFFICE=$c region_curve intake) ${DIST_OPTS:-} ${!opts:-}
}
# dist_restart_intake CODE [SIGNAL]: stops the district's intake (TERM, or
# KILL: a crash) and starts it again; a new intake forwards at once.
dist_restart_intake() {
    dist_stop_one "$1" intake "${2:-TERM}"
    dist_start_intake "$1"
    dist_wait_up "$1"
}

# dist_link_restore CODE [up|down] / dist_link_cut CODE [up|down]: the
# district's link to the municipal office (both ways, or one: up carries
# the district's batches, aggregates and relays, down the receipts and
# case updates). Cutting kills the relay and the connections it carries;
# both intakes keep running and retrying.
dist_link_restore() {
    local c=$1 way
    dist_ports "$c" || return 1
    for way in ${2:-up down}; do
        [ -f "$W/link-$c-$way.pid" ] && continue
        if [ "$way" = up ]; then
            set -- "$D_UP" "$P_INTAKE_IN"
        else
            set -- "$D_DOWN" "$D_INTAKE_IN"
        fi
        # (In a subshell: the shell does not report the relay's end.)
        (socat -T 600 "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" \
            "TCP:127.0.0.1:$2" 2>>"$W/link-$c.log" &
            echo $! >"$W/link-$c-$way.pid")
    done
}
dist_link_cut() {
    local way f pid
    for way in ${2:-up down}; do
        f="$W/link-$1-$way.pid"
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        pkill -KILL -P "$pid" 2>/dev/null || true # the relayed connections
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$f"
    done
}

# dist_start_all: every district of DISTRICTS, then waits until each
# intake answers.
dist_start_all() {
    local c
    for c in $(dist_codes); do dist_start "$c"; done
    for c in $(dist_codes); do dist_wait_up "$c" || return 1; done
}

# dist_wait_up CODE: until the district's intake answers (or it exited).
dist_wait_up() {
    local c=$1
    mlps_wait 60 dist__answers "$c" && return 0
    echo "districts: intake-$c did not come up; see $W/intake-$c.log" >&2
    tail -5 "$W/intake-$c.log" >&2
    return 1
}
dist__answers() {
    dist_ports "$1"
    mlps_exited "$(cat "$W/intake-$1.pid")" && return 1
    mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=500 \
        --key="$W/keys/office:$1.key" --registry="$W/keys/registry" \
        --server="intake@$1" api "tcp://127.0.0.1:$D_INTAKE_API" \
        mlps.v1.DuplicatesRequest '{}' >/dev/null 2>&1
}

# dist_stop_one CODE SERVICE [SIGNAL]: stops one of a district's services
# (TERM, or KILL for a crash) and waits until it is gone.
dist_stop_one() {
    local f="$W/$2-$1.pid" pid
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    kill "-${3:-TERM}" "$pid" 2>/dev/null || true
    MLPS_POLL=0.1 mlps_wait 15 mlps_exited "$pid" || kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
}

# dist_ctl CODE ARGS...: mlpsctl at district CODE's intake (or, for
# "audit ...", its audit service), as the district's office
# (DIST_AS=IDENTITY: as someone else).
dist_ctl() {
    local c=$1 office=${MLPS_OFFICE:-110100}
    shift
    dist_ports "$c" || return 1
    [ "$1" = audit ] && office=$c
    MLPS_INTAKE="tcp://127.0.0.1:$D_INTAKE_API" MLPS_INTAKE_OFFICE=$c \
        MLPS_AUDIT="tcp://127.0.0.1:$D_AUDIT_API" MLPS_OFFICE=$office \
        MLPS_KEY_FILE="$W/keys/${DIST_AS:-office:$c}.key" region_ctl "$@"
}

# dist_sql CODE SQL: SQL as the admin in district CODE's database.
dist_sql() { mlps_psql "$(MLPS_DB="mlps_$1" mlps_url mlps_admin)" "$2"; }

# dist_drained CODE: nothing waits in the district intake's outbox.
dist_drained() {
    [ "$(dist_sql "$1" "SELECT count(*) FROM intake.outbox WHERE
        delivered_at IS NULL AND failed_reason IS NULL" 2>/dev/null)" = 0 ]
}
# dist_forwarded CODE: every filing of the district is forwarded and
# acknowledged upward.
dist_forwarded() {
    [ "$(dist_sql "$1" "SELECT count(*) FROM intake.filings WHERE
        forwarded_revision < revision AND state <> 'rejected'" 2>/dev/null)" = 0 ] &&
        dist_drained "$1"
}

# dist_trust_table D1 D2 ID: each district's sockets tried with a plain
# client, and forged messages between offices with real keys (D2's keys
# speaking for D1; ID a filing of D1's). Lines as region_trust_table's.
dist_trust_table() {
    local d1=$1 d2=$2 id=$3 c s name port r rc
    for c in $(dist_codes); do
        dist_ports "$c"
        for s in "intake.api $D_INTAKE_API" "intake.inbox $D_INTAKE_IN" \
            "audit.api $D_AUDIT_API" "audit.inbox $D_AUDIT_IN"; do
            read -r name port <<<"$s"
            rc=0
            r=$(mlps_bounded "$BIN/tests/support/tst_probe" --timeout-ms=700 plain \
                "tcp://127.0.0.1:$port") || rc=$?
            if [ $rc = 124 ]; then
                echo "trust: socket=$c.$name not tried: the probe hung"
            elif [ "$r" = "plain: no answer" ]; then
                echo "trust: socket=$c.$name CURVE (a plain client gets nothing)"
            else
                echo "trust: socket=$c.$name PLAIN"
            fi
        done
    done
    local m=${OFFICE:-110100}
    OFFICE=$m OFFICE_CLAIM=$d2 region__forge \
        "a FilingBatch naming $d1, with $d2's intake key" \
        "intake@$d2" intake "$P_INTAKE_IN" inbox intake mlps.v1.FilingBatch \
        "{\"batch_id\": \"$d1-B99999\", \"district\": \"$d1\", \"sent_on\": \"2026-11-20\", \"filings\": [{\"tracking_id\": \"$d1-20261120-99999\", \"revision\": 1}]}"
    OFFICE=$m OFFICE_CLAIM=$d2 region__forge \
        "a MonthlyAggregate naming $d1, with $d2's intake key" \
        "intake@$d2" intake "$P_INTAKE_IN" inbox intake mlps.v1.MonthlyAggregate \
        "{\"district\": \"$d1\", \"month\": \"2026-11\", \"revision\": 99}"
    dist_ports "$d1"
    OFFICE=$d1 OFFICE_CLAIM=$d2 region__forge \
        "a CaseUpdate to $d1 from $d2's intake key" \
        "intake@$d2" intake "$D_INTAKE_IN" inbox intake mlps.v1.CaseUpdate \
        "{\"tracking_id\": \"$id\", \"state\": \"accepted\", \"outcome\": \"A\"}"
    OFFICE=$d1 OFFICE_CLAIM=$m region__forge \
        "a CaseDecided to $d1's intake with review's key" \
        "review@$m" intake "$D_INTAKE_IN" inbox review mlps.v1.CaseDecided \
        "{\"tracking_id\": \"$id\", \"state\": \"accepted\"}"
    OFFICE=$m ACTING="" region__forge \
        "the month's report read with $d1's clerk's key" \
        "staff:clerk.$d1" intake "$P_INTAKE_API" api client \
        mlps.v1.ReportMonthRequest "{\"month\": \"2026-11\"}"
}
