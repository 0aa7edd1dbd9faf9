#!/usr/bin/env bash
# check_doc.sh DOC SOURCE_DIR CONFORMANCE BLOCK...: checks that a Markdown document is in step with the code:
#   - every ```sh block is marked `<!-- test: NAME -->` (run by a test) or `<!-- not run: REASON -->`,
#     and the NAMEs are exactly the BLOCKs the tests run;
#   - every block marked `<!-- file: PATH -->` equals the file PATH under SOURCE_DIR;
#   - every check that `CONFORMANCE --list-checks` names is described in the document (as `name`).
set -uo pipefail
doc="$1"; source_dir="$2"; conformance="$3"; shift 3
tested_blocks=("$@")
fail=0
report() { echo "FAILED: $*" >&2; fail=1; }

unmarked=$(awk '
  /^<!-- (test|not run): .* -->$/ { marked = NR; next }
  /^```sh/ { if (marked != NR - 1) print "line " NR; next }
  NF { marked = 0 }' "$doc")
[[ -z "$unmarked" ]] || report "shell blocks without a <!-- test: NAME --> marker at: $unmarked"

marked=$(sed -n 's/^<!-- test: \(.*\) -->$/\1/p' "$doc" | sort)
registered=$(printf '%s\n' "${tested_blocks[@]}" | sort)
[[ "$marked" == "$registered" ]] ||
  report "the blocks marked <!-- test: NAME --> ($(echo $marked)) are not the blocks the tests run ($(echo $registered))"

while read -r path; do
  listing=$(awk -v tag="<!-- file: $path -->" '
    $0 == tag { armed = 1; next }
    armed && !inside && /^```/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$doc")
  if [[ ! -f "$source_dir/$path" ]]; then
    report "the document lists $path, which does not exist"
  elif [[ "$listing" != "$(cat "$source_dir/$path")" ]]; then
    report "the listing of $path differs from the file:"
    diff <(printf '%s\n' "$listing") "$source_dir/$path" >&2
  fi
done < <(sed -n 's/^<!-- file: \(.*\) -->$/\1/p' "$doc")

checks=$("$conformance" --list-checks | awk '{ print $1 }')
[[ -n "$checks" ]] || report "$conformance --list-checks listed nothing"
for check in $checks; do
  grep -qF -- "\`$check\`" "$doc" || report "check $check is not described in the document"
done
[[ $fail -eq 0 ]] && echo "$doc: shell blocks marked, listings equal their files, $(echo "$checks" | wc -l) checks described"
exit $fail
