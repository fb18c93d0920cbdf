#include "tests/model/ModelTestSupport.h"

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

namespace lrclr::test {

at::Tensor readNpy(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw std::runtime_error(path + ": cannot open");
    char magic[8];
    stream.read(magic, 8);
    if (!stream || std::memcmp(magic, "\x93NUMPY", 6) != 0)
        throw std::runtime_error(path + ": not a .npy file");
    std::size_t headerLength = 0;
    if (magic[6] == 1) {
        unsigned char bytes[2];
        stream.read(reinterpret_cast<char*>(bytes), 2);
        headerLength = bytes[0] | (bytes[1] << 8);
    } else {
        unsigned char bytes[4];
        stream.read(reinterpret_cast<char*>(bytes), 4);
        headerLength = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<std::size_t>(bytes[3]) << 24);
    }
    std::string header(headerLength, '\0');
    stream.read(header.data(), static_cast<std::streamsize>(headerLength));
    std::smatch match;
    if (!std::regex_search(header, match, std::regex("'descr': *'([<|]?[a-z0-9]+)'")))
        throw std::runtime_error(path + ": no dtype");
    const std::string descr = match[1];
    if (header.find("'fortran_order': False") == std::string::npos)
        throw std::runtime_error(path + ": Fortran order not supported");
    if (!std::regex_search(header, match, std::regex("'shape': *\\(([^)]*)\\)")))
        throw std::runtime_error(path + ": no shape");
    std::vector<int64_t> shape;
    std::stringstream dims(match[1].str());
    for (std::string item; std::getline(dims, item, ',');) {
        if (item.find_first_not_of(' ') != std::string::npos)
            shape.push_back(std::stoll(item));
    }
    const auto dtype = descr == "<f4" ? torch::kFloat : descr == "<i8" ? torch::kLong : torch::kByte;
    if (dtype == torch::kByte)
        throw std::runtime_error(path + ": unsupported dtype " + descr);
    auto tensor = torch::empty(shape, dtype);
    stream.read(static_cast<char*>(tensor.data_ptr()), static_cast<std::streamsize>(tensor.nbytes()));
    if (!stream)
        throw std::runtime_error(path + ": truncated data");
    return tensor;
}

double maxAbsError(const at::Tensor& a, const at::Tensor& b)
{
    if (a.sizes() != b.sizes())
        throw std::runtime_error("shape mismatch: " + c10::str(a.sizes()) + " vs " + c10::str(b.sizes()));
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

double minCosine(const at::Tensor& a, const at::Tensor& b, bool flatten)
{
    auto x = a.to(torch::kDouble);
    auto y = b.to(torch::kDouble);
    if (flatten) {
        x = x.reshape({ 1, -1 });
        y = y.reshape({ 1, -1 });
    }
    return torch::cosine_similarity(x, y, -1).min().item<double>();
}

ClipConfig smallConfig(int layers)
{
    ClipConfig config;
    config.embedDimension = 32;
    config.imageResolution = 64;
    config.visionLayers = layers;
    config.visionWidth = 128;
    config.visionPatchSize = 16;
    config.visionHeads = 2;
    config.contextLength = 77;
    config.vocabularySize = 49408;
    config.textWidth = 64;
    config.textHeads = 1;
    config.textLayers = layers;
    return config;
}

std::string referenceDirectory()
{
    return std::string(LRCLR_SHARED_DIR) + "/reference/clip";
}

} // namespace lrclr::test
