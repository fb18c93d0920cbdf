#pragma once

// Windows only (compiled under if(WIN32) in core/common/CMakeLists.txt): what the POSIX code does with
// /proc/self/exe, setenv() and execv(), for the few places that need it. Never compiled or run on Windows yet:
// see docs/INSTALL.md, "Untested on Windows".
#ifdef _WIN32

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace lrclr::windows {

/// The running executable's full path (GetModuleFileNameW); empty with `error` set when it cannot be read.
std::filesystem::path runningExecutable(std::error_code& error);

/// setenv(name, value, overwrite) through _putenv_s, which also updates the environment block that child
/// processes inherit. Returns false when the variable could not be set.
bool setEnvironmentVariable(const char* name, const char* value, bool overwrite);

/// One command line in the quoting CommandLineToArgvW and the MSVC runtime undo, so that each argument reaches
/// the child unchanged (spaces, quotes, trailing backslashes). Arguments are in the ANSI code page, as main()'s
/// argv is.
std::wstring commandLine(const std::vector<std::string>& arguments);

/// Windows has no exec: starts `program` with `arguments` (arguments[0] is the child's argv[0]), sharing this
/// console and its standard handles, waits for it and returns its exit code; -1 with `error` set when it could not
/// be started. Ctrl+C and Ctrl+Break reach the child (which shares the console) and are ignored here while it
/// runs, so that the child decides how to stop.
int runAndWait(const std::filesystem::path& program, const std::vector<std::string>& arguments, std::error_code& error);

} // namespace lrclr::windows

#endif
