#include "core/common/RegularFile.h"

#include <filesystem>
#include <system_error>

#include <QFile>

namespace lrclr {

std::string RegularFile::problem(const std::string& path)
{
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || status.type() == std::filesystem::file_type::not_found)
        return "no such file";
    if (status.type() != std::filesystem::file_type::regular)
        return "not a regular file (a folder, FIFO, socket or device)";
    return {};
}

QString RegularFile::problem(const QString& path)
{
#ifdef _WIN32
    // Windows paths are UTF-16: the 8-bit form (the ANSI code page) cannot name every file.
    std::error_code error;
    const auto status = std::filesystem::status(std::filesystem::path(path.toStdWString()), error);
    if (error || status.type() == std::filesystem::file_type::not_found)
        return QStringLiteral("no such file");
    if (status.type() != std::filesystem::file_type::regular)
        return QStringLiteral("not a regular file (a folder, FIFO, socket or device)");
    return {};
#else
    return QString::fromStdString(problem(QFile::encodeName(path).toStdString()));
#endif
}

} // namespace lrclr
