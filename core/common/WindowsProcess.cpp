#include "core/common/WindowsProcess.h"

#ifdef _WIN32

#include <cstdlib>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

namespace lrclr::windows {

namespace {

std::error_code lastError()
{
    return { static_cast<int>(::GetLastError()), std::system_category() };
}

std::wstring wide(const std::string& text)
{
    if (text.empty())
        return {};
    const int length = ::MultiByteToWideChar(CP_ACP, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
    std::wstring result(static_cast<std::size_t>(length), L'\0');
    ::MultiByteToWideChar(CP_ACP, 0, text.data(), static_cast<int>(text.size()), result.data(), length);
    return result;
}

/// Appends `argument` quoted as CommandLineToArgvW parses it: backslashes are literal except before a quote, where
/// 2n backslashes + quote mean n backslashes and the end of the quoted part, 2n+1 mean n backslashes and a quote.
void appendQuoted(std::wstring& line, const std::wstring& argument)
{
    if (!argument.empty() && argument.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
        line += argument;
        return;
    }
    line += L'"';
    for (auto it = argument.begin();; ++it) {
        std::size_t backslashes = 0;
        while (it != argument.end() && *it == L'\\') {
            ++it;
            ++backslashes;
        }
        if (it == argument.end()) {
            line.append(backslashes * 2, L'\\');
            break;
        }
        if (*it == L'"') {
            line.append(backslashes * 2 + 1, L'\\');
            line += L'"';
        } else {
            line.append(backslashes, L'\\');
            line += *it;
        }
    }
    line += L'"';
}

BOOL WINAPI ignoreInterrupts(DWORD event)
{
    return event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT ? TRUE : FALSE;
}

} // namespace

std::filesystem::path runningExecutable(std::error_code& error)
{
    error.clear();
    std::wstring buffer(MAX_PATH, L'\0');
    for (;;) {
        const DWORD length = ::GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
        if (length == 0) {
            error = lastError();
            return {};
        }
        if (length < buffer.size()) {
            buffer.resize(length);
            return std::filesystem::path(buffer);
        }
        buffer.resize(buffer.size() * 2); // truncated: ERROR_INSUFFICIENT_BUFFER
    }
}

bool setEnvironmentVariable(const char* name, const char* value, bool overwrite)
{
    if (!overwrite) {
        std::size_t length = 0;
        if (::getenv_s(&length, nullptr, 0, name) == 0 && length > 0)
            return true;
    }
    return ::_putenv_s(name, value) == 0;
}

std::wstring commandLine(const std::vector<std::string>& arguments)
{
    std::wstring line;
    for (const auto& argument : arguments) {
        if (!line.empty())
            line += L' ';
        appendQuoted(line, wide(argument));
    }
    return line;
}

int runAndWait(const std::filesystem::path& program, const std::vector<std::string>& arguments, std::error_code& error)
{
    error.clear();
    std::wstring line = commandLine(arguments);
    STARTUPINFOW startup {};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = ::GetStdHandle(STD_OUTPUT_HANDLE);
    startup.hStdError = ::GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION process {};
    ::SetConsoleCtrlHandler(ignoreInterrupts, TRUE);
    if (!::CreateProcessW(
            program.c_str(), line.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup, &process)) {
        error = lastError();
        ::SetConsoleCtrlHandler(ignoreInterrupts, FALSE);
        return -1;
    }
    ::CloseHandle(process.hThread);
    ::WaitForSingleObject(process.hProcess, INFINITE);
    DWORD exitCode = 1;
    if (!::GetExitCodeProcess(process.hProcess, &exitCode))
        exitCode = 1;
    ::CloseHandle(process.hProcess);
    ::SetConsoleCtrlHandler(ignoreInterrupts, FALSE);
    return static_cast<int>(exitCode);
}

} // namespace lrclr::windows

#endif
