#pragma once

#include "app/cli/ICommand.h"

namespace lrclr::cli {

/// `lrclr manifest`: builds a dataset manifest from the MIMIC-CXR-JPG or CheXpert layout, or checks one.
class ManifestCommand : public ICommand {
public:
    std::string name() const override { return "manifest"; }
    std::string summary() const override
    {
        return "Build a dataset manifest from MIMIC-CXR-JPG or CheXpert, or check a manifest";
    }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
