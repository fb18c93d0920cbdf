// `lrclr analyze --dicom` end to end: a model imported from the reference checkpoint by `lrclr import-clip`, a
// synthetic DICOM CR written by the test, the CLI run as a process; every DICOM result it writes must pass the
// validators and join the source study.
#include <QtTest>

#include <QImage>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "core/dicom/DicomLibrary.h"
#include "core/model/AnalysisJson.h"
#include "tests/results/ResultValidators.h"
#include "tests/study/TestDicomFiles.h"

using namespace lrclr;

namespace {

std::string text(DcmItem& item, const DcmTagKey& tag)
{
    OFString value;
    item.findAndGetOFStringArray(tag, value);
    return value.c_str();
}

} // namespace

class AnalyzeDicomCliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        DicomLibrary::initialize();
        QVERIFY(m_folder.isValid());
        QVERIFY2(QFile::exists(LRCLR_CLI), LRCLR_CLI);
        const auto missing = m_validators.locate();
        QVERIFY2(missing.isEmpty(), qPrintable(missing));
        // The model comes from `lrclr import-clip` (this test links no LibTorch).
        const QString reference = QStringLiteral(LRCLR_SHARED_DIR "/reference/clip");
        QCOMPARE(runCli({ "import-clip", reference + "/clip_tiny_seed0.pt", "--merges",
                     reference + "/bpe_simple_vocab_16e6.txt.gz", "--out", m_folder.filePath("model") }),
            0);

        test::SyntheticImage image;
        image.rows = 120;
        image.columns = 100;
        image.samples = test::patternSamples(image);
        image.attributes
            = { { 0x0010, 0x0010, "Doe^Jane" }, { 0x0010, 0x0020, "PID-0042" }, { 0x0008, 0x0050, "ACC-7" } };
        const auto error = test::writeSyntheticDicom(
            image, test::TestSyntax::ExplicitLittle, m_folder.filePath("chest.dcm").toStdString());
        QVERIFY2(error.empty(), error.c_str());
        QFile report(m_folder.filePath("report.txt"));
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("FINDINGS: Small left pleural effusion. The heart is normal in size.\n");
    }

    void writesValidResultsInTheSourceStudy()
    {
        const auto out = m_folder.filePath("dicom");
        const auto exitCode = runCli({ "analyze", "--model", m_folder.filePath("model"), m_folder.filePath("chest.dcm"),
            "--report", m_folder.filePath("report.txt"), "--out", m_folder.filePath("analysis"), "--dicom", out,
            "--quiet", "--device", "cpu" });
        QCOMPARE(exitCode, 0);
        QVERIFY(QFile::exists(m_folder.filePath("analysis/analysis.json")));

        DcmFileFormat source;
        QVERIFY(source.loadFile(m_folder.filePath("chest.dcm").toStdString().c_str()).good());
        const auto study = text(*source.getDataset(), DCM_StudyInstanceUID);
        const auto series = text(*source.getDataset(), DCM_SeriesInstanceUID);
        for (const auto* name : { "lrclr-report-sr.dcm", "lrclr-overlay-sc.dcm", "lrclr-heatmaps-pm.dcm" }) {
            const auto path = out + '/' + name;
            QVERIFY2(QFile::exists(path), qPrintable(path));
            const auto outcome = m_validators.dciodvfy(path);
            QVERIFY2(outcome.passed, qPrintable(path + ":\n" + outcome.output));
            DcmFileFormat file;
            QVERIFY(file.loadFile(path.toStdString().c_str()).good());
            QCOMPARE(text(*file.getDataset(), DCM_StudyInstanceUID), study);
            QCOMPARE(text(*file.getDataset(), DCM_PatientID), std::string("PID-0042"));
            QVERIFY(text(*file.getDataset(), DCM_SeriesInstanceUID) != series);
        }
        const auto sr = m_validators.pixelmedSr(out + "/lrclr-report-sr.dcm");
        QVERIFY2(sr.passed, qPrintable(sr.output));
        DcmFileFormat heatmaps;
        QVERIFY(heatmaps.loadFile((out + "/lrclr-heatmaps-pm.dcm").toStdString().c_str()).good());
        // 2 report sentences + 14 findings, on the 100 x 120 source grid.
        QCOMPARE(text(*heatmaps.getDataset(), DCM_NumberOfFrames), std::string("16"));
        QCOMPARE(text(*heatmaps.getDataset(), DCM_Rows), std::string("120"));
    }

    // A review file as the viewer saves it, naming the first sentence and the first region of the first run's
    // analysis.json, comes out as that region's decision in the SR.
    void putsReviewDecisionsIntoTheSr()
    {
        QFile json(m_folder.filePath("analysis/analysis.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const auto result = AnalysisJson::fromJson(json.readAll().toStdString(), "analysis.json");
        QVERIFY(!result.regions.empty() && !result.sentences.empty());
        const QJsonObject decision { { "sentence", QString::fromStdString(result.sentences[0].text) },
            { "patchIndex", result.regions[0].patchIndex }, { "decision", "rejected" } };
        const QJsonObject root { { "format", "lrclr-review-decisions" }, { "version", 1 },
            { "decisions", QJsonArray { decision } } };
        QFile review(m_folder.filePath("chest.dcm.lrclr-review.json"));
        QVERIFY(review.open(QIODevice::WriteOnly));
        review.write(QJsonDocument(root).toJson());
        review.close();

        const auto out = m_folder.filePath("reviewed");
        QCOMPARE(runCli({ "analyze", "--model", m_folder.filePath("model"), m_folder.filePath("chest.dcm"), "--report",
                     m_folder.filePath("report.txt"), "--out", m_folder.filePath("analysis2"), "--dicom", out,
                     "--review", review.fileName(), "--no-heatmaps", "--quiet", "--device", "cpu" }),
            0);
        QVERIFY(!QFile::exists(out + "/lrclr-heatmaps-pm.dcm"));
        DcmFileFormat file;
        QVERIFY(file.loadFile((out + "/lrclr-report-sr.dcm").toStdString().c_str()).good());
        DSRDocument document;
        QVERIFY(document.read(*file.getDataset()).good());
        QVERIFY(document.getTree().gotoNamedNode(DSRCodedEntryValue("REVIEW", "99LRCLR", "Reviewer decision")) > 0);
        QCOMPARE(std::string(document.getTree().getCurrentContentItem().getCodeValue().getCodeValue().c_str()),
            std::string("REJECTED"));
        const auto sr = m_validators.pixelmedSr(out + "/lrclr-report-sr.dcm");
        QVERIFY2(sr.passed, qPrintable(sr.output));
    }

    void refusesAnImageThatIsNotDicom()
    {
        QImage image(64, 48, QImage::Format_Grayscale8);
        image.fill(90);
        const auto png = m_folder.filePath("film.png");
        QVERIFY(image.save(png));
        QProcess process;
        process.start(LRCLR_CLI,
            { "analyze", "--model", m_folder.filePath("model"), png, "--out", m_folder.filePath("png-analysis"),
                "--dicom", m_folder.filePath("png-dicom"), "--quiet", "--device", "cpu" });
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 1);
        const auto errors = process.readAllStandardError();
        QVERIFY2(errors.contains("--dicom needs a DICOM image"), errors.constData());
        QVERIFY(!QFile::exists(m_folder.filePath("png-dicom")));
        QVERIFY(!QFile::exists(m_folder.filePath("png-analysis/analysis.json")));
    }

private:
    int runCli(const QStringList& arguments)
    {
        QProcess process;
        process.start(LRCLR_CLI, arguments);
        if (!process.waitForFinished(240000))
            return -1;
        if (process.exitCode() != 0)
            qWarning(
                "lrclr %s failed: %s", qPrintable(arguments.join(' ')), process.readAllStandardError().constData());
        return process.exitCode();
    }

    QTemporaryDir m_folder;
    test::ResultValidators m_validators;
};

QTEST_GUILESS_MAIN(AnalyzeDicomCliTest)
#include "AnalyzeDicomCliTest.moc"
