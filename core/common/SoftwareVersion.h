#pragma once

#include <string>

namespace lrclr {

/// One named component and its version, as listed by `lrclr --version` and the viewer's About box.
struct SoftwareVersion {
    std::string component;
    std::string version;
};

} // namespace lrclr
