#include "app/cli/DelegatedCommand.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>

#include <unistd.h>

namespace lrclr::cli {

DelegatedCommand::DelegatedCommand(std::string name, std::string summary, std::string executable)
    : Command(std::move(name), std::move(summary))
    , m_executable(std::move(executable))
{
}

int DelegatedCommand::run(const std::vector<std::string>& arguments)
{
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) {
        std::cerr << "lrclr " << name() << ": cannot locate this executable: " << error.message() << '\n';
        return 1;
    }
    const std::string program = (self.parent_path() / m_executable).string();

    std::vector<std::string> words { program, name() };
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);

    // LibTorch's OpenMP threads spin between parallel regions by default, which on a machine whose cores are busy
    // elsewhere (or busy with this command's own PNG writing) burns the cores the work needs; libgomp reads the
    // policy once when it loads, so it is set before the model executable starts. A user's own setting wins.
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    std::cout.flush();
    execv(program.c_str(), argv.data());
    std::cerr << "lrclr " << name() << ": cannot run " << program << ": " << std::strerror(errno) << '\n';
    return 1;
}

} // namespace lrclr::cli
