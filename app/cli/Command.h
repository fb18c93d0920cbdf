#pragma once

#include <string>
#include <utility>

#include "app/cli/ICommand.h"

namespace lrclr::cli {

/// The base of the `lrclr` subcommands: holds the name and the one-line summary that `lrclr --help` lists, so that a
/// command only says what it does in run().
class Command : public ICommand {
public:
    Command(std::string name, std::string summary)
        : m_name(std::move(name))
        , m_summary(std::move(summary))
    {
    }

    std::string name() const override { return m_name; }
    std::string summary() const override { return m_summary; }

private:
    std::string m_name;
    std::string m_summary;
};

} // namespace lrclr::cli
