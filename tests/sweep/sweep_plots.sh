#!/usr/bin/env bash
# sweep_plots.sh SWEEP RUN WORK: the figures of a sweep (loss curves per model and lr, heat maps of
# a two-hyperparameter grid) and of cgp-run --plot. The scripts are always checked; the PNG and
# SVG images only when gnuplot is on PATH (otherwise the test reports itself skipped, status 77).
set -euo pipefail
sweep=$1
run=$2
work=$3
rm -rf "$work/plots-sweep" "$work/plot-run."* && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
"$sweep" --models one-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --grid beta1=0.8,0.9 --grid beta2=0.9,0.99 \
  --iterations 400 -q --out "$work/plots-sweep" >/dev/null
plots=$work/plots-sweep/plots
for stem in "loss_one-neuron_lr=1e-2" "loss_one-neuron_lr=1e-3" "heatmap_final-loss_one-neuron_adam_lr=1e-2" \
            "heatmap_min-loss_one-neuron_adam_lr=1e-3"; do
  [[ -s "$plots/$stem.gp" ]] || fail "no script $stem.gp"
done
grep -q 'title "sgd"' "$plots/loss_one-neuron_lr=1e-2.gp" || fail "the loss figure lacks the sgd curve"
grep -q 'title "adam beta1=0.9 beta2=0.99 eps=1e-08 eps-inside-sqrt=0 amsgrad=0"' "$plots/loss_one-neuron_lr=1e-2.gp" || fail "the loss figure lacks an adam curve"
grep -q 'with image' "$plots/heatmap_final-loss_one-neuron_adam_lr=1e-2.gp" || fail "the heat map script draws no image"
[[ $(ls "$plots"/*.gp | wc -l) -eq 6 ]] || fail "expected 6 figure scripts, found $(ls "$plots"/*.gp | wc -l)"
"$run" --optimizer adam --iterations 500 --quiet --plot "$work/plot-run.png" >/dev/null
[[ -s "$work/plot-run.gp" ]] || fail "cgp-run --plot wrote no script"

if ! command -v gnuplot >/dev/null; then
  echo "SKIPPED: gnuplot is not on PATH, so the PNG and SVG images were not checked (the scripts were)"
  exit 77
fi
is_png() { [[ -s "$1" && "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]]; }
for gp in "$plots"/*.gp; do
  is_png "${gp%.gp}.png" || fail "${gp%.gp}.png is not a non-empty PNG"
  grep -q '<svg' "${gp%.gp}.svg" || fail "${gp%.gp}.svg is not an SVG"
done
is_png "$work/plot-run.png" || fail "cgp-run --plot wrote no PNG"
echo "ok: 6 figures rendered as PNG and SVG, and cgp-run's loss plot"
