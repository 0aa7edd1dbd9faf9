#!/usr/bin/env bash
# loss_decreases.sh CSV: the last loss record of a cgp-run loss CSV is below 80% of the first.
set -euo pipefail
awk -F, 'NR == 2 { first = $2 } NR > 1 { last = $2 }
         END { if (NR < 3) { print "too few records" > "/dev/stderr"; exit 1 }
               printf "first %s last %s\n", first, last
               exit !(last < 0.8 * first) }' "$1"
