#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr version` (also `lrclr --version`): library versions, the BLAS actually loaded, and the compute device.
class VersionCommand : public Command {
public:
    VersionCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
