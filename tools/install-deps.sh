#!/usr/bin/env bash
# Installs the Debian packages aidflow needs that are missing, and nothing else.
#   tools/install-deps.sh run    what building and running needs
#   tools/install-deps.sh test   that, plus what the test suite and benchmarks need
# Works as root or through sudo. Debian 12 (bookworm) packages only.
set -euo pipefail

profile=${1:-run}
run_pkgs=(gcc pkg-config meson ninja-build libgsl-dev libyaml-dev libsqlite3-dev libxlsxwriter-dev scdoc)
test_pkgs=(libcmocka-dev python3 python3-simpy3 python3-openpyxl python3-numpy python3-pandas valgrind clang libclang-rt-14-dev chromium libopenmpi-dev openmpi-bin python3-jsonschema python3-yaml parallel man-db)

case "$profile" in
  run)  pkgs=("${run_pkgs[@]}") ;;
  test) pkgs=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
