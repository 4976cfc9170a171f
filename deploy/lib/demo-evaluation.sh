# demo-evaluation.sh - the region's evaluation story, for the region's main
# job to call once its cases are accepted (sourced, after region.sh; prefix
# demo_, demo__ internal).
#
#   demo_evaluation L2_ID L3_ID [ID...]
#
# L2_ID is an accepted level-2 case, L3_ID an accepted level-3 (or higher)
# one, each ID's unit proof in $W/units/ID (where deploy/region.sh keeps
# them); more accepted cases may follow. With the region's services up
# (region_start), it:
#   1. registers the region's institutions (region_institutions: the
#      institutions file, mlpsctl institution add) and lists who is
#      qualified today, and checks a young institution's application
#      against both rule sets (references 002 and 004);
#   2. level 2: the unit tries a suspended institution (refused, saying
#      why) and chooses a qualified one, which reports: 良 (good);
#   3. level 3: the office confirms the proposal (least recently assigned,
#      no conflict, capacity left), the institution reports 差 (poor):
#      the unit's rectification plan, the expert panel's review (an
#      expert's key), the unit's completion, a new round, a new proposal
#      assigned, the re-evaluation: 优 (excellent);
#   4. each further ID: assigned (or chosen) and reported 中 (fair), then
#      良, 优 ... in turn;
#   5. prints each evaluation case (state, institution, verdict, report
#      date, next due date), the due list and this year's inspection plan.
# Returns 1 (saying where) when a step does not happen as it should.
# shellcheck shell=bash

# The office's date, as the services have it (TODAY when pinned).
demo__today() { echo "${TODAY:-$(TZ=Asia/Shanghai date +%F)}"; }
demo__say() { printf '\n== %s\n' "$*"; }
demo__indent() { sed 's/^/   /'; }
demo__secret() { # ID: the unit's proof
    [ -f "$W/units/$1" ] || {
        echo "demo_evaluation: no unit proof in $W/units/$1" >&2
        return 1
    }
    cat "$W/units/$1"
}
demo__state() { region_ctl evaluation status "$1" 2>/dev/null | region_field state || true; }
demo__wait() { # ID STATE...: until the evaluation service has it so
    region__wait demo__state 30 "$@"
}
demo__field() { region_ctl evaluation status "$1" | region_field "$2"; }
# demo__report INSTITUTION ID SCORE HIGH MEDIUM: the institution's report,
# with its own key, dated today (the digest stands for the report file).
demo__report() {
    local sha
    sha=$(printf 'evaluation report of %s, round %s' "$2" \
        "$(demo__field "$2" round)" | sha256sum | cut -c1-64)
    region_as "inst:$1" evaluation report "$2" --date="$(demo__today)" \
        --score="$3" --high="$4" --medium="$5" --sha256="$sha" | demo__indent
}
# demo__engage ID: the round's institution: the unit's choice (level 2,
# the first qualified one it may take) or the office's confirmation of
# the proposal. Prints the institution.
demo__engage() {
    local id=$1 inst secret
    if [ "$(demo__state "$id")" = choosing ]; then
        secret=$(demo__secret "$id") || return 1
        for inst in huace zhongke xinan; do
            region_unit_ctl "$secret" evaluation choose "$id" "$inst" \
                >/dev/null 2>&1 && { echo "$inst"; return 0; }
        done
        return 1
    fi
    demo__wait "$id" proposed || return 1
    inst=$(demo__field "$id" proposal)
    region_ctl evaluation assign "$id" >/dev/null || return 1
    echo "$inst"
}

demo__institutions() {
    demo__say "evaluation: the region's institutions"
    region_ctl institution add "$(region_institutions)" | demo__indent
    region_ctl institution list | demo__indent
    echo "   -- a young institution's application, by the older and the newer rules:"
    local r
    for r in level3-v1 level3-v2; do
        region_ctl institution check "$ROOT/deploy/examples/application-young.json" \
            --rules="$r" | grep -E '^(rules|result):|: not met:' | demo__indent || true
    done
}

