#include "app/cli/CommandOptions.h"

#include <iostream>

namespace lrclr::cli {

namespace po = boost::program_options;

CommandOptions::CommandOptions(std::string command, const std::string& caption)
    : m_command(std::move(command))
    , m_visible(caption)
{
    m_visible.add_options()("help,h", "show this help");
}

po::options_description_easy_init CommandOptions::add()
{
    return m_visible.add_options();
}

po::options_description_easy_init CommandOptions::addHidden()
{
    return m_hidden.add_options();
}

void CommandOptions::addPositional(const char* name, int count)
{
    m_positional.add(name, count);
}

void CommandOptions::addDevice(std::string& device)
{
    device = "auto";
    add()("device", po::value(&device)->default_value(device), "auto, cpu or cuda");
}

void CommandOptions::addThreads(int& threads)
{
    threads = 0;
    add()("threads", po::value(&threads)->default_value(0), "CPU threads (0: one per core)");
}

std::optional<int> CommandOptions::parse(const std::vector<std::string>& arguments)
{
    po::options_description all;
    all.add(m_visible).add(m_hidden);
    po::command_line_parser parser(arguments);
    parser.options(all);
    // Without positional options declared, Boost ignores stray words; with an empty list it would refuse them.
    if (m_positional.max_total_count() > 0)
        parser.positional(m_positional);
    try {
        po::store(parser.run(), m_values);
        po::notify(m_values);
    } catch (const po::error& parseError) {
        return usageError(parseError.what());
    }
    if (has("help")) {
        printHelp(std::cout);
        return 0;
    }
    return std::nullopt;
}

std::string CommandOptions::valueOr(const std::string& name, const std::string& fallback) const
{
    return has(name) ? value<std::string>(name) : fallback;
}

int CommandOptions::usageError(const std::string& message) const
{
    std::cerr << "lrclr " << m_command << ": " << message << '\n' << m_visible;
    return 2;
}

int CommandOptions::error(const std::string& message, int exitCode) const
{
    std::cerr << "lrclr " << m_command << ": " << message << '\n';
    return exitCode;
}

std::string CommandOptions::commandLine(const std::vector<std::string>& arguments) const
{
    std::string line = "lrclr " + m_command;
    for (const auto& argument : arguments)
        line += " " + argument;
    return line;
}

void CommandOptions::printHelp(std::ostream& stream) const
{
    stream << m_visible;
}

} // namespace lrclr::cli
