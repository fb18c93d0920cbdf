#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr manifest`: builds a dataset manifest from the MIMIC-CXR-JPG or CheXpert layout, or checks one.
class ManifestCommand : public Command {
public:
    ManifestCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
