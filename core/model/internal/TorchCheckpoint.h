#pragma once

#include <string>

#include "core/model/internal/StateDict.h"

namespace lrclr::internal {

/// Reads a `torch.save(model.state_dict())` archive (zip + weights-only pickle) into CPU tensors, without running
/// any code from the file. Internal to lrclr::model; the public, torch-free view is lrclr::CheckpointReader.
/// Thread-safe (no shared state).
class TorchCheckpoint {
public:
    /// Throws lrclr::ModelError naming `path` for anything that is not a well-formed state dict archive: not a zip,
    /// truncated, compressed or unexpected records, a pickle outside the weights-only subset, a storage whose size
    /// does not match its declaration, tensors reaching outside their storage, checksum errors. The tensors view the
    /// file mapped copy-on-write (MappedFile): no copy, and writing to them never changes the file. With
    /// `expectedSha256` (a model manifest's), the file's SHA-256 must equal it, and that one check replaces the
    /// records' CRC-32s; without it, every record's CRC-32 is checked.
    static StateDict read(const std::string& path, const std::string& expectedSha256 = {});

    /// Writes `stateDict` in torch.save's format (an OrderedDict of tensors, one contiguous CPU storage per tensor),
    /// readable by read() and by Python's torch.load. Writes to a temporary file renamed into place; throws
    /// lrclr::ModelError naming `path`.
    static void write(const std::string& path, const StateDict& stateDict);

    /// The tensor's dtype as numpy and torch spell it: "float32", "float16", ...
    static std::string dtypeName(const at::Tensor& tensor);
};

} // namespace lrclr::internal
