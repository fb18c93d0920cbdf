#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of LRCLR Viewer from Debian 12 packages.
# Idempotent: packages already present are skipped, so re-running costs a dpkg query and nothing else.
# Runs as root, or through sudo when invoked by another user. docs/DEPENDENCIES.md says why each package is here.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # Qt 6 (Widgets + Test + image plugins for TIFF)
  qt6-base-dev libqt6opengl6-dev qt6-image-formats-plugins libgl-dev
  # LibTorch and a fast BLAS (without libopenblas0-openmp, torch falls back to reference BLAS: ~15x slower)
  libtorch-dev libopenblas0-openmp
  # Gloo's headers: LibTorch's c10d ProcessGroupGloo.hpp includes them (distributed training); the library is
  # libtorch's own dependency already
  libgloo-dev
  # DICOM: DCMTK libraries and its command-line tools (benchmark baselines, test-file encoders), OpenJPEG for J2K
  libdcmtk-dev dcmtk libopenjp2-7-dev
  # VTK 9 (image processing only: contours, resampling, lookup tables) and the MPI it is configured with
  libvtk9-dev
  # Boost.Program_options for the CLI, ICU for the tokenizer's Unicode classes
  libboost-dev libboost-program-options-dev libicu-dev
  # model library: JSON manifests, SHA-256 of weight files, gzip (CLIP merges file)
  nlohmann-json3-dev libssl-dev zlib1g-dev
  # headless display for screenshots of the real window, and tools to capture and convert them
  xvfb xauth x11-apps imagemagick
  # benchmarks: Google Benchmark, and Python torch for the reference comparison
  libbenchmark-dev python3-numpy python3-torch
  # PACS tests: a real Orthanc (with its DICOMweb plugin) started by the tests in a network namespace of their own
  # (unshare, ip)
  orthanc orthanc-dicomweb util-linux iproute2
  # third-party test data used in place (never copied into the repo)
  python3-pydicom dicom3tools dicomscope
  # validators of the DICOM results we write (tests/results): pixelmed's DicomSRValidator (dciodvfy is in dicom3tools)
  pixelmed-apps
  # the package test (scripts/package-test.sh): a clean Debian 12 root and Debian's package checker
  mmdebstrap lintian
  # libFuzzer targets (scripts/fuzz.sh): Debian's clang with its sanitizer and fuzzer runtimes
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

# The PACS tests start Orthanc themselves, inside a network namespace; the package's own service would listen on
# every interface (DICOM port 4242), so a fresh install stops it and keeps it from starting at boot (the plugin's
# installation may restart it).
if printf '%s\n' "${missing[@]}" | grep -qxE 'orthanc|orthanc-dicomweb'; then
  if [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now orthanc.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/orthanc ]; then
    $sudo invoke-rc.d orthanc stop >/dev/null 2>&1 || true
    $sudo update-rc.d orthanc disable >/dev/null 2>&1 || true
  fi
fi
