#pragma once

#include <filesystem>

#include "app/cli/Command.h"

namespace lrclr::cli {

/// A subcommand served by a sibling executable: `lrclr analyze ...` replaces this process with
/// `lrclr-model analyze ...` (beside `lrclr` in a build tree, in libexec when installed). It keeps LibTorch (~0.4 s of
/// dynamic linking per start) out of the commands that do not need it, such as `lrclr render` and `lrclr info`.
class DelegatedCommand : public Command {
public:
    DelegatedCommand(std::string name, std::string summary, std::string executable);

    /// Returns only when the sibling executable cannot be started (then 1, with a message on stderr).
    int run(const std::vector<std::string>& arguments) override;

private:
    /// The helper's path: beside this executable, else in the installed libexec folder (returned when neither
    /// exists, so the error names where it was expected).
    std::string locate(const std::filesystem::path& folderOfThisExecutable) const;

    std::string m_executable;
};

} // namespace lrclr::cli
