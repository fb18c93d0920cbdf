// Plain-text and DICOM SR report reading: sidecars, MIMIC-CXR layout, encodings, limits, SR content trees
// (generated here with DCMTK's dcmsr, and DICOMscope's sample reports used in place).
#include <QtTest>

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "core/report/DicomSrReportReader.h"
#include "core/report/PlainTextReportReader.h"
#include "core/report/Report.h"
#include "core/report/ReportReader.h"

using lrclr::DicomSrReportReader;
using lrclr::PlainTextReportReader;
using lrclr::Report;
using lrclr::ReportSection;

namespace {

const QString dicomscopeReports = QStringLiteral("/usr/share/dicomscope/reports");
const char* const phiMarker = "ZQXPHIMARKER";

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QStringList sentenceTexts(const Report& report)
{
    QStringList texts;
    for (qsizetype i = 0; i < report.sentences().size(); ++i)
        texts.append(report.sentenceText(i));
    return texts;
}

QStringList sectionNames(const Report& report)
{
    QStringList names;
    for (const ReportSection& section : report.sections())
        names.append(section.name);
    return names;
}

/// Builds an SR of `type` with an observer name and an observation-context TEXT that both carry the PHI marker,
/// a Findings container with two TEXT items and an Impressions container with a numbered list.
bool writeSr(const QString& path, DSRTypes::E_DocumentType type)
{
    DSRDocument document(type);
    document.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
    document.setPatientName(OFString(phiMarker) + "^Patient");
    document.setPatientID(phiMarker);
    DSRDocumentTree& tree = document.getTree();
    if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
        return false;
    tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("18748-4", "LN", "Diagnostic Imaging Report"));
    if (tree.addChildContentItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_PName,
                DSRCodedEntryValue("121008", "DCM", "Person Observer Name"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue(OFString(phiMarker) + "^Observer");
    if (tree.addContentItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text,
                DSRCodedEntryValue("121009", "DCM", "Person Observer's Role in the Organization"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue(OFString("Observer ") + phiMarker);
    if (tree.addContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Container, DSRCodedEntryValue("121070", "DCM", "Findings"))
            .bad())
        return false;
    if (tree.addChildContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121071", "DCM", "Finding"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue("The lungs are clear. Heart size is normal.");
    if (tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121071", "DCM", "Finding"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue("Größe des Herzens unverändert.");
    tree.goUp();
    if (tree.addContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Container, DSRCodedEntryValue("121072", "DCM", "Impressions"))
            .bad())
        return false;
    if (tree.addChildContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121073", "DCM", "Impression"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue("1. No acute disease.\n2. Stable approx. 2.5 cm nodule.");
    DcmFileFormat file;
    if (document.write(*file.getDataset()).bad())
        return false;
    return file.saveFile(QFile::encodeName(path).constData(), EXS_LittleEndianExplicit).good();
}

} // namespace

class ReportReaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsSidecarUtf8();
    void readsLatin1Fallback();
    void refusesBinaryAndHugeFiles();
    void findsSidecarAndMimicReport();
    void pastedTextKeptExactly();
    void readsGeneratedSr_data();
    void readsGeneratedSr();
    void basicTextSrWithInlineHeadings();
    void codeAndNumItemsReadAsSentences_data();
    void codeAndNumItemsReadAsSentences();
    void readsDicomscopeReports_data();
    void readsDicomscopeReports();
    void refusesNonSrFiles();
    void dispatchesByKind();

private:
    QTemporaryDir m_dir;
};

void ReportReaderTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo::exists(dicomscopeReports + QStringLiteral("/reportsi.dcm")),
        "the dicomscope package must be installed (scripts/install-deps.sh)");
}

void ReportReaderTest::readsSidecarUtf8()
{
    const QString path = m_dir.filePath(QStringLiteral("utf8/image.txt"));
    const QByteArray bytes
        = QByteArray("\xEF\xBB\xBF") + QString::fromUtf8("FINDINGS: Kein Erguss. Größe normal.\n").toUtf8();
    QVERIFY(writeFile(path, bytes));
    QString error;
    const auto report = PlainTextReportReader::read(path, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->text(), QString::fromUtf8("FINDINGS: Kein Erguss. Größe normal.\n")); // BOM dropped
    QCOMPARE(sentenceTexts(*report), (QStringList { "Kein Erguss.", QString::fromUtf8("Größe normal.") }));
    QCOMPARE(report->source(), Report::Source::PlainText);
    QCOMPARE(report->sourcePath(), QFileInfo(path).absoluteFilePath());
}

void ReportReaderTest::readsLatin1Fallback()
{
    const QString path = m_dir.filePath(QStringLiteral("latin1.txt"));
    QVERIFY(writeFile(path,
        QByteArray("Gr\xF6\xDF"
                   "e normal.")));
    const auto report = PlainTextReportReader::read(path);
    QVERIFY(report);
    QCOMPARE(report->text(), QString::fromUtf8("Größe normal."));
}

void ReportReaderTest::refusesBinaryAndHugeFiles()
{
    const QString binary = m_dir.filePath(QStringLiteral("binary.txt"));
    QVERIFY(writeFile(binary, QByteArray("abc\0def", 7)));
    QString error;
    QVERIFY(!PlainTextReportReader::read(binary, &error));
    QVERIFY2(error.contains(binary) && error.contains(QStringLiteral("NUL")), qPrintable(error));

    const QString huge = m_dir.filePath(QStringLiteral("huge.txt"));
    QVERIFY(writeFile(huge, QByteArray(PlainTextReportReader::maximumFileSize + 1, 'a')));
    QVERIFY(!PlainTextReportReader::read(huge, &error));
    QVERIFY2(error.contains(huge) && error.contains(QStringLiteral("too large")), qPrintable(error));

    // A FIFO would block a reader that opened it.
    const QString fifo = m_dir.filePath(QStringLiteral("fifo.txt"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(!PlainTextReportReader::read(fifo, &error));
    QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
    QVERIFY(!DicomSrReportReader::read(fifo, &error));

    const QString missing = m_dir.filePath(QStringLiteral("missing.txt"));
    QVERIFY(!PlainTextReportReader::read(missing, &error));
    QVERIFY2(error.contains(missing), qPrintable(error));
}

void ReportReaderTest::findsSidecarAndMimicReport()
{
    const QString image = m_dir.filePath(QStringLiteral("side/chest.png"));
    QVERIFY(writeFile(image, "x"));
    QCOMPARE(PlainTextReportReader::findReportFor(image), QString()); // no sidecar yet
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("side/chest.txt")), "Clear."));
    QCOMPARE(
        PlainTextReportReader::findReportFor(image), QFileInfo(m_dir.filePath("side/chest.txt")).absoluteFilePath());

