#!/usr/bin/env bash
# chaos.sh BUILD - the whole workflow under SIGKILL: the municipal office
# (intake, review, panel, audit) and two district offices (each its own
# intake forwarding upward and its own audit), every socket CURVE, on one
# private PostgreSQL; thousands of filings imported at the districts, a
# share of them B (then supplemented) and a share C (the expert panel: a
# session, opinions, a decision), while every one of those services is
# SIGKILLed and restarted at random moments and PostgreSQL is stopped with
# -m immediate twice. After draining, SQL proves each accepted filing
# reached its final state exactly once, each audit event is there once,
# and every office's audit chain verifies. Its last line:
#   chaos: filings=N final_once=N lost=0 doubled=0 kills=K db_restarts=R audit=ok
#
# Environment: CHAOS_N (filings, default 2000), CHAOS_B / CHAOS_C (the
# share of B and C, in %, default 10 and 5), CHAOS_KILLS (at least this
# many kills, default 24), CHAOS=0 (no kills and no database stops: the
# same run as a baseline), CHAOS_SEED (the random moments; default: the
# shell's).
set -euo pipefail
BIN=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/chaos
BASE=32200 # ports BASE+1 .. BASE+49 (region.sh, districts.sh)
TODAY=2026-11-20
MLPS_POLL=0.2
N=${CHAOS_N:-2000}
KILLS_MIN=${CHAOS_KILLS:-24}
[ -n "${CHAOS_SEED:-}" ] && RANDOM=$CHAOS_SEED
# shellcheck source=../../deploy/lib/region.sh
. "$ROOT/deploy/lib/region.sh"
# shellcheck source=../../deploy/lib/districts.sh
. "$ROOT/deploy/lib/districts.sh"
# shellcheck source=../support/lib.sh
. "$ROOT/tests/support/lib.sh"
T_NAME="chaos_workflow"
t_workdir chaos
stop_all() {
    touch "$W/chaos.abort"
    [ -z "${CHAOS_PID:-}" ] || mlps_wait 120 test -f "$W/chaos.done" || true
    region_stop
    touch "$W/chaos.end"
    if [ -n "${CHAOS_PID:-}" ]; then
        wait "$CHAOS_PID" 2>/dev/null || true
    fi
    CHAOS_PID=
}
trap 'stop_all; [ "${ok:-0}" = 1 ] && rm -rf "$W"' EXIT
trap 'exit 143' TERM INT

DISTRICTS="110108 110105"
REGION_IDENTS=$(dist_idents)
REVIEW_OPTS="--review.auto=all"
# One session takes every C case of the run; opinions decide at once.
PANEL_OPTS="--panel.capacity=1000"
DIST_OPTS="--intake.aggregate-day=0"
region_ports
INTAKE_PEERS=$(dist_peers)
# A request whose intake is killed is never answered: the import waits
# --batch-timeout-ms for it (120 s by default, the whole of import_one's
# time), then goes again. A chunk's request takes a second or two here.
CTL=(--timeout-ms=3000 --batch-timeout-ms=15000)

# --- the services, each restartable on its own -----------------------------

SERVICES=(intake review panel audit evaluation cert)
for c in $DISTRICTS; do SERVICES+=("intake-$c" "audit-$c"); done