demo__level2() { # ID
    local id=$1 secret
    demo__say "evaluation, level 2 ($id): the unit chooses"
    secret=$(demo__secret "$id") || return 1
    demo__wait "$id" choosing || return 1
    echo "   -- a suspended institution is refused:"
    region_unit_ctl "$secret" evaluation choose "$id" tianhe 2>&1 | demo__indent || true
    region_unit_ctl "$secret" evaluation choose "$id" xinan | demo__indent
    echo "   -- xinan reports (score 85, no high risk, 2 medium): 良"
    demo__report xinan "$id" 85 0 2
}

demo__level3() { # ID
    local id=$1 secret inst expert
    demo__say "evaluation, level 3 ($id): the office assigns"
    secret=$(demo__secret "$id") || return 1
    demo__wait "$id" proposed || return 1
    region_ctl evaluation status "$id" | grep -E '^(proposal|detail):' | demo__indent
    inst=$(demo__engage "$id") || return 1
    echo "   -- $inst assigned; it reports one high risk: 差"
    demo__report "$inst" "$id" 78 1 3
    echo "   -- rectification: the unit's plan, the expert panel's review, completion"
    region_unit_ctl "$secret" rectification plan "$id" \
        "$(printf 'rectification plan of %s' "$id" | sha256sum | cut -c1-64)" \
        "修复高危漏洞，补充边界访问控制与日志审计" | demo__indent
    expert=$(grep -o '"id": *[0-9]*' "$(region_experts)" | head -1 | grep -o '[0-9]*$')
    region_expert_ctl "$expert" rectification review "$id" approve \
        "整改方案可行" | demo__indent
    region_unit_ctl "$secret" rectification complete "$id" \
        "整改完成，已复核" | demo__indent
    inst=$(demo__engage "$id") || return 1
    echo "   -- the re-evaluation by $inst: 优"
    demo__report "$inst" "$id" 93 0 0
}

demo__more() { # ID SCORE HIGH MEDIUM
    local inst
    demo__say "evaluation ($1): level $(demo__field "$1" level)"
    inst=$(demo__engage "$1") || return 1
    echo "   -- $inst reports (score $2, high $3, medium $4)"
    demo__report "$inst" "$1" "$2" "$3" "$4"
}

# demo_evaluation L2_ID L3_ID [ID...]: see the top of the file.
demo_evaluation() {
    [ $# -ge 2 ] || {
        echo "demo_evaluation: usage: demo_evaluation L2_ID L3_ID [ID...]" >&2
        return 2
    }
    local id n=0 scores=("75 0 4" "84 0 1" "91 0 0") s
    demo__institutions
    demo__level2 "$1" || { echo "demo_evaluation: level 2 ($1) stopped" >&2; return 1; }
    demo__level3 "$2" || { echo "demo_evaluation: level 3 ($2) stopped" >&2; return 1; }
    for id in "${@:3}"; do
        read -r -a s <<<"${scores[$((n % 3))]}"
        n=$((n + 1))
        demo__more "$id" "${s[@]}" || echo "demo_evaluation: $id stopped" >&2
    done
    demo__say "evaluation: each case"
    for id in "$@"; do
        region_ctl evaluation status "$id" |
            grep -E '^(state|level|institution|verdict|report_date|next_due):' |
            tr '\n' ' ' | sed "s/^/   $id: /; s/ $/\n/"
    done
    demo__say "evaluation: due (the next two years, and anything overdue)"
    region_ctl evaluation due --before="$(($(demo__today | cut -c1-4) + 2))-12-31" |
        demo__indent
    demo__say "inspections: $(demo__today | cut -c1-4)"
    region_ctl inspection plan "$(demo__today | cut -c1-4)" | demo__indent
}
