#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/cli/ICommand.h"

namespace lrclr::cli {

/// Dispatches `lrclr <subcommand> ...` to the registered commands and prints the overview for --help.
class CommandLine {
public:
    void add(std::unique_ptr<ICommand> command);
    int run(int argc, char** argv);

private:
    void printUsage() const;
    ICommand* find(const std::string& name) const;

    std::vector<std::unique_ptr<ICommand>> m_commands;
};

} // namespace lrclr::cli
