#!/usr/bin/env bash
# Screenshot of the real viewer window under Xvfb: scripts/screenshot.sh OUT.png [viewer arguments...]
# Waits for the window to appear (and the analysis to settle), grabs the whole virtual screen, then closes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$1"; shift
settle="${LRCLR_SCREENSHOT_SETTLE:-6}"
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
  "$0" "$@" &
  pid=$!
  sleep '"$settle"'
  import -window root "'"$out"'"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
' build/release/app/lrclr-viewer "$@"
echo "screenshot: $out"
