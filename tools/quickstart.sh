#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build, and run the main job on the
# bundled default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh run
if [ ! -f build/build.ninja ]; then
  meson setup build -Dtests=false
fi
meson compile -C build
./build/src/cli/aidflow run scenarios/default.yaml --out out/default --report
