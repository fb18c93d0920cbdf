#include "core/report/DicomSrReportReader.h"

#include <cstddef>
#include <vector>

#include <QFile>
#include <QFileInfo>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrtypes.h>

#include "core/common/RegularFile.h"
#include "core/report/SentenceSplitter.h"

#include "core/dicom/DicomLibrary.h"
#include "core/dicom/internal/DicomPreScanner.h"

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

/// A content item on the path from the root to the current one.
struct Open {
    size_t level = 0;
    bool followed = false;
    int part = -1; ///< part the container's text goes to
};

/// The narrative and the observations it is made of: CONTAINS, and the properties, modifiers and inferences of a
/// finding. HAS OBS CONTEXT / HAS ACQ CONTEXT carry observer and subject names and IDs, and are never followed.
bool isNarrative(DSRTypes::E_RelationshipType relationship)
{
    return relationship == DSRTypes::RT_isRoot || relationship == DSRTypes::RT_contains
        || relationship == DSRTypes::RT_hasProperties || relationship == DSRTypes::RT_hasConceptMod
        || relationship == DSRTypes::RT_inferredFrom;
}

/// Walks an SR content tree depth-first and collects its sections (see DicomSrReportReader).
class ContentTreeWalker {
public:
    explicit ContentTreeWalker(bool utf8)
        : m_utf8(utf8)
    {
    }

    void walk(DSRDocumentTree& tree)
    {
        if (tree.gotoRoot() <= 0)
            return;
        do {
            const size_t level = tree.getLevel();
            while (!m_open.empty() && m_open.back().level >= level)
                m_open.pop_back();
            const DSRContentItem& item = tree.getCurrentContentItem();
            const DSRTypes::E_RelationshipType relationship = item.getRelationshipType();
            const bool followed = (m_open.empty() || m_open.back().followed) && isNarrative(relationship);
            int part = m_open.empty() ? -1 : m_open.back().part;
            if (followed)
                part = visit(item, relationship, part);
            m_open.push_back({ level, followed, part });
        } while (tree.iterate() > 0);
    }

    const QString& title() const { return m_title; }
    const QList<ReportPart>& parts() const { return m_parts; }

private:
    /// Adds what a followed item says; returns the part its children's text goes to.
    int visit(const DSRContentItem& item, DSRTypes::E_RelationshipType relationship, int part)
    {
        const QString conceptName = fromDicom(item.getConceptName().getCodeMeaning(), m_utf8).simplified();
        switch (item.getValueType()) {
        case DSRTypes::VT_Container:
            return container(conceptName, relationship, part);
        case DSRTypes::VT_Text:
            return text(conceptName, fromDicom(item.getStringValue(), m_utf8).trimmed(), part);
        case DSRTypes::VT_Code:
            return observation(conceptName, codeText(item, m_utf8), part);
        case DSRTypes::VT_Num:
            return observation(conceptName, numberText(item, m_utf8), part);
        default:
            return part;
        }
    }

    int newPart(const QString& heading, const QString& body)
    {
        m_parts.append({ heading, body });
        return static_cast<int>(m_parts.size()) - 1;
    }

    int container(const QString& conceptName, DSRTypes::E_RelationshipType relationship, int part)
    {
        if (relationship == DSRTypes::RT_isRoot)
            m_title = conceptName;
        else if (!conceptName.isEmpty())
            return newPart(conceptName, {});
        return part;
    }

    int text(const QString& conceptName, const QString& value, int part)
    {
        if (value.isEmpty())
            return part;
        if (m_open.size() <= 1 || part < 0)
            return newPart(conceptName, value);
        appendLine(m_parts[part].body, value);
        return part;
    }

    /// A CODE or NUM item: a sentence in its section, or under the root a section of its own when its concept is a
    /// heading, else a line of the heading-less part that collects such items.
    int observation(const QString& conceptName, const QString& value, int part)
    {
        if (value.isEmpty())
            return part;
        const bool topLevel = m_open.size() <= 1 || part < 0;
        if (topLevel && SentenceSplitter::isKnownHeading(conceptName)) {
            // e.g. an "Impression" coded as "Normal chest": a section of its own
            return newPart(conceptName, observationSentence({}, value));
        }
        if (topLevel) {
            if (m_looseItemsPart < 0 || m_looseItemsPart != static_cast<int>(m_parts.size()) - 1)
                m_looseItemsPart = newPart({}, {});
            part = m_looseItemsPart;
        }
        // A concept that only repeats what the section says ("Finding" in FINDINGS) is left out.
        const bool redundant = SentenceSplitter::isKnownHeading(conceptName)
            || conceptName.compare(m_parts[part].heading, Qt::CaseInsensitive) == 0;
        appendLine(m_parts[part].body, observationSentence(redundant ? QString() : conceptName, value));
        return part;
    }

