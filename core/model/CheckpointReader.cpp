#include "core/model/CheckpointReader.h"

#include <filesystem>

#include <torch/torch.h>

#include "core/model/Sha256.h"
#include "core/model/internal/TorchCheckpoint.h"

namespace lrclr {

std::map<std::string, std::vector<std::int64_t>> CheckpointReader::Contents::shapes() const
{
    std::map<std::string, std::vector<std::int64_t>> result;
    for (const auto& tensor : tensors)
        result.emplace(tensor.name, tensor.shape);
    return result;
}

std::int64_t CheckpointReader::Contents::parameterCount() const
{
    std::int64_t count = 0;
    for (const auto& tensor : tensors) {
        std::int64_t elements = 1;
        for (const auto extent : tensor.shape)
            elements *= extent;
        count += elements;
    }
    return count;
}

CheckpointReader::Contents CheckpointReader::inspect(const std::string& path)
{
    const auto stateDict = internal::TorchCheckpoint::read(path);
    Contents contents;
    contents.path = path;
    contents.fileSize = std::filesystem::file_size(path);
    contents.sha256 = Sha256::ofFile(path);
    for (const auto& key : stateDict.keys()) {
        const auto tensor = stateDict.tensor(key);
        contents.tensors.push_back({ key, internal::TorchCheckpoint::dtypeName(tensor), tensor.sizes().vec() });
    }
    return contents;
}

} // namespace lrclr
