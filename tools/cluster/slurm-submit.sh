#!/usr/bin/env bash
# Submits a sharded aidflow sweep to Slurm: a job array of K shards, then the merge, which
# starts only once every shard has succeeded.
#
#   tools/cluster/slurm-submit.sh K OUT SCENARIO.yaml SWEEP_ARGS...
#   e.g. tools/cluster/slurm-submit.sh 8 out/ks-lanes scenarios/spring_2024.yaml \
#            --vary crossings.kerem_shalom.lanes=2:12:2 --replications 40
#
# Extra sbatch options (partition, account) go in SBATCH_ARGS, e.g. SBATCH_ARGS="-p short".
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 K OUT SCENARIO.yaml SWEEP_ARGS..." >&2
    exit 2
fi
k=$1
shift
case $k in '' | *[!0-9]* | 0) echo "$0: K must be a whole number above 0" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
out=$1
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array=0-$((k - 1)) "$here/slurm-sweep.sh" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency=afterok:"$array" "$here/slurm-merge.sh" "$out")
echo "submitted: shards $array (array 0-$((k - 1))), merge ${merge%%;*} -> $out"
