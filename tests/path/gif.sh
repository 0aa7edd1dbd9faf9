#!/usr/bin/env bash
# gif.sh PATH WORK: cgp-path --gif renders an animated GIF when gnuplot is on PATH (skipped, status
# 77, otherwise).
set -euo pipefail
program=$1
work=$2
mkdir -p "$work" && rm -f "$work/anim.gif" "$work/anim.gif.gp"
if ! command -v gnuplot >/dev/null; then
  echo "skipped: gnuplot missing"
  exit 77
fi
"$program" --surface quadratic --steps 40 --gif "$work/anim.gif" -q >/dev/null
[[ "$(head -c 6 "$work/anim.gif")" == "GIF89a" ]] || { echo "FAILED: $work/anim.gif is not a GIF" >&2; exit 1; }
# One frame per step: 41 image descriptors (the start and 40 steps), each introduced by 0x21 0xF9.
frames=$(od -An -v -tx1 "$work/anim.gif" | tr -d ' \n' | grep -o '21f904' | wc -l)
[[ $frames -ge 41 ]] || { echo "FAILED: expected at least 41 frames, found $frames" >&2; exit 1; }
echo "ok: $frames frames"