# start_svc NAME: starts one service as region_start / dist_start do.
# shellcheck disable=SC2046,SC2086 # the option helpers print options
start_svc() {
    local h=tcp://127.0.0.1 audit="audit=tcp://127.0.0.1:$P_AUDIT_IN"
    case $1 in
    audit)
        region_start_one audit "$BIN/services/audit/mlps-audit" \
            --listen="$h:$P_AUDIT_IN" --api="$h:$P_AUDIT_API" \
            $(region_audit_sign) $(region_curve audit) ;;
    review)
        region_start_one review "$BIN/services/review/mlps-review" \
            --listen="$h:$P_REVIEW_IN" --api="$h:$P_REVIEW_API" \
            --peers="panel=$h:$P_PANEL_IN;intake=$h:$P_INTAKE_IN;evaluation=$h:$P_EVAL_IN;cert=$h:$P_CERT_IN;$audit" \
            --review.calendar="$ROOT/common/domain/calendar/cn-2026.txt" \
            $(region_curve review) $REVIEW_OPTS ;;
    panel)
        region_start_one panel "$BIN/services/panel/mlps-panel" \
            --listen="$h:$P_PANEL_IN" --api="$h:$P_PANEL_API" \
            --peers="review=$h:$P_REVIEW_IN;$audit" \
            --panel.experts="$(region_experts)" \
            $(region_curve panel) $PANEL_OPTS ;;
    intake)
        region_start_one intake "$BIN/services/intake/mlps-intake" \
            --api="$h:$P_INTAKE_API" --listen="$h:$P_INTAKE_IN" \
            --peers="review=$h:$P_REVIEW_IN;$audit;$INTAKE_PEERS" \
            $(region_curve intake) ;;
    evaluation)
        region_start_one evaluation "$BIN/services/evaluation/mlps-evaluation" \
            --listen="$h:$P_EVAL_IN" --api="$h:$P_EVAL_API" \
            --peers="cert=$h:$P_CERT_IN;$audit" \
            $(region_curve evaluation) ${EVAL_OPTS:-} ;;
    cert)
        region_start_one cert "$BIN/services/cert/mlps-cert" \
            --listen="$h:$P_CERT_IN" --api="$h:$P_CERT_API" --peers="$audit" \
            $(region_cert_sign) $(region_curve cert) ${CERT_OPTS:-} ;;
    intake-*) dist_start_intake "${1#intake-}" ;;
    audit-*) dist_start_audit "${1#audit-}" ;;
    *) t_die "start_svc: unknown service $1" ;;
    esac
}
pid_of() { cat "$W/$1.pid" 2>/dev/null || echo 0; }
alive() { ! mlps_exited "$(pid_of "$1")"; }
# revive: starts every service that is not running (after a database
# restart a service may have given up); prints their names.
revive() {
    local s
    for s in "${SERVICES[@]}"; do
        alive "$s" || { start_svc "$s"; echo "$s"; }
    done
}

# --- the chaos: a background loop of SIGKILLs and database crashes ---------

# Rounds over every service in a random order, a random pause (0 to 2 s)
# before each kill, 0 to 0.7 s before the restart, and one time in four a
# second kill 0 to 0.3 s into the start-up; the database is stopped
# with -m immediate twice (after the first and the second third of the
# kills) and started again, and whatever exited meanwhile is started. It
# ends once $W/chaos.stop exists (the work is done) and it has done
# KILLS_MIN kills and two database restarts, or after twice KILLS_MIN
# kills (a slow machine: the rest of the work is done without; at once on
# $W/chaos.abort: the test stops);
# $W/chaos.count holds "KILLS DB_RESTARTS", $W/chaos.done says it is over.
chaos_loop() {
    local kills=0 dbr=0 s pid order i
    echo "0 0" >"$W/chaos.count"
    while :; do
        if [ "$dbr" -ge 2 ] && [ "$kills" -ge "$KILLS_MIN" ]; then
            [ -f "$W/chaos.stop" ] && break
            [ "$kills" -ge $((2 * KILLS_MIN)) ] && break # a slow machine
        fi
        [ -f "$W/chaos.abort" ] && break
        mapfile -t order < <(printf '%s\n' "${SERVICES[@]}" | shuf --random-source=<(yes "$RANDOM"))
        for s in "${order[@]}"; do
            [ -f "$W/chaos.abort" ] && break
            sleep "$((RANDOM % 2)).$((RANDOM % 10))"
            if [ "$dbr" -lt 2 ] &&
                [ "$kills" -ge $(((dbr + 1) * KILLS_MIN / 3)) ]; then
                echo "chaos: $(date +%T.%N | cut -c1-12) PostgreSQL stop -m immediate"
                mlps_pg_stop immediate >/dev/null 2>&1 || true
                sleep "1.$((RANDOM % 10))"
                mlps_pg_start || { sleep 1; mlps_pg_start; }
                dbr=$((dbr + 1))
                sleep 1
                for i in $(revive); do echo "chaos: $i had exited; started again"; done
                disown -a
            fi
            pid=$(pid_of "$s")
            if [ "$pid" != 0 ] && ! mlps_exited "$pid"; then
                kill -KILL "$pid" 2>/dev/null || true
                mlps_wait 10 mlps_exited "$pid" || true
                kills=$((kills + 1))
                echo "chaos: $(date +%T.%N | cut -c1-12) SIGKILL $s (kill $kills)"
            else
                echo "chaos: $(date +%T.%N | cut -c1-12) $s had exited by itself"
            fi
            sleep "0.$((RANDOM % 8))"
            start_svc "$s"
            disown -a # killed later without a word from the shell
            if [ $((RANDOM % 4)) = 0 ]; then # again, while it starts up
                sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
                pid=$(pid_of "$s")
                kill -KILL "$pid" 2>/dev/null || true
                mlps_wait 10 mlps_exited "$pid" || true
                kills=$((kills + 1))
                echo "chaos: $(date +%T.%N | cut -c1-12) SIGKILL $s (kill $kills, starting up)"
                start_svc "$s"
                disown -a
            fi
            echo "$kills $dbr" >"$W/chaos.count"
        done
    done
    echo "$kills $dbr" >"$W/chaos.count"
    touch "$W/chaos.done"
    # The services this loop started are its children: it stays, to reap
    # them when they are stopped, until the test is over ($W/chaos.end).
    while [ ! -f "$W/chaos.end" ]; do sleep 0.1; done
}

