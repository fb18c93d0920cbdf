#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lrclr::internal {

/// A weights-only pickle interpreter for the data.pkl of a `torch.save(state_dict)` archive. It understands only the
/// opcodes and globals a state dict needs (collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
/// _rebuild_parameter, torch.*Storage, persistent ids ('storage', ...)) and refuses everything else, so a weight file
/// can never run code. It produces tensor descriptions, not tensors, which keeps it free of LibTorch.
/// Stateless; thread-safe.
class WeightsUnpickler {
public:
    enum class ElementType { Float32, Float16, BFloat16, Float64, Int64, Int32, Int16, Int8, UInt8, Bool };

    struct Storage {
        std::string key; ///< the archive record is "data/<key>"
        ElementType elementType = ElementType::Float32;
        std::int64_t elementCount = 0;
        std::string location; ///< "cpu", "cuda:0", ... (ignored: everything is loaded on the CPU)
    };

    struct Tensor {
        std::string name;
        std::size_t storageIndex = 0; ///< into Result::storages
        std::int64_t storageOffset = 0; ///< in elements
        std::vector<std::int64_t> sizes;
        std::vector<std::int64_t> strides;
    };

    struct Result {
        std::vector<Storage> storages; ///< each key once, in order of first use
        std::vector<Tensor> tensors; ///< in dictionary (file) order
    };

    /// Interprets `pickle`; throws lrclr::ModelError whose message starts with `source` and says what was refused.
    /// Validates every tensor against its storage (offset, sizes and strides in range, no overflow).
    static Result parse(std::string_view pickle, const std::string& source);

    static int elementSize(ElementType type);
    /// "float32", "float16", ... as numpy and torch spell them.
    static std::string typeName(ElementType type);
};

} // namespace lrclr::internal
