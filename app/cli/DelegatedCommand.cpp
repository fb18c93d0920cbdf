#include "app/cli/DelegatedCommand.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>

#ifdef _WIN32
#include "core/common/WindowsProcess.h"
#else
#include <unistd.h>
#endif

namespace lrclr::cli {

DelegatedCommand::DelegatedCommand(std::string name, std::string summary, std::string executable)
    : Command(std::move(name), std::move(summary))
    , m_executable(std::move(executable))
{
#ifdef _WIN32
    m_executable += ".exe";
#endif
}

std::string DelegatedCommand::locate(const std::filesystem::path& folderOfThisExecutable) const
{
    // In a build tree the helper lies beside `lrclr`; installed, it lies in the private libexec folder
    // (LRCLR_LIBEXEC_FROM_BIN, e.g. ../libexec/lrclr), off users' PATH.
    const std::filesystem::path candidates[] = {
        folderOfThisExecutable / m_executable,
        folderOfThisExecutable / LRCLR_LIBEXEC_FROM_BIN / m_executable,
    };
    for (const auto& candidate : candidates) {
        std::error_code error;
        if (std::filesystem::is_regular_file(candidate, error))
            return candidate.lexically_normal().string();
    }
    return candidates[1].lexically_normal().string();
}

int DelegatedCommand::run(const std::vector<std::string>& arguments)
{
    std::error_code error;
#ifdef _WIN32
    const auto self = windows::runningExecutable(error);
#else
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
#endif
    if (error) {
        std::cerr << "lrclr " << name() << ": cannot locate this executable: " << error.message() << '\n';
        return 1;
    }
    const std::string program = locate(self.parent_path());

    std::vector<std::string> words { program, name() };
    words.insert(words.end(), arguments.begin(), arguments.end());
#ifdef _WIN32
    // Windows has no exec: the helper runs as a child sharing this console, and its exit code becomes ours.
    windows::setEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE", false);
    std::cout.flush();
    std::cerr.flush();
    const int exitCode = windows::runAndWait(program, words, error);
    if (exitCode < 0 && error) {
        std::cerr << "lrclr " << name() << ": cannot run " << program << ": " << error.message() << '\n';
        return 1;
    }
    return exitCode;
#else
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
#endif
}

} // namespace lrclr::cli
