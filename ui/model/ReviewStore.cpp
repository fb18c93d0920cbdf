#include "ui/model/ReviewStore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace lrclr {

namespace {

/// The first 24 hex digits of SHA-256(text): a file name that identifies the key without showing it.
QString hashName(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex().left(24));
}

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

} // namespace

ReviewStore::ReviewStore(QString root)
    : m_root(std::move(root))
{
}

QString ReviewStore::defaultRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/reviews");
}

QString ReviewStore::pathFor(const Key& key) const
{
    if (!key.studyInstanceUid.isEmpty() && !key.sopInstanceUid.isEmpty())
        return QDir(m_root).filePath(hashName(QStringLiteral("study:") + key.studyInstanceUid) + QLatin1Char('/')
            + hashName(QStringLiteral("image:") + key.sopInstanceUid) + QStringLiteral(".json"));
    if (key.imagePath.isEmpty())
        return {};
    const QFileInfo info(key.imagePath);
    const QString canonical = info.canonicalFilePath().isEmpty() ? info.absoluteFilePath() : info.canonicalFilePath();
    return QDir(m_root).filePath(
        QStringLiteral("files/") + hashName(QStringLiteral("path:") + canonical) + QStringLiteral(".json"));
}

bool ReviewStore::prepareSave(const QString& path, QString* error)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder)) {
        setError(error, QStringLiteral("Cannot create the review folder %1").arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    if (!QFileInfo::exists(path))
        return true;
    const QString backup = path + QStringLiteral(".bak");
    QFile::remove(backup);
    if (!QFile::copy(path, backup)) {
        setError(error,
            QStringLiteral("Cannot keep a backup of %1 as %2; not saving over it")
                .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(backup)));
        return false;
    }
    return true;
}

QString ReviewStore::setAside(const QString& path, QString* error)
{
    const QString aside = path + QStringLiteral(".unreadable-")
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'hhmmss'Z'"));
    if (!QFile::rename(path, aside)) {
        setError(error,
            QStringLiteral("Cannot set the unreadable review %1 aside; not saving over it")
                .arg(QDir::toNativeSeparators(path)));
        return {};
    }
    return aside;
}

} // namespace lrclr
