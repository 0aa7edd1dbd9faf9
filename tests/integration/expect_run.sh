#!/usr/bin/env bash
# expect_run.sh: runs a command and checks what it did. Used by the end-to-end tests.
#
#   expect_run.sh [--exit N] [--out TEXT] [--err TEXT] [--no-out TEXT] [--file-has PATH TEXT]
#                 [--file-is PATH TEXT] [--no-file PATH] [--pass|--fail|--skip CHECK]
#                 [--detail CHECK TEXT] -- command args...
#
# --exit N          the exit status must be N (default 0)
# --out/--err TEXT  stdout/stderr must contain TEXT (fixed string; repeatable)
# --no-out TEXT     stdout must not contain TEXT
# --file-has P T    after the run, file P must exist and contain T
# --file-is P T     after the run, file P must hold exactly T
# --no-file P       after the run, P must not exist
# --pass/--fail/--skip CHECK  for cgp-conformance's table (rows: PLUGIN CHECK RESULT DETAIL): some
#                   row for CHECK must have that result
# --detail CHECK T  some table row for CHECK must contain T
set -uo pipefail
expected_exit=0
checks=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --exit) expected_exit="$2"; shift 2 ;;
    --out|--err|--no-out|--no-file|--pass|--fail|--skip) checks+=("$1" "$2"); shift 2 ;;
    --file-has|--file-is|--detail) checks+=("$1" "$2|$3"); shift 3 ;;
    *) echo "expect_run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
shift
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" >"$out" 2>"$err"
status=$?
fail=0
report() { echo "FAILED: $*" >&2; fail=1; }
has_row() { awk -v c="$1" -v r="$2" '$2 == c && $3 == r { found = 1 } END { exit !found }' "$out"; }
[[ $status -eq $expected_exit ]] || report "exit status $status, expected $expected_exit"
i=0
while [[ $i -lt ${#checks[@]} ]]; do
  kind="${checks[$i]}"; value="${checks[$((i+1))]}"; i=$((i+2))
  case "$kind" in
    --out) grep -qF -- "$value" "$out" || report "stdout lacks: $value" ;;
    --err) grep -qF -- "$value" "$err" || report "stderr lacks: $value" ;;
    --no-out) grep -qF -- "$value" "$out" && report "stdout has: $value" ;;
    --no-file) [[ ! -e "$value" ]] || report "file exists: $value" ;;
    --file-has) path="${value%%|*}"; text="${value#*|}"
      [[ -f "$path" ]] && grep -qF -- "$text" "$path" || report "file $path lacks: $text" ;;
    --file-is) path="${value%%|*}"; text="${value#*|}"
      [[ -f "$path" && "$(cat "$path")" == "$text" ]] || report "file $path is not exactly: $text" ;;
    --pass) has_row "$value" PASS || report "check $value did not pass" ;;
    --fail) has_row "$value" FAIL || report "check $value did not fail" ;;
    --skip) has_row "$value" SKIP || report "check $value was not skipped" ;;
    --detail) check="${value%%|*}"; text="${value#*|}"
      awk -v c="$check" '$2 == c' "$out" | grep -qF -- "$text" || report "check $check's row lacks: $text" ;;
  esac
done
if [[ $fail -ne 0 ]]; then
  echo "--- command: $*" >&2
  echo "--- stdout:" >&2; cat "$out" >&2
  echo "--- stderr:" >&2; cat "$err" >&2
  exit 1
fi
exit 0