    bool m_utf8;
    QList<ReportPart> m_parts;
    QString m_title;
    std::vector<Open> m_open;
    int m_looseItemsPart = -1; ///< heading-less part collecting CODE / NUM items directly under the root
};

bool isRegularFile(const QString& path, QString* errorMessage)
{
    const QString problem = RegularFile::problem(path);
    if (problem.isEmpty())
        return true;
    setError(errorMessage, QStringLiteral("%1: %2").arg(path, problem));
    return false;
}

/// SR content trees are nested sequences, and DCMTK's parser and dcmsr both recurse per level: refuse hostile
/// nesting and lengths before either runs.
bool passesPreScan(const QString& path, QString* errorMessage)
{
    QFile raw(path);
    if (!raw.open(QIODevice::ReadOnly) || raw.size() < 8) {
        setError(errorMessage,
            QStringLiteral("%1: not readable as DICOM: %2")
                .arg(path, raw.size() < 8 ? QStringLiteral("too short") : raw.errorString()));
        return false;
    }
    const auto scan = internal::DicomPreScanner::scanMapped(
        raw, DicomSrReportReader::maximumNestingDepth, std::size_t { 64 } << 20);
    if (!scan.accepted) {
        setError(errorMessage, QStringLiteral("%1: %2").arg(path, QString::fromStdString(scan.problem)));
        return false;
    }
    return true;
}

/// Loads the dataset and checks that it is a structured report.
bool loadStructuredReport(const QString& path, DcmFileFormat& file, QString* errorMessage)
{
    // Long values (e.g. an embedded image) are left on disk; an SR's text items are far below this length.
    constexpr Uint32 maximumReadLength = 64 * 1024;
    const OFCondition status = file.loadFile(
        OFFilename(QFile::encodeName(path).constData()), EXS_Unknown, EGL_noChange, maximumReadLength, ERM_autoDetect);
    if (status.bad()) {
        setError(errorMessage,
            QStringLiteral("%1: not readable as DICOM: %2").arg(path, QString::fromLatin1(status.text())));
        return false;
    }
    OFString sopClass;
    file.getDataset()->findAndGetOFString(DCM_SOPClassUID, sopClass);
    if (DSRTypes::sopClassUIDToDocumentType(sopClass) == DSRTypes::DT_invalid) {
        setError(errorMessage,
            QStringLiteral("%1: not a structured report (SOP class %2)")
                .arg(path, QString::fromLatin1(sopClass.c_str())));
        return false;
    }
    return true;
}

bool readDocument(const QString& path, DcmDataset& dataset, DSRDocument& document, QString* errorMessage)
{
    const size_t flags = DSRTypes::RF_acceptUnknownRelationshipType | DSRTypes::RF_acceptInvalidContentItemValue
        | DSRTypes::RF_ignoreRelationshipConstraints | DSRTypes::RF_skipInvalidContentItems
        | DSRTypes::RF_ignoreContentItemErrors;
    const OFCondition status = document.read(dataset, flags);
    if (status.bad()) {
        setError(errorMessage,
            QStringLiteral("%1: structured report content not readable: %2")
                .arg(path, QString::fromLatin1(status.text())));
        return false;
    }
    return true;
}

/// Containers without text of their own (e.g. a section whose items were all invalid) add no heading.
QList<ReportPart> partsWithText(const QList<ReportPart>& parts)
{
    QList<ReportPart> nonEmpty;
    for (const ReportPart& part : parts) {
        if (!part.body.isEmpty())
            nonEmpty.append(part);
    }
    return nonEmpty;
}

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
    if (!isRegularFile(path, errorMessage) || !passesPreScan(path, errorMessage))
        return std::nullopt;
    DcmFileFormat file;
    if (!loadStructuredReport(path, file, errorMessage))
        return std::nullopt;
    DcmDataset& dataset = *file.getDataset();
    // Text in other character sets is converted to UTF-8 when DCMTK was built with a converter; otherwise
    // ISO_IR 100 (the usual one) is Latin-1.
    const bool utf8 = dataset.convertToUTF8().good();
    DSRDocument document;
    if (!readDocument(path, dataset, document, errorMessage))
        return std::nullopt;

    ContentTreeWalker walker(utf8);
    walker.walk(document.getTree());
    const QList<ReportPart> parts = partsWithText(walker.parts());
    if (parts.isEmpty()) {
        setError(errorMessage, QStringLiteral("%1: structured report holds no text").arg(path));
        return std::nullopt;
    }
    Report report = Report::fromParts(parts, Report::Source::DicomSr, info.absoluteFilePath());
    report.setTitle(walker.title());
    return report;
}

} // namespace lrclr
