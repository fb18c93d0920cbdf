#include "core/model/internal/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#if defined(_WIN32)
#define LRCLR_NO_MMAP 1
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
#if defined(LRCLR_NO_MMAP)
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        throw ModelError(path + ": cannot open (" + error.message() + ")");
    file->m_data = new char[size == 0 ? 1 : size];
    file->m_size = static_cast<std::size_t>(size);
    std::ifstream stream(path, std::ios::binary);
    stream.read(file->m_data, static_cast<std::streamsize>(size));
    if (!stream)
        throw ModelError(path + ": read error");
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
#if defined(LRCLR_NO_MMAP)
    delete[] m_data;
#else
    if (m_mapped)
        ::munmap(m_data, m_size);
#endif
}

} // namespace lrclr::internal
