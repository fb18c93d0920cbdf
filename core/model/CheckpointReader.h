#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lrclr {

/// Torch-free view of a CLIP/CheXzero checkpoint saved with `torch.save(model.state_dict())`: names, dtypes and
/// shapes of its tensors, and its SHA-256. The file is read by a weights-only reader that never executes code from
/// it (see internal::TorchCheckpoint). Thread-safe (no shared state).
class CheckpointReader {
public:
    struct TensorInfo {
        std::string name;
        std::string dtype; ///< "float32", "float16", ...
        std::vector<std::int64_t> shape;
    };

    struct Contents {
        std::string path;
        std::string sha256; ///< of the whole file, lower-case hex
        std::uint64_t fileSize = 0;
        std::vector<TensorInfo> tensors; ///< in file order

        std::map<std::string, std::vector<std::int64_t>> shapes() const;
        std::int64_t parameterCount() const;
    };

    /// Reads and validates every tensor of the checkpoint; throws lrclr::ModelError naming the file and the problem.
    static Contents inspect(const std::string& path);
};

} // namespace lrclr
