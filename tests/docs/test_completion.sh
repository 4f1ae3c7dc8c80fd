#!/usr/bin/env bash
# completion/aidflow.bash: sources it and checks COMPREPLY for typical inputs.
# usage: test_completion.sh AIDFLOW SOURCE_ROOT     (runs in SOURCE_ROOT: scenarios/ is there)
set -u
aidflow=$(realpath "$1")
cd "$2" || exit 2
# shellcheck source=/dev/null
source completion/aidflow.bash
fails=0 checks=0

# complete WORD... : COMP_WORDS = aidflow WORD..., the cursor on the last word unless
# CWORD is set; the candidates, sorted, in $got
complete_words()
{
    COMP_WORDS=("$aidflow" "$@")
    COMP_CWORD=${CWORD:-$((${#COMP_WORDS[@]} - 1))}
    COMPREPLY=()
    _aidflow
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
    got=${got% }
}

# expect "WANT" WORD... : exactly these candidates (sorted, space-separated)
expect()
{
    local want=$1
    shift
    complete_words "$@"
    checks=$((checks + 1))
    if [[ $got != "$want" ]]; then
        echo "FAIL: aidflow $* -> '$got', expected '$want'"
        fails=$((fails + 1))
    fi
}

# expect_has "ITEM" WORD... : ITEM among the candidates; expect_lacks the opposite
expect_has()
{
    local item=$1
    shift
    complete_words "$@"
    checks=$((checks + 1))
    if [[ " $got " != *" $item "* ]]; then
        echo "FAIL: aidflow $* -> '$got' lacks '$item'"
        fails=$((fails + 1))
    fi
}
expect_lacks()
{
    local item=$1
    shift
    complete_words "$@"
    checks=$((checks + 1))
    if [[ " $got " == *" $item "* ]]; then
        echo "FAIL: aidflow $* -> offers '$item'"
        fails=$((fails + 1))
    fi
}

# commands: every one `aidflow --help` lists, and -V
n_cmds=0
for c in $("$aidflow" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
    expect_has "$c" ""
    n_cmds=$((n_cmds + 1))
done
[[ $n_cmds -ge 10 ]] || { echo "FAIL: found only $n_cmds commands"; fails=$((fails + 1)); }
expect_has -V ""
expect "sweep" sw
expect "schema sensitivity show sweep" s

# options of each command
expect "--replications --report" run --re
expect "--shard --show" sweep --sh
expect "--goal" target --go
expect "--hash --help" show --h
expect "--output" report --ou
expect "--keys" schema --k
expect_lacks "--vary" run --

# scenario files, and directories only where directories go
expect "scenarios/spring_2024.yaml" run scenarios/spr
expect_has "scenarios/examples" validate scenarios/
expect_has "scenarios/whatif_sea_corridor.yaml" compare scenarios/default.yaml scenarios/
expect_lacks "scenarios/README.md" run scenarios/
expect_has "scenarios" report sc
expect_lacks "scenarios/default.yaml" report scenarios/
expect "scenarios/examples" sweep scenarios/spring_2024.yaml --out scenarios/ex
expect "grid" sweep --design gr
expect "largest" target --direction la

# --set and --vary paths from the scenario on the line, wherever it is
expect "crossings.kerem_shalom.lanes=" run scenarios/spring_2024.yaml --set crossings.kerem_shalom.la
CWORD=3 expect "inspections.nitzana.lanes=" sweep --vary inspections.nitzana.la scenarios/spring_2024.yaml
expect_has "inspections.kerem_shalom_inspection.service=" \
    run scenarios/whatif_inspection_capacity.yaml --set inspections.kerem_shalom_inspection.se
expect_has "origins.al_arish.plan.0.trucks.food=" \
    show scenarios/spring_2024.yaml --set origins.al_arish.plan.0.trucks.f
expect_has "routing.policy=" target scenarios/autumn_2024.yaml --vary rou
expect "" run --set crossings.x          # no scenario yet: nothing to offer

echo "$checks checks, $fails failures"
[[ $fails -eq 0 ]]
