# `lrclr evaluate` as a user runs it: phantoms from `lrclr synth`, a model from `lrclr import-clip`, evaluated with
# --compare; checks the exit code, both runs in results.json and the self-contained report.html.
# Invoked by CTest: cmake -DLRCLR=<exe> -DSHARED=<dir> -DSOURCE=<dir> -DOUT=<dir> -P EvaluateCliTest.cmake
file(REMOVE_RECURSE "${OUT}")
set(reference "${SHARED}/reference/clip")

function(run_lrclr)
  execute_process(COMMAND "${LRCLR}" ${ARGN} RESULT_VARIABLE exitCode OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  message("lrclr ${ARGN}\n${output}${errors}")
  if(NOT exitCode EQUAL 0)
    message(FATAL_ERROR "lrclr ${ARGV0} exited with ${exitCode}")
  endif()
  set(lastOutput "${output}" PARENT_SCOPE)
endfunction()

run_lrclr(synth --count 8 --seed 5 --size 128 --threads 1 --out "${OUT}/phantoms" --quiet)
run_lrclr(import-clip "${reference}/clip_tiny_seed0.pt" --merges "${reference}/bpe_simple_vocab_16e6.txt.gz"
          --findings "${SOURCE}/models/findings.json" --out "${OUT}/model")
run_lrclr(evaluate --manifest "${OUT}/phantoms/manifest.jsonl" --model "${OUT}/model" --compare "${OUT}/model"
          --name first --name second --split all --bootstrap 20 --device cpu --threads 1 --out "${OUT}/evaluation")

file(READ "${OUT}/evaluation/results.json" results)
string(JSON schema GET "${results}" schema)
string(JSON studies GET "${results}" studies)
string(JSON runs LENGTH "${results}" runs)
if(NOT schema STREQUAL "lrclr-evaluation/1" OR NOT studies EQUAL 8 OR NOT runs EQUAL 2)
  message(FATAL_ERROR "results.json: schema ${schema}, ${studies} studies, ${runs} runs (want 8 studies, 2 runs)")
endif()
foreach(index name IN ZIP_LISTS "0;1" "first;second")
  string(JSON actual GET "${results}" runs ${index} name)
  string(JSON pointing GET "${results}" runs ${index} grounding pointing_game)
  string(JSON sentences GET "${results}" runs ${index} grounding sentences)
  if(NOT actual STREQUAL name OR sentences LESS 1 OR pointing LESS 0 OR pointing GREATER 1)
    message(FATAL_ERROR "run ${index}: name ${actual}, pointing game ${pointing} over ${sentences} sentences")
  endif()
endforeach()
if(NOT lastOutput MATCHES "first: mean AUC" OR NOT lastOutput MATCHES "second: mean AUC")
  message(FATAL_ERROR "the summary lines of both runs are missing")
endif()
file(READ "${OUT}/evaluation/report.html" page)
if(NOT page MATCHES "<th>first</th><th>second</th>" OR NOT page MATCHES "data:image/png;base64,")
  message(FATAL_ERROR "report.html lacks the side-by-side table or the example overlays")
endif()
