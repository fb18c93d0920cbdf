#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

/// What the fuzz targets share (header-only): a per-process temporary folder for parsers that only take paths.
namespace lrclr::fuzz {

/// A folder of its own for this process under $TMPDIR (or /tmp), removed when the process exits normally.
class TemporaryFolder {
public:
    TemporaryFolder()
    {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/lrclr-fuzz-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr)
            std::abort();
        m_path = pattern;
    }
    ~TemporaryFolder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    const std::string& path() const { return m_path; }

    /// Replaces file `name` in the folder with `size` bytes at `data`; returns its path.
    std::string write(const std::string& name, const std::uint8_t* data, std::size_t size) const
    {
        const std::string file = m_path + "/" + name;
        std::ofstream output(file, std::ios::binary | std::ios::trunc);
        output.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        output.close();
        if (!output)
            std::abort();
        return file;
    }

private:
    std::string m_path;
};

/// The process's folder, made on first use.
inline const TemporaryFolder& temporaryFolder()
{
    static const TemporaryFolder folder;
    return folder;
}

/// Stops the fuzzer when a parser's result breaks its own documented invariants: a bug even without a sanitizer.
inline void require(bool condition)
{
    if (!condition)
        __builtin_trap();
}

} // namespace lrclr::fuzz
