#!/usr/bin/env bash
# sweep_results.sh SWEEP WORK: a small grid, run twice with the same seeds (in parallel and on one
# thread). Checks one table row and one CSV row per grid point, numbers that parse, one loss record
# per run, and identical results apart from the timings.
set -euo pipefail
sweep=$1
work=$2
rm -rf "$work/a" "$work/b" && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
# Per model: sgd x 2 lr + adam x 2 lr x 2 beta1 = 6 points; 2 models: 12 points, 24 runs.
args=(--models one-neuron,multi-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --grid beta1=0.8,0.9
      --iterations 300 --log-every 50 --seeds 2 --no-plots -q)
"$sweep" "${args[@]}" --out "$work/a" >"$work/a.txt"
"$sweep" "${args[@]}" --out "$work/b" --jobs 1 >"$work/b.txt"
points=12

rows=$(grep -cE '^(one|multi)-neuron ' "$work/a.txt")
[[ $rows -eq $points ]] || fail "the table has $rows rows, expected $points"
head -1 "$work/a.txt" | grep -q 'model  *optimizer  *lr  *beta1  *final loss  *min loss  *min at  *time s  *it/s' ||
  fail "table header: $(head -1 "$work/a.txt")"
[[ $(grep -cE '^one-neuron +sgd +1e-2 +- ' "$work/a.txt") -eq 1 ]] || fail "sgd rows should show '-' for beta1"

csv=$work/a/results.csv
header="model,optimizer,lr,beta1,seeds,final_loss,final_loss_sd,min_loss,min_loss_sd,min_iteration,seconds,iterations_per_second,stop,runs"
[[ $(head -1 "$csv") == "$header" ]] || fail "CSV header: $(head -1 "$csv")"
[[ $(($(wc -l <"$csv") - 1)) -eq $points ]] || fail "the CSV has $(($(wc -l <"$csv") - 1)) rows, expected $points"
awk -F, 'NR > 1 {
  if (NF != 14) { print "row " NR " has " NF " fields" > "/dev/stderr"; bad = 1 }
  for (i = 6; i <= 12; ++i)
    if ($i !~ /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) { print "row " NR " field " i ": " $i > "/dev/stderr"; bad = 1 }
  if ($5 != 2 || $13 != "completed") { print "row " NR ": seeds " $5 ", stop " $13 > "/dev/stderr"; bad = 1 }
} END { exit bad }' "$csv" || fail "results.csv values do not parse"

runs=$(find "$work/a/runs" -name '*.csv' | wc -l)
[[ $runs -eq $((points * 2)) ]] || fail "$runs run records, expected $((points * 2))"
head -1 "$work/a/runs/one-neuron_adam_lr=1e-2_beta1=0.8_seed0.csv" | grep -qx 'iteration,loss,window' ||
  fail "run record header"
grep -q '"points"' "$work/a/results.json" || fail "results.json lacks the points"

# Same seeds, same results: everything but the timing columns (11, 12), in parallel or not.
diff <(cut -d, -f1-10,13- "$work/a/results.csv") <(cut -d, -f1-10,13- "$work/b/results.csv") ||
  fail "results differ between two runs with the same seeds"
diff -r "$work/a/runs" "$work/b/runs" >/dev/null || fail "run records differ between two runs with the same seeds"
echo "ok: $points points, $runs runs, identical results"
