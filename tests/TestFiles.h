#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <QByteArray>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>

/// Small file and settings helpers that many tests share (header-only; Qt Core only).
namespace lrclr::test {

/// The whole file, or an empty array when it cannot be read.
inline QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// The whole file as bytes, or an empty string when it cannot be read.
inline std::string readFile(const std::string& path)
{
    std::ifstream input(path, std::ios::binary);
    std::ostringstream contents;
    contents << input.rdbuf();
    return contents.str();
}

/// Replaces the file with `bytes`; false when it cannot be written whole.
inline bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// Keeps the test's QSettings and QStandardPaths away from the user's: test mode, user settings under `folder`.
inline void isolateSettings(const QTemporaryDir& folder)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, folder.filePath(QStringLiteral("config")));
}

} // namespace lrclr::test
