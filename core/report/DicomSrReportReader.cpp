#include "core/report/DicomSrReportReader.h"

#include <cstdint>
#include <span>
#include <vector>

#include <QFile>
#include <QFileInfo>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrtypes.h>

#include "core/study/DicomLibrary.h"
#include "core/study/internal/DicomPreScanner.h"

namespace lrclr {

namespace {

void setError(QString* errorMessage, const QString& message)
{
    if (errorMessage)
        *errorMessage = message;
}

QString fromDicom(const OFString& value, bool utf8)
{
    return utf8 ? QString::fromUtf8(value.c_str(), static_cast<qsizetype>(value.length()))
                : QString::fromLatin1(value.c_str(), static_cast<qsizetype>(value.length()));
}

struct Open {
    size_t level = 0;
    bool followed = false;
    int part = -1; ///< part the container's text goes to
};

} // namespace

bool DicomSrReportReader::isSrSopClass(const QString& sopClassUid)
{
    const QByteArray uid = sopClassUid.toLatin1();
    return DSRTypes::sopClassUIDToDocumentType(OFString(uid.constData())) != DSRTypes::DT_invalid;
}

std::optional<Report> DicomSrReportReader::read(const QString& path, QString* errorMessage)
{
    DicomLibrary::initialize();
    const QFileInfo info(path);
    if (!info.isFile()) {
        setError(errorMessage,
            QStringLiteral("%1: %2").arg(
                path, info.exists() ? QStringLiteral("not a regular file") : QStringLiteral("no such file")));
        return std::nullopt;
    }
    {
        // SR content trees are nested sequences, and DCMTK's parser and dcmsr both recurse per level: refuse hostile
        // nesting and lengths before either runs.
        QFile raw(path);
        if (!raw.open(QIODevice::ReadOnly) || raw.size() < 8) {
            setError(errorMessage,
                QStringLiteral("%1: not readable as DICOM: %2")
                    .arg(path, raw.size() < 8 ? QStringLiteral("too short") : raw.errorString()));
            return std::nullopt;
        }
        uchar* mapped = raw.map(0, raw.size());
        if (!mapped) {
            setError(errorMessage, QStringLiteral("%1: cannot map the file: %2").arg(path, raw.errorString()));
            return std::nullopt;
        }
        const auto scan = internal::DicomPreScanner::scan(
            std::span<const std::uint8_t>(mapped, static_cast<std::size_t>(raw.size())), maximumNestingDepth,
            std::size_t { 64 } << 20);
        raw.unmap(mapped);
        if (!scan.accepted) {
            setError(errorMessage, QStringLiteral("%1: %2").arg(path, QString::fromStdString(scan.problem)));
            return std::nullopt;
        }
    }
    DcmFileFormat file;
    // Long values (e.g. an embedded image) are left on disk; an SR's text items are far below this length.
    constexpr Uint32 maximumReadLength = 64 * 1024;
    OFCondition status = file.loadFile(
        OFFilename(QFile::encodeName(path).constData()), EXS_Unknown, EGL_noChange, maximumReadLength, ERM_autoDetect);
    if (status.bad()) {
        setError(errorMessage,
            QStringLiteral("%1: not readable as DICOM: %2").arg(path, QString::fromLatin1(status.text())));
        return std::nullopt;
    }
    DcmDataset* dataset = file.getDataset();
    OFString sopClass;
    dataset->findAndGetOFString(DCM_SOPClassUID, sopClass);
    if (DSRTypes::sopClassUIDToDocumentType(sopClass) == DSRTypes::DT_invalid) {
        setError(errorMessage,
            QStringLiteral("%1: not a structured report (SOP class %2)")
                .arg(path, QString::fromLatin1(sopClass.c_str())));
        return std::nullopt;
    }
    // Text in other character sets is converted to UTF-8 when DCMTK was built with a converter; otherwise
    // ISO_IR 100 (the usual one) is Latin-1.
    const bool utf8 = dataset->convertToUTF8().good();

    DSRDocument document;
    const size_t flags = DSRTypes::RF_acceptUnknownRelationshipType | DSRTypes::RF_acceptInvalidContentItemValue
        | DSRTypes::RF_ignoreRelationshipConstraints | DSRTypes::RF_skipInvalidContentItems
        | DSRTypes::RF_ignoreContentItemErrors;
    status = document.read(*dataset, flags);
    if (status.bad()) {
        setError(errorMessage,
            QStringLiteral("%1: structured report content not readable: %2")
                .arg(path, QString::fromLatin1(status.text())));
        return std::nullopt;
    }

    DSRDocumentTree& tree = document.getTree();
    QList<ReportPart> parts;
    QString title;
    std::vector<Open> open;
    if (tree.gotoRoot() > 0) {
        do {
            const size_t level = tree.getLevel();
            while (!open.empty() && open.back().level >= level)
                open.pop_back();
            const DSRContentItem& item = tree.getCurrentContentItem();
            const DSRTypes::E_RelationshipType relationship = item.getRelationshipType();
            const bool parentFollowed = open.empty() || open.back().followed;
            // Only the narrative: CONTAINS. HAS OBS CONTEXT carries observer and subject names and IDs.
            const bool followed
                = parentFollowed && (relationship == DSRTypes::RT_isRoot || relationship == DSRTypes::RT_contains);
            int part = open.empty() ? -1 : open.back().part;
            const QString conceptName = fromDicom(item.getConceptName().getCodeMeaning(), utf8).simplified();
            if (followed) {
                if (item.getValueType() == DSRTypes::VT_Container) {
                    if (relationship == DSRTypes::RT_isRoot) {
                        title = conceptName;
                    } else if (!conceptName.isEmpty()) {
                        parts.append({ conceptName, {} });
                        part = static_cast<int>(parts.size()) - 1;
                    }
                } else if (item.getValueType() == DSRTypes::VT_Text) {
                    const QString value = fromDicom(item.getStringValue(), utf8).trimmed();
                    if (!value.isEmpty()) {
                        if (open.size() <= 1 || part < 0) {
                            parts.append({ conceptName, value });
                            part = static_cast<int>(parts.size()) - 1;
                        } else {
                            QString& body = parts[part].body;
                            if (!body.isEmpty())
                                body += u'\n';
                            body += value;
                        }
                    }
                }
            }
            open.push_back({ level, followed, part });
        } while (tree.iterate() > 0);
    }
    bool hasText = false;
    for (const ReportPart& part : parts)
        hasText = hasText || !part.body.isEmpty();
    if (!hasText) {
        setError(errorMessage, QStringLiteral("%1: structured report holds no text").arg(path));
        return std::nullopt;
    }
    // Containers without text of their own (e.g. a section whose items were all invalid) add no heading.
    QList<ReportPart> nonEmpty;
    for (const ReportPart& part : parts) {
        if (!part.body.isEmpty())
            nonEmpty.append(part);
    }
    Report report = Report::fromParts(nonEmpty, Report::Source::DicomSr, info.absoluteFilePath());
    report.setTitle(title);
    return report;
}

} // namespace lrclr
