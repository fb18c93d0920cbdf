#!/usr/bin/env bash
# Builds the libFuzzer targets (the "fuzz" preset: clang, ASan + UBSan, tests/fuzz), writes their seed corpora and
# runs each target for SECONDS (docs/FUZZING.md). Prints, per target: executions, final coverage (cov: and ft: of
# libFuzzer's last status line) and crashes; exits non-zero when any target crashed, leaked, timed out or ran out of
# memory. Reproducers land in build/fuzz/artifacts/<target>/.
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS  fuzzing time per target (default 60)
#   TARGET   names without the lrclr-fuzz- prefix (default: all), e.g. dicom-image checkpoint
# Environment:
#   FUZZ_JOBS  build parallelism (default: the number of cores)
# Corpora grow in build/fuzz/corpus/<target>/ (kept between runs); seeds are regenerated in build/fuzz/seeds/<target>/:
# files written by lrclr-fuzz-seeds (the project's writers), the repository's demo files and Debian's sample files
# (pydicom's test files, DICOMscope's reports) as symbolic links, read in place.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all_targets=(dicom-image dicomdir dicom-sr plain-text-report checkpoint model-manifest finding-catalog
  dataset-manifest analysis-json clip-tokenizer qido-json multipart)
if [[ $# -gt 0 ]]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

build=build/fuzz
if [[ ! -f $build/build.ninja ]]; then
  cmake --preset fuzz
fi
cmake --build --preset fuzz -j "${FUZZ_JOBS:-$(nproc)}"

pydicom=/usr/lib/python3/dist-packages/pydicom/data/test_files
dicomscope=/usr/share/dicomscope/reports

# --- seeds --------------------------------------------------------------------------------------------------------
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
"$build/tests/fuzz/lrclr-fuzz-seeds" "$seeds"
for target in "${all_targets[@]}"; do mkdir -p "$seeds/$target"; done

# link <target> <file>...: symbolic links to files read in place (missing ones are skipped).
link() {
  local target=$1 file
  shift
  for file in "$@"; do
    [[ -f $file ]] && ln -sf "$(realpath "$file")" "$seeds/$target/$(basename "$(dirname "$file")")-$(basename "$file")"
  done
  return 0
}
if [[ -d $pydicom ]]; then
  for file in "$pydicom"/*.dcm; do
    size=$(stat -c %s "$file")
    ((size <= 262144)) && link dicom-image "$file"
  done
  link dicomdir "$pydicom"/dicomdirtests/DICOMDIR*
  link dicom-sr "$pydicom"/reportsi.dcm "$pydicom"/reportsi_with_empty_number_tags.dcm "$pydicom"/test-SR.dcm
  link qido-json "$pydicom"/test1.json "$pydicom"/test_PN.json
else
  echo "fuzz.sh: $pydicom is missing (python3-pydicom); DICOM seeds are the generated ones only" >&2
fi
link dicom-image resources/demo/images/*.dcm
link dicom-sr "$dicomscope"/*.dcm
link plain-text-report resources/demo/reports/*.txt
link dataset-manifest resources/demo/manifest.jsonl
link model-manifest models/demo/manifest.json
link finding-catalog models/findings.json models/findings-ensemble.json

cat > "$seeds/plain-text-report/mimic.txt" <<'TEXT'
                                 FINAL REPORT
 EXAMINATION:  CHEST (PA AND LAT)

 INDICATION:  ___ year old woman with cough, eval for pneumonia.

 COMPARISON:  Chest radiograph from ___ at 3 p.m.

 FINDINGS:
 
 1. Small left pleural effusion, approx. 2.5 cm. No pneumothorax.
 2) Heart size is normal; mediastinal contours e.g. aorta are unremarkable.
 - Bony structures are intact.
 
 IMPRESSION:  No acute cardiopulmonary process. Dr. ___ was notified on Jan. 5.
TEXT
printf '\xef\xbb\xbfFindings: Gr\xc3\xb6\xc3\x9fe des Herzens normal. Impression: stabil!\n' \
  > "$seeds/plain-text-report/utf8-bom.txt"
printf 'IMPRESSION: Latin-1 r\xe9sum\xe9. Stable.\r\n\r\nRECOMMENDATION(S): none?\n' \
  > "$seeds/plain-text-report/latin1.txt"

cat > "$seeds/qido-json/studies.json" <<'JSON'
[{"0020000D":{"vr":"UI","Value":["1.2.826.0.1.3680043.2.1125.1"]},
  "00100020":{"vr":"LO","Value":["PID-1"]},
  "00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe^Jane"}]},
  "00100030":{"vr":"DA","Value":["19700101"]},
  "00080020":{"vr":"DA","Value":["20190314"]},
  "00080030":{"vr":"TM","Value":["101500"]},
  "00080050":{"vr":"SH","Value":["ACC1"]},
  "00081030":{"vr":"LO","Value":["CHEST PA"]},
  "00080061":{"vr":"CS","Value":["DX","CR"]},
  "00201206":{"vr":"IS","Value":[2]},
  "00201208":{"vr":"IS","Value":[3]}},
 {"0020000D":{"vr":"UI","Value":["1.2.3.4"]},"00100010":{"vr":"PN"}}]
JSON
printf '[]' > "$seeds/qido-json/empty.json"

printf 'multipart/related; type="application/dicom"; boundary=frontier\n--frontier\r\nContent-Type: application/dicom\r\n\r\nDICM\x02\x00\x10\x00\r\n--frontier\r\nContent-Type: application/dicom\r\nContent-Length: 4\r\n\r\nabcd\r\n--frontier--\r\n' \
  > "$seeds/multipart/two-parts"
printf 'multipart/related; boundary="a b:c"\npreamble\r\n--a b:c\r\n\r\n\r\n--a b:c--\r\nepilogue' \
  > "$seeds/multipart/quoted-boundary"

# Tokenizer inputs: a merges file (plain and gzip), a NUL byte, then text.
report=resources/demo/reports/phantom-000000.txt
{ zcat models/demo/merges.txt.gz; printf '\0'; cat "$report"; } > "$seeds/clip-tokenizer/demo-merges-plain"
{ cat models/demo/merges.txt.gz; printf '\0'; printf 'No acute disease &amp; &lt;b&gt;stable&lt;/b&gt; 2.5\xc2\xa0cm.'; } \
  > "$seeds/clip-tokenizer/demo-merges-gzip"
{ printf '#version: 0.2\nt h\nth e</w>\na n\n'; printf '\0'; printf "THE  heart's   size, \xe2\x80\x9cnormal\xe2\x80\x9d \xf0\x9f\x98\x80"; } \
  > "$seeds/clip-tokenizer/tiny-merges"

# --- runs ---------------------------------------------------------------------------------------------------------
max_len_of() {
  case $1 in
    dicom-image | dicomdir | dicom-sr | clip-tokenizer) echo 65536 ;;
    model-manifest) echo 32768 ;;
    checkpoint | dataset-manifest | analysis-json | qido-json | multipart) echo 16384 ;;
    *) echo 8192 ;;
  esac
}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
rows=()
for target in "${targets[@]}"; do
  binary=$build/tests/fuzz/lrclr-fuzz-$target
  [[ -x $binary ]] || { echo "fuzz.sh: no target $target" >&2; exit 2; }
  corpus=$build/corpus/$target
  artifacts=$build/artifacts/$target
  log=$build/logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  options=(-max_len="$(max_len_of "$target")" -rss_limit_mb=2048 -timeout=10 -max_total_time="$seconds"
    -print_final_stats=1 -artifact_prefix="$artifacts/")
  case $target in dicom-image | dicomdir | dicom-sr) options+=(-dict=tests/fuzz/dicom.dict) ;; esac
  before=$(find "$artifacts" -type f ! -name 'slow-unit-*' | wc -l)
  echo "== $target: ${seconds}s ($log)"
  status=0
  "$binary" "${options[@]}" "$corpus" "$seeds/$target" > "$log" 2>&1 || status=$?
  after=$(find "$artifacts" -type f ! -name 'slow-unit-*' | wc -l)
  crashes=$((after - before))
  if ((status != 0 && crashes == 0)); then crashes=1; fi
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  rows+=("$(printf '%-18s %7s %12s %7s %7s %7s' "$target" "$seconds" "${executions:-?}" "${cov:-?}" "${ft:-?}" "$crashes")")
  if ((crashes > 0)); then
    failed=1
    grep -m1 -E 'ERROR: |runtime error:|deadly signal|timeout after|out-of-memory' "$log" >&2 || true
    ls -t "$artifacts" | head -3 | sed "s|^|  reproducer: $artifacts/|" >&2
  fi
done

echo
printf '%-18s %7s %12s %7s %7s %7s\n' target seconds executions cov ft crashes
printf '%s\n' "${rows[@]}"
exit $failed