# --- the filings -----------------------------------------------------------

make_filings() { # DISTRICT N SEED
    python3 "$ROOT/deploy/examples/gen-batch.py" "$2" "$W/gen-$1.ndjson" \
        --district="$1" --seed="$3" || t_die "gen-batch.py failed"
    python3 "$HERE/mutate.py" "$W/gen-$1.ndjson" "$W/f-$1.ndjson" \
        "$W/classes-$1.tsv" --b="${CHAOS_B:-10}" --c="${CHAOS_C:-5}" \
        --seed="$3" || t_die "mutate.py failed"
}
# import_one DISTRICT FILE: imports FILE at the district until every record
# is in (a repeat imports what is missing and ignores the rest: the intake
# may be killed in the middle), at most 120 s.
import_one() {
    local d=$1 f=$2 out rc tries=0 deadline=$((SECONDS + 120))
    while [ $SECONDS -lt $deadline ]; do
        tries=$((tries + 1))
        rc=0
        out=$(dist_ctl "$d" "${CTL[@]}" batch import "$f" \
            --secrets="$f.secrets-$tries" 2>>"$W/import-$d.err") || rc=$?
        echo "$out" >>"$W/import-$d.out"
        [ $rc = 0 ] && { echo "$tries" >>"$W/import-$d.tries"; return 0; }
        [ $rc = 1 ] && t_die "district $d: records rejected: $(grep conflict <<<"$out" | head -3)"
        sleep 0.5
    done
    t_die "district $d: the import of $f did not complete in 120 s"
}
# import_all DISTRICT: the district's filings in CHUNKS files, one after
# the other with a pause, so the kills fall during the imports too.
import_all() {
    local d=$1 f
    split -n "l/$CHUNKS" -d "$W/f-$d.ndjson" "$W/chunk-$d-"
    for f in "$W/chunk-$d-"*; do
        mv "$f" "$f.ndjson"
        import_one "$d" "$f.ndjson"
        sleep "$((RANDOM % 2)).$((RANDOM % 10))"
    done
    echo "   district $d: $CHUNKS imports, $(awk '{ n += $1 } END { print n }' "$W/import-$d.tries") attempts"
}
CHUNKS=${CHAOS_CHUNKS:-12}

