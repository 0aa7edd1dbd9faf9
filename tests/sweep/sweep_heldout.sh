#!/usr/bin/env bash
# sweep_heldout.sh SWEEP DATA WORK: the honest protocol of a grid and of the real suite.
# A grid on iris with --split: the held-out metrics are columns of the table and of results.csv,
# each optimizer's selected point is the one with the highest mean validation accuracy, and the
# selection table reports that point's test metrics. The same grid without held-out data keeps the
# columns it always had. cgp-sweep bench --suite real at a tiny budget: one row per problem and
# optimizer, the splits written into data/, tuning trials measured on validation and chosen by the
# documented rule, measurement trials on test and the table's test loss their mean.
set -euo pipefail
sweep=$1
data=$2
work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
grid=(--data "$data/iris.csv" --label species --layers 4 8 3 --activation relu --loss cross-entropy --standardize
      --optimizers sgd,adam --grid lr=0.3,0.03,0.003 --iterations 300 --batch-size 16 --seeds 2 --no-plots -q)

"$sweep" "${grid[@]}" --split 0.6,0.2,0.2 --out "$work/grid" >"$work/grid.txt"
head -1 "$work/grid.txt" | grep -q 'val loss  *val acc  *test loss  *test acc  *selected$' ||
    fail "the table lacks the held-out columns: $(head -1 "$work/grid.txt")"
grep -q '^selected on validation accuracy (final), reported on test:$' "$work/grid.txt" || fail "no selection table"
python3 - "$work/grid/results.csv" "$work/grid.txt" "$work/grid/results.json" <<'PY' || fail "selection check"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6, len(rows)
for opt in ("sgd", "adam"):
    mine = [r for r in rows if r["optimizer"] == opt]
    best = max(mine, key=lambda r: float(r["validation_accuracy"]))  # ties: the first
    chosen = [r for r in mine if r["selected"] == "yes"]
    assert chosen == [best], (opt, chosen, best)
    line = [l for l in open(sys.argv[2]).read().split("selected on")[1].splitlines() if f" {opt} " in l]
    assert len(line) == 1, line
    cells = line[0].split()
    at = cells.index(opt)
    assert cells[at + 1] == best["lr"], cells
    assert cells[at + 2] == f"{float(best['validation_accuracy']):.4f}", cells
    assert cells[-3] == f"{float(best['test_accuracy']):.4f}", (cells, best["test_accuracy"])
j = json.load(open(sys.argv[3]))
assert j["selection"]["metric"] == "validation accuracy" and j["selection"]["reported_on"] == "test"
assert [j["points"][i]["heldout"]["selected"] for i in j["selection"]["points"]] == [True, True]
assert "test" in j["points"][0]["runs"][0]["heldout"]
PY

"$sweep" "${grid[@]}" --out "$work/plain" >"$work/plain.txt"
[[ $(head -1 "$work/plain/results.csv") == "model,optimizer,lr,seeds,final_loss,final_loss_sd,min_loss,min_loss_sd,min_iteration,seconds,iterations_per_second,stop,runs" ]] ||
    fail "without held-out data the columns changed: $(head -1 "$work/plain/results.csv")"
grep -q 'selected\|val acc' "$work/plain.txt" && fail "without held-out data the table has held-out columns"

# The real suite.
"$sweep" bench --suite real --optimizers sgd,adam --budget 2 --seeds 2 --no-plots -q --out "$work/real" >"$work/real.txt"
rows=$(grep -cE '^(breast-cancer|iris|wine|digits) +(sgd|adam) +2 ' "$work/real.txt")
[[ $rows -eq 8 ]] || fail "expected 8 rows of 2 trials each, got $rows: $(cat "$work/real.txt")"
for name in breast-cancer iris wine digits; do
    for split in "" -validation -test; do
        [[ -s $work/real/data/$name$split.csv ]] || fail "data/$name$split.csv was not written"
    done
done
head -1 "$work/real/data/iris-test.csv" | grep -q ',species$' || fail "iris' split lost its label column"
grep -q ',versicolor$' "$work/real/data/iris-test.csv" || fail "iris' split lost its class names"
python3 - "$work/real" <<'PY' || fail "the real suite did not tune on validation and measure on test"
import csv, glob, json, os, statistics, sys
folder = sys.argv[1]
trials = [json.load(open(f)) for f in glob.glob(os.path.join(folder, "trials", "*.json"))]
targets = {p["name"]: p["target"] for p in json.load(open(os.path.join(folder, "bench.json")))["problems"]}
for row in csv.DictReader(open(os.path.join(folder, "results.csv"))):
    mine = [t for t in trials if t["problem"] == row["problem"] and t["optimizer"] == row["optimizer"]]
    tune = sorted((t for t in mine if t["stage"] == "tune"), key=lambda t: t["index"])
    final = [t for t in mine if t["stage"].startswith("final")]
    assert len(tune) == 2 and all(t["split"] == "validation" for t in tune), tune
    assert len(final) == 2 and all(t["split"] == "test" for t in final), final
    # Selection: fewest steps to the target, else the lowest final validation loss (ties: earlier).
    reached = [t for t in tune if t["steps_to_target"] is not None]
    pick = min(reached, key=lambda t: t["steps_to_target"]) if reached else min(tune, key=lambda t: t["final_loss"])
    chosen = " ".join(f"{k}={v}" for k, v in pick["values"])
    assert row["chosen"] == chosen, (row["problem"], row["optimizer"], row["chosen"], chosen)
    mean = statistics.mean(t["final_loss"] for t in final)
    assert abs(float(row["final_test_loss"]) - mean) <= 1e-9 * max(1.0, abs(mean)), (row, mean)
    assert targets[row["problem"]] > 0
PY
