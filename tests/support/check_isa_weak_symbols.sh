#!/usr/bin/env bash
# Checks that object files compiled for different ISAs define no weak symbol in common. The linker
# keeps one copy of a weak symbol for the whole program or plugin (the first it meets), so an inline
# function compiled with AVX flags in one ISA's object could end up called from the SSE2 or scalar
# path and crash a CPU without AVX.
#
#   check_isa_weak_symbols.sh WHAT --isa NAME OBJECT... --isa NAME OBJECT... ...
#
# WHAT names the library in the messages; each --isa starts the objects compiled for one ISA (weak
# symbols shared between objects of the same ISA are harmless). Fails, having checked nothing, when
# fewer than two ISAs are given or an ISA has no object: the build's ISA list and the objects given
# disagree.
set -euo pipefail
what="${1:?usage: check_isa_weak_symbols.sh WHAT --isa NAME OBJECT... ...}"
shift
isas=()
declare -A objects=()
while [[ $# -gt 0 ]]; do
  if [[ "$1" == --isa ]]; then
    [[ $# -ge 2 ]] || { echo "$what: --isa needs a name" >&2; exit 2; }
    isas+=("$2"); objects[$2]=""; shift 2
  elif [[ ${#isas[@]} -eq 0 ]]; then
    echo "$what: object '$1' given before any --isa NAME" >&2; exit 2
  else
    [[ -f "$1" ]] || { echo "$what: object file '$1' does not exist (is the build complete?)" >&2; exit 1; }
    objects[${isas[-1]}]+="$1"$'\n'; shift
  fi
done
if [[ ${#isas[@]} -lt 2 ]]; then
  echo "$what: ${#isas[@]} ISA(s) given; at least two are needed for anything to be compared" >&2
  exit 1
fi
count=0
for isa in "${isas[@]}"; do
  if [[ -z "${objects[$isa]}" ]]; then
    echo "$what: no object file for ISA '$isa'; the build's ISA list and the objects given disagree" >&2
    exit 1
  fi
  count=$((count + $(printf '%s' "${objects[$isa]}" | grep -c .)))
done
# One line "symbol isa" per weak definition (W weak, V weak object, u unique global), each symbol
# once per ISA; DW.ref.* are the unwinder's personality pointers, identical data in every object.
definitions=$(for isa in "${isas[@]}"; do
  printf '%s' "${objects[$isa]}" | while IFS= read -r o; do
    nm --defined-only "$o" | awk -v isa="$isa" '$2 ~ /^[WVu]$/ && $3 !~ /^DW\.ref\./ {print $3, isa}'
  done | sort -u
done)
shared=$(printf '%s\n' "$definitions" | awk 'NF { isas[$1] = isas[$1] " " $2; n[$1]++ }
  END { for (s in n) if (n[s] > 1) print s " (in" isas[s] ")" }' | sort)
if [[ -n "$shared" ]]; then
  echo "$what: weak symbols defined for more than one ISA (the linker would keep one copy for all):" >&2
  echo "$shared" | c++filt >&2
  exit 1
fi
echo "$what: checked $count object files of ${#isas[@]} ISAs (${isas[*]}): no shared weak symbols"
