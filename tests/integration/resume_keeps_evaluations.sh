#!/usr/bin/env bash
# resume_keeps_evaluations.sh RUN DATA WORK: a run with --eval-every resumed from a checkpoint
# reports what the straight run reports: the same loss CSV (the evaluation columns of the rows before
# the checkpoint included) and the same --json evaluation (history, best validation point, test there).
set -euo pipefail
run=$1 data=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
args=(--layers 4 8 3 --activation relu --loss cross-entropy --data "$data/iris.csv" --label species
      --split 0.6,0.2,0.2 --standardize --batch-size 16 --log-every 50 --eval-every 100 --quiet --json)

"$run" "${args[@]}" --iterations 600 --loss-csv "$work/straight.csv" >"$work/straight.json"
"$run" "${args[@]}" --iterations 300 --checkpoint "$work/half.ckpt" >/dev/null
"$run" "${args[@]}" --iterations 600 --resume "$work/half.ckpt" --loss-csv "$work/resumed.csv" >"$work/resumed.json"
cmp "$work/straight.csv" "$work/resumed.csv" || { diff "$work/straight.csv" "$work/resumed.csv" >&2; fail "loss CSVs differ"; }
grep -q '^100,.*,0\.' "$work/resumed.csv" || fail "the resumed CSV lacks the evaluation at iteration 100"
# The evaluation part of --json (timings differ between the runs, nothing else may).
evaluation() { sed -n '/"evaluation": {/,$p' "$1" | grep -v '"seconds"\|"iterations_per_second"'; }
[[ -n $(evaluation "$work/straight.json") ]] || fail "the straight run's --json has no evaluation"
grep -q '"history"' "$work/straight.json" || fail "no evaluation history in --json"
diff <(evaluation "$work/straight.json") <(evaluation "$work/resumed.json") >&2 || fail "--json evaluations differ"
