#!/usr/bin/env bash
# One command for a contributor: install what is missing, build, and run the whole test suite.
#   tools/check.sh              build in build/ and run every test
#   tools/check.sh --sanitize   the same in build-san/ with AddressSanitizer and UBSan
# Ends with one line "N passed, N failed" counted from meson's test log.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh test

dir=build
opts=(-Dtests=true)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-san
  opts+=(-Db_sanitize=address,undefined -Db_lundef=false)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

if [ -f "$dir/build.ninja" ]; then
  meson configure "$dir" "${opts[@]}" >/dev/null
else
  meson setup "$dir" "${opts[@]}"
fi
meson compile -C "$dir"
status=0
meson test -C "$dir" --print-errorlogs --num-processes "$(nproc)" || status=$?
python3 tools/test-summary.py "$dir/meson-logs/testlog.json"
exit $status
