#include "core/study/DicomdirReader.h"

#include <cstdint>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include "core/dicom/DicomLibrary.h"
#include "core/dicom/internal/DicomPreScanner.h"
#include "core/study/StudyIndexHeaderReader.h"

namespace lrclr {

namespace {

void setError(QString* message, const QString& text)
{
    if (message)
        *message = text;
}

/// Finds `name` in `directory`, exactly or else ignoring letter case; empty when absent or ambiguous.
QString findEntry(const QDir& directory, const QString& name)
{
    if (QFileInfo::exists(directory.filePath(name)))
        return name;
    const QStringList entries
        = directory.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    QString match;
    for (const QString& entry : entries) {
        if (entry.compare(name, Qt::CaseInsensitive) == 0) {
            if (!match.isEmpty())
                return {};
            match = entry;
        }
    }
    return match;
}

} // namespace

bool DicomdirReader::isDicomdirFileName(const QString& path)
{
    return QFileInfo(path).fileName().compare(QStringLiteral("DICOMDIR"), Qt::CaseInsensitive) == 0;
}

QString DicomdirReader::resolve(const QString& mediaFolder, const QStringList& components, QString* reason)
{
    const QString display = components.join(u'\\');
    if (components.isEmpty()) {
        setError(reason, QStringLiteral("empty Referenced File ID"));
        return {};
    }
    for (qsizetype i = 0; i < components.size(); ++i) {
        const QString& component = components[i];
        if (i == 0
            && (component.isEmpty() || component.startsWith(u'/') || (component.size() >= 2 && component[1] == u':'))) {
            setError(reason, QStringLiteral("absolute Referenced File ID \"%1\" refused").arg(display));
            return {};
        }
        if (component == u".." || component == u".") {
            setError(reason, QStringLiteral("Referenced File ID \"%1\" leaves the media folder").arg(display));
            return {};
        }
        if (component.isEmpty() || component.contains(u'/') || component.contains(QChar(0))) {
            setError(reason, QStringLiteral("malformed Referenced File ID \"%1\"").arg(display));
            return {};
        }
    }
    const QString root = QFileInfo(mediaFolder).canonicalFilePath();
    if (root.isEmpty()) {
        setError(reason, QStringLiteral("media folder %1 does not exist").arg(mediaFolder));
        return {};
    }
    QDir directory(root);
    QString path = root;
    for (qsizetype i = 0; i < components.size(); ++i) {
        const QString entry = findEntry(directory, components[i]);
        if (entry.isEmpty()) {
            setError(reason, QStringLiteral("referenced file \"%1\" is missing").arg(display));
            return {};
        }
        path = directory.filePath(entry);
        if (i + 1 < components.size())
            directory.setPath(path);
    }
    // Symbolic links inside the media can still point outside it: check where the path really leads.
    const QString canonical = QFileInfo(path).canonicalFilePath();
    if (canonical.isEmpty() || !canonical.startsWith(root + u'/')) {
        setError(reason, QStringLiteral("Referenced File ID \"%1\" resolves outside the media folder").arg(display));
        return {};
    }
    if (!QFileInfo(canonical).isFile()) {
        setError(reason, QStringLiteral("Referenced File ID \"%1\" is not a file").arg(display));
        return {};
    }
    return canonical;
}

std::optional<DicomdirReader::Result> DicomdirReader::read(const QString& dicomdirPath, QString* errorMessage)
{
    DicomLibrary::initialize();
    if (!QFileInfo(dicomdirPath).isFile()) {
        setError(errorMessage, QStringLiteral("%1: not a regular file").arg(dicomdirPath));
        return std::nullopt;
    }
    QFile file(dicomdirPath);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(errorMessage, QStringLiteral("%1: cannot open DICOMDIR: %2").arg(dicomdirPath, file.errorString()));
        return std::nullopt;
    }
    if (file.size() < 8) {
        setError(errorMessage, QStringLiteral("%1: too short to be a DICOMDIR").arg(dicomdirPath));
        return std::nullopt;
    }
    const auto scan = internal::DicomPreScanner::scanMapped(
        file, StudyIndexHeaderReader::maximumSequenceDepth, std::size_t { 256 } << 20);
    if (!scan.accepted) {
        setError(errorMessage, QStringLiteral("%1: %2").arg(dicomdirPath, QString::fromStdString(scan.problem)));
        return std::nullopt;
    }
    file.close();

    DcmFileFormat format;
    const QByteArray encodedPath = QFile::encodeName(dicomdirPath);
    const OFCondition status = format.loadFile(OFFilename(encodedPath.constData()), EXS_Unknown, EGL_noChange,
        StudyIndexHeaderReader::maximumValueLength, ERM_autoDetect);
    if (status.bad()) {
        setError(errorMessage,
            QStringLiteral("%1: not readable as DICOM: %2").arg(dicomdirPath, QString::fromLatin1(status.text())));
        return std::nullopt;
    }
    DcmSequenceOfItems* records = nullptr;
    if (format.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() || !records) {
        setError(errorMessage, QStringLiteral("%1: no Directory Record Sequence; not a DICOMDIR").arg(dicomdirPath));
        return std::nullopt;
    }

    Result result;
    const QString mediaFolder = QFileInfo(dicomdirPath).absolutePath();
    QSet<QString> seen;
    const unsigned long count = records->card();
    for (unsigned long i = 0; i < count; ++i) {
        DcmItem* record = records->getItem(i);
        OFString fileId;
        if (!record || record->findAndGetOFStringArray(DCM_ReferencedFileID, fileId).bad() || fileId.empty())
            continue;
        const QString id = QString::fromLatin1(fileId.c_str()).trimmed();
        QStringList components = id.split(u'\\');
        for (QString& component : components)
            component = component.trimmed();
        QString reason;
        const QString resolved = resolve(mediaFolder, components, &reason);
        if (resolved.isEmpty()) {
            result.problems.append({ StudyIndexProblem::Kind::Refused, dicomdirPath, reason });
            continue;
        }
        if (!seen.contains(resolved)) {
            seen.insert(resolved);
            result.files.append(resolved);
        }
    }
    return result;
}

} // namespace lrclr
