#include "core/model/CheckpointReader.h"

#include <filesystem>

#include <torch/torch.h>

#include "core/model/Sha256.h"
#include "core/model/internal/TorchCheckpoint.h"

namespace lrclr {

namespace {

std::string dtypeName(at::ScalarType type)
{
    switch (type) {
    case at::kFloat:
        return "float32";
    case at::kHalf:
        return "float16";
    case at::kBFloat16:
        return "bfloat16";
    case at::kDouble:
        return "float64";
    case at::kLong:
        return "int64";
    case at::kInt:
        return "int32";
    case at::kShort:
        return "int16";
    case at::kChar:
        return "int8";
    case at::kByte:
        return "uint8";
    case at::kBool:
        return "bool";
    default:
        return c10::toString(type);
    }
}

} // namespace

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
        contents.tensors.push_back({ key, dtypeName(tensor.scalar_type()), tensor.sizes().vec() });
    }
    return contents;
}

} // namespace lrclr
