#pragma once

#include <string>

#include <QString>

namespace lrclr {

/// Writes whole files so that a crash, a full disk or an interrupted run never leaves a truncated file under the
/// final name: the bytes go to a temporary file beside the target, which replaces the target only once complete
/// (QSaveFile). Stateless; thread-safe for different paths.
class AtomicFile {
public:
    /// Replaces `path` with `bytes`; false with `error` set ("PATH: reason") when it cannot.
    static bool write(const QString& path, const std::string& bytes, std::string* error = nullptr);
    /// As write(), throwing std::runtime_error with that message.
    static void writeOrThrow(const QString& path, const std::string& bytes);
};

} // namespace lrclr
