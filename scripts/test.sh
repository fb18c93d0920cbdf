#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: the README's test command, and what .ci/run calls.
# Re-runnable: installed packages are skipped, the build is incremental (ccache makes clean builds cheap too).
# LRCLR_PRESET=asan runs the same suite under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

# ccache keys on paths relative to the checkout, so a clone in another folder (CI's) reuses this one's objects.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"

preset="${LRCLR_PRESET:-release}"
werror=OFF
if [ -n "${CI:-}" ]; then werror=ON; fi

cmake --preset "$preset" -DLRCLR_WERROR="$werror"
cmake --build --preset "$preset"
ctest --preset "$preset" --parallel "$(nproc)"
