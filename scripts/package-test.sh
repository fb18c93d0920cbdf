#!/usr/bin/env bash
# Proves the Debian packages on a clean Debian 12, as issue 15 asks:
#   1. builds lrclr-viewer_<v>_<arch>.deb and lrclr-viewer-data_<v>_all.deb with CPack from a build folder;
#   2. checks them with lintian (fails on any error; warnings are printed);
#   3. makes a minimal Debian 12 root with mmdebstrap (same package registry as this machine), installs both
#      packages there with `apt-get install ./...deb` (dependencies from the packages' own Depends), and runs
#      packaging/test/installed-checks.sh inside it with an empty environment: lrclr --version, lrclr analyze on the
#      installed demo study, the viewer's headless demo export under Xvfb.
# Usage: scripts/package-test.sh [BUILD_DIR]    (default build/release, built first when out of date)
# Needs: mmdebstrap, lintian (scripts/install-deps.sh), network access to the Debian mirror, root or user
# namespaces (mmdebstrap's unshare mode). Takes about 3-6 minutes, most of it downloading the dependencies.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath "${1:-$repo/build/release}")
for tool in cpack mmdebstrap lintian; do
  command -v "$tool" > /dev/null || { echo "package-test: $tool is not installed (scripts/install-deps.sh)" >&2; exit 2; }
done
[ -f "$build/CPackConfig.cmake" ] || { echo "package-test: $build is not a configured build folder" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lrclr-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== building and packaging $build"
cmake --build "$build" --target lrclr-viewer lrclr lrclr-model lrclr_packaging_files
(cd "$build" && cpack -G DEB -B "$work/debs" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
debs=("$work"/debs/*.deb)
[ ${#debs[@]} -eq 2 ] || { echo "package-test: expected 2 packages, got: ${debs[*]}" >&2; exit 1; }
for deb in "${debs[@]}"; do
  echo "-- $(basename "$deb") ($(du -h "$deb" | cut -f1))"
  dpkg-deb --field "$deb" Package Architecture Depends | sed 's/^/   /'
done

echo "== lintian"
lintian --fail-on error --display-level ">=warning" "${debs[@]}"

echo "== clean Debian 12 root: install and run"
# Hooks run inside mmdebstrap's own namespace with /proc, /dev and the network set up; output goes to /dev/null
# (nothing is kept), so no root folder is left behind.
mmdebstrap --variant=apt --include=xvfb,xauth \
  --customize-hook="copy-in ${debs[*]} $repo/packaging/test/installed-checks.sh /tmp" \
  --customize-hook='chroot "$1" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/*.deb"' \
  --customize-hook='chroot "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin sh /tmp/installed-checks.sh' \
  bookworm /dev/null
echo "package-test: passed"