    const QString studyFolder = m_dir.filePath(QStringLiteral("files/p10/p10000032/s50414267"));
    const QString jpeg = studyFolder + QStringLiteral("/02aa804e-bde0afdd-112c0b34-7bc16630-4e384014.jpg");
    QVERIFY(writeFile(jpeg, "x"));
    QVERIFY(PlainTextReportReader::isMimicStudyFolder(studyFolder));
    QCOMPARE(PlainTextReportReader::findReportFor(jpeg), QString());
    QVERIFY(writeFile(studyFolder + QStringLiteral(".txt"), "FINDINGS: Clear."));
    QCOMPARE(
        PlainTextReportReader::findReportFor(jpeg), QFileInfo(studyFolder + QStringLiteral(".txt")).absoluteFilePath());

    // Not a MIMIC layout: the study folder must sit in a pNNNNNNNN folder.
    const QString wrong = m_dir.filePath(QStringLiteral("files/x10/s50414268"));
    QVERIFY(writeFile(wrong + QStringLiteral("/a.jpg"), "x"));
    QVERIFY(writeFile(wrong + QStringLiteral(".txt"), "x"));
    QVERIFY(!PlainTextReportReader::isMimicStudyFolder(wrong));
    QCOMPARE(PlainTextReportReader::findReportFor(wrong + QStringLiteral("/a.jpg")), QString());
}

