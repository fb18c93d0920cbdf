#pragma once

#include <string>

namespace lrclr::internal {

/// Replaces UIDs by new ones derived from them and a secret key: "2.25." followed by the first 128 bits of
/// SHA-256(key, UID) as a decimal number (PS3.5 B.2, UUID-derived form). The same UID always maps to the same new UID
/// under the same key, so an image and the results that reference it stay linked across files and runs, and without
/// the key the original cannot be recovered. Thread-safe (immutable).
class UidRemapper {
public:
    explicit UidRemapper(std::string key);

    std::string remap(const std::string& uid) const;

private:
    std::string m_key;
};

} // namespace lrclr::internal