# The state of the run, in SQL (the municipal database).
accepted() { mlps_sql "SELECT count(*) FROM review.cases WHERE state = 'accepted'"; }
# Every B case waiting for its materials, with its district.
incomplete() {
    mlps_sql "SELECT c.tracking_id FROM review.cases c WHERE c.state = 'incomplete'"
}
# For every C case seated at the panel: the case and two of its seated
# experts (the lowest two ids) who have not given their opinion yet.
opinions_due() {
    mlps_sql "SELECT s.tracking_id, s.expert_id FROM panel.cases k
        JOIN panel.seats s ON s.tracking_id = k.tracking_id AND s.round = k.round
        WHERE k.state = 'scheduled' AND s.expert_id IN (
            SELECT s2.expert_id FROM panel.seats s2
            WHERE s2.tracking_id = s.tracking_id AND s2.round = s.round
            ORDER BY s2.expert_id LIMIT 2)
        AND NOT EXISTS (SELECT 1 FROM panel.opinions o
            WHERE o.tracking_id = s.tracking_id AND o.round = s.round
            AND o.expert_id = s.expert_id)
        ORDER BY 1, 2" 2>/dev/null || true
}
declare -A TRIED # case (or case:expert) -> SECONDS of the last try
due() { [ $((SECONDS - ${TRIED[$1]:-0})) -ge "${2:-8}" ]; }
# One pass of the people's work: each unit at B sends its materials at its
# district (as the district's office), each seated expert gives an opinion
# (adjust to level 3), each retried only after a while: what got through
# shows in SQL, what did not is tried again.
work_pass() {
    local id e
    while read -r id; do
        if [ -z "$id" ] || ! due "$id"; then continue; fi
        TRIED[$id]=$SECONDS
        dist_ctl "${id%%-*}" "${CTL[@]}" supplement "$id" "$HERE/supplement.json" \
            >>"$W/supplement.out" 2>&1 || true
    done < <(incomplete 2>/dev/null || true)
    while IFS='|' read -r id e; do
        if [ -z "$id" ] || ! due "$id:$e" 5; then continue; fi
        TRIED[$id:$e]=$SECONDS
        region_expert_ctl "$e" "${CTL[@]}" panel opinion "$id" "$e" adjust 3 \
            "社会秩序受到严重损害，应定为第三级" >>"$W/opinion.out" 2>&1 || true
    done < <(opinions_due)
}

# --- the run ---------------------------------------------------------------

t0=$SECONDS
half=$((N / 2))
make_filings 110108 "$half" chaos-a
make_filings 110105 $((N - half)) chaos-b
region_start || t_die "the municipal office did not start"
dist_start_all || t_die "a district did not start"
disown -a # the services are the chaos loop's to kill (and this shell's to stop)
echo "   up in $((SECONDS - t0)) s; $N filings to import"
if [ "${CHAOS:-1}" = 1 ]; then
    chaos_loop >"$W/chaos.log" 2>&1 &
    CHAOS_PID=$!
fi
import_all 110108 &
imp1=$!
import_all 110105 &
imp2=$!
# Meanwhile the units and the experts do their part.
while ! mlps_exited "$imp1" || ! mlps_exited "$imp2"; do
    work_pass
    sleep 0.5
done
wait "$imp1" || t_die "the import at 110108 failed"
wait "$imp2" || t_die "the import at 110105 failed"
echo "   imported in $((SECONDS - t0)) s"
deadline=$((SECONDS + 200))
while [ "$(accepted 2>/dev/null || echo 0)" != "$N" ]; do
    [ $SECONDS -lt $deadline ] || break
    work_pass
    sleep 0.5
done
touch "$W/chaos.stop"
[ -z "${CHAOS_PID:-}" ] || mlps_wait 120 test -f "$W/chaos.done" ||
    t_die "the chaos loop did not end"
KILLS=0 DBR=0
[ -f "$W/chaos.count" ] && read -r KILLS DBR <"$W/chaos.count"
sed 's/^/   /' "$W/chaos.log" 2>/dev/null || true
echo "   services that had exited after a database restart: $(grep -c 'had exited; started again' "$W/chaos.log" 2>/dev/null || true)"
# Away from the database's restarts nothing exits unless it is killed.
t_expect "services that exited by themselves" \
    "$(grep -c 'had exited by itself' "$W/chaos.log" 2>/dev/null || true)" 0
# Whatever is down after the last kill is up again; then the rest of the
# work, and the drain.
sleep 1
for s in $(revive); do echo "   $s was down at the end; started again"; done
disown -a
region_wait_up || t_die "the municipal office is not up after the chaos"
for c in $DISTRICTS; do dist_wait_up "$c" || t_die "district $c is not up"; done
while [ "$(accepted)" != "$N" ] && [ $SECONDS -lt $((deadline + 60)) ]; do
    work_pass
    sleep 0.5
done
echo "   all work done at $((SECONDS - t0)) s: accepted $(accepted) of $N"
drained() {
    local c
    for c in $DISTRICTS; do
        dist_forwarded "$c" || return 1
        [ "$(dist_sql "$c" "SELECT count(*) FROM intake.filings
            WHERE state NOT IN ('accepted')")" = 0 ] || return 1
    done
    # every accepted level-2 case has its certificate, none is half issued
    mlps_true "SELECT NOT EXISTS (SELECT 1 FROM cert.cases
        WHERE state = 'issuing' OR (level = 2 AND state <> 'issued'))" || return 1
    mlps_true "SELECT $(mlps_drained_sql intake review panel evaluation cert)"
}
mlps_wait 90 drained || echo "   not drained after 90 s" >&2
sleep 1 # anything still on its way lands now

