// Fuzz target: a model's findings.json (FindingCatalog::fromJson: findings and prompt templates). Bad text throws
// std::runtime_error; an accepted catalogue must survive being written and read again.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "core/model/FindingCatalog.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    FindingCatalog catalog = FindingCatalog::chexpert();
    try {
        catalog = FindingCatalog::fromJson(text, "fuzz/findings.json");
    } catch (const std::exception&) {
        return 0;
    }
    for (const std::string& finding : catalog.findings())
        for (const FindingCatalog::Template& prompts : catalog.templates()) {
            FindingCatalog::fill(prompts.positive, finding);
            FindingCatalog::fill(prompts.negative, finding);
        }
    const std::string written = catalog.toJson();
    fuzz::require(FindingCatalog::fromJson(written, "fuzz/rewritten.json").toJson() == written);
    return 0;
}
