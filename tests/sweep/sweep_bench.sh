#!/usr/bin/env bash
# sweep_bench.sh SWEEP WORK: the benchmark end to end on the course suite at a small budget.
# The same seed gives identical tables on one thread and on two; a benchmark interrupted by SIGINT
# resumes from its journal without redoing finished trials and ends with the same table; a
# benchmark whose trials were partly removed redoes only those; cgp-sweep report rebuilds the
# report from the folder; the report files hold every table and link the figures.
set -euo pipefail
sweep=$1
work=$2
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
args=(bench --suite course --optimizers sgd,sgdplus,adam --budget 3 --seeds 2 --seed 11 --no-plots)

"$sweep" "${args[@]}" --out "$work/a" -j 1 >"$work/a.txt" 2>"$work/a.err"
"$sweep" "${args[@]}" --out "$work/b" -j 2 >"$work/b.txt" 2>"$work/b.err"
cmp -s "$work/a.txt" "$work/b.txt" || { diff "$work/a.txt" "$work/b.txt" >&2; fail "-j 1 and -j 2 gave different tables"; }
cmp -s "$work/a/table.txt" "$work/b/table.txt" || fail "table.txt differs between -j 1 and -j 2"
cmp -s "$work/a.txt" "$work/a/table.txt" || fail "stdout and table.txt differ"
rows=$(grep -cE '^(one|multi)-neuron +(sgd|sgdplus|adam) +3 ' "$work/a.txt")
[[ $rows -eq 6 ]] || fail "expected 6 rows of 3 trials each, got $rows"
grep -q 'random search with 3 configurations per optimizer' "$work/a.txt" || fail "the table does not say the budget"
grep -qE '^optimizer +rho\(1\) +rho\(1.25\) +rho\(1.5\) +rho\(2\) +rho\(4\) +score \(tau <= 4\)$' "$work/a.txt" ||
  fail "the table has no performance profile"
[[ $(grep -cE '^(sgd|sgdplus|adam) +[01]\.[0-9]{2} ' "$work/a.txt") -eq 3 ]] || fail "expected a profile row per optimizer"
grep -q '30 trials run, 0 from the journal' "$work/a.err" || fail "a first run: $(cat "$work/a.err")"
[[ $(ls "$work/a/trials" | wc -l) -eq 30 ]] || fail "expected 30 trial records (18 tuning + 12 measurement)"

# The same command again: everything from the journal, the same table.
"$sweep" "${args[@]}" --out "$work/a" -j 2 >"$work/a2.txt" 2>"$work/a2.err"
grep -q 'resuming the benchmark' "$work/a2.err" || fail "a rerun should say it resumes"
grep -q '0 trials run, 30 from the journal' "$work/a2.err" || fail "a rerun redid trials: $(cat "$work/a2.err")"
cmp -s "$work/a.txt" "$work/a2.txt" || fail "the resumed table differs"

# Removed trials are redone, and only those.
rm "$work/a/trials/"one-neuron~adam~tune~1~* "$work/a/trials/"multi-neuron~sgd~final*~1~*
"$sweep" "${args[@]}" --out "$work/a" -q >"$work/a3.txt"
cmp -s "$work/a.txt" "$work/a3.txt" || fail "the table after redoing two trials differs"
[[ $(ls "$work/a/trials" | wc -l) -eq 30 ]] || fail "the journal was not completed"

# Interrupted by SIGINT once some trials are journalled, then resumed.
big=(bench --suite course --optimizers sgd,adam --budget 12 --seeds 2 --seed 11 --no-plots)
"$sweep" "${big[@]}" --out "$work/ref" -q >"$work/ref.txt"
"$sweep" "${big[@]}" --out "$work/int" -j 1 >"$work/int.txt" 2>"$work/int.err" &
pid=$!
for _ in $(seq 1 500); do
  [[ $(ls "$work/int/trials" 2>/dev/null | wc -l) -ge 3 ]] && break
  sleep 0.01
done
kill -INT "$pid" 2>/dev/null || true
status=0
wait "$pid" || status=$?
if [[ $status -eq 130 ]]; then
  grep -q 'interrupted; .* finished trials are in' "$work/int.err" || fail "no resume hint: $(cat "$work/int.err")"
  [[ ! -e "$work/int/table.txt" ]] || fail "an interrupted benchmark wrote its table"
elif [[ $status -ne 0 ]]; then
  fail "the interrupted benchmark exited with $status"
fi
done_before=$(ls "$work/int/trials" | wc -l)
"$sweep" "${big[@]}" --out "$work/int" >"$work/int2.txt" 2>"$work/int2.err"
grep -q "from the journal" "$work/int2.err" || fail "no journal count: $(cat "$work/int2.err")"
reused=$(sed -n 's/.* trials run, \([0-9]*\) from the journal.*/\1/p' "$work/int2.err")
[[ $reused -eq $done_before ]] || fail "resumed with $reused trials from the journal, $done_before were there"
cmp -s "$work/ref.txt" "$work/int2.txt" || { diff "$work/ref.txt" "$work/int2.txt" >&2; fail "the resumed table differs"; }

# cgp-sweep report: the same table, the report files rebuilt.
rm "$work/b/report.md" "$work/b/report.html"
"$sweep" report "$work/b" --no-plots >"$work/r.txt"
cmp -s "$work/b.txt" "$work/r.txt" || fail "cgp-sweep report printed another table"
grep -q '"command": "cgp-sweep bench --suite course' "$work/b/results.json" ||
  fail "the report replaced the benchmark's command: $(grep command "$work/b/results.json")"
grep -q '^Command: cgp\\-sweep bench' "$work/b/report.md" || fail "report.md lost the benchmark's command"
for f in report.md report.html; do
  grep -q 'Performance profile' "$work/b/$f" || fail "$f has no performance profile"
  grep -q 'Timing' "$work/b/$f" || fail "$f has no timing table"
done
grep -q '<table>' "$work/b/report.html" || fail "report.html has no table"
grep -q '^| one\\-neuron | sgd | 3 |' "$work/b/report.md" || fail "report.md has no results row"
# A report of a benchmark that has not finished says so.
rm "$work/b/trials/"one-neuron~sgd~tune~0~*
if "$sweep" report "$work/b" --no-plots >/dev/null 2>"$work/r.err"; then fail "report of an unfinished benchmark"; fi
grep -q 'is not in the journal' "$work/r.err" || fail "unfinished: $(cat "$work/r.err")"
echo "benchmark: identical tables for -j 1 and -j 2, resumed after SIGINT (status $status, $done_before trials kept)"