# --- the checks ------------------------------------------------------------

# Which filing is which class: the generator's lists, in a table of the test.
mlps_sql "DROP SCHEMA IF EXISTS chaos CASCADE; CREATE SCHEMA chaos;
    CREATE TABLE chaos.class (credit_code text, system_name text, class text)"
for c in $DISTRICTS; do
    mlps_sql "\\copy chaos.class FROM '$W/classes-$c.tsv'"
done
t_expect "classes loaded" "$(mlps_sql "SELECT count(*) FROM chaos.class")" "$N"
t_expect "the generator's systems are distinct" \
    "$(mlps_sql "SELECT count(DISTINCT (credit_code, system_name)) FROM chaos.class")" "$N"
echo "   classes: $(mlps_sql "SELECT string_agg(class || '=' || n, ' ' ORDER BY class) FROM (SELECT class, count(*) n FROM chaos.class GROUP BY 1) q")"

filings=0
for c in $DISTRICTS; do
    filings=$((filings + $(dist_sql "$c" "SELECT count(*) FROM intake.filings")))
    same=$(dist_sql "$c" "SELECT string_agg(tracking_id, ',' ORDER BY tracking_id) FROM intake.filings")
    there=$(mlps_sql "SELECT string_agg(tracking_id, ',' ORDER BY tracking_id) FROM intake.filings WHERE district = '$c'")
    t_expect "district $c: the municipal intake holds exactly its filings" \
        "$(md5sum <<<"$there" | cut -c1-12)" "$(md5sum <<<"$same" | cut -c1-12)"
    t_expect "district $c: each filing accepted, as the district knows it" \
        "$(dist_sql "$c" "SELECT count(*) FILTER (WHERE state = 'accepted') FROM intake.filings")" \
        "$(dist_sql "$c" "SELECT count(*) FROM intake.filings")"
done
t_expect "filings at the districts" "$filings" "$N"

# The municipal audit: per class, the events each case must have, once.
# (The evaluation's and the certificate service's are counted below, with
# their tables.)
EXPECT="A|intake|filing.received|1
A|review|case.decided|1
B|intake|filing.received|1
B|review|case.decided|2
B|intake|materials.supplemented|1
C|intake|filing.received|1
C|review|case.decided|2
C|panel|panel.scheduled|1
C|panel|panel.opinion|2
C|panel|panel.decided|1"
exp_sql=$(sed "s/^\(.*\)|\(.*\)|\(.*\)|\(.*\)$/('\1','\2','\3',\4)/" <<<"$EXPECT" | paste -sd,)
mlps_sql "CREATE TABLE chaos.expect (class text, service text, action text, n int);
    INSERT INTO chaos.expect VALUES $exp_sql;
    CREATE TABLE chaos.cases AS SELECT c.tracking_id, k.class, c.state
        FROM review.cases c JOIN chaos.class k
        ON k.credit_code = c.unit_credit_code AND k.system_name = c.system_name;
    CREATE TABLE chaos.got AS SELECT case_id, service, action, count(*) n
        FROM audit.chain WHERE service NOT IN ('evaluation', 'cert')
        GROUP BY 1, 2, 3"
