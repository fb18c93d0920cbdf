# `lrclr evaluate` as a user runs it: phantoms from `lrclr synth`, a model from `lrclr import-clip`, evaluated with
# --compare; checks the exit code, both runs in results.json, studies.jsonl and the self-contained report.html.
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
# studies.jsonl: one line per model and study, each naming its run.
file(STRINGS "${OUT}/evaluation/studies.jsonl" lines)
list(LENGTH lines lineCount)
list(GET lines 1 secondLine)
string(JSON secondRun GET "${secondLine}" run)
if(NOT lineCount EQUAL 16 OR NOT secondRun STREQUAL "second")
  message(FATAL_ERROR "studies.jsonl: ${lineCount} lines (want 16), line 2 of run ${secondRun} (want second)")
endif()
file(READ "${OUT}/evaluation/report.html" page)
if(NOT page MATCHES "<th>first</th><th>second</th>" OR NOT page MATCHES "data:image/png;base64,")
  message(FATAL_ERROR "report.html lacks the side-by-side table or the example overlays")
endif()

# A run that fails into the same folder leaves no earlier results behind to be mistaken for its own.
execute_process(COMMAND "${LRCLR}" evaluate --manifest "${OUT}/phantoms/manifest.jsonl" --model "${OUT}/no-such-model"
  --split all --device cpu --threads 1 --out "${OUT}/evaluation" RESULT_VARIABLE failed OUTPUT_QUIET ERROR_QUIET)
if(failed EQUAL 0 OR EXISTS "${OUT}/evaluation/results.json" OR EXISTS "${OUT}/evaluation/studies.jsonl")
  message(FATAL_ERROR "a failed evaluate (exit ${failed}) left the earlier run's results.json or studies.jsonl")
endif()
