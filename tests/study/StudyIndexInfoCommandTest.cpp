// `lrclr info` end to end: runs the real executable on files generated here and checks its text and JSON output
// against the values written into those files.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runInfo(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(LRCLR_CLI_PATH), QStringList { QStringLiteral("info") } + arguments);
    Run run;
    if (!process.waitForFinished(60000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

bool writeDicom(const QString& path, const char* seriesUid, const char* sopUid, const char* view, int seriesNumber,
    E_TransferSyntax transferSyntax)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    DcmFileFormat file;
    DcmDataset* data = file.getDataset();
    data->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    data->putAndInsertString(DCM_SOPClassUID, UID_ComputedRadiographyImageStorage);
    data->putAndInsertString(DCM_SOPInstanceUID, sopUid);
    data->putAndInsertString(DCM_PatientName, "Müller^Jürgen");
    data->putAndInsertString(DCM_PatientID, "INFO-7");
    data->putAndInsertString(DCM_StudyInstanceUID, "1.2.826.0.1.3680043.2.1125.77");
    data->putAndInsertString(DCM_StudyDate, "20210704");
    data->putAndInsertString(DCM_StudyDescription, "Thorax <script>alert(1)</script>");
    data->putAndInsertString(DCM_SeriesInstanceUID, seriesUid);
    data->putAndInsertString(DCM_SeriesNumber, QByteArray::number(seriesNumber).constData());
    data->putAndInsertString(DCM_Modality, "CR");
    data->putAndInsertString(DCM_ViewPosition, view);
    data->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME1");
    data->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    data->putAndInsertUint16(DCM_Rows, 5);
    data->putAndInsertUint16(DCM_Columns, 7);
    data->putAndInsertUint16(DCM_BitsAllocated, 16);
    data->putAndInsertUint16(DCM_BitsStored, 12);
    data->putAndInsertUint16(DCM_HighBit, 11);
    data->putAndInsertUint16(DCM_PixelRepresentation, 0);
    std::vector<Uint16> pixels(35, 2000);
    data->putAndInsertUint16Array(DCM_PixelData, pixels.data(), 35);
    return file.saveFile(QFile::encodeName(path).constData(), transferSyntax).good();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class StudyIndexInfoCommandTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void describesFolderAsJson();
    void describesFolderAsText();
    void describesSingleFiles();
    void failsClearly();
    void escapesControlCharactersAndCutsLongValues();

private:
    QTemporaryDir m_dir;
    QString m_folder;
};

void StudyIndexInfoCommandTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(LRCLR_CLI_PATH)).isExecutable(), LRCLR_CLI_PATH);
    m_folder = m_dir.filePath(QStringLiteral("study"));
    QVERIFY(writeDicom(m_folder + QStringLiteral("/pa.dcm"), "1.2.826.0.1.3680043.2.1125.77.1", "1.2.3.77.1", "PA", 1,
        EXS_LittleEndianExplicit));
    QVERIFY(writeDicom(m_folder + QStringLiteral("/lat.dcm"), "1.2.826.0.1.3680043.2.1125.77.2", "1.2.3.77.2", "LL", 2,
        EXS_LittleEndianImplicit));
    QVERIFY(writeBytes(
        m_folder + QStringLiteral("/pa.txt"), "FINDINGS: Lungs are clear. No effusion.\nIMPRESSION: Normal chest."));
    QVERIFY(writeBytes(m_folder + QStringLiteral("/junk.dcm"), QByteArray(50, '\x03')));
}

void StudyIndexInfoCommandTest::describesFolderAsJson()
{
    const Run run = runInfo({ m_folder, QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 0);
    QJsonParseError error;
    const QJsonObject root = QJsonDocument::fromJson(run.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + run.out));
    const QJsonObject counts = root[QStringLiteral("counts")].toObject();
    QCOMPARE(counts[QStringLiteral("patients")].toInt(), 1);
    QCOMPARE(counts[QStringLiteral("studies")].toInt(), 1);
    QCOMPARE(counts[QStringLiteral("series")].toInt(), 2);
    QCOMPARE(counts[QStringLiteral("instances")].toInt(), 2);
    QCOMPARE(counts[QStringLiteral("problems")].toInt(), 1);

    const QJsonObject patient = root[QStringLiteral("patients")].toArray()[0].toObject();
    QCOMPARE(patient[QStringLiteral("patientName")].toString(), QString::fromUtf8("Müller^Jürgen"));
    QCOMPARE(patient[QStringLiteral("patientId")].toString(), QStringLiteral("INFO-7"));
    const QJsonObject study = patient[QStringLiteral("studies")].toArray()[0].toObject();
    QCOMPARE(study[QStringLiteral("date")].toString(), QStringLiteral("2021-07-04"));
    QCOMPARE(study[QStringLiteral("description")].toString(), QStringLiteral("Thorax <script>alert(1)</script>"));
    const QJsonArray series = study[QStringLiteral("series")].toArray();
    QCOMPARE(series.size(), 2);
    const QJsonObject lateral = series[1].toObject()[QStringLiteral("instances")].toArray()[0].toObject();
    QCOMPARE(lateral[QStringLiteral("viewPosition")].toString(), QStringLiteral("LL"));
    QCOMPARE(lateral[QStringLiteral("rows")].toInt(), 5);
    QCOMPARE(lateral[QStringLiteral("columns")].toInt(), 7);
    QCOMPARE(lateral[QStringLiteral("transferSyntaxUid")].toString(),
        QString::fromLatin1(UID_LittleEndianImplicitTransferSyntax));

    const QJsonArray reports = study[QStringLiteral("reports")].toArray();
    QCOMPARE(reports.size(), 1);
    const QJsonObject report = reports[0].toObject();
    QVERIFY(report[QStringLiteral("path")].toString().endsWith(QStringLiteral("/pa.txt")));
    QCOMPARE(report[QStringLiteral("sentences")].toInt(), 3);
    QCOMPARE(report[QStringLiteral("sections")].toArray()[1].toObject()[QStringLiteral("kind")].toString(),
        QStringLiteral("impression"));

    const QJsonObject problem = root[QStringLiteral("problems")].toArray()[0].toObject();
    QVERIFY(problem[QStringLiteral("path")].toString().endsWith(QStringLiteral("/junk.dcm")));
    QCOMPARE(problem[QStringLiteral("kind")].toString(), QStringLiteral("unreadable"));
    QVERIFY(!problem[QStringLiteral("reason")].toString().isEmpty());
}

