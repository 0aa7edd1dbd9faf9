#!/usr/bin/env bash
# expect_checks.sh: runs cgp-conformance and checks its exit status and the result of named checks in
# its table (rows: PLUGIN CHECK RESULT DETAIL). Used by the conformance tests.
#
#   expect_checks.sh [--exit N] [--pass CHECK] [--fail CHECK] [--skip CHECK] [--detail CHECK TEXT]
#                    [--out TEXT] [--err TEXT] -- cgp-conformance args...
#
# --exit N              the exit status must be N (default 0)
# --pass/--fail/--skip  some row for CHECK must have that result (repeatable)
# --detail CHECK TEXT   some row for CHECK must contain TEXT (fixed string)
# --out/--err TEXT      stdout/stderr must contain TEXT (fixed string)
set -uo pipefail
expected_exit=0
checks=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --exit) expected_exit="$2"; shift 2 ;;
    --pass|--fail|--skip|--out|--err) checks+=("$1" "$2" ""); shift 2 ;;
    --detail) checks+=("$1" "$2" "$3"); shift 3 ;;
    *) echo "expect_checks.sh: unknown argument $1" >&2; exit 2 ;;
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
  kind="${checks[$i]}"; a="${checks[$((i+1))]}"; b="${checks[$((i+2))]}"; i=$((i+3))
  case "$kind" in
    --pass) has_row "$a" PASS || report "check $a did not pass" ;;
    --fail) has_row "$a" FAIL || report "check $a did not fail" ;;
    --skip) has_row "$a" SKIP || report "check $a was not skipped" ;;
    --detail) awk -v c="$a" '$2 == c' "$out" | grep -qF -- "$b" || report "check $a's row lacks: $b" ;;
    --out) grep -qF -- "$a" "$out" || report "stdout lacks: $a" ;;
    --err) grep -qF -- "$a" "$err" || report "stderr lacks: $a" ;;
  esac
done
if [[ $fail -ne 0 ]]; then
  echo "--- command: $*" >&2
  echo "--- stdout:" >&2; cat "$out" >&2
  echo "--- stderr:" >&2; cat "$err" >&2
  exit 1
fi
exit 0
