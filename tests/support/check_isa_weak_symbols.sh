#!/usr/bin/env bash
# Checks that the kernel ISA object files (isa_*.cpp.o) define no weak symbol in common. The linker
# keeps one copy of a weak symbol for the whole program, so an inline function compiled with AVX
# flags in one ISA object could end up called from the SSE2 or scalar path and crash a CPU without
# AVX. Arguments: the core library's object files.
set -euo pipefail
objects=()
for o in "$@"; do
  case "$(basename "$o")" in isa_*.o) objects+=("$o") ;; esac
done
if [[ ${#objects[@]} -lt 2 ]]; then
  echo "fewer than two ISA objects given; nothing to compare" >&2
  exit 0
fi
shared=$(for o in "${objects[@]}"; do nm --defined-only "$o" | awk '$2 ~ /^[WVu]$/ && $3 !~ /^DW\.ref\./ {print $3}' | sort -u; done | sort | uniq -d)
if [[ -n "$shared" ]]; then
  echo "weak symbols defined in more than one ISA object:" >&2
  echo "$shared" | c++filt >&2
  exit 1
fi
echo "checked ${#objects[@]} ISA objects: no shared weak symbols"
