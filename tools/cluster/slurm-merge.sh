#!/usr/bin/env bash
# Merges the shards slurm-sweep.sh wrote under OUT into OUT itself: OUT/sweep.csv,
# OUT/replications.csv and OUT/provenance.json, byte for byte those of the same sweep run in
# one go. Submit it after the array:
#
#   sbatch --dependency=afterok:ARRAY_JOB_ID tools/cluster/slurm-merge.sh OUT
#
# AIDFLOW names the program (default: aidflow on PATH). Exit status: aidflow merge's (1 when
# shards are missing, with how many jobs are there).
#SBATCH --job-name=aidflow-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=00:30:00
#SBATCH --output=aidflow-merge-%j.log
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: sbatch --dependency=afterok:JOB $0 OUT" >&2
    exit 2
fi
out=$1
shopt -s nullglob
shards=("$out"/shard-*)
if [ ${#shards[@]} -eq 0 ]; then
    echo "$0: no $out/shard-* directories" >&2
    exit 2
fi
exec "${AIDFLOW:-aidflow}" merge "$out" "${shards[@]}"
