#!/usr/bin/env bash
# hostile_names.sh RUN SWEEP WORK MODEL: a model file and a --plot file whose names carry a newline and
# gnuplot commands (system "...", backquotes) go through cgp-run --plot and cgp-sweep --out with
# gnuplot installed; the figures are rendered and no command of the names runs.
set -uo pipefail
run="$1" sweep="$2" work="$3" model="$4"
dir="$work/hostile-names"
rm -rf "$dir"; mkdir -p "$dir"
cd "$dir" || exit 1
marker="pwned" # a command in a name may not hold a '/'; it runs in this folder
fail=0
nl=$'\n'
hostile_model="$dir/m${nl}system \"touch $marker\"${nl}x\`touch $marker\`\"'.cgp"
cp "$model" "$hostile_model"
"$run" --model "$hostile_model" --iterations 50 --quiet --plot "$dir/loss.png" >/dev/null ||
  { echo "FAILED: cgp-run --plot with a hostile model file name" >&2; fail=1; }
[[ -s "$dir/loss.png" ]] || { echo "FAILED: no loss.png" >&2; fail=1; }
hostile_plot="$dir/p${nl}system \"touch $marker\"${nl}\`touch $marker\`.png"
"$run" --iterations 50 --quiet --plot "$hostile_plot" >/dev/null ||
  { echo "FAILED: cgp-run --plot with a hostile --plot name" >&2; fail=1; }
[[ -s "$hostile_plot" ]] || { echo "FAILED: the hostile --plot image was not written" >&2; fail=1; }
"$sweep" --models "$hostile_model" --optimizers sgd --grid lr=1e-2,1e-3 --iterations 50 --out "$dir/sweep" \
  >/dev/null 2>"$dir/sweep.err" || { echo "FAILED: cgp-sweep --out with a hostile model file name" >&2; cat "$dir/sweep.err" >&2; fail=1; }
ls "$dir/sweep/plots/"*.png >/dev/null 2>&1 || { echo "FAILED: the sweep rendered no figure" >&2; fail=1; }
# Every script cgp wrote renders again in gnuplot without running the names' commands.
for gp in "$dir"/*.gp "$dir"/sweep/plots/*.gp; do
  [[ -e "$gp" ]] || continue
  (cd "$dir" && gnuplot -e "out='$dir/again.png'" "$gp" 2>/dev/null)
done
[[ -e "$marker" ]] && { echo "FAILED: a command in a file name ran" >&2; fail=1; }
[[ $fail -eq 0 ]] && echo "hostile names rendered as text; no command ran"
exit $fail
