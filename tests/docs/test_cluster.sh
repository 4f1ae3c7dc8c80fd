#!/usr/bin/env bash
# tools/cluster/: the Slurm job-array scripts and the GNU parallel script give, once merged,
# the same bytes as the sweep run in one go. Slurm is not needed: each array task is run
# here with the variables Slurm would set (SLURM_ARRAY_TASK_ID=0..K-1,
# SLURM_ARRAY_TASK_COUNT=K), and slurm-submit.sh is run against a stand-in sbatch that
# records what it was asked to submit.
# usage: test_cluster.sh AIDFLOW SOURCE_ROOT
set -euo pipefail
aidflow=$(realpath "$1")
root=$(realpath "$2")
tools=$root/tools/cluster
scn=$root/tests/cli/data/exp_small.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/af-cluster-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export AIDFLOW=$aidflow
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# a sweep whose values and a --set hold spaces and braces, to check they reach every shard
args=(--vary inspections.screening.lanes=2:8:2 --vary crossings.gate.lanes=2,6
      --set "crossings.gate.service={exponential: 20 min}" --replications 3 --seed 11)
k=3

"$aidflow" sweep "$scn" "${args[@]}" --jobs 1 --quiet --out "$tmp/one"

same()
{
    local a=$1 b=$2 n
    for n in sweep.csv replications.csv provenance.json; do
        if [[ ! -f $b/$n ]]; then
            fail "$b/$n missing"
        elif ! cmp -s "$a/$n" "$b/$n"; then
            fail "$b/$n differs from the unsharded sweep's"
        fi
    done
    # the sweep has 8 points x 3 replications (replications.csv: a row per metric of each)
    local runs
    runs=$(tail -n +2 "$b/replications.csv" | cut -d, -f1,4 | sort -u | wc -l)
    [[ $runs -eq 24 ]] || fail "$b: $runs replications, expected 8 points x 3"
}

# ---- Slurm: K array tasks, then the merge ----
for ((i = 0; i < k; i++)); do
    SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=$k SLURM_CPUS_PER_TASK=1 \
        "$tools/slurm-sweep.sh" "$tmp/slurm" "$scn" "${args[@]}"
    [[ -f $tmp/slurm/shard-$i/results.sqlite ]] || fail "task $i wrote no store"
done
"$tools/slurm-merge.sh" "$tmp/slurm" > "$tmp/merge.log"
same "$tmp/one" "$tmp/slurm"

# a missing shard: the merge says so and fails
mkdir -p "$tmp/partial"
SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=$k "$tools/slurm-sweep.sh" "$tmp/partial" "$scn" "${args[@]}"
if "$tools/slurm-merge.sh" "$tmp/partial" > /dev/null 2>&1; then fail "merge of 1 of 3 shards succeeded"; fi
# outside an array the task script refuses to run
if env -u SLURM_ARRAY_TASK_ID "$tools/slurm-sweep.sh" "$tmp/x" "$scn" "${args[@]}" 2> /dev/null; then
    fail "slurm-sweep.sh ran outside a job array"
fi

# ---- slurm-submit.sh against a stand-in sbatch ----
mkdir -p "$tmp/bin"
cat > "$tmp/bin/sbatch" << 'STUB'
#!/usr/bin/env bash
printf '%s\n' "$*" >> "$SBATCH_LOG"
n=$(wc -l < "$SBATCH_LOG")
echo "$((1000 + n));cluster"
STUB
chmod +x "$tmp/bin/sbatch"
SBATCH_LOG=$tmp/sbatch.log PATH=$tmp/bin:$PATH "$tools/slurm-submit.sh" 4 "$tmp/sub" "$scn" "${args[@]}" > /dev/null
first=$(sed -n 1p "$tmp/sbatch.log")
second=$(sed -n 2p "$tmp/sbatch.log")
[[ $first == *"--array=0-3 $tools/slurm-sweep.sh $tmp/sub $scn --vary"* ]] || fail "array submission: $first"
[[ $second == *"--dependency=afterok:1001 $tools/slurm-merge.sh $tmp/sub" ]] || fail "merge submission: $second"

# ---- GNU parallel ----
if command -v parallel > /dev/null; then
    PARALLEL_JOBS=2 "$tools/parallel-sweep.sh" "$k" "$tmp/par" "$scn" "${args[@]}" > "$tmp/par.log"
    same "$tmp/one" "$tmp/par"
else
    echo "parallel not installed: GNU parallel script not checked"
fi

echo "$fails failures"
[[ $fails -eq 0 ]]
