#pragma once

#include "app/cli/ICommand.h"
#include "app/cli/ModelCommands.h"

namespace lrclr::cli {

/// `lrclr version` (also `lrclr --version`): library versions, the BLAS actually loaded, and the compute device.
class VersionCommand : public ICommand {
public:
    std::string name() const override { return "version"; }
    std::string summary() const override { return std::string(modelCommandSummary(name())); }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
