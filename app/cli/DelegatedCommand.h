#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// A subcommand served by a sibling executable: `lrclr analyze ...` replaces this process with
/// `<folder of lrclr>/lrclr-model analyze ...`. It keeps LibTorch (~0.4 s of dynamic linking per start) out of the
/// commands that do not need it, such as `lrclr render` and `lrclr info`.
class DelegatedCommand : public Command {
public:
    DelegatedCommand(std::string name, std::string summary, std::string executable);

    /// Returns only when the sibling executable cannot be started (then 1, with a message on stderr).
    int run(const std::vector<std::string>& arguments) override;

private:
    std::string m_executable;
};

} // namespace lrclr::cli