void ReportReaderTest::pastedTextKeptExactly()
{
    const QString text = QStringLiteral("  IMPRESSION:\r\n  No acute process.  \r\n");
    const Report report = PlainTextReportReader::fromPastedText(text);
    QCOMPARE(report.text(), text);
    QCOMPARE(sentenceTexts(report), QStringList { "No acute process." });
    QCOMPARE(report.sourcePath(), QString());
    QCOMPARE(report.sections().size(), 1);
    QCOMPARE(report.sections()[0].kind, ReportSection::Kind::Impression);
}

void ReportReaderTest::readsGeneratedSr_data()
{
    QTest::addColumn<int>("type");
    QTest::newRow("comprehensive") << int(DSRTypes::DT_ComprehensiveSR);
    QTest::newRow("enhanced") << int(DSRTypes::DT_EnhancedSR);
    QTest::newRow("basic-text") << int(DSRTypes::DT_BasicTextSR);
}

void ReportReaderTest::readsGeneratedSr()
{
    QFETCH(int, type);
    const QString path = m_dir.filePath(QStringLiteral("sr-%1.dcm").arg(type));
    QVERIFY(writeSr(path, static_cast<DSRTypes::E_DocumentType>(type)));
    QString error;
    const auto report = DicomSrReportReader::read(path, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->source(), Report::Source::DicomSr);
    QCOMPARE(report->title(), QStringLiteral("Diagnostic Imaging Report"));
    QCOMPARE(sectionNames(*report), (QStringList { "Findings", "Impressions" }));
    QCOMPARE(report->sections()[0].kind, ReportSection::Kind::Findings);
    QCOMPARE(report->sections()[1].kind, ReportSection::Kind::Impression);
    QCOMPARE(sentenceTexts(*report),
        (QStringList { "The lungs are clear.", "Heart size is normal.",
            QString::fromUtf8("Größe des Herzens unverändert."), "No acute disease.",
            "Stable approx. 2.5 cm nodule." }));
    QList<int> sections;
    for (const auto& sentence : report->sentences())
        sections.append(sentence.section);
    QCOMPARE(sections, (QList<int> { 0, 0, 0, 1, 1 }));
    // Observation context (observer name and role) is PHI-bearing and not narrative: never in the text.
    QVERIFY2(!report->text().contains(QLatin1String(phiMarker)), qPrintable(report->text()));
    // The heading text in the composed report is exactly the section's heading range.
    const ReportSection& findings = report->sections()[0];
    QCOMPARE(report->text().mid(findings.headingBegin, findings.headingEnd - findings.headingBegin),
        QStringLiteral("Findings:"));
}

