#pragma once

// A minimal pickle writer for test inputs (protocol 2 opcodes, as torch.save emits them): state dicts of tensors,
// shared by the checkpoint reader's tests and the fuzz targets' seed generator. Header-only; no torch needed.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace lrclr::test {

inline std::string pickleString(const std::string& text)
{
    std::string bytes = "X";
    const auto length = static_cast<std::uint32_t>(text.size());
    for (int i = 0; i < 4; ++i)
        bytes.push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
    return bytes + text;
}

inline std::string pickleInt(std::int64_t value)
{
    std::string bytes;
    if (value >= std::numeric_limits<std::int32_t>::min() && value <= std::numeric_limits<std::int32_t>::max()) {
        bytes = "J";
        for (int i = 0; i < 4; ++i)
            bytes.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF));
    } else {
        bytes = "\x8a\x08";
        for (int i = 0; i < 8; ++i)
            bytes.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF));
    }
    return bytes;
}

inline std::string pickleTuple(const std::vector<std::string>& items)
{
    std::string bytes = "(";
    for (const auto& item : items)
        bytes += item;
    return bytes + "t";
}

struct TensorSpec {
    std::string name;
    std::string storageClass = "FloatStorage";
    std::string key = "0";
    std::int64_t storageElements = 4;
    std::int64_t offset = 0;
    std::vector<std::int64_t> sizes = { 4 };
    std::vector<std::int64_t> strides = { 1 };
};

inline std::string tensorPickle(const TensorSpec& spec)
{
    std::vector<std::string> sizes, strides;
    for (auto size : spec.sizes)
        sizes.push_back(pickleInt(size));
    for (auto stride : spec.strides)
        strides.push_back(pickleInt(stride));
    const auto persistentId = pickleTuple({ pickleString("storage"), "ctorch\n" + spec.storageClass + "\n",
                                  pickleString(spec.key), pickleString("cpu"), pickleInt(spec.storageElements) })
        + "Q";
    return "ctorch._utils\n_rebuild_tensor_v2\n"
        + pickleTuple({ persistentId, pickleInt(spec.offset), pickleTuple(sizes), pickleTuple(strides), "\x89",
            "ccollections\nOrderedDict\n)R" })
        + "R";
}

/// An OrderedDict state dict, including the `_metadata` instance state that torch.save writes.
inline std::string stateDictPickle(const std::vector<TensorSpec>& tensors, bool ordered = true)
{
    std::string bytes = "\x80\x02";
    bytes += ordered ? "ccollections\nOrderedDict\n)R" : "}";
    bytes += "(";
    for (const auto& tensor : tensors)
        bytes += pickleString(tensor.name) + tensorPickle(tensor);
    bytes += "u";
    if (ordered)
        bytes += "}" + pickleString("_metadata") + "ccollections\nOrderedDict\n)R" + "s" + "b";
    return bytes + ".";
}

} // namespace lrclr::test
