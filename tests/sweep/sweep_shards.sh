#!/usr/bin/env bash
# sweep_shards.sh SWEEP WORK: --shard I/N runs every N-th run into a shard file, and cgp-sweep merge
# of the N shards writes the folder a one-machine sweep writes (the same bytes but for times).
# Merge refuses a missing shard, a shard given twice and a shard of another sweep, writing nothing.
set -euo pipefail
sweep=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
cd "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
args=(--models one-neuron,multi-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --seeds 2 --iterations 1000)

env PATH=/nonexistent "$sweep" "${args[@]}" --out whole -q >whole.txt 2>/dev/null
for i in 0 1 2; do
  env PATH=/nonexistent "$sweep" "${args[@]}" --shard "$i/3" --out "shard$i.jsonl" -j 1 2>"shard$i.err"
  grep -q "wrote shard $i/3 (" "shard$i.err" || fail "shard $i: $(cat "shard$i.err")"
done
[[ $(grep -c '"task"' shard0.jsonl) -eq 6 && $(grep -c '"task"' shard2.jsonl) -eq 5 ]] ||
  fail "16 runs in 3 shards: 6, 5 and 5 runs"
env PATH=/nonexistent "$sweep" merge shard2.jsonl shard0.jsonl shard1.jsonl --out merged >merged.txt 2>merged.err ||
  fail "merge: $(cat merged.err)"
python3 "$here/same_sweep.py" whole merged || fail "the merged folder differs from the one-machine sweep's"

# Refusals: one message each, a failure status, nothing written.
expect_refusal() {
  local text=$1
  shift
  local status=0
  "$sweep" "$@" >refused.txt 2>refused.err || status=$?
  [[ $status -ne 0 ]] || fail "$* should fail"
  grep -qF -- "$text" refused.err || fail "$*: expected '$text' in: $(cat refused.err)"
  [[ ! -e refused ]] || fail "$*: wrote a folder"
}
expect_refusal "shard 1/3 is missing" merge shard0.jsonl shard2.jsonl --out refused
expect_refusal "shard 1/3 is given twice" merge shard0.jsonl shard1.jsonl shard1.jsonl shard2.jsonl --out refused
"$sweep" "${args[@]}" --iterations 500 --shard 1/3 --out other1.jsonl -q
expect_refusal "a shard of another sweep" merge shard0.jsonl other1.jsonl shard2.jsonl --out refused
expect_refusal "not a cgp-sweep shard file" merge shard0.jsonl merged.txt shard2.jsonl --out refused
head -n 3 shard1.jsonl >cut1.jsonl
expect_refusal "lacks the run of task" merge shard0.jsonl cut1.jsonl shard2.jsonl --out refused
expect_refusal "--shard 3/3: the shard number must be below the number of shards" "${args[@]}" --shard 3/3 --out x.jsonl
expect_refusal "--shard 2: expected I/N" "${args[@]}" --shard 2 --out x.jsonl
expect_refusal "--shard needs --out FILE" "${args[@]}" --shard 0/2
expect_refusal "the file exists" "${args[@]}" --shard 0/3 --out shard0.jsonl
[[ ! -e x.jsonl ]] || fail "a refused shard wrote its file"
echo "ok: 3 shards merged into the one-machine folder; 9 bad inputs refused"
