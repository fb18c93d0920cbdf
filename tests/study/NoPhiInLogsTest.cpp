// No PHI in logs: with every logger at its most verbose (DCMTK's TRACE, all Qt categories at debug), opening,
// indexing and rendering files whose PatientName, PatientID and AccessionNumber carry a unique marker must leave the
// marker in no log output (stdout, stderr, Qt messages), no error text and no temporary file.
#include <cstdio>

#include <unistd.h>

#include <QDirIterator>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include "core/dicom/DicomLibrary.h"
#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/StudyIndexScanner.h"
#include "imaging/DisplayFrameWriter.h"
#include "tests/study/TestDicomFiles.h"

using namespace lrclr;
using namespace lrclr::test;

namespace {

QStringList qtMessages;

void collectMessage(QtMsgType, const QMessageLogContext&, const QString& message)
{
    qtMessages << message;
}

/// Sends file descriptors 1 and 2 into a file while alive (DCMTK's console appender writes to std::cerr).
class OutputCapture {
public:
    explicit OutputCapture(const QString& path)
    {
        std::fflush(stdout);
        std::fflush(stderr);
        m_savedOut = dup(STDOUT_FILENO);
        m_savedError = dup(STDERR_FILENO);
        m_file = std::fopen(QFile::encodeName(path).constData(), "w");
        if (m_file) {
            dup2(fileno(m_file), STDOUT_FILENO);
            dup2(fileno(m_file), STDERR_FILENO);
        }
    }
    ~OutputCapture()
    {
        std::fflush(stdout);
        std::fflush(stderr);
        std::cerr.flush();
        std::cout.flush();
        dup2(m_savedOut, STDOUT_FILENO);
        dup2(m_savedError, STDERR_FILENO);
        close(m_savedOut);
        close(m_savedError);
        if (m_file)
            std::fclose(m_file);
    }
    bool isActive() const { return m_file != nullptr; }

private:
    int m_savedOut = -1;
    int m_savedError = -1;
    std::FILE* m_file = nullptr;
};

bool fileContains(const QString& path, const QByteArray& marker)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.readAll().contains(marker);
}

} // namespace

class NoPhiInLogsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void openAndRenderLeaveNoPhi();
};

void NoPhiInLogsTest::openAndRenderLeaveNoPhi()
{
    QTemporaryDir inputs;
    QTemporaryDir temporary; // becomes TMPDIR for the operations: every file that appears there is checked
    QTemporaryDir outputs;
    QVERIFY(inputs.isValid() && temporary.isValid() && outputs.isValid());
    const QByteArray marker = "PHIMARK" + QUuid::createUuid().toByteArray(QUuid::Id128).left(12).toUpper();

    SyntheticImage source;
    source.rows = 64;
    source.columns = 48;
    source.samples = patternSamples(source);
    source.attributes = {
        { 0x0008, 0x0005, "ISO_IR 192" },
        { 0x0010, 0x0010, ("Doe^" + marker).toStdString() },
        { 0x0010, 0x0020, marker.toStdString() },
        { 0x0008, 0x0050, marker.left(16).toStdString() },
    };
    const QString good = inputs.filePath("good.dcm");
    const QString rle = inputs.filePath("rle.dcm");
    QCOMPARE(
        QString::fromStdString(writeSyntheticDicom(source, TestSyntax::ExplicitLittle, good.toStdString())), QString());
    QCOMPARE(QString::fromStdString(writeSyntheticDicom(source, TestSyntax::Rle, rle.toStdString())), QString());
    QVERIFY(fileContains(good, marker)); // the marker is really in the input
    // A broken copy exercises the error paths too.
    const QString cut = inputs.filePath("cut.dcm");
    {
        QFile in(good);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.readAll().chopped(100));
    }

    // Most verbose everywhere.
    DicomLibrary::initialize();
    DicomLibrary::setLogVerbosity(DicomLibrary::LogVerbosity::Information); // the most the application allows
    OFLog::configure(OFLogger::TRACE_LOG_LEVEL); // and the root logger as verbose as DCMTK goes
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true"));
    qtMessages.clear();
    const QByteArray previousTemporary = qgetenv("TMPDIR");
    qputenv("TMPDIR", QFile::encodeName(temporary.path()));
    const QString capturePath = outputs.filePath("captured-output.txt");
    QStringList errors;
    int opened = 0;
    int indexed = 0;
    {
        const QtMessageHandler previous = qInstallMessageHandler(collectMessage);
        OutputCapture capture(capturePath);
        QVERIFY(capture.isActive());
        for (const QString& path : { good, rle, cut }) {
            DicomImageReader reader;
            XrayImage image;
            if (!reader.read(path.toStdString(), image)) {
                errors << QString::fromStdString(reader.errorString());
                continue;
            }
            ++opened;
            DisplayPipeline pipeline(image);
            pipeline.setWindow(2000.0, 1000.0);
            QString error;
            if (!DisplayFrameWriter::write(
                    pipeline.render(), outputs.filePath(QFileInfo(path).baseName() + ".png"), &error))
                errors << error;
            (void)DisplayPipeline::modelInput(image);
        }
        // Indexing reads the same headers (helper B2's scanner); the raster probe is not needed for DICOM files.
        StudyIndexScanner scanner;
        QString indexError;
        const auto index = scanner.scan(inputs.path(), {}, {}, &indexError);
        indexed = index ? index->patientCount() : -1;
        if (!indexError.isEmpty())
            errors << indexError;
        qInstallMessageHandler(previous);
    }
    OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
    DicomLibrary::setLogVerbosity(DicomLibrary::LogVerbosity::Errors);
    QLoggingCategory::setFilterRules(QString());
    if (previousTemporary.isEmpty())
        qunsetenv("TMPDIR");
    else
        qputenv("TMPDIR", previousTemporary);

    QCOMPARE(opened, 2);
    QCOMPARE(indexed, 1); // both good files are one patient
    QVERIFY2(errors.size() == 1, qPrintable(errors.join(" / "))); // the cut file, refused
    if (fileContains(capturePath, marker)) {
        QFile captured(capturePath);
        captured.open(QIODevice::ReadOnly);
        for (const QByteArray& line : captured.readAll().split('\n'))
            if (line.contains(marker))
                qWarning("leaked: %s", line.left(200).constData());
    }
    QVERIFY2(!fileContains(capturePath, marker), "the marker appeared in stdout/stderr");
    for (const QString& message : qAsConst(qtMessages))
        QVERIFY2(!message.toUtf8().contains(marker), qPrintable("Qt message carries PHI: " + message));
    for (const QString& error : qAsConst(errors))
        QVERIFY2(!error.toUtf8().contains(marker), "an error text carries PHI");
    QDirIterator files(temporary.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QVERIFY2(!fileContains(path, marker), qPrintable("temporary file carries PHI: " + path));
    }
    QDirIterator written(outputs.path(), { "*.png" }, QDir::Files);
    int images = 0;
    while (written.hasNext()) {
        QVERIFY2(!fileContains(written.next(), marker), "a rendered image carries PHI");
        ++images;
    }
    QCOMPARE(images, 2);
}

QTEST_GUILESS_MAIN(NoPhiInLogsTest)
#include "NoPhiInLogsTest.moc"
