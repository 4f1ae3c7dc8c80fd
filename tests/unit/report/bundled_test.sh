#!/bin/sh
# The report of every bundled scenario: `aidflow run` (2 replications), `aidflow report`, then
# check the page (tests/unit/report/check_report.py: the network names every node of
# summary.json's network, the need-met table has every region and category, the answer comes
# first) and render it in headless Chromium (tools/render-report.sh; that part is skipped
# without Chromium).
#   bundled_test.sh AIDFLOW RENDER_SCRIPT CHECK_SCRIPT SCENARIO...
set -eu
aidflow=$1 render=$2 check=$3
shift 3
[ $# -gt 0 ] || { echo "no scenario given"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chromium=no
{ [ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ]; } && chromium=yes
n=0
for s in "$@"; do
  name=$(basename "$s" .yaml)
  "$aidflow" run "$s" --replications 2 --out "$work/$name" --quiet --jobs 1
  "$aidflow" report "$work/$name" -o "$work/$name.html" >/dev/null
  /usr/bin/python3 "$check" "$work/$name/summary.json" "$work/$name.html"
  if [ $chromium = yes ]; then
    "$render" "$work/$name.html" "$work/$name.png"
  fi
  n=$((n + 1))
done
echo "$n scenarios reported (chromium: $chromium)"
