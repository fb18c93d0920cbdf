#!/usr/bin/env bash
# Builds the model library (core/model, standalone: LibTorch + ICU + OpenSSL + zlib + nlohmann-json, no Qt) against
# the CUDA LibTorch of the machine's PyTorch (pip wheel, LibTorch 2.x), then on the GPU:
#   1. lrclr-model-check --cuda: parity with OpenAI CLIP's reference outputs in fp32 and fp16, and
#      LrclrModel::analyze on CUDA (fp16) against the CPU (fp32);
#   2. lrclr-model-bench --cuda: the model benchmark against the Python reference, both on the GPU in fp16.
# The project never needs this to build or test (CI has no GPU); it is how a GPU session checks the CUDA path.
#
# usage: scripts/cuda-model-check.sh [REFERENCE_DIR] [RESULT_DIR]
#   REFERENCE_DIR  ../shared/reference/clip (default), or a copy of it
#   RESULT_DIR     where logs and model-check.json go (default: /tmp/lrclr-cuda-check)
# Environment:
#   LRCLR_DEPS_ARCHIVE  optional .tar.xz of a usr/ tree holding ICU, OpenSSL, zlib and nlohmann-json development
#                       files (Debian 12's packages unpacked with dpkg -x) for a machine that lacks them
#   PYTHON              the Python that holds CUDA PyTorch (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
reference=$(realpath "${1:-../shared/reference/clip}")
results=${2:-/tmp/lrclr-cuda-check}
python=${PYTHON:-python3}
build=${LRCLR_CUDA_BUILD:-/tmp/lrclr-build-model-cuda}
mkdir -p "$results"

nvidia-smi -L || true
"$python" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda,
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")'
torch_prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')

prefixes="$torch_prefix"
extra=()
if [[ -n "${LRCLR_DEPS_ARCHIVE:-}" ]]; then
  deps=/tmp/lrclr-deps
  mkdir -p "$deps"
  tar xJf "$LRCLR_DEPS_ARCHIVE" -C "$deps"
  prefixes="$prefixes;$deps/usr"
  extra+=(-DICU_ROOT="$deps/usr" -DOPENSSL_ROOT_DIR="$deps/usr" -DZLIB_ROOT="$deps/usr"
          -Dnlohmann_json_DIR="$deps/usr/share/cmake/nlohmann_json")
  # The build RPATH names the libraries linked directly; ICU's own dependency (libicudata) needs the path too.
  export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)

echo "== configure (core/model standalone against $torch_prefix)"
if ! cmake -S core/model -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefixes" \
  "${extra[@]}" > "$results/configure.log" 2>&1; then
  tail -40 "$results/configure.log"
  echo "configure failed (see $results/configure.log)"
  exit 1
fi
grep -E 'Torch|CUDA|ICU|OpenSSL|nlohmann|ZLIB|Found' "$results/configure.log" | head -20 || true
echo "== build"
if ! cmake --build "$build" -j "$(nproc)" -- -k 0 > "$results/build.log" 2>&1; then
  grep -E 'error|Error' "$results/build.log" | head -60
  echo "build failed (see $results/build.log)"
  exit 1
fi
grep -c 'warning:' "$results/build.log" | sed 's/^/compiler warnings: /' || true

status=0
echo "== lrclr-model-check --cuda"
"$build/lrclr-model-check" --reference "$reference" --cuda --out "$results" || status=1
echo "== lrclr-model-bench --cuda"
"$build/lrclr-model-bench" --cuda --runs 20 --python "$python" --script scripts/model_benchmark.py \
  --merges "$reference/bpe_simple_vocab_16e6.txt.gz" || status=1
exit $status