# Cases with an event short of its count / beyond it / not expected at all.
short=$(mlps_sql "SELECT count(DISTINCT c.tracking_id) FROM chaos.cases c
    JOIN chaos.expect e ON e.class = c.class
    LEFT JOIN chaos.got g ON g.case_id = c.tracking_id AND g.service = e.service
        AND g.action = e.action
    WHERE coalesce(g.n, 0) < e.n")
beyond=$(mlps_sql "SELECT count(DISTINCT c.tracking_id) FROM chaos.cases c
    JOIN chaos.got g ON g.case_id = c.tracking_id
    LEFT JOIN chaos.expect e ON e.class = c.class AND e.service = g.service
        AND e.action = g.action
    WHERE g.n > coalesce(e.n, 0)")
echo "   municipal audit events per class: $(mlps_sql "SELECT string_agg(class || ':' || action || '=' || n, ' ' ORDER BY class, action) FROM (
    SELECT c.class, g.action, sum(g.n) n FROM chaos.cases c
    JOIN chaos.got g ON g.case_id = c.tracking_id GROUP BY 1, 2) q")"
t_expect "cases with an audit event missing" "$short" 0
t_expect "cases with an audit event twice or unexpected" "$beyond" 0
[ "$beyond" = 0 ] || mlps_sql "SELECT c.class, g.service, g.action, g.n, count(*)
    FROM chaos.cases c JOIN chaos.got g ON g.case_id = c.tracking_id
    LEFT JOIN chaos.expect e ON e.class = c.class AND e.service = g.service
        AND e.action = g.action WHERE g.n > coalesce(e.n, 0)
    GROUP BY 1, 2, 3, 4 LIMIT 20" >&2
# The districts' audits: each filing received once there, nothing twice.
ddoubled=0 # what the districts hold twice
t_expect "audit event ids twice" "$(mlps_sql "SELECT count(*) - count(DISTINCT event_id) FROM audit.chain")" 0
for c in $DISTRICTS; do
    echo "   district $c audit events: $(dist_sql "$c" "SELECT string_agg(service || ':' || action || '=' || n, ' ' ORDER BY 1) FROM (
        SELECT service, action, count(*) n FROM audit.chain GROUP BY 1, 2) q")"
    t_expect "district $c: filings received once each in its audit" \
        "$(dist_sql "$c" "SELECT count(*) FROM intake.filings f WHERE (SELECT count(*)
            FROM audit.chain a WHERE a.case_id = f.tracking_id
            AND a.action = 'filing.received') <> 1")" 0
    nb=$(dist_sql "$c" "SELECT count(*) FROM intake.batches")
    mb=$(mlps_sql "SELECT count(*) FROM intake.batches WHERE district = '$c'")
    t_expect "district $c: every batch arrived once" "$mb" "$nb"
    read -r sent rcpt supp <<<"$(dist_sql "$c" "SELECT count(*) FILTER (WHERE action = 'batch.sent'),
        count(*) FILTER (WHERE action = 'batch.receipt'),
        count(*) FILTER (WHERE action = 'materials.supplemented') FROM audit.chain" | tr '|' ' ')"
    t_expect "district $c: batches sent and receipted, audited once each" \
        "$sent $rcpt" "$nb $nb"
    b=$(mlps_sql "SELECT count(*) FROM chaos.cases WHERE class = 'B' AND tracking_id LIKE '$c-%'")
    t_expect "district $c: each B case supplemented once in its audit" "$supp" "$b"
    twice=$(dist_sql "$c" "SELECT count(*) FROM (
        SELECT case_id, service, action, outcome FROM audit.chain
        GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) q")
    for x in $((mb - nb)) $((sent - nb)) $((rcpt - nb)) $((supp - b)) "$twice"; do
        if [ "$x" -gt 0 ]; then ddoubled=$((ddoubled + x)); fi
    done
    t_expect "district $c: audit events twice" "$(dist_sql "$c" "SELECT count(*) FROM (
        SELECT case_id, service, action, outcome FROM audit.chain
        GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) q")" 0
done

# Final once: the case is accepted, decided A once (one letter A), its
# effects applied once; lost: a filing with no accepted case; doubled: a
# filing or case twice, a letter or decision twice, an event beyond its
# count.
final_once=$(mlps_sql "SELECT count(*) FROM chaos.cases c WHERE c.state = 'accepted'
    AND (SELECT count(*) FROM review.letters l WHERE l.tracking_id = c.tracking_id
         AND l.outcome = 'A') = 1
    AND (SELECT count(*) FROM audit.chain a WHERE a.case_id = c.tracking_id
         AND a.action = 'case.decided' AND a.outcome LIKE 'A%') = 1")
lost=$(mlps_sql "SELECT (SELECT count(*) FROM chaos.class) - count(*) FROM chaos.cases
    WHERE state = 'accepted'")
doubled=$(mlps_sql "SELECT
    (SELECT count(*) - count(DISTINCT tracking_id) FROM intake.filings)
  + (SELECT count(*) - count(DISTINCT tracking_id) FROM review.cases)
  + (SELECT count(*) - count(DISTINCT (unit_credit_code, system_name)) FROM review.cases)
  + (SELECT count(*) FROM (SELECT tracking_id, outcome FROM review.letters
        GROUP BY 1, 2 HAVING count(*) > 1) q)
  + (SELECT count(*) FROM (SELECT tracking_id FROM panel.opinions
        GROUP BY 1 HAVING count(*) > 2) q)
  + $beyond + $ddoubled")
t_expect "letters per class" "$(mlps_sql "SELECT string_agg(class || ':' || n, ' ' ORDER BY class) FROM (
    SELECT c.class, count(*) n FROM chaos.cases c JOIN review.letters l USING (tracking_id)
    GROUP BY 1) q")" \
    "$(mlps_sql "SELECT string_agg(class || ':' || n, ' ' ORDER BY class) FROM (
    SELECT class, count(*) * CASE class WHEN 'A' THEN 1 ELSE 2 END n FROM chaos.class
    GROUP BY 1) q")"

# After acceptance: the certificate service holds every accepted case
# once; a level-2 case has one number and one certificate, issued once in
# the audit; a level 3 or higher one waits for its evaluation (no number)
# and the evaluation service has every accepted system, once (level 2
# for its unit to choose an institution, the rest to be assigned one).
read -r c_cases c_missing c_l2 c_twice c_early <<<"$(mlps_sql "SELECT
    (SELECT count(*) FROM cert.cases),
    (SELECT count(*) FROM review.cases r WHERE r.state = 'accepted' AND (
        NOT EXISTS (SELECT 1 FROM cert.cases c WHERE c.tracking_id = r.tracking_id)
        OR (r.level = 2 AND NOT EXISTS (SELECT 1 FROM cert.certificates k
            WHERE k.tracking_id = r.tracking_id)))),
    (SELECT count(*) FROM cert.cases WHERE level = 2 AND state = 'issued'),
    (SELECT count(*) FROM (SELECT tracking_id FROM cert.numbers GROUP BY 1
        HAVING count(*) > 1) q)
  + (SELECT count(*) FROM (SELECT tracking_id FROM cert.certificates GROUP BY 1
        HAVING count(*) > 1) q)
  + (SELECT count(*) FROM (SELECT case_id FROM audit.chain
        WHERE action = 'certificate.issued' GROUP BY 1 HAVING count(*) > 1) q),
    (SELECT count(*) FROM cert.numbers n JOIN cert.cases c USING (tracking_id)
        WHERE c.level > 2)" | tr '|' ' ')"
read -r e_systems e_want <<<"$(mlps_sql "SELECT (SELECT count(*) FROM evaluation.systems),
    (SELECT count(*) FROM review.cases WHERE state = 'accepted')" | tr '|' ' ')"
echo "   certificates: cases=$c_cases level2_issued=$c_l2 missing=$c_missing twice=$c_twice; evaluation: systems=$e_systems of $e_want"
t_expect "the certificate service holds every accepted case" "$c_cases" "$N"
t_expect "every accepted case at cert, each level 2 with its certificate" "$c_missing" 0
t_expect "no number, certificate or issue event twice" "$c_twice" 0
t_expect "no number for a level 3+ case before its evaluation" "$c_early" 0
t_expect "the evaluation service holds each accepted system once" "$e_systems" "$e_want"
lost=$((lost + c_missing))
doubled=$((doubled + c_twice + c_early))

# The chains: the municipal office's with the reviewer's key, each
# district's with its clerk's.
audit=ok
out=$(region_ctl audit verify 2>&1 || true)
echo "   $out"
case $out in "audit verify: ok"*) ;; *) audit=bad ;; esac
for c in $DISTRICTS; do
    out=$(DIST_AS="staff:clerk.$c" dist_ctl "$c" audit verify 2>&1 || true)
    echo "   $c: $out"
    case $out in "audit verify: ok"*) ;; *) audit=bad ;; esac
done
t_expect "audit chains verify" "$audit" ok

if [ "${CHAOS:-1}" = 1 ]; then
    t_true "at least $KILLS_MIN kills ($KILLS)" [ "$KILLS" -ge "$KILLS_MIN" ]
    t_true "PostgreSQL stopped twice ($DBR)" [ "$DBR" -ge 2 ]
fi
t_expect "lost" "$lost" 0
t_expect "doubled" "$doubled" 0
t_expect "final once" "$final_once" "$N"
echo "   took $((SECONDS - t0)) s"
stop_all
t_true "no sanitizer report" mlps_sanitizer_clean
echo "chaos: filings=$filings final_once=$final_once lost=$lost doubled=$doubled kills=$KILLS db_restarts=$DBR audit=$audit"
t_done
ok=1
