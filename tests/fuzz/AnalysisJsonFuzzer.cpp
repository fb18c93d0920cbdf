// Fuzz target: an analysis JSON document (AnalysisJson::fromJson, what the viewer and the evaluator read back).
// Bad text throws std::runtime_error; an accepted document must survive being written and read again.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "core/model/AnalysisJson.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    AnalysisResult result;
    try {
        result = AnalysisJson::fromJson(text, "fuzz/analysis.json");
    } catch (const std::exception&) {
        return 0;
    }
    const std::string written = AnalysisJson::toJson(result, -1);
    fuzz::require(AnalysisJson::toJson(AnalysisJson::fromJson(written, "fuzz/rewritten.json"), -1) == written);
    return 0;
}
