#!/bin/sh
# aidflow validate / show: exit codes and output, end to end.
#   test_cli.sh AIDFLOW SOURCE_ROOT
set -u
AF="$1"
ROOT="$2"
EX="$ROOT/scenarios/examples/small_network.yaml"
BAD="$ROOT/tests/data/scenario/bad_negative_lanes.yaml"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
check() { # check NAME CONDITION...
    name="$1"
    shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}

"$AF" validate "$EX" "$ROOT/scenarios/examples/what_if_no_zikim.yaml" >"$TMP/out" 2>"$TMP/err"
check "validate valid files exits 0" test $? -eq 0
check "one summary line per file" test "$(wc -l <"$TMP/out")" -eq 2
check "summary names nodes, legs, routes, horizon" grep -q "9 nodes.*9 legs, 4 routes, horizon 60 d" "$TMP/out"
check "nothing on stderr" test ! -s "$TMP/err"

"$AF" validate "$EX" "$BAD" >"$TMP/out" 2>"$TMP/err"
check "validate with an invalid file exits 2" test $? -eq 2
check "the valid one is still summarised" grep -q "small_network.yaml: ok" "$TMP/out"
check "file:line:col: error:" grep -q "bad_negative_lanes.yaml:13:26: error: lanes: expected a whole number" "$TMP/err"
check "the source line is quoted" grep -q "^    .*lanes: -2" "$TMP/err"
check "a caret under the column" grep -qx "                             ^" "$TMP/err"

"$AF" validate >/dev/null 2>&1
check "validate without files exits 2" test $? -eq 2
"$AF" validate --bogus "$EX" >/dev/null 2>&1
check "validate with an unknown option exits 2" test $? -eq 2
"$AF" validate "$TMP/none.yaml" >/dev/null 2>"$TMP/err"
check "validate a missing file exits 2" test $? -eq 2
check "and says it cannot open it" grep -q "cannot open" "$TMP/err"

"$AF" show "$EX" >"$TMP/s1.yaml" 2>"$TMP/err"
check "show exits 0" test $? -eq 0
"$AF" show "$TMP/s1.yaml" >"$TMP/s2.yaml"
check "show of show exits 0" test $? -eq 0
check "show is a fixed point" cmp -s "$TMP/s1.yaml" "$TMP/s2.yaml"
h1=$("$AF" show --hash "$EX")
h2=$("$AF" show --hash "$TMP/s1.yaml")
check "the hash survives the round trip" test "$h1" = "$h2"

"$AF" show "$EX" --set crossings.kerem_shalom.lanes=6 --set horizon=90 >"$TMP/s3.yaml"
check "show --set exits 0" test $? -eq 0
check "the override is in the output" grep -q "^horizon: 90 d" "$TMP/s3.yaml"
"$AF" show "$EX" --set crossings.kerem_shalom.lanez=6 >/dev/null 2>"$TMP/err"
check "show with a bad --set exits 2" test $? -eq 2
check "the error points into the argument" grep -q "^<--set>:1:24: error: unknown key 'lanez'.*did you mean 'lanes'" "$TMP/err"
"$AF" show "$BAD" >/dev/null 2>&1
check "show of an invalid file exits 2" test $? -eq 2
"$AF" show >/dev/null 2>&1
check "show without a file exits 2" test $? -eq 2

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
