// Every reader of untrusted paths refuses a FIFO (opening one blocks until someone writes to it) with a message
// that names the file: images (DICOM by name, raster), reports, dataset manifests and their report files, and the
// viewer's review decisions. A regression here hangs the test, which CTest's timeout turns into a failure.
#include <QtTest>

#include <sys/stat.h>
#include <sys/types.h>

#include <QTemporaryDir>

#include "core/report/ReportReader.h"
#include "imaging/StudyReader.h"
#include "training/DatasetManifest.h"
#include "ui/model/ReviewDecisions.h"

namespace lrclr {

class SpecialFilesTest : public QObject {
    Q_OBJECT

private:
    QString fifo(const QString& name)
    {
        const QString path = m_folder.filePath(name);
        if (::mkfifo(QFile::encodeName(path).constData(), 0600) != 0)
            return {};
        return path;
    }

    QTemporaryDir m_folder;

private Q_SLOTS:
    void imagesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("DICOM by name") << "image.dcm";
        QTest::newRow("raster by name") << "image.png";
        QTest::newRow("no name") << "image";
    }

    void imagesAreRefused()
    {
        QFETCH(QString, name);
        const QString path = fifo(name);
        QVERIFY(!path.isEmpty());
        QString error;
        QVERIFY(!StudyReader::readImage(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
    }

    void reportsAreRefused()
    {
        const QString path = fifo(QStringLiteral("report.txt"));
        QString error;
        QVERIFY(!ReportReader::read(path, &error));
        QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
        const QString sr = fifo(QStringLiteral("report-sr"));
        QVERIFY(!ReportReader::read(sr, &error));
        QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
    }

    void manifestsAndTheirReportsAreRefused()
    {
        const QString path = fifo(QStringLiteral("manifest.jsonl"));
        try {
            DatasetManifest::load(path.toStdString());
            QFAIL("a FIFO manifest was read");
        } catch (const ManifestError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QStringLiteral("not a regular file")), error.what());
        }
        fifo(QStringLiteral("report-fifo.txt"));
        DatasetManifest manifest;
        manifest.setBaseDirectory(m_folder.path().toStdString());
        ManifestEntry entry;
        entry.image = "image.dcm";
        entry.report = "report-fifo.txt";
        try {
            manifest.reportText(entry);
            QFAIL("a FIFO report was read");
        } catch (const ManifestError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QStringLiteral("report-fifo.txt")), error.what());
        }
    }

    void reviewDecisionsAreRefused()
    {
        const QString path = fifo(QStringLiteral("study.lrclr-review.json"));
        ReviewDecisions decisions;
        QString error;
        QVERIFY(!decisions.load(path, &error));
        QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::SpecialFilesTest)
#include "SpecialFilesTest.moc"