void ReportReaderTest::basicTextSrWithInlineHeadings()
{
    // Many RIS systems put the whole report into one TEXT item: the headings inside it must become sections.
    DSRDocument document(DSRTypes::DT_BasicTextSR);
    DSRDocumentTree& tree = document.getTree();
    QVERIFY(tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) > 0);
    tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("18748-4", "LN", "Chest X-ray"));
    QVERIFY(tree.addChildContentItem(
                    DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121111", "DCM", "Summary"))
                .good());
    tree.getCurrentContentItem().setStringValue("FINDINGS: Small left effusion.\nIMPRESSION: Effusion.");
    DcmFileFormat file;
    QVERIFY(document.write(*file.getDataset()).good());
    const QString path = m_dir.filePath(QStringLiteral("basic-inline.dcm"));
    QVERIFY(file.saveFile(QFile::encodeName(path).constData(), EXS_LittleEndianExplicit).good());

    QString error;
    const auto report = DicomSrReportReader::read(path, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(sectionNames(*report), (QStringList { "Summary", "FINDINGS", "IMPRESSION" }));
    QCOMPARE(sentenceTexts(*report), (QStringList { "Small left effusion.", "Effusion." }));
    QCOMPARE(report->sentences()[0].section, 1);
    QCOMPARE(report->sentences()[1].section, 2);
    QCOMPARE(report->sentencesIn(ReportSection::Kind::Impression), QList<qsizetype> { 1 });
}

void ReportReaderTest::codeAndNumItemsReadAsSentences_data()
{
    QTest::addColumn<int>("type");
    QTest::newRow("comprehensive") << int(DSRTypes::DT_ComprehensiveSR);
    QTest::newRow("enhanced") << int(DSRTypes::DT_EnhancedSR);
}

void ReportReaderTest::codeAndNumItemsReadAsSentences()
{
    QFETCH(int, type);
    DSRDocument document(static_cast<DSRTypes::E_DocumentType>(type));
    DSRDocumentTree& tree = document.getTree();
    const auto number = [&](const char* value, const char* unit, const char* unitMeaning) {
        return tree.getCurrentContentItem()
            .setNumericValue(DSRNumericMeasurementValue(value, DSRCodedEntryValue(unit, "UCUM", unitMeaning)))
            .good();
    };
    QVERIFY(tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) > 0);
    tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("18748-4", "LN", "Chest X-ray Report"));
    QVERIFY(tree.addChildContentItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_PName,
                    DSRCodedEntryValue("121008", "DCM", "Person Observer Name"))
                .good());
    tree.getCurrentContentItem().setStringValue(OFString(phiMarker) + "^Observer");
    QVERIFY(tree.addContentItem(
                    DSRTypes::RT_contains, DSRTypes::VT_Container, DSRCodedEntryValue("121070", "DCM", "Findings"))
                .good());
    QVERIFY(tree.addChildContentItem(
                    DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121071", "DCM", "Finding"))
                .good());
    tree.getCurrentContentItem().setStringValue("Heart size is normal.");
    // A coded finding whose concept name only repeats the section, with a modifier and a measured property.
    QVERIFY(
        tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Code, DSRCodedEntryValue("121071", "DCM", "Finding"))
            .good());
    QVERIFY(
        tree.getCurrentContentItem().setCodeValue(DSRCodedEntryValue("60046008", "SCT", "pleural effusion")).good());
    QVERIFY(tree.addChildContentItem(
                    DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, DSRCodedEntryValue("272741003", "SCT", "Laterality"))
                .good());
    QVERIFY(tree.getCurrentContentItem().setCodeValue(DSRCodedEntryValue("7771000", "SCT", "Left")).good());
    QVERIFY(tree.addContentItem(
                    DSRTypes::RT_hasProperties, DSRTypes::VT_Num, DSRCodedEntryValue("131197000", "SCT", "Depth"))
                .good());
    QVERIFY(number("2.5", "cm", "centimeter"));
    tree.goUp();
    QVERIFY(tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Num,
                    DSRCodedEntryValue("RPID1", "99TEST", "Cardiothoracic ratio"))
                .good());
    QVERIFY(number("0.48", "{ratio}", "ratio"));
    QVERIFY(tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Num, DSRCodedEntryValue("RPID2", "99TEST", "CTR"))
                .good());
    QVERIFY(number("0.5", "1", "no units"));
    tree.goUp();
    // Top level: a coded impression (its own section) and a loose measurement (no heading).
    QVERIFY(
        tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Code, DSRCodedEntryValue("121073", "DCM", "Impression"))
            .good());
    QVERIFY(tree.getCurrentContentItem()
                .setCodeValue(DSRCodedEntryValue("RPID3", "99TEST", "No acute cardiopulmonary disease"))
                .good());
    QVERIFY(
        tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Num, DSRCodedEntryValue("8867-4", "LN", "Heart rate"))
            .good());
    QVERIFY(number("72", "/min", "per minute"));
    DcmFileFormat file;
    QVERIFY(document.write(*file.getDataset()).good());
    const QString path = m_dir.filePath(QStringLiteral("sr-coded-%1.dcm").arg(type));
    QVERIFY(file.saveFile(QFile::encodeName(path).constData(), EXS_LittleEndianExplicit).good());

    QString error;
    const auto report = DicomSrReportReader::read(path, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(sectionNames(*report), (QStringList { "Findings", "Impression" }));
    QCOMPARE(sentenceTexts(*report),
        (QStringList { "Heart size is normal.", "Pleural effusion.", "Laterality: Left.", "Depth: 2.5 cm.",
            "Cardiothoracic ratio: 0.48.", "CTR = 0.5.", "No acute cardiopulmonary disease.",
            "Heart rate: 72 /min." }));
    QList<int> sections;
    for (const auto& sentence : report->sentences())
        sections.append(sentence.section);
    QCOMPARE(sections, (QList<int> { 0, 0, 0, 0, 0, 0, 1, -1 }));
    QCOMPARE(report->sections()[1].kind, ReportSection::Kind::Impression);
    QVERIFY2(!report->text().contains(QLatin1String(phiMarker)), qPrintable(report->text()));
}

