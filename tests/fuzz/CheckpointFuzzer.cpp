// Fuzz target: a checkpoint file as `lrclr import-clip` and the model directory read it (CheckpointReader::inspect:
// the zip archive torch.save writes, the weights-only unpickler, the tensor records and their validation). Bad files
// throw lrclr::ModelError (a std::runtime_error); any other outcome than a result or an exception is a bug.
#include <cstddef>
#include <cstdint>
#include <exception>

#include "core/model/CheckpointReader.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::temporaryFolder().write("weights.pt", data, size);
    try {
        const CheckpointReader::Contents contents = CheckpointReader::inspect(path);
        fuzz::require(contents.fileSize == size);
        contents.parameterCount();
        contents.shapes();
    } catch (const std::exception&) {
    }
    return 0;
}
