#!/bin/sh
# The report as a person would see it: `aidflow report` on a fixture, then headless Chromium.
#   render_test.sh AIDFLOW RENDER_SCRIPT DATA_DIR
set -eu
aidflow=$1 render=$2 data=$3
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || { echo "chromium not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The command line: exit 0 and a report; a malformed input is exit 2 with file:line.
"$aidflow" report "$data/run_small" -o "$work/report.html"
cp -r "$data/run_small" "$work/bad"
sed -i '4s/,110,/,1x0,/' "$work/bad/daily.csv"
status=0
"$aidflow" report "$work/bad" -o "$work/bad.html" 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || { echo "malformed input: exit $status, expected 2"; exit 1; }
grep -q "^aidflow report: $work/bad/daily.csv:4: column 'tonnes_delivered': expected a number, found '1x0'$" "$work/err" ||
  { echo "unexpected message:"; cat "$work/err"; exit 1; }
[ ! -e "$work/bad.html" ] || { echo "a report was written for a malformed input"; exit 1; }
# Chromium: the charts, no request, a real picture.
"$render" "$work/report.html" "$work/report.png" --charts 6