void ReportReaderTest::readsDicomscopeReports_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("sections");
    // DICOMscope's samples reference images with an invalid SOP class (strict dsrdump refuses both files); the
    // invalid IMAGE items are skipped and the text survives. Their observation context holds "Enter text" too, so a
    // reader that followed HAS OBS CONTEXT would add an "Recording Observer's Organization Name" section.
    QTest::newRow("reportsi") << QStringLiteral("reportsi.dcm") << QStringList { "Section Heading" };
    QTest::newRow("reportki") << QStringLiteral("reportki.dcm") << QStringList { "Key Image Description" };
}

void ReportReaderTest::readsDicomscopeReports()
{
    QFETCH(QString, file);
    QFETCH(QStringList, sections);
    const QString path = dicomscopeReports + u'/' + file;
    QString error;
    const auto report = DicomSrReportReader::read(path, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->title(), QStringLiteral("Document Title"));
    QCOMPARE(sectionNames(*report), sections);
    QCOMPARE(sentenceTexts(*report), QStringList { "Enter text" });
    QCOMPARE(report->sentences()[0].section, 0);
}

void ReportReaderTest::refusesNonSrFiles()
{
    QString error;
    const QString garbage = m_dir.filePath(QStringLiteral("garbage.dcm"));
    QVERIFY(writeFile(garbage, QByteArray(300, '\x07')));
    QVERIFY(!DicomSrReportReader::read(garbage, &error));
    QVERIFY2(error.startsWith(garbage), qPrintable(error));

    DcmFileFormat file;
    file.getDataset()->putAndInsertString(DCM_SOPClassUID, UID_DigitalXRayImageStorageForPresentation);
    file.getDataset()->putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4");
    const QString image = m_dir.filePath(QStringLiteral("image.dcm"));
    QVERIFY(file.saveFile(QFile::encodeName(image).constData(), EXS_LittleEndianExplicit).good());
    QVERIFY(!DicomSrReportReader::read(image, &error));
    QVERIFY2(error.contains(QStringLiteral("not a structured report")), qPrintable(error));

    QVERIFY(!DicomSrReportReader::read(m_dir.filePath(QStringLiteral("none.dcm")), &error));
    QVERIFY2(error.contains(QStringLiteral("no such file")), qPrintable(error));
}

void ReportReaderTest::dispatchesByKind()
{
    const QString text = m_dir.filePath(QStringLiteral("dispatch/REPORT.TXT"));
    QVERIFY(writeFile(text, "IMPRESSION: Normal."));
    QString error;
    auto report = lrclr::ReportReader::read(text, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->source(), Report::Source::PlainText);
    QCOMPARE(report->sentenceText(0), QStringLiteral("Normal."));

    report = lrclr::ReportReader::read(dicomscopeReports + QStringLiteral("/reportsi.dcm"), &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->source(), Report::Source::DicomSr);

    // A text file is never parsed as DICOM, nor DICOM as text.
    QVERIFY(!lrclr::ReportReader::read(m_dir.filePath(QStringLiteral("dispatch/missing.txt")), &error));
    QVERIFY2(error.contains(QStringLiteral("cannot open report")), qPrintable(error));
}

QTEST_GUILESS_MAIN(ReportReaderTest)
#include "ReportReaderTest.moc"
