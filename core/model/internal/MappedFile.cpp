#include "core/model/internal/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <system_error>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "core/model/LrclrModel.h"

namespace lrclr::internal {

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path)
{
    std::shared_ptr<MappedFile> file(new MappedFile());
#if defined(_WIN32)
    // The same copy-on-write view as MAP_PRIVATE: PAGE_WRITECOPY + FILE_MAP_COPY. While it is mapped, Windows
    // refuses to truncate the file, so there is no SIGBUS-like failure to fear. The path is in the ANSI code page.
    const auto systemMessage = [] { return std::system_category().message(static_cast<int>(::GetLastError())); };
    HANDLE handle = ::CreateFileW(std::filesystem::path(path).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr,
        OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        throw ModelError(path + ": cannot open (" + systemMessage() + ")");
    LARGE_INTEGER size {};
    if (::GetFileType(handle) != FILE_TYPE_DISK || !::GetFileSizeEx(handle, &size)) {
        ::CloseHandle(handle);
        throw ModelError(path + ": not a regular file");
    }
    file->m_size = static_cast<std::size_t>(size.QuadPart);
    if (file->m_size > 0) {
        HANDLE mapping = ::CreateFileMappingW(handle, nullptr, PAGE_WRITECOPY, 0, 0, nullptr);
        void* address = mapping ? ::MapViewOfFile(mapping, FILE_MAP_COPY, 0, 0, 0) : nullptr;
        const std::string mapError = address ? std::string() : systemMessage();
        if (mapping)
            ::CloseHandle(mapping); // the view keeps the mapping alive
        ::CloseHandle(handle);
        if (!address)
            throw ModelError(path + ": cannot map the file (" + mapError + ")");
        file->m_data = static_cast<char*>(address);
        file->m_mapped = true;
    } else {
        ::CloseHandle(handle);
    }
#else
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0)
        throw ModelError(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat status { };
    if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(descriptor);
        throw ModelError(path + ": not a regular file");
    }
    file->m_size = static_cast<std::size_t>(status.st_size);
    if (file->m_size > 0) {
        void* address = ::mmap(nullptr, file->m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0);
        const int mapError = errno;
        ::close(descriptor);
        if (address == MAP_FAILED)
            throw ModelError(path + ": cannot map the file (" + std::strerror(mapError) + ")");
        file->m_data = static_cast<char*>(address);
        file->m_mapped = true;
        ::madvise(address, file->m_size, MADV_WILLNEED);
    } else {
        ::close(descriptor);
    }
#endif
    return file;
}

MappedFile::~MappedFile()
{
#if defined(_WIN32)
    if (m_mapped)
        ::UnmapViewOfFile(m_data);
#else
    if (m_mapped)
        ::munmap(m_data, m_size);
#endif
}

} // namespace lrclr::internal
