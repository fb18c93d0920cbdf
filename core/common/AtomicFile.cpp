#include "core/common/AtomicFile.h"

#include <stdexcept>

#include <QSaveFile>

namespace lrclr {

bool AtomicFile::write(const QString& path, const std::string& bytes, std::string* error)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes.data(), qint64(bytes.size())) == qint64(bytes.size())
        && file.commit())
        return true;
    if (error)
        *error = path.toStdString() + ": cannot write: " + file.errorString().toStdString();
    return false;
}

void AtomicFile::writeOrThrow(const QString& path, const std::string& bytes)
{
    std::string error;
    if (!write(path, bytes, &error))
        throw std::runtime_error(error);
}

} // namespace lrclr
