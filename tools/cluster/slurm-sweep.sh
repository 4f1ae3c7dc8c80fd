#!/usr/bin/env bash
# One shard of an aidflow sweep, as one task of a Slurm job array.
#
#   sbatch --array=0-$((K-1)) tools/cluster/slurm-sweep.sh OUT SCENARIO.yaml SWEEP_ARGS...
#
# Task I of K runs `aidflow sweep SCENARIO.yaml SWEEP_ARGS... --shard I/K --out OUT/shard-I`:
# the jobs I, I+K, I+2K... of the experiment. Every task must get the same SWEEP_ARGS (the
# --vary, --design, --set, --replications and --seed that define the experiment). Join the
# shards with slurm-merge.sh (slurm-submit.sh submits both, the merge after the array).
# A task that is requeued or rerun resumes from its OUT/shard-I/results.sqlite.
#
# AIDFLOW names the program (default: aidflow on PATH). Outside Slurm, set
# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT yourself (tests/docs/test_cluster.sh does).
#SBATCH --job-name=aidflow-sweep
#SBATCH --cpus-per-task=4
#SBATCH --time=02:00:00
#SBATCH --output=aidflow-sweep-%A_%a.log
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: sbatch --array=0-K-1 $0 OUT SCENARIO.yaml SWEEP_ARGS..." >&2
    exit 2
fi
: "${SLURM_ARRAY_TASK_ID:?not in a Slurm job array (sbatch --array=0-K-1)}"
: "${SLURM_ARRAY_TASK_COUNT:?not in a Slurm job array (sbatch --array=0-K-1)}"
out=$1
shift
aidflow=${AIDFLOW:-aidflow}
# replications run on the task's cores; the bytes written do not depend on how many
jobs=${SLURM_CPUS_PER_TASK:-1}

mkdir -p "$out"
exec "$aidflow" sweep "$@" --jobs "$jobs" --quiet \
    --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
    --out "$out/shard-$SLURM_ARRAY_TASK_ID"
