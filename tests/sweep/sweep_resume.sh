#!/usr/bin/env bash
# sweep_resume.sh SWEEP WORK: a grid sweep interrupted by SIGINT once some runs have finished keeps
# them in its journal beside --out, writes no folder, and the same command resumes: the finished
# runs are read back, not redone, the journal is removed, and the folder equals a straight run's.
set -euo pipefail
sweep=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
# interrupt PID JOURNAL N: SIGINT to PID once JOURNAL holds N run records; its exit status.
interrupt() {
  for _ in $(seq 1 1000); do
    [[ $(ls "$2" 2>/dev/null | grep -c '^run-') -ge $3 ]] && break
    sleep 0.01
  done
  kill -INT "$1" 2>/dev/null || true
  local status=0
  wait "$1" || status=$?
  return $status
}
args=(--models one-neuron,multi-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --seeds 2 --iterations 60000
  --no-plots)

"$sweep" "${args[@]}" --out "$work/ref" -q >/dev/null
[[ ! -e "$work/.ref.journal" ]] || fail "a finished sweep left its journal"

"$sweep" "${args[@]}" --out "$work/int" -j 1 >"$work/int.txt" 2>"$work/int.err" &
status=0
interrupt $! "$work/.int.journal" 2 || status=$?
[[ $status -eq 130 ]] || fail "an interrupted sweep should exit 130, not $status: $(cat "$work/int.err")"
grep -q 'interrupted; no results written; the finished runs are in' "$work/int.err" ||
  fail "no resume hint: $(cat "$work/int.err")"
[[ ! -e "$work/int" ]] || fail "an interrupted sweep wrote its folder"
done_before=$(ls "$work/.int.journal" | grep -c '^run-')
[[ $done_before -ge 2 && $done_before -lt 16 ]] || fail "expected some of the 16 runs journalled, got $done_before"

"$sweep" "${args[@]}" --out "$work/int" -j 2 >"$work/int2.txt" 2>"$work/int2.err"
grep -q "resuming: $done_before finished runs read back from the journal" "$work/int2.err" ||
  fail "the resumed sweep did not read back $done_before runs: $(cat "$work/int2.err")"
grep -q "cgp-sweep: $((16 - done_before)) runs, " "$work/int2.err" ||
  fail "the resumed sweep redid finished runs: $(cat "$work/int2.err")"
[[ ! -e "$work/.int.journal" ]] || fail "the journal stayed after the folder was written"
python3 "$here/same_sweep.py" "$work/ref" "$work/int" || fail "the resumed sweep differs from a straight run"

# A journal of another sweep (other iterations) is cleared, not read.
"$sweep" "${args[@]}" --out "$work/other" -j 1 -q >/dev/null 2>&1 &
interrupt $! "$work/.other.journal" 1 || true
"$sweep" --models one-neuron,multi-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --seeds 2 --iterations 500 \
  --no-plots --out "$work/other" >/dev/null 2>"$work/other.err"
grep -q 'cleared the journal .* of another sweep' "$work/other.err" || fail "a foreign journal: $(cat "$work/other.err")"
grep -q 'read back' "$work/other.err" && fail "runs of another sweep were read back"
echo "ok: $done_before of 16 runs read back after SIGINT; the resumed folder equals a straight run's"
