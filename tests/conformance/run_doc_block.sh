#!/usr/bin/env bash
# run_doc_block.sh DOC NAME: runs the shell block that follows the line `<!-- test: NAME -->` in a
# Markdown document, so the commands the document shows are exactly the commands the tests run. The
# block runs in bash with -e, -u, -o pipefail and -x, in the environment the test sets (CGP_SOURCE,
# CGP_BUILD, CGP_PREFIX, WORK).
set -euo pipefail
doc="$1"; name="$2"
block=$(awk -v tag="<!-- test: $name -->" '
  $0 == tag { armed = 1; next }
  armed && !inside && /^```/ { inside = 1; next }
  inside && /^```/ { exit }
  inside { print }' "$doc")
if [[ -z "$block" ]]; then
  echo "run_doc_block.sh: $doc has no shell block after '<!-- test: $name -->'" >&2
  exit 2
fi
exec bash -euo pipefail -x -c "$block"
