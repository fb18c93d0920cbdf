#include "core/pacs/internal/StorageNames.h"

#include <QCryptographicHash>

namespace lrclr::internal {

namespace {

QString sha256Hex(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace

QString StorageNames::studyFolderName(const QString& studyInstanceUid)
{
    return sha256Hex(studyInstanceUid);
}

QString StorageNames::instanceFileName(const QString& sopInstanceUid)
{
    return sha256Hex(sopInstanceUid) + QStringLiteral(".dcm");
}

bool StorageNames::isValidUid(const QString& uid)
{
    if (uid.isEmpty() || uid.size() > 64 || uid.startsWith(u'.') || uid.endsWith(u'.')
        || uid.contains(QStringLiteral("..")))
        return false;
    for (const QChar character : uid) {
        if ((character < u'0' || character > u'9') && character != u'.')
            return false;
    }
    return true;
}

} // namespace lrclr::internal
