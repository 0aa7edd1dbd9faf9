#!/usr/bin/env bash
# trace_files.sh RUN WORK: cgp-run --trace writes trace.json, losses.csv and batches.f64 with one
# float64 per input and target of every sample of every iteration.
set -euo pipefail
run=$1
work=$2
rm -rf "$work/trace" && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
"$run" --model multi-neuron --optimizer sgdplus --dtype f64 --iterations 250 --batch-size 16 --log-every 10 \
  --quiet --trace "$work/trace" >/dev/null
for f in trace.json losses.csv batches.f64; do [[ -s "$work/trace/$f" ]] || fail "no $f"; done
size=$(stat -c %s "$work/trace/batches.f64")
[[ $size -eq $((250 * 16 * 5 * 8)) ]] || fail "batches.f64 has $size bytes, expected $((250 * 16 * 5 * 8))"
for key in '"format": "cgp-trace 1"' '"initial_params"' '"final_params"' '"nodes"' '"records"' '"momentum"' \
           '"batch_size": 16' '"dtype": "f64"'; do
  grep -qF "$key" "$work/trace/trace.json" || fail "trace.json lacks $key"
done
[[ $(wc -l <"$work/trace/losses.csv") -eq 26 ]] || fail "losses.csv should have 25 records and a header"
echo "ok: trace complete"
