// The audit's flags on a hand-made analysis (StudyAudit, AuditReportWriter), and `lrclr audit` end to end on
// synthetic studies with the demo model: a study that cannot be read is listed and skipped, a second run resumes.
#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include "core/model/AnalysisJson.h"
#include "tests/TestFiles.h"
#include "training/AuditReportWriter.h"
#include "training/StudyAudit.h"

namespace lrclr {

namespace {

AnalysisResult handMadeResult()
{
    AnalysisResult result;
    result.regions.resize(2);
    result.regions[0].box = { 10, 10, 20, 20 };
    result.regions[1].box = { 40, 40, 20, 20 };
    AnalysisResult::Sentence effusion;
    effusion.text = "Small right pleural effusion.";
    effusion.regionWeights = { 0.1f, 0.1f }; // no region reaches 0.2
    AnalysisResult::Sentence negation;
    negation.text = "No pneumothorax.";
    negation.regionWeights = { 0.05f, 0.1f };
    AnalysisResult::Sentence nodule;
    nodule.text = "Nodule in the left upper zone.";
    nodule.regionWeights = { 0.7f, 0.0f }; // explains region 0 only
    result.sentences = { effusion, negation, nodule };
    const auto finding = [](const char* name, float probability) {
        AnalysisResult::Finding f;
        f.name = name;
        f.probability = probability;
        return f;
    };
    result.findings = { finding("Pleural Effusion", 0.2f), finding("Pneumothorax", 0.9f), finding("Edema", 0.9f),
        finding("Lung Lesion", 0.8f) };
    result.findings[0].threshold = 0.3f;
    return result;
}

} // namespace

class StudyAuditTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void flagsUnsupportedSentencesUnexplainedRegionsAndDisagreements()
    {
        StudyAudit::Row row;
        StudyAudit::audit(handMadeResult(), 0.2, row);
        QCOMPARE(row.sentences, 3);
        QCOMPARE(row.unsupportedSentences, std::vector<int>({ 0 }));
        QCOMPARE(row.unsupportedOther, 1); // the negation needs no region
        QCOMPARE(row.unexplainedRegions, std::vector<int>({ 1 }));
        QCOMPARE(row.disagreements.size(), std::size_t(2));
        QCOMPARE(row.disagreements[0].finding, std::string("Pleural Effusion")); // asserted, scored 20 % < 30 %
        QCOMPARE(row.disagreements[0].reportLabel, 1);
        QCOMPARE(row.disagreements[0].threshold, 0.3f);
        QCOMPARE(row.disagreements[1].finding, std::string("Pneumothorax")); // negated, scored 90 %
        QCOMPARE(row.disagreements[1].reportLabel, 0);
        // Edema is not mentioned and Lung Lesion agrees: neither is flagged.

        StudyAudit::audit(handMadeResult(), 0.05, row);
        QVERIFY(row.unsupportedSentences.empty());
        QVERIFY(row.unexplainedRegions.empty());
    }

    void summaryFilesQuoteAndEscape()
    {
        QTemporaryDir folder;
        StudyAudit::Row row;
        row.key = "study-1";
        row.image = "/data/a,b.dcm";
        row.status = "analyzed";
        StudyAudit::audit(handMadeResult(), 0.2, row);
        row.unsupportedTexts = { "Effusion <right>, \"small\"." };
        const std::string csv = folder.filePath("audit.csv").toStdString();
        const std::string page = folder.filePath("audit.html").toStdString();
        AuditReportWriter::writeCsv({ row }, csv);
        AuditReportWriter::writeHtml({ row }, { "folder", "demo (abc)", 0.2 }, page);
        const QByteArray table = test::readAll(QString::fromStdString(csv));
        QVERIFY(table.contains("\"/data/a,b.dcm\""));
        QVERIFY(table.contains("\"Effusion <right>, \"\"small\"\".\""));
        const QByteArray html = test::readAll(QString::fromStdString(page));
        QVERIFY(html.contains("Effusion &lt;right&gt;"));
        QVERIFY(html.contains("Pleural Effusion 20% (threshold 30%), report asserts it"));
    }

    void auditCommandRunsResumesAndSkipsBadStudies()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString studies = folder.filePath(QStringLiteral("studies"));
        QProcess process;
        process.start(
            QStringLiteral(LRCLR_CLI), { "synth", "--count", "3", "--seed", "11", "--dicom", "--out", studies });
        QVERIFY(process.waitForFinished(120000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        // One more study whose image is not an image: listed as failed, the audit goes on.
        QVERIFY(test::writeAll(studies + "/images/broken.dcm", QByteArray(300, 'x')));
        QFile manifest(studies + "/manifest.jsonl");
        QVERIFY(manifest.open(QIODevice::Append));
        manifest.write("{\"image\": \"images/broken.dcm\", \"reportText\": \"Small left effusion.\"}\n");
        manifest.close();

        const QString out = folder.filePath(QStringLiteral("audit"));
        const QStringList arguments { "audit", "--model", QStringLiteral(LRCLR_SOURCE_DIR) + "/models/demo",
            "--manifest", studies + "/manifest.jsonl", "--out", out };
        process.start(QStringLiteral(LRCLR_CLI), arguments);
        QVERIFY(process.waitForFinished(300000));
        const QByteArray log = process.readAllStandardError();
        QVERIFY2(process.exitCode() == 0, log.constData());
        QCOMPARE(log.count("analyzed"), 3);
        QVERIFY(log.contains("about "));
        const QList<QByteArray> lines = test::readAll(out + "/audit.csv").trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        int failed = 0;
        for (const QByteArray& line : lines.mid(1)) {
            const QString key = QString::fromUtf8(line.left(line.indexOf(',')));
            if (line.contains(",failed,")) {
                ++failed;
                QVERIFY(line.contains("broken.dcm"));
                continue;
            }
            const QString json = out + "/studies/" + key + "/analysis.json";
            const AnalysisResult result = AnalysisJson::fromJson(test::readAll(json).toStdString(), json.toStdString());
            QVERIFY(!result.sentences.empty());
            QVERIFY(QImage(out + "/studies/" + key + "/regions.png").width() > 0);
        }
        QCOMPARE(failed, 1);
        QVERIFY(test::readAll(out + "/audit.html").contains("4 studies; 1 failed"));

        // A second run reads the finished studies back instead of analysing them again.
        process.start(QStringLiteral(LRCLR_CLI), arguments);
        QVERIFY(process.waitForFinished(300000));
        const QByteArray again = process.readAllStandardError();
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(again.count("resumed"), 3);
        QCOMPARE(again.count("analyzed"), 0);

        // --folder on the same studies (images/ beside reports/, as lrclr synth writes them) finds their reports.
        QFile::remove(studies + "/images/broken.dcm");
        const QString byFolder = folder.filePath(QStringLiteral("audit-folder"));
        process.start(QStringLiteral(LRCLR_CLI),
            { "audit", "--model", QStringLiteral(LRCLR_SOURCE_DIR) + "/models/demo", "--folder", studies, "--out",
                byFolder });
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        const QList<QByteArray> folderLines = test::readAll(byFolder + "/audit.csv").trimmed().split('\n');
        QCOMPARE(folderLines.size(), 4);
        for (const QByteArray& line : folderLines.mid(1))
            QVERIFY2(line.contains("/reports/") && line.split(',').value(4).toInt() > 0, line.constData());
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::StudyAuditTest)
#include "StudyAuditTest.moc"
