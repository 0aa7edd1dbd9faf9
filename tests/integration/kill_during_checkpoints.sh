#!/usr/bin/env bash
# kill_during_checkpoints.sh CGP_RUN DIR [ROUNDS]: kills cgp-run with SIGKILL at random moments while
# it writes a checkpoint every iteration, many times; after every kill the checkpoint on disk must
# load (cgp-run --inspect-checkpoint) and a run must resume from it.
set -uo pipefail
run="$1"; dir="$2"; rounds="${3:-25}"
mkdir -p "$dir"
ck="$dir/killed.ckpt"
rm -f "$ck" "$dir"/.killed.ckpt.tmp-*
loaded=0
for ((i = 1; i <= rounds; i++)); do
  "$run" --quiet --iterations 100000000 --checkpoint "$ck" --checkpoint-every 1 --force >/dev/null 2>&1 &
  pid=$!
  # 20 to 219 ms: long enough to be writing checkpoints, at a different moment each round.
  sleep "0.$(printf '%03d' $((20 + RANDOM % 200)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [[ -e "$ck" ]]; then
    if ! out=$("$run" --inspect-checkpoint "$ck" 2>&1); then
      echo "round $i: the checkpoint left by a killed run does not load:" >&2
      echo "$out" >&2
      exit 1
    fi
    at=$(echo "$out" | awk '/^iteration/ {print $2}')
    if ! "$run" --quiet --resume "$ck" --iterations $((at + 10)) >/dev/null 2>"$dir/resume.err"; then
      echo "round $i: cannot resume from the checkpoint at iteration $at:" >&2
      cat "$dir/resume.err" >&2
      exit 1
    fi
    loaded=$((loaded + 1))
  fi
done
rm -f "$dir"/.killed.ckpt.tmp-*
if [[ $loaded -lt $((rounds / 2)) ]]; then
  echo "only $loaded of $rounds rounds left a checkpoint; the test did not exercise the writer" >&2
  exit 1
fi
echo "$rounds kills; $loaded checkpoints checked, every one loads and resumes"
