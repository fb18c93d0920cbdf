#!/usr/bin/env bash
# Screenshot of the real viewer window under Xvfb: scripts/screenshot.sh OUT.png [viewer arguments...]
# Without viewer arguments: the bundled demo study with the demo model (models/demo, or $LRCLR_MODEL_DIR), showing the
# findings, the report sentences and the heatmap of "Moderate right pleural effusion.".
# The viewer itself waits for the analysis, grabs its window from the X server (--screenshot), and quits; beside
# OUT.png it writes OUT-no-overlay.png and OUT.json (where the image lies in the picture). Fresh settings, so the
# overlay shows its defaults. $LRCLR_VIEWER picks the executable (default build/release/app/lrclr-viewer).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ $# -lt 1 ]; then
  echo "usage: scripts/screenshot.sh OUT.png [viewer arguments...]" >&2
  exit 2
fi
out="$(realpath -m "$1")"; shift
viewer="${LRCLR_VIEWER:-build/release/app/lrclr-viewer}"
if [ ! -x "$viewer" ]; then
  echo "screenshot: no viewer at $viewer (build it, or set LRCLR_VIEWER)" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  set -- --demo --select-sentence "Moderate right pleural effusion."
fi
config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT
XDG_CONFIG_HOME="$config" xvfb-run -a -s "-screen 0 1600x1000x24" "$viewer" --screenshot "$out" "$@"
