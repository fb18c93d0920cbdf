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

#include "core/report/SentenceSplitter.h"

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

void appendLine(QString& body, const QString& line)
{
    if (!body.isEmpty())
        body += u'\n';
    body += line;
}

/// "Concept: value." as a sentence of its own: capitalised (so the splitter ends the previous line's sentence
/// before it) and closed with a period. An all-capital concept ("CTR") is joined with " = ", because "CTR:" at a
/// line start would read as a section heading.
QString observationSentence(const QString& conceptName, const QString& value)
{
    QString sentence = value;
    if (!conceptName.isEmpty()) {
        const bool upperCase = conceptName == conceptName.toUpper() && conceptName != conceptName.toLower();
        sentence = conceptName + (upperCase ? QStringLiteral(" = ") : QStringLiteral(": ")) + value;
    }
    if (!sentence.isEmpty() && sentence.front().isLower())
        sentence.front() = sentence.front().toUpper();
    if (!sentence.endsWith(u'.') && !sentence.endsWith(u'!') && !sentence.endsWith(u'?'))
        sentence += u'.';
    return sentence;
}

/// A CODE item's value: its code meaning ("Pleural effusion").
QString codeText(const DSRContentItem& item, bool utf8)
{
    return fromDicom(item.getCodeValue().getCodeMeaning(), utf8).simplified();
}

/// A NUM item's value with its unit: "2.5 cm". UCUM units are written by their code ("cm", "mm", "%"); the
/// dimensionless "1" and annotations like "{ratio}" add nothing to a sentence and are left out.
QString numberText(const DSRContentItem& item, bool utf8)
{
    const DSRNumericMeasurementValue& measurement = item.getNumericValue();
    const QString number = fromDicom(measurement.getNumericValue(), utf8).trimmed();
    if (number.isEmpty())
        return {};
    const DSRCodedEntryValue& unit = measurement.getMeasurementUnit();
    QString unitText;
    if (unit.getCodingSchemeDesignator() == "UCUM") {
        unitText = fromDicom(unit.getCodeValue(), utf8).trimmed();
        if (unitText == u"1" || (unitText.startsWith(u'{') && unitText.endsWith(u'}')))
            unitText.clear();
    } else {
        unitText = fromDicom(unit.getCodeMeaning(), utf8).trimmed();
    }
    return unitText.isEmpty() ? number : number + u' ' + unitText;
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
    int looseItemsPart = -1; ///< heading-less part collecting CODE / NUM items directly under the root
    if (tree.gotoRoot() > 0) {
        do {
            const size_t level = tree.getLevel();
            while (!open.empty() && open.back().level >= level)
                open.pop_back();
            const DSRContentItem& item = tree.getCurrentContentItem();
            const DSRTypes::E_RelationshipType relationship = item.getRelationshipType();
            const bool parentFollowed = open.empty() || open.back().followed;
            // The narrative and the observations it is made of: CONTAINS, and the properties, modifiers and
            // inferences of a finding. HAS OBS CONTEXT / HAS ACQ CONTEXT carry observer and subject names and IDs.
            const bool followed = parentFollowed
                && (relationship == DSRTypes::RT_isRoot || relationship == DSRTypes::RT_contains
                    || relationship == DSRTypes::RT_hasProperties || relationship == DSRTypes::RT_hasConceptMod
                    || relationship == DSRTypes::RT_inferredFrom);
            int part = open.empty() ? -1 : open.back().part;
            const QString conceptName = fromDicom(item.getConceptName().getCodeMeaning(), utf8).simplified();
            const DSRTypes::E_ValueType valueType = item.getValueType();
            if (followed) {
                if (valueType == DSRTypes::VT_Container) {
                    if (relationship == DSRTypes::RT_isRoot) {
                        title = conceptName;
                    } else if (!conceptName.isEmpty()) {
                        parts.append({ conceptName, {} });
                        part = static_cast<int>(parts.size()) - 1;
                    }
                } else if (valueType == DSRTypes::VT_Text) {
                    const QString value = fromDicom(item.getStringValue(), utf8).trimmed();
                    if (!value.isEmpty()) {
                        if (open.size() <= 1 || part < 0) {
                            parts.append({ conceptName, value });
                            part = static_cast<int>(parts.size()) - 1;
                        } else {
                            appendLine(parts[part].body, value);
                        }
                    }
                } else if (valueType == DSRTypes::VT_Code || valueType == DSRTypes::VT_Num) {
                    const QString value
                        = valueType == DSRTypes::VT_Code ? codeText(item, utf8) : numberText(item, utf8);
                    if (!value.isEmpty()) {
                        const bool topLevel = open.size() <= 1 || part < 0;
                        if (topLevel && SentenceSplitter::isKnownHeading(conceptName)) {
                            // e.g. an "Impression" coded as "Normal chest": a section of its own
                            parts.append({ conceptName, observationSentence({}, value) });
                            part = static_cast<int>(parts.size()) - 1;
                        } else {
                            if (topLevel) {
                                if (looseItemsPart < 0 || looseItemsPart != static_cast<int>(parts.size()) - 1) {
                                    parts.append(ReportPart());
                                    looseItemsPart = static_cast<int>(parts.size()) - 1;
                                }
                                part = looseItemsPart;
                            }
                            // A concept that only repeats what the section says ("Finding" in FINDINGS) is left out.
                            const bool redundant = SentenceSplitter::isKnownHeading(conceptName)
                                || conceptName.compare(parts[part].heading, Qt::CaseInsensitive) == 0;
                            appendLine(
                                parts[part].body, observationSentence(redundant ? QString() : conceptName, value));
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
