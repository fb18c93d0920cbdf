// Fuzz target: a dataset manifest in JSON Lines (DatasetManifest::load, strict and with bad rows skipped, and
// parseLine per row). Bad rows throw lrclr::ManifestError; a row that was accepted must survive formatLine and
// parseLine again.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "tests/fuzz/FuzzSupport.h"
#include "training/DatasetManifest.h"

using namespace lrclr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::temporaryFolder().write("manifest.jsonl", data, size);
    try {
        DatasetManifest::load(path);
    } catch (const std::exception&) {
    }
    std::vector<std::string> badRows;
    DatasetManifest manifest;
    try {
        manifest = DatasetManifest::load(path, badRows);
    } catch (const std::exception&) {
        return 0;
    }
    for (const ManifestEntry& entry : manifest.entries()) {
        const std::string line = DatasetManifest::formatLine(entry);
        fuzz::require(DatasetManifest::formatLine(DatasetManifest::parseLine(line, "fuzz:1")) == line);
        manifest.split(entry.split);
    }
    return 0;
}
