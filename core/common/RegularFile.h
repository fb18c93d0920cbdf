#pragma once

#include <string>

#include <QString>

namespace lrclr {

/// The check every reader of untrusted paths makes before it opens one: only a regular file (or a link to one) is
/// opened, because opening a FIFO blocks until someone writes to it, and a device or a folder is never a study,
/// report, manifest or review file. Uses std::filesystem, no Qt objects: safe on plain std::threads. Thread-safe.
class RegularFile {
public:
    /// Empty when `path` is a regular file; otherwise "no such file" or "not a regular file (a folder, FIFO,
    /// socket or device)".
    static std::string problem(const std::string& path);
    static QString problem(const QString& path);
};

} // namespace lrclr
