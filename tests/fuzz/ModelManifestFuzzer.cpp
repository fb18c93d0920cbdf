// Fuzz target: a model directory's manifest.json (ModelManifest::fromJson: JSON, the CLIP configuration, files,
// calibration, overlay scale). Bad text throws lrclr::ModelError; a manifest that was accepted must survive being
// written and read again.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "core/model/ModelDirectory.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    ModelManifest manifest;
    try {
        manifest = ModelManifest::fromJson(text, "fuzz/manifest.json");
    } catch (const std::exception&) {
        return 0;
    }
    const std::string written = manifest.toJson();
    const ModelManifest again = ModelManifest::fromJson(written, "fuzz/rewritten.json");
    fuzz::require(again.toJson() == written);
    return 0;
}
