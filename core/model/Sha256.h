#pragma once

#include <cstddef>
#include <string>

namespace lrclr {

/// SHA-256 digests (OpenSSL) of files and byte ranges, as lower-case hex, for checkpoint and model verification.
/// Thread-safe.
class Sha256 {
public:
    /// Streams the file; throws lrclr::ModelError naming the file when it cannot be read.
    static std::string ofFile(const std::string& path);
    static std::string ofBytes(const void* data, std::size_t size);
};

} // namespace lrclr
