#!/usr/bin/env bash
# plugin_crash.sh RUN PLUGIN WORK: a plugin that crashes at step 40 of a run that keeps a checkpoint
# every 10 iterations: cgp-run names the plugin and the step, the exit status is still the crash
# (SIGSEGV), and the checkpoint on disk is the one of iteration 30, complete and resumable.
set -uo pipefail
run="$1" plugin="$2" work="$3"
dir="$work/plugin-crash"
rm -rf "$dir"; mkdir -p "$dir"
fail() { echo "FAILED: $*" >&2; exit 1; }
"$run" --optimizer "$plugin" --iterations 100 --log-every 10 --quiet --checkpoint "$dir/run.ckpt" \
  --checkpoint-every 10 >/dev/null 2>"$dir/err"
status=$?
[[ $status -eq 139 ]] || fail "exit status $status, expected 139 (SIGSEGV); stderr: $(cat "$dir/err")"
grep -qF "cgp-run: optimizer plugin 'crash_in_training' ($plugin) crashed in step 40 with SIGSEGV (Segmentation fault)" \
  "$dir/err" || fail "message: $(cat "$dir/err")"
grep -qF "the checkpoint $dir/run.ckpt holds the last state written before the crash" "$dir/err" ||
  fail "no checkpoint hint: $(cat "$dir/err")"
"$run" --inspect-checkpoint "$dir/run.ckpt" >"$dir/inspect" 2>&1 || fail "the checkpoint does not load: $(cat "$dir/inspect")"
grep -qE "^iteration +30 " "$dir/inspect" || fail "the checkpoint is not the one of iteration 30: $(cat "$dir/inspect")"
echo "crash reported; checkpoint of iteration 30 intact"
