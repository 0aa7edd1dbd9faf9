#!/usr/bin/env bash
# try_sdk_check.sh SOURCE WORK CASE EXPECT [TEXT]: configures and builds the probe project of this
# folder for CASE and checks the outcome. EXPECT is "builds", "configure-fails" or "build-fails";
# for a failure, TEXT must appear in the output (the SDK's message).
set -uo pipefail
source_dir="$1"; work="$2"; case="$3"; expect="$4"; text="${5:-}"
build="$work/$case"
rm -rf "$build"
log="$build.log"
mkdir -p "$work"
if ! cmake -S "$source_dir/tests/abi/sdk_checks" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
     -DCGP_SOURCE="$source_dir" -DCASE="$case" >"$log" 2>&1; then
  outcome=configure-fails
elif ! cmake --build "$build" >>"$log" 2>&1; then
  outcome=build-fails
else
  outcome=builds
fi
if [[ "$outcome" != "$expect" ]]; then
  echo "FAILED: case $case: expected '$expect', got '$outcome'; output:" >&2
  cat "$log" >&2
  exit 1
fi
if [[ -n "$text" ]] && ! grep -qF -- "$text" "$log"; then
  echo "FAILED: case $case: $outcome as expected, but without the message '$text'; output:" >&2
  cat "$log" >&2
  exit 1
fi
echo "case $case: $outcome${text:+, saying '$text'}"
