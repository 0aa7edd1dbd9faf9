#!/usr/bin/env bash
# expect_run.sh: runs a command and checks what it did. Used by the integration tests.
#
#   expect_run.sh [--exit N] [--out TEXT] [--err TEXT] [--no-out TEXT] [--file-has PATH TEXT]
#                 [--file-is PATH TEXT] [--no-file PATH] -- command args...
#
# --exit N          the exit status must be N (default 0)
# --out/--err TEXT  stdout/stderr must contain TEXT (fixed string; repeatable)
# --no-out TEXT     stdout must not contain TEXT
# --file-has P T    after the run, file P must exist and contain T
# --file-is P T     after the run, file P must hold exactly T
# --no-file P       after the run, P must not exist
set -uo pipefail
expected_exit=0
checks=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --exit) expected_exit="$2"; shift 2 ;;
    --out|--err|--no-out|--no-file) checks+=("$1" "$2"); shift 2 ;;
    --file-has|--file-is) checks+=("$1" "$2|$3"); shift 3 ;;
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
  esac
done
if [[ $fail -ne 0 ]]; then
  echo "--- command: $*" >&2
  echo "--- stdout:" >&2; cat "$out" >&2
  echo "--- stderr:" >&2; cat "$err" >&2
  exit 1
fi
exit 0
