#!/usr/bin/env bash
# interrupt.sh CGP_RUN DIR SIGNAL EXPECTED_EXIT: sends SIGNAL to a long cgp-run; it must finish its
# iteration, write its checkpoint and loss CSV, print its summary and exit with EXPECTED_EXIT.
set -uo pipefail
run="$1"; dir="$2"; sig="$3"; expected="$4"
mkdir -p "$dir"
ck="$dir/interrupted-$sig.ckpt"; csv="$dir/interrupted-$sig.csv"; out="$dir/interrupted-$sig.out"
rm -f "$ck" "$csv"
"$run" --quiet --iterations 1000000000 --checkpoint "$ck" --loss-csv "$csv" >"$out" 2>&1 &
pid=$!
sleep 0.5
kill "-$sig" "$pid"
wait "$pid"
status=$?
fail=0
[[ $status -eq $expected ]] || { echo "exit status $status, expected $expected" >&2; fail=1; }
"$run" --inspect-checkpoint "$ck" >/dev/null || { echo "no loadable checkpoint after SIG$sig" >&2; fail=1; }
[[ -s "$csv" ]] && head -1 "$csv" | grep -q '^iteration,loss,window$' || { echo "no loss CSV after SIG$sig" >&2; fail=1; }
grep -q "stopped         interrupted" "$out" || { echo "summary does not say it was interrupted" >&2; fail=1; }
[[ $fail -eq 0 ]] || { cat "$out" >&2; exit 1; }
echo "SIG$sig: exit $status, checkpoint and loss CSV written"
