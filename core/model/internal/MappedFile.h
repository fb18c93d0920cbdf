#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace lrclr::internal {

/// A whole file mapped into memory copy-on-write (POSIX mmap, MAP_PRIVATE): reading it costs no copy and the pages
/// are the page cache's, writing a page gives this process its own copy and never changes the file. On systems
/// without mmap the file is read into memory instead. Used so that a checkpoint's tensors view the file itself.
/// The file must not be truncated by someone else while it is mapped (the kernel would signal SIGBUS on access).
/// Immutable after open(); thread-safe to read.
class MappedFile {
public:
    /// Maps `path`; throws lrclr::ModelError naming it when it cannot be opened or mapped.
    static std::shared_ptr<MappedFile> open(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    char* data() const { return m_data; }
    std::size_t size() const { return m_size; }

private:
    MappedFile() = default;

    char* m_data = nullptr;
    std::size_t m_size = 0;
    bool m_mapped = false;
};

} // namespace lrclr::internal
