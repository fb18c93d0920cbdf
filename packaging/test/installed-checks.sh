#!/bin/sh
# Runs inside the clean Debian 12 root of scripts/package-test.sh, after `apt-get install ./lrclr-viewer*.deb`, with
# an empty environment (PATH only): what a user gets from the installed packages alone.
set -eu
fail() { echo "installed-checks: FAIL $*" >&2; exit 1; }

echo "== lrclr --version"
lrclr --version
[ ! -e /usr/bin/lrclr-model ] || fail "lrclr-model is on PATH (it belongs in /usr/libexec/lrclr)"
[ -x /usr/libexec/lrclr/lrclr-model ] || fail "no /usr/libexec/lrclr/lrclr-model"

echo "== lrclr analyze on the installed demo study"
study=/usr/share/lrclr/demo
lrclr analyze --model /usr/share/lrclr/models/demo --report "$study/reports/phantom-000000.txt" \
  --out /tmp/analysis "$study/images/phantom-000000.dcm" > /tmp/analyze.log
tail -n 1 /tmp/analyze.log
[ -s /tmp/analysis/analysis.json ] || fail "lrclr analyze wrote no analysis.json"
grep -q '"findings"' /tmp/analysis/analysis.json || fail "analysis.json has no findings"

echo "== lrclr-viewer --demo --export under Xvfb (no LRCLR_* variables: the installed layout alone)"
Xvfb :73 -screen 0 1600x1000x24 -nolisten tcp > /tmp/xvfb.log 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X73 ] && break; sleep 0.1; done
[ -e /tmp/.X11-unix/X73 ] || fail "Xvfb did not start: $(cat /tmp/xvfb.log)"
mkdir -p /tmp/home
DISPLAY=:73 HOME=/tmp/home lrclr-viewer --demo --export /tmp/demo-export
[ -s /tmp/demo-export/overlay.png ] || fail "the viewer wrote no overlay.png"
[ -s /tmp/demo-export/analysis.json ] || fail "the viewer wrote no analysis.json"

echo "== the desktop entry starts an installed program"
exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/lrclr-viewer.desktop)
command -v "${exec_line%% *}" > /dev/null || fail "desktop entry runs '${exec_line}', which is not installed"
for page in lrclr lrclr-viewer; do
  [ -s "/usr/share/man/man1/$page.1.gz" ] || fail "no man page for $page"
done
echo "installed-checks: all passed"
