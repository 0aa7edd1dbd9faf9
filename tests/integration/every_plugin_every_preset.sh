#!/usr/bin/env bash
# every_plugin_every_preset.sh CGP_RUN ITERATIONS: trains every preset model with every plugin
# cgp-run lists, in f32 and in f64; each run must exit 0 and report a finite final loss.
set -uo pipefail
run="$1"; iterations="$2"
plugins=$("$run" --list-optimizers | awk '/^[a-z]/ {print $1}')
# The presets, as cgp-run names them when --model names none.
presets=$("$run" --model no-such-preset 2>&1 | sed -n 's/.*presets are: //p')
[[ -n "$plugins" && -n "$presets" ]] || { echo "no plugins ($plugins) or no presets ($presets) found" >&2; exit 1; }
runs=0
for plugin in $plugins; do
  for preset in $presets; do
    for dtype in f32 f64; do
      out=$("$run" --optimizer "$plugin" --model "$preset" --dtype "$dtype" --iterations "$iterations" --quiet 2>&1)
      status=$?
      loss=$(echo "$out" | awk '/^final loss/ {print $3}')
      if [[ $status -ne 0 ]] || ! awk -v l="$loss" 'BEGIN { exit !(l != "" && l + 0 == l && l != "nan" && l != "inf") }'; then
        echo "$plugin on $preset in $dtype: exit $status, final loss '$loss'" >&2
        echo "$out" >&2
        exit 1
      fi
      runs=$((runs + 1))
    done
  done
done
echo "$runs runs: plugins $(echo $plugins), presets $(echo $presets), f32 and f64"
