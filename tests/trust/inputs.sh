#!/usr/bin/env bash
# inputs.sh RUN WORK KIND SOURCE: an input that is /dev/zero, a FIFO or larger than its limit is
# refused with a message, at once (a FIFO with no writer must not block the run).
set -uo pipefail
run="$1" work="$2" kind="$3" source="$4"
dir="$work/inputs-$kind-$source"
rm -rf "$dir"; mkdir -p "$dir"
case "$source" in
  dev-zero) file=/dev/zero; expect="is a character device, not a regular file" ;;
  fifo) file="$dir/pipe"; mkfifo "$file"; expect="is a FIFO (named pipe), not a regular file" ;;
  huge) file="$dir/huge"; expect="more than the" ;;
esac
case "$kind" in
  model) args=(--model "$file"); size=65M; what="model file" ;;
  csv) args=(--data "$file" --label y); size=5G; what="CSV file" ;;
  checkpoint) args=(--resume "$file"); size=0; what="checkpoint" ;;
  config) args=(--config "$file"); size=2M; what="config file" ;;
esac
if [[ "$source" == huge ]]; then
  truncate -s "$size" "$file" || { echo "cannot create a sparse $size file here"; exit 77; }
fi
timeout 20 "$run" --iterations 10 --quiet "${args[@]}" >/dev/null 2>"$dir/err"
status=$?
[[ $status -eq 124 ]] && { echo "FAILED: blocked or read without end" >&2; exit 1; }
[[ $status -eq 1 ]] || { echo "FAILED: exit status $status" >&2; cat "$dir/err" >&2; exit 1; }
grep -qF "$what '$file' " "$dir/err" && grep -qF "$expect" "$dir/err" || { echo "FAILED: message:" >&2; cat "$dir/err" >&2; exit 1; }
echo "$kind from $source refused: $(head -1 "$dir/err")"
