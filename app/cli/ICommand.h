#pragma once

#include <string>
#include <vector>

namespace lrclr::cli {

/// One `lrclr` subcommand. Implementations parse their own options (CommandOptions) and return an exit code:
/// 0 success, 1 failure of the work, 2 bad usage. CommandLine reports an exception that escapes run() as
/// "lrclr NAME: what" on stderr, with exit code 1.
class ICommand {
public:
    ICommand() = default;
    ICommand(const ICommand&) = delete;
    ICommand& operator=(const ICommand&) = delete;
    virtual ~ICommand() = default;

    virtual std::string name() const = 0;
    virtual std::string summary() const = 0;
    /// `arguments` excludes the program and subcommand names.
    virtual int run(const std::vector<std::string>& arguments) = 0;
};

} // namespace lrclr::cli
