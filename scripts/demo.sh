#!/usr/bin/env bash
# Sets up, builds and runs the main job: the viewer on the bundled demo study. With no display it says so and runs
# the same analysis headless, writing the overlay PNG and the analysis JSON to demo-output/ (or $1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target lrclr-viewer lrclr

viewer=build/release/app/lrclr-viewer
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$viewer" --demo
fi

out="${1:-demo-output}"
echo "demo: no display (DISPLAY and WAYLAND_DISPLAY are unset); running the same analysis headless into $out/"
QT_QPA_PLATFORM=offscreen "$viewer" --demo --export "$out"
echo "demo: wrote:"
ls -l "$out"
