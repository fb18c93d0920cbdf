#include "app/cli/CommandLine.h"

#include <exception>
#include <iomanip>
#include <iostream>

namespace lrclr::cli {

void CommandLine::add(std::unique_ptr<ICommand> command)
{
    m_commands.push_back(std::move(command));
}

ICommand* CommandLine::find(const std::string& name) const
{
    for (const auto& command : m_commands) {
        if (command->name() == name)
            return command.get();
    }
    return nullptr;
}

void CommandLine::printUsage() const
{
    std::cout << "Usage: lrclr <command> [options]\n"
                 "       lrclr --version | --help\n\n"
                 "Commands:\n";
    for (const auto& command : m_commands)
        std::cout << "  " << std::left << std::setw(14) << command->name() << command->summary() << '\n';
    std::cout << "\n'lrclr <command> --help' describes a command's options.\n";
}

int CommandLine::run(int argc, char** argv)
{
    if (argc < 2) {
        printUsage();
        return 2;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage();
        return 0;
    }
    if (name == "--version")
        name = "version";

    ICommand* command = find(name);
    if (!command) {
        std::cerr << "lrclr: unknown command '" << name << "'\n";
        printUsage();
        return 2;
    }
    try {
        return command->run(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const std::exception& error) {
        std::cerr << "lrclr " << name << ": " << error.what() << '\n';
        return 1;
    }
}

} // namespace lrclr::cli
