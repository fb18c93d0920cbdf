#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace lrclr::cli {

/// The options of one `lrclr` subcommand (Boost.Program_options), parsed and reported the same way by every command:
/// `--help` prints the options on stdout (exit 0); a parse error prints "lrclr NAME: what went wrong" and the options
/// on stderr (exit 2, bad usage); usageError() and error() report the command's own checks in the same form.
class CommandOptions {
public:
    /// `command` is the subcommand's name ("train"); `caption` heads the --help text (usually the usage line).
    CommandOptions(std::string command, const std::string& caption);

    /// Adds options shown in --help (after --help itself).
    boost::program_options::options_description_easy_init add();
    /// Adds options that are parsed but not shown, such as a positional argument that the caption names.
    boost::program_options::options_description_easy_init addHidden();
    /// The next `count` positional arguments (-1: all the rest) fill option `name`.
    void addPositional(const char* name, int count = 1);
    /// --device: auto (the default), cpu or cuda, stored in `device`; how the model commands pick the device.
    void addDevice(std::string& device);
    /// --threads: CPU threads, 0 (the default) for one per core, stored in `threads`.
    void addThreads(int& threads);

    /// Parses `arguments` (stores the values, fills the bound variables). std::nullopt: the command goes on;
    /// otherwise the command returns this exit code: 0 after printing --help, 2 after reporting a parse error.
    std::optional<int> parse(const std::vector<std::string>& arguments);

    const boost::program_options::variables_map& values() const { return m_values; }
    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    /// The value of option `name` (given, or its default), as `T`; throws when it has none.
    template<typename T> const T& value(const std::string& name) const { return m_values[name].as<T>(); }
    /// The value of option `name` when given (or defaulted), else `fallback`.
    std::string valueOr(const std::string& name, const std::string& fallback) const;

    /// Prints "lrclr NAME: message" and the options on stderr; returns 2 (bad usage).
    int usageError(const std::string& message) const;
    /// Prints "lrclr NAME: message" on stderr; returns `exitCode`.
    int error(const std::string& message, int exitCode) const;
    /// "lrclr NAME ARGUMENTS...", as the provenance of what the command writes.
    std::string commandLine(const std::vector<std::string>& arguments) const;
    /// Prints the options as --help does.
    void printHelp(std::ostream& stream) const;

private:
    std::string m_command;
    boost::program_options::options_description m_visible;
    boost::program_options::options_description m_hidden;
    boost::program_options::positional_options_description m_positional;
    boost::program_options::variables_map m_values;
};

} // namespace lrclr::cli
