#!/usr/bin/env bash
# sweep_folders.sh SWEEP WORK CASE: cgp-sweep --out folders are written whole, by one sweep at a time.
set -uo pipefail
sweep="$1" work="$2" case="$3"
dir="$work/sweep-folders-$case"
rm -rf "$dir"; mkdir -p "$dir"
out="$dir/out"
fail() { echo "FAILED: $*" >&2; exit 1; }
small=(--models one-neuron --optimizers sgd --iterations 50 -q)
case "$case" in
  replace)
    "$sweep" "${small[@]}" --grid lr=1e-2,1e-3 --out "$out" >/dev/null || fail "first sweep"
    ls "$out/runs" | grep -q "lr=1e-3" || fail "no lr=1e-3 run"
    "$sweep" "${small[@]}" --grid lr=1e-2 --out "$out" >/dev/null 2>"$dir/err" && fail "replaced without --force"
    grep -q "holds the results of an earlier sweep" "$dir/err" || fail "message: $(cat "$dir/err")"
    "$sweep" "${small[@]}" --grid lr=1e-2 --out "$out" --force >/dev/null || fail "sweep with --force"
    ls "$out/runs" | grep -q "lr=1e-3" && fail "a stale run of the earlier sweep is still there"
    ls "$out/plots" | grep -q "lr=1e-3" && fail "a stale figure of the earlier sweep is still there"
    ls -A "$dir" | grep -q staging && fail "a staging folder was left: $(ls -A "$dir")"
    ;;
  foreign)
    mkdir -p "$out"; echo precious >"$out/notes.txt"
    "$sweep" "${small[@]}" --out "$out" --force >/dev/null 2>"$dir/err" && fail "replaced a folder with other files"
    grep -q "holds files that are not a sweep's (notes.txt)" "$dir/err" || fail "message: $(cat "$dir/err")"
    [[ "$(cat "$out/notes.txt")" == precious ]] || fail "notes.txt changed"
    ;;
  concurrent)
    "$sweep" --models one-neuron --optimizers sgd --iterations 3000000 -q --jobs 1 --out "$out" >/dev/null &
    first=$!
    for _ in $(seq 50); do [[ -e "$dir/.out.lock" ]] && break; sleep 0.1; done
    sleep 0.3
    "$sweep" "${small[@]}" --out "$out" >/dev/null 2>"$dir/err"
    status=$?
    kill -INT "$first" 2>/dev/null; wait "$first"
    [[ $status -eq 1 ]] || fail "the second sweep exited $status"
    grep -q "another cgp-sweep is writing this folder" "$dir/err" || fail "message: $(cat "$dir/err")"
    ;;
  failing)
    "$sweep" "${small[@]}" --grid lr=1e-2 --out "$out" >/dev/null || fail "first sweep"
    cp "$out/results.csv" "$dir/before.csv"
    # A read-only parent: the staging folder cannot be created beside the folder.
    chmod 555 "$dir"
    if [[ $(id -u) -eq 0 ]]; then
      chmod 755 "$dir"
      # root writes anywhere: fill a small tmpfs instead, when mounting is permitted
      mkdir -p "$dir/small" && mount -t tmpfs -o size=200k tmpfs "$dir/small" 2>/dev/null ||
        { echo "cannot make the folder unwritable here"; exit 77; }
      trap 'umount "$dir/small"' EXIT
      out="$dir/small/out"
      "$sweep" "${small[@]}" --grid lr=1e-2 --no-plots --out "$out" >/dev/null || fail "first sweep on the tmpfs"
      cp "$out/results.csv" "$dir/before.csv"
      dd if=/dev/zero of="$dir/small/fill" bs=1k count=400 2>/dev/null
    fi
    "$sweep" "${small[@]}" --grid lr=1e-2,1e-3,1e-4 --out "$out" --force >"$dir/table.txt" 2>"$dir/err"
    status=$?
    chmod 755 "$dir"
    [[ $status -eq 1 ]] || fail "exit status $status"
    grep -q "1e-4" "$dir/table.txt" || fail "the table was not printed before the failure"
    cmp -s "$out/results.csv" "$dir/before.csv" || fail "the previous results changed"
    [[ -z $(ls -A "$out/runs" | grep "1e-3") ]] || fail "new and old files mixed"
    ;;
  input-inside)
    mkdir -p "$out"
    cp "$(dirname "$0")/../../examples/models/one-neuron.cgp" "$out/m.cgp"
    "$sweep" --models "$out/m.cgp" --optimizers sgd --iterations 50 -q --out "$out" >/dev/null 2>"$dir/err" &&
      fail "accepted a model file inside --out"
    grep -q "lies inside --out" "$dir/err" || fail "message: $(cat "$dir/err")"
    [[ -s "$out/m.cgp" ]] || fail "the model file was removed"
    ;;
esac
echo "$case: ok"
