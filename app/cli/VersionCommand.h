#pragma once

#include "app/cli/ICommand.h"

namespace lrclr::cli {

/// `lrclr version` (also `lrclr --version`): library versions, the BLAS actually loaded, and the compute device.
class VersionCommand : public ICommand {
public:
    std::string name() const override { return "version"; }
    std::string summary() const override { return "Print versions of the libraries, the BLAS in use and the device"; }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
