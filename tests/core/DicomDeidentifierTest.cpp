// De-identification per PS3.15 Annex E: a study carrying identity in every attribute class the profile names (person
// names, IDs, dates, UIDs, free text, private tags, sequences) comes out with none of it in its bytes, UIDs remapped
// consistently between an image and a file that references it, the SR text kept but scrubbed, and no new dciodvfy
// errors. Also the `lrclr anonymize` command on a folder.
#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "core/dicom/DicomDeidentifier.h"
#include "core/dicom/internal/IdentityScrubber.h"
#include "tests/TestFiles.h"
#include "tests/study/IdentifiedTestStudy.h"
#include "tests/study/TestDicomFiles.h"

namespace lrclr {

namespace {

constexpr const char* imageUid = test::IdentifiedTestStudy::imageUid;
constexpr const char* studyUid = test::IdentifiedTestStudy::studyUid;

/// Every identifying value the source files carry; none may appear in a de-identified file.
QList<QByteArray> identity()
{
    QList<QByteArray> values;
    for (const std::string& value : test::IdentifiedTestStudy::identifyingValues())
        values.append(QByteArray::fromStdString(value));
    return values;
}

std::string stringOf(DcmItem& item, const DcmTagKey& key)
{
    OFString value;
    item.findAndGetOFStringArray(key, value, true);
    return value.c_str();
}

/// A second file of the same study that references the image and carries report text (as our SR does).
std::string writeReferencingFile(const QString& path)
{
    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    dataset.putAndInsertString(DCM_SOPClassUID, UID_ComprehensiveSRStorage);
    dataset.putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.9.7777.1.2");
    dataset.putAndInsertString(DCM_StudyInstanceUID, studyUid);
    dataset.putAndInsertString(DCM_SeriesInstanceUID, "1.2.826.0.1.3680043.9.7777.3.2");
    dataset.putAndInsertString(DCM_Modality, "SR");
    dataset.putAndInsertString(DCM_PatientName, "Doe^Jane");
    dataset.putAndInsertString(DCM_ContentDate, "20240117");
    DcmItem* item = nullptr;
    dataset.findOrCreateSequenceItem(DCM_CurrentRequestedProcedureEvidenceSequence, item, 0);
    DcmItem* series = nullptr;
    item->findOrCreateSequenceItem(DCM_ReferencedSeriesSequence, series, 0);
    DcmItem* instance = nullptr;
    series->findOrCreateSequenceItem(DCM_ReferencedSOPSequence, instance, 0);
    instance->putAndInsertString(DCM_ReferencedSOPClassUID, UID_ComputedRadiographyImageStorage);
    instance->putAndInsertString(DCM_ReferencedSOPInstanceUID, imageUid);
    dataset.findOrCreateSequenceItem(DCM_ContentSequence, item, 0);
    item->putAndInsertString(DCM_ValueType, "TEXT");
    item->putAndInsertString(DCM_TextValue, "Jane Doe, born 12/03/1961: small right pleural effusion.");
    return file.saveFile(path.toStdString().c_str(), EXS_LittleEndianExplicit).good() ? "" : "cannot save";
}

/// dciodvfy's error lines for `path` (the validator must be installed: scripts/install-deps.sh installs it).
QStringList validatorErrors(const QString& path)
{
    QProcess process;
    process.start(QStringLiteral("dciodvfy"), { path });
    if (!process.waitForFinished(60000))
        return { QStringLiteral("dciodvfy did not run: ") + process.errorString() };
    QStringList errors;
    const QString output = QString::fromUtf8(process.readAllStandardError() + process.readAllStandardOutput());
    for (const QString& line : output.split(QLatin1Char('\n')))
        if (line.startsWith(QStringLiteral("Error")))
            errors.append(line);
    return errors;
}

} // namespace

class DicomDeidentifierTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        m_image = m_folder.filePath(QStringLiteral("image.dcm"));
        m_result = m_folder.filePath(QStringLiteral("result.dcm"));
        const std::string imageError = test::IdentifiedTestStudy::writeImage(m_image.toStdString());
        QVERIFY2(imageError.empty(), imageError.c_str());
        const std::string resultError = writeReferencingFile(m_result);
        QVERIFY2(resultError.empty(), resultError.c_str());
        // The sources really carry what the test looks for.
        const QByteArray source = test::readAll(m_image) + test::readAll(m_result);
        for (const QByteArray& value : identity())
            QVERIFY2(source.contains(value), value.constData());
    }

    void noIdentityIsLeftAndReferencesStayLinked()
    {
        DicomDeidentifier::Options options;
        options.uidKey = "test key";
        DicomDeidentifier deidentifier(options);
        std::string error;
        QVERIFY(deidentifier.collectIdentity(m_image.toStdString(), &error));
        const QString image = m_folder.filePath(QStringLiteral("image-out.dcm"));
        const QString result = m_folder.filePath(QStringLiteral("result-out.dcm"));
        QVERIFY2(deidentifier.deidentifyFile(m_image.toStdString(), image.toStdString(), &error), error.c_str());
        QVERIFY2(deidentifier.deidentifyFile(m_result.toStdString(), result.toStdString(), &error), error.c_str());

        const QByteArray bytes = test::readAll(image) + test::readAll(result);
        for (const QByteArray& value : identity())
            QVERIFY2(!bytes.contains(value) && !bytes.toLower().contains(value.toLower()), value.constData());

        DcmFileFormat imageFile;
        DcmFileFormat resultFile;
        QVERIFY(imageFile.loadFile(image.toStdString().c_str()).good());
        QVERIFY(resultFile.loadFile(result.toStdString().c_str()).good());
        DcmDataset& imageSet = *imageFile.getDataset();
        DcmDataset& resultSet = *resultFile.getDataset();
        const std::string newImageUid = stringOf(imageSet, DCM_SOPInstanceUID);
        QCOMPARE(newImageUid, deidentifier.remapUid(imageUid));
        QVERIFY(newImageUid.rfind("2.25.", 0) == 0 && newImageUid.size() <= 64);
        QCOMPARE(stringOf(*imageFile.getMetaInfo(), DCM_MediaStorageSOPInstanceUID), newImageUid);
        QCOMPARE(stringOf(resultSet, DCM_StudyInstanceUID), stringOf(imageSet, DCM_StudyInstanceUID));
        DcmItem* reference = nullptr;
        QVERIFY(resultSet.findAndGetSequenceItem(DCM_CurrentRequestedProcedureEvidenceSequence, reference).good());
        QVERIFY(reference->findAndGetSequenceItem(DCM_ReferencedSeriesSequence, reference).good());
        QVERIFY(reference->findAndGetSequenceItem(DCM_ReferencedSOPSequence, reference).good());
        QCOMPARE(stringOf(*reference, DCM_ReferencedSOPInstanceUID), newImageUid);

        // The report text is kept, without the identity in it.
        DcmItem* content = nullptr;
        QVERIFY(resultSet.findAndGetSequenceItem(DCM_ContentSequence, content).good());
        QCOMPARE(stringOf(*content, DCM_TextValue),
            std::string("[removed] [removed], born [removed]: small right pleural effusion."));

        QCOMPARE(stringOf(imageSet, DCM_PatientIdentityRemoved), std::string("YES"));
        QCOMPARE(stringOf(imageSet, DCM_LongitudinalTemporalInformationModified), std::string("REMOVED"));
        DcmItem* code = nullptr;
        QVERIFY(imageSet.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, 0).good());
        QCOMPARE(stringOf(*code, DCM_CodeValue), std::string("113100"));
        QVERIFY(!imageSet.tagExists(DcmTag(0x0009, 0x1001)));
        QVERIFY(!imageSet.tagExists(DCM_OtherPatientIDsSequence));
        QVERIFY(!imageSet.tagExists(DCM_StudyDescription));

        // Pixels untouched, and no new validator errors.
        DcmFileFormat source;
        QVERIFY(source.loadFile(m_image.toStdString().c_str()).good());
        const Uint16* before = nullptr;
        const Uint16* after = nullptr;
        unsigned long count = 0;
        QVERIFY(source.getDataset()->findAndGetUint16Array(DCM_PixelData, before, &count).good());
        QVERIFY(imageSet.findAndGetUint16Array(DCM_PixelData, after).good());
        QVERIFY(std::equal(before, before + count, after));
        const QStringList sourceErrors = validatorErrors(m_image);
        for (const QString& line : validatorErrors(image))
            QVERIFY2(sourceErrors.contains(line), qPrintable(line));
    }

    void retainedDatesAreKeptAndDeclared()
    {
        DicomDeidentifier::Options options;
        options.retainLongitudinalFullDates = true;
        DicomDeidentifier deidentifier(options);
        const QString output = m_folder.filePath(QStringLiteral("dates-out.dcm"));
        std::string error;
        QVERIFY2(deidentifier.deidentifyFile(m_image.toStdString(), output.toStdString(), &error), error.c_str());
        DcmFileFormat file;
        QVERIFY(file.loadFile(output.toStdString().c_str()).good());
        DcmDataset& dataset = *file.getDataset();
        QCOMPARE(stringOf(dataset, DCM_StudyDate), std::string("20240117"));
        QCOMPARE(stringOf(dataset, DCM_LongitudinalTemporalInformationModified), std::string("UNMODIFIED"));
        DcmItem* code = nullptr;
        QVERIFY(dataset.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, -1).good());
        QCOMPARE(stringOf(*code, DCM_CodeValue), std::string("113106"));
        QVERIFY(!test::readAll(output).contains("PID-884422"));
    }

    void theKeyDecidesTheNewUids()
    {
        DicomDeidentifier::Options options;
        options.uidKey = "one";
        const std::string first = DicomDeidentifier(options).remapUid(imageUid);
        QCOMPARE(DicomDeidentifier(options).remapUid(imageUid), first);
        options.uidKey = "two";
        QVERIFY(DicomDeidentifier(options).remapUid(imageUid) != first);
        QVERIFY(DicomDeidentifier().remapUid(imageUid) != DicomDeidentifier().remapUid(imageUid));
    }

    void unreadableInputFailsAndWritesNothing()
    {
        const QString bad = m_folder.filePath(QStringLiteral("notes.dcm"));
        QVERIFY(test::writeAll(bad, QByteArray("not a DICOM file at all, just text that is long enough\n")));
        const QString output = m_folder.filePath(QStringLiteral("bad-out.dcm"));
        DicomDeidentifier deidentifier;
        std::string error;
        QVERIFY(!deidentifier.deidentifyFile(bad.toStdString(), output.toStdString(), &error));
        QVERIFY2(error.find("notes.dcm") != std::string::npos, error.c_str());
        QVERIFY(!QFile::exists(output));
    }

    void scrubbingMatchesWholeWordsAndDateForms()
    {
        internal::IdentityScrubber scrubber;
        scrubber.addPersonName("Ann^Lee");
        scrubber.addDate("20240131");
        QCOMPARE(scrubber.scrub("Annular opacity; ANN LEE seen 2024-01-31 and 31/01/2024."),
            std::string("Annular opacity; [removed] [removed] seen [removed] and [removed]."));
    }

    void anonymizeCommandWritesAFolder()
    {
        QTemporaryDir input;
        QVERIFY(input.isValid());
        QVERIFY(QFile::copy(m_image, input.filePath(QStringLiteral("Doe_Jane.dcm"))));
        QVERIFY(test::writeAll(input.filePath(QStringLiteral("Doe_Jane.txt")),
            QByteArray("FINDINGS: Jane Doe (PID-884422) has a small right pleural effusion.\n")));
        QVERIFY(test::writeAll(input.filePath(QStringLiteral("notes.md")), QByteArray("# not a study\n")));
        const QString out = m_folder.filePath(QStringLiteral("cli-out"));
        QProcess process;
        process.start(QStringLiteral(LRCLR_CLI_PATH),
            { QStringLiteral("anonymize"), input.path(), QStringLiteral("--out"), out, QStringLiteral("--json") });
        QVERIFY(process.waitForFinished(60000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        const QJsonObject summary = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QCOMPARE(summary[QStringLiteral("written")].toInt(), 2);
        QCOMPARE(summary[QStringLiteral("skipped")].toInt(), 1);
        QCOMPARE(QDir(out).entryList(QDir::Files), QStringList({ "IM0001.dcm", "IM0001.txt" }));
        QCOMPARE(test::readAll(out + QStringLiteral("/IM0001.txt")),
            QByteArray("FINDINGS: [removed] [removed] ([removed]) has a small right pleural effusion.\n"));
        QVERIFY(!test::readAll(out + QStringLiteral("/IM0001.dcm")).contains("PID-884422"));

        // A second run into the same folder is refused: nothing is overwritten.
        process.start(QStringLiteral(LRCLR_CLI_PATH),
            { QStringLiteral("anonymize"), input.path(), QStringLiteral("--out"), out });
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 1);
        QVERIFY(process.readAllStandardError().contains("not empty"));
    }

private:
    QTemporaryDir m_folder;
    QString m_image;
    QString m_result;
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::DicomDeidentifierTest)
#include "DicomDeidentifierTest.moc"
