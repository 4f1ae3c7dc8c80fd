#!/usr/bin/env bash
# A sharded aidflow sweep on one or more machines with GNU parallel (Debian: parallel), then
# the merge: the same bytes as the sweep run in one go.
#
#   tools/cluster/parallel-sweep.sh K OUT SCENARIO.yaml SWEEP_ARGS...
#
# Runs the K shards `aidflow sweep ... --shard I/K --out OUT/shard-I` at most PARALLEL_JOBS at
# a time (default: the number of cores), then `aidflow merge OUT OUT/shard-*`. Each shard
# uses AIDFLOW_JOBS threads (default 1). To spread the shards over machines that share OUT
# (and have aidflow), add parallel's options in PARALLEL_ARGS, e.g.
# PARALLEL_ARGS="-S 4/node1,4/node2 --workdir $PWD". Rerunning resumes unfinished shards.
# AIDFLOW names the program (default: aidflow on PATH).
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 K OUT SCENARIO.yaml SWEEP_ARGS..." >&2
    exit 2
fi
k=$1
shift
case $k in '' | *[!0-9]* | 0) echo "$0: K must be a whole number above 0" >&2; exit 2 ;; esac
out=$1
shift
aidflow=${AIDFLOW:-aidflow}
mkdir -p "$out"
# shellcheck disable=SC2086
seq 0 $((k - 1)) | parallel --will-cite -q --halt now,fail=1 -j "${PARALLEL_JOBS:-100%}" ${PARALLEL_ARGS:-} \
    "$aidflow" sweep "$@" --jobs "${AIDFLOW_JOBS:-1}" --quiet --shard '{}'/"$k" --out "$out"/shard-'{}'
shards=()
for i in $(seq 0 $((k - 1))); do shards+=("$out/shard-$i"); done
exec "$aidflow" merge "$out" "${shards[@]}"
