# Runs `lrclr import-clip` on the reference CLIP checkpoint and checks the exit code and the manifest it writes.
# Invoked by CTest: cmake -DLRCLR=<exe> -DSHARED=<dir> -DOUT=<dir> -P ImportClipCliTest.cmake
file(REMOVE_RECURSE "${OUT}")
set(reference "${SHARED}/reference/clip")
execute_process(
  COMMAND "${LRCLR}" import-clip "${reference}/clip_tiny_seed0.pt" --merges "${reference}/bpe_simple_vocab_16e6.txt.gz"
          --out "${OUT}"
  RESULT_VARIABLE exitCode OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}${errors}")
if(NOT exitCode EQUAL 0)
  message(FATAL_ERROR "lrclr import-clip exited with ${exitCode}")
endif()

file(READ "${reference}/reference.json" referenceText)
file(READ "${OUT}/manifest.json" manifest)
string(JSON expectedSha GET "${referenceText}" checkpoint_sha256)
string(JSON actualSha GET "${manifest}" provenance sourceSha256)
if(NOT actualSha STREQUAL expectedSha)
  message(FATAL_ERROR "manifest source sha256 ${actualSha} != reference ${expectedSha}")
endif()
foreach(pair "embed_dim;embed_dim" "vision_width;vision_width" "vision_layers;vision_layers"
             "vision_patch_size;vision_patch_size" "image_resolution;image_resolution" "vocab_size;vocab_size"
             "context_length;context_length" "transformer_width;transformer_width"
             "transformer_layers;transformer_layers" "transformer_heads;transformer_heads")
  list(GET pair 0 referenceKey)
  list(GET pair 1 manifestKey)
  string(JSON expected GET "${referenceText}" config ${referenceKey})
  string(JSON actual GET "${manifest}" clip ${manifestKey})
  if(NOT actual EQUAL expected)
    message(FATAL_ERROR "manifest clip.${manifestKey} = ${actual}, reference config says ${expected}")
  endif()
endforeach()
string(JSON weightsFile GET "${manifest}" weights file)
string(JSON weightsSha GET "${manifest}" weights sha256)
file(SHA256 "${OUT}/${weightsFile}" actualWeightsSha)
if(NOT actualWeightsSha STREQUAL weightsSha)
  message(FATAL_ERROR "weights sha256 ${actualWeightsSha} != manifest ${weightsSha}")
endif()
string(JSON mergesFile GET "${manifest}" tokenizer merges)
file(SHA256 "${OUT}/${mergesFile}" actualMergesSha)
file(SHA256 "${reference}/bpe_simple_vocab_16e6.txt.gz" sourceMergesSha)
if(NOT actualMergesSha STREQUAL sourceMergesSha)
  message(FATAL_ERROR "copied merges file differs from the source")
endif()
if(NOT output MATCHES "Verified")
  message(FATAL_ERROR "import-clip did not report verification")
endif()

# A second import into the now non-empty directory must be refused without --force.
execute_process(
  COMMAND "${LRCLR}" import-clip "${reference}/clip_tiny_seed0.pt" --merges "${reference}/bpe_simple_vocab_16e6.txt.gz"
          --out "${OUT}"
  RESULT_VARIABLE secondExit OUTPUT_QUIET ERROR_VARIABLE secondErrors)
if(secondExit EQUAL 0 OR NOT secondErrors MATCHES "not empty")
  message(FATAL_ERROR "a second import into the same directory should be refused: ${secondExit} ${secondErrors}")
endif()
execute_process(COMMAND "${LRCLR}" import-clip --out "${OUT}" RESULT_VARIABLE usageExit OUTPUT_QUIET ERROR_QUIET)
if(NOT usageExit EQUAL 2)
  message(FATAL_ERROR "import-clip without a checkpoint should exit 2 (usage), got ${usageExit}")
endif()
