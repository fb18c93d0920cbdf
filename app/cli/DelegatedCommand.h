#pragma once

#include "app/cli/ICommand.h"

namespace lrclr::cli {

/// A subcommand served by a sibling executable: `lrclr analyze ...` replaces this process with
/// `<folder of lrclr>/lrclr-model analyze ...`. It keeps LibTorch (~0.4 s of dynamic linking per start) out of the
/// commands that do not need it, such as `lrclr render` and `lrclr info`.
class DelegatedCommand : public ICommand {
public:
    DelegatedCommand(std::string name, std::string summary, std::string executable);

    std::string name() const override { return m_name; }
    std::string summary() const override { return m_summary; }
    /// Returns only when the sibling executable cannot be started (then 1, with a message on stderr).
    int run(const std::vector<std::string>& arguments) override;

private:
    std::string m_name;
    std::string m_summary;
    std::string m_executable;
};

} // namespace lrclr::cli
