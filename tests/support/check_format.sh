#!/usr/bin/env bash
# check_format.sh SOURCE_DIR: every C and C++ source git tracks (but the frozen ABI 1.0 copy) is
# formatted as .clang-format says. Skipped (status 77) where clang-format or git is missing.
set -uo pipefail
cd "$1" || exit 1
command -v clang-format >/dev/null && command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 ||
  { echo "SKIPPED: clang-format or a git checkout is missing"; exit 77; }
differ=0
while IFS= read -r f; do
  clang-format --style=file "$f" | cmp -s - "$f" || { echo "not formatted: $f"; differ=$((differ + 1)); }
done < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' ':!:tests/abi/frozen/*')
[[ $differ -eq 0 ]] || { echo "FAILED: $differ files differ from .clang-format; run make format" >&2; exit 1; }
echo "every tracked C and C++ source follows .clang-format"