void StudyIndexInfoCommandTest::describesFolderAsText()
{
    const Run run = runInfo({ m_folder });
    QCOMPARE(run.exitCode, 0);
    const QString text = QString::fromUtf8(run.out);
    QVERIFY2(text.contains(QString::fromUtf8("Patient Müller^Jürgen  ID INFO-7")), qPrintable(text));
    QVERIFY2(
        text.contains(QStringLiteral("1 patient(s), 1 study(ies), 2 series, 2 instance(s), 1 file(s) not indexed")),
        qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("3 sentence(s); sections: FINDINGS, IMPRESSION")));
    QVERIFY(text.contains(QStringLiteral("junk.dcm")));
}

void StudyIndexInfoCommandTest::describesSingleFiles()
{
    Run run = runInfo({ m_folder + QStringLiteral("/pa.dcm"), QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 0);
    const QJsonObject root = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(root[QStringLiteral("counts")].toObject()[QStringLiteral("instances")].toInt(), 1);

    run = runInfo({ m_folder + QStringLiteral("/pa.txt"), QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 0);
    const QJsonObject report = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(report[QStringLiteral("sentences")].toInt(), 3);
    const QJsonObject second = report[QStringLiteral("sentenceList")].toArray()[1].toObject();
    QCOMPARE(second[QStringLiteral("text")].toString(), QStringLiteral("No effusion."));
    // "FINDINGS: Lungs are clear. No effusion." : "No effusion." spans [27, 39).
    QCOMPARE(second[QStringLiteral("begin")].toInt(), 27);
    QCOMPARE(second[QStringLiteral("end")].toInt(), 39);
    QCOMPARE(second[QStringLiteral("section")].toInt(), 0);
}

void StudyIndexInfoCommandTest::failsClearly()
{
    Run run = runInfo({ m_folder + QStringLiteral("/junk.dcm") });
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains("junk.dcm"), run.out.constData());
    // The exit code comes with its reason (as for an empty DICOMDIR: the same branch).
    QVERIFY2(run.err.contains("junk.dcm: no image could be indexed"), run.err.constData());

    const QString missing = m_dir.filePath(QStringLiteral("nothing-here"));
    run = runInfo({ missing });
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(missing.toUtf8()), run.err.constData());

    run = runInfo({});
    QCOMPARE(run.exitCode, 2);
    run = runInfo({ QStringLiteral("--no-such-option") });
    QCOMPARE(run.exitCode, 2);
}

void StudyIndexInfoCommandTest::escapesControlCharactersAndCutsLongValues()
{
    // A hostile site's header: a terminal escape sequence in the name, a 5,000-character description.
    const QString folder = m_dir.filePath(QStringLiteral("hostile"));
    const QString path = folder + QStringLiteral("/x.dcm");
    QVERIFY(writeDicom(path, "1.2.826.0.1.3680043.2.1125.78.1", "1.2.3.78.1", "PA", 1, EXS_LittleEndianExplicit));
    DcmFileFormat file;
    QVERIFY(file.loadFile(QFile::encodeName(path).constData()).good());
    file.getDataset()->putAndInsertString(DCM_PatientName, "Evil\x1b]0;owned\x07^Name");
    file.getDataset()->putAndInsertString(DCM_StudyDescription, std::string(5000, 'A').c_str());
    QVERIFY(file.saveFile(QFile::encodeName(path).constData(), EXS_LittleEndianExplicit).good());
    const Run run = runInfo({ folder });
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(!run.out.contains('\x1b') && !run.out.contains('\x07'), run.out.constData());
    QVERIFY2(run.out.contains("Evil\\x1b]0;owned\\x07^Name"), run.out.constData());
    QVERIFY2(run.out.contains("... (5000 characters)"), run.out.constData());
    QVERIFY(!run.out.contains(QByteArray(201, 'A')));
}

QTEST_GUILESS_MAIN(StudyIndexInfoCommandTest)
#include "StudyIndexInfoCommandTest.moc"
