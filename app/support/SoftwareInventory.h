#pragma once

#include <string>
#include <vector>

#include "core/common/SoftwareVersion.h"

namespace lrclr {

/// Lists the versions of every library this build uses, the BLAS actually loaded and the compute device,
/// for `lrclr --version`, the viewer's About box and the smoke test. Thread-safe.
class SoftwareInventory {
public:
    static std::vector<SoftwareVersion> collect();
    /// This build's own version (the first entry of collect()), e.g. for the provenance of the files it writes.
    static std::string applicationVersion();
};

} // namespace lrclr
