// The evaluation report: JSON schema and values, and an HTML page that holds the ROC curves and the overlay
// images themselves.
#include <string>

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "training/EvaluationReportWriter.h"

using namespace lrclr;

namespace {

EvaluationResults::Example example(const std::string& title, int hotX, int hotY)
{
    EvaluationResults::Example result;
    result.title = title;
    result.caption = "Small <right> pleural effusion & nodule.";
    result.image.width = 64;
    result.image.height = 48;
    result.image.pixels.assign(64 * 48, 100.0f);
    result.heatmap.assign(64 * 48, 0.0f);
    result.heatmap[static_cast<std::size_t>(hotY) * 64 + hotX] = 1.0f;
    result.truth = { { 10, 10, 20, 15 } };
    result.pointingHit = true;
    return result;
}

EvaluationResults sample()
{
    EvaluationResults results;
    results.title = "Phantom evaluation";
    results.manifest = "phantoms/manifest.jsonl";
    results.split = "test";
    results.studies = 4;
    results.notes = { "Synthetic phantoms: not for clinical use." };
    for (const char* name : { "CLIP global-only", "LRCLR" }) {
        EvaluationResults::Run run;
        run.name = name;
        EvaluationResults::Finding finding;
        finding.name = "Pleural Effusion";
        finding.positives = 2;
        finding.negatives = 2;
        const std::vector<double> scores { 0.1, 0.4, 0.35, 0.8 };
        const std::vector<int> labels { 0, 0, 1, 1 };
        finding.combined = BootstrapInterval::rocArea(scores, labels, 100, 1);
        finding.global = finding.combined;
        finding.local = finding.combined;
        finding.combinedCurve = RocAnalysis::curve(scores, labels);
        // Calibrated in the LRCLR run only: the CLIP run shows the raw score (no calibration metrics for it).
        finding.rawCombined = { 0.2500, 0.3125 };
        if (std::string(name) == "LRCLR") {
            finding.calibrated = true;
            finding.probability = { 0.1250, 0.0625 };
        }
        run.findings.push_back(finding);
        run.meanAuc = finding.combined.estimate;
        run.grounding.sentences = 3;
        run.grounding.pointingGame = 2.0 / 3.0;
        run.grounding.chancePointingGame = 0.2;
        run.grounding.contrastToNoise = std::numeric_limits<double>::quiet_NaN(); // undefined: must become null
        run.grounding.iouThresholds = { 0.1, 0.2, 0.3, 0.4, 0.5 };
        run.grounding.meanIouPerThreshold = { 0.5, 0.4, 0.3, 0.2, 0.1 };
        run.grounding.meanIou = 0.3;
        run.retrieval.candidates = 4;
        run.retrieval.k = { 1, 5 };
        run.retrieval.imageToReport = { 0.25, 1.0 };
        run.retrieval.reportToImage = { 0.5, 1.0 };
        run.examples = { example("phantom-000001", 15, 12), example("phantom-000002", 50, 40) };
        results.runs.push_back(run);
    }
    EvaluationResults::Comparison comparison;
    comparison.baseline = "CLIP global-only";
    comparison.candidate = "LRCLR";
    comparison.findings = 1;
    comparison.meanAucDifference = { 0.125, -0.05, 0.3, 0.95, 100, 97 };
    comparison.sentences = 3;
    comparison.pointingGameDifference = { 1.0 / 3.0, 0.0, 2.0 / 3.0, 0.95, 100, 100 };
    comparison.meanIouDifference = { -0.02, -0.1, 0.05, 0.95, 100, 100 };
    results.comparisons.push_back(comparison);
    return results;
}

} // namespace

class EvaluationReportWriterTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonHasSchemaAndValues();
    void htmlEmbedsCurvesAndImages();
    void runsAlignByFindingAndShowAttentionAndSkips();
    void overlayShowsHeatmapAndBoxes();
    void writesBothFiles();
};

void EvaluationReportWriterTest::jsonHasSchemaAndValues()
{
    QJsonParseError error;
    const auto document
        = QJsonDocument::fromJson(QByteArray::fromStdString(EvaluationReportWriter::json(sample())), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject root = document.object();
    QCOMPARE(root.value("schema").toString(), QString("lrclr-evaluation/1"));
    const QJsonArray runs = root.value("runs").toArray();
    QCOMPARE(runs.size(), 2);
    const QJsonObject lrclr = runs[1].toObject();
    QCOMPARE(lrclr.value("name").toString(), QString("LRCLR"));
    const QJsonObject finding = lrclr.value("findings").toArray()[0].toObject();
    QCOMPARE(finding.value("combined").toObject().value("auc").toDouble(), 0.75);
    QCOMPARE(finding.value("roc_combined").toArray().size(), 5); // (0,0) and one point per distinct score
    QCOMPARE(finding.value("calibrated").toBool(), true);
    QCOMPARE(finding.value("brier").toDouble(), 0.125);
    QCOMPARE(finding.value("ece").toDouble(), 0.0625);
    QCOMPARE(finding.value("raw_brier").toDouble(), 0.25);
    QCOMPARE(finding.value("raw_ece").toDouble(), 0.3125);
    QCOMPARE(finding.value("ece_bins").toInt(), 10);
    const QJsonObject clipFinding = runs[0].toObject().value("findings").toArray()[0].toObject();
    QCOMPARE(clipFinding.value("calibrated").toBool(), false);
    QVERIFY(clipFinding.value("brier").isNull());
    const QJsonObject grounding = lrclr.value("grounding").toObject();
    QVERIFY(grounding.value("cnr").isNull());
    QCOMPARE(grounding.value("miou_per_threshold").toArray().size(), 5);
    QCOMPARE(lrclr.value("retrieval").toObject().value("image_to_report_recall").toArray()[0].toDouble(), 0.25);
    // Attention-map grounding not evaluated: present, with null metrics.
    const QJsonObject attention = lrclr.value("grounding_attention").toObject();
    QCOMPARE(attention.value("sentences").toInt(), 0);
    QVERIFY(attention.value("pointing_game").isNull());
    QCOMPARE(root.value("skipped_studies").toInt(), 0);
    const QJsonObject comparison = root.value("comparisons").toArray()[0].toObject();
    QCOMPARE(comparison.value("candidate").toString(), QString("LRCLR"));
    QCOMPARE(comparison.value("mean_auc_difference").toObject().value("difference").toDouble(), 0.125);
    QCOMPARE(comparison.value("mean_auc_difference").toObject().value("bootstrap_valid").toInt(), 97);
    QCOMPARE(comparison.value("miou_difference").toObject().value("lower").toDouble(), -0.1);
}

void EvaluationReportWriterTest::htmlEmbedsCurvesAndImages()
{
    const QString page = QString::fromStdString(EvaluationReportWriter::html(sample()));
    QVERIFY(page.startsWith("<!DOCTYPE html>"));
    // One ROC figure for the one finding, with a curve per run.
    QCOMPARE(page.count("<svg class=\"roc\""), 1);
    QCOMPARE(page.count("class=\"roc-curve\""), 2);
    // The curve's points: (0,0) -> (0,0.5) -> (0.5,0.5) -> (0.5,1) -> (1,1) on a 220-pixel plot at (34, 17).
    QVERIFY2(page.contains("points=\"34.0,237.0 34.0,127.0 144.0,127.0 144.0,17.0 254.0,17.0 \""), "ROC polyline");
    // Two examples per run, each a PNG embedded in the page that decodes to an image.
    static const QRegularExpression embedded("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
    int images = 0;
    for (auto it = embedded.globalMatch(page); it.hasNext();) {
        const QByteArray png = QByteArray::fromBase64(it.next().captured(1).toLatin1());
        QImage image;
        QVERIFY(image.loadFromData(png, "PNG"));
        QCOMPARE(image.size(), QSize(64, 48));
        ++images;
    }
    QCOMPARE(images, 4);
    // Self-contained: nothing is loaded from elsewhere.
    QVERIFY(!page.contains("src=\"http") && !page.contains("<script") && !page.contains("<link"));
    // Text is escaped; the side-by-side table has both runs; undefined values show as a dash.
    QVERIFY(page.contains("Small &lt;right&gt; pleural effusion &amp; nodule."));
    QVERIFY(page.contains("<th>CLIP global-only</th><th>LRCLR</th>"));
    QVERIFY(page.contains("<tr><td>CNR</td><td>–</td><td>–</td></tr>"));
    QVERIFY(page.contains("<tr><td>Pointing game</td><td>0.667</td><td>0.667</td></tr>"));
    QVERIFY(page.contains("<tr><td>Pointing game by chance (random pixel)</td><td>0.200</td><td>0.200</td></tr>"));
    QVERIFY(page.contains("Synthetic phantoms: not for clinical use."));
    // The paired differences, signed, with their intervals.
    QVERIFY2(page.contains("<tr><td>LRCLR − CLIP global-only</td><td>+0.125 <small>[-0.050, +0.300]</small>"),
        "difference row");
    QVERIFY(page.contains("+0.333 <small>[+0.000, +0.667]</small> <small>(3 sentences)</small>"));
    // Calibration per finding: an uncalibrated run is marked raw and has no calibrated metrics.
    QVERIFY2(page.contains("<tr><td>Pleural Effusion</td><td>– <small><i>raw</i></small></td><td>– "
                           "<small><i>raw</i></small></td><td>0.250</td><td>0.312</td><td>0.125</td><td>0.062</td>"
                           "<td>0.250</td><td>0.312</td></tr>"),
        "calibration row");
}

void EvaluationReportWriterTest::runsAlignByFindingAndShowAttentionAndSkips()
{
    // The second run scores another finding first and lacks the first run's: rows follow the names.
    auto results = sample();
    EvaluationResults::Finding edema = results.runs[1].findings[0];
    edema.name = "Edema";
    edema.combined.estimate = 0.5;
    results.runs[1].findings.insert(results.runs[1].findings.begin(), edema);
    results.runs[0].findings[0].combined.estimate = 0.875;
    results.runs[1].attentionGrounding.sentences = 3;
    results.runs[1].attentionGrounding.pointingGame = 0.25;
    results.runs[1].imagesPerSecond = 12.5;
    results.runs[1].grounding.pointingGameInterval = { 2.0 / 3.0, 0.4, 0.9, 0.95, 100, 100 };
    for (auto& run : results.runs)
        run.grounding.byBoxSize = { { 0.01, 2, 0.5 }, { 1.0, 0, std::numeric_limits<double>::quiet_NaN() } };
    results.skipped = { "m.jsonl entry 3 (images/x.png): no such file" };
    const QString page = QString::fromStdString(EvaluationReportWriter::html(results));
    // Pleural Effusion: first run 0.875, second run 0.750; Edema: dashes for the first run, combined 0.500 for the
    // second.
    const qsizetype effusion = page.indexOf("<tr><td>Pleural Effusion</td>");
    const qsizetype edemaRow = page.indexOf("<tr><td>Edema</td>");
    QVERIFY(effusion > 0 && edemaRow > 0);
    const QString effusionRow = page.mid(effusion, page.indexOf("</tr>", effusion) - effusion);
    QVERIFY2(effusionRow.indexOf("0.875") < effusionRow.lastIndexOf("0.750") && !effusionRow.contains("0.500"),
        qPrintable(effusionRow));
    const QString edemaText = page.mid(edemaRow, page.indexOf("</tr>", edemaRow) - edemaRow);
    // (Columns per run: global, local, combined.)
    QVERIFY2(edemaText.contains("<td>–</td><td>–</td><td>–</td><td>0.750") && edemaText.contains("<td>0.500 <small>"),
        qPrintable(edemaText));
    QCOMPARE(page.count("<svg class=\"roc\""), 2); // one plot per finding name
    QVERIFY(page.contains("<tr><td>Pointing game (attention map)</td><td>–</td><td>0.250</td></tr>"));
    QVERIFY(page.contains("<tr><td>Images/s</td><td>–</td><td>12.5</td></tr>"));
    QVERIFY(page.contains("<tr><td>0–1 % of the image</td><td>0.500 <small>(2)</small></td>"));
    QVERIFY(page.contains("<tr><td>1–100 % of the image</td><td>– <small>(0)</small></td>"));
    // The pointing game's interval shows where one was computed.
    QVERIFY(page.contains("<tr><td>Pointing game</td><td>0.667</td><td>0.667 <small>[0.400, 0.900]</small></td></tr>"));
    const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(EvaluationReportWriter::json(results)));
    QCOMPARE(
        json.object()["runs"].toArray()[1].toObject()["grounding"].toObject()["pointing_game_upper"].toDouble(), 0.9);
    const QJsonArray bins
        = json.object()["runs"].toArray()[0].toObject()["grounding"].toObject()["by_box_size"].toArray();
    QCOMPARE(bins.size(), 2);
    QCOMPARE(bins[0].toObject()["max_box_fraction"].toDouble(), 0.01);
    QVERIFY(bins[1].toObject()["pointing_game"].isNull());
    QVERIFY(page.contains("1 studies were skipped"));
    QVERIFY(page.contains("<code>m.jsonl entry 3 (images/x.png): no such file</code>"));
}

void EvaluationReportWriterTest::overlayShowsHeatmapAndBoxes()
{
    QImage image;
    QVERIFY(
        image.loadFromData(QByteArray::fromStdString(EvaluationReportWriter::overlayPng(example("a", 50, 40))), "PNG"));
    // The hot pixel is red-dominant; a cold pixel keeps the gray of the radiograph; the box outline is green.
    const QRgb hot = image.pixel(50, 40);
    QVERIFY2(qRed(hot) > qBlue(hot) + 60 && qRed(hot) > 140, qPrintable(QString::number(hot, 16)));
    const QRgb cold = image.pixel(60, 5);
    QCOMPARE(qRed(cold), 100);
    QCOMPARE(qBlue(cold), 100);
    const QRgb edge = image.pixel(20, 10);
    QVERIFY(qGreen(edge) > 200 && qRed(edge) < 30);
    // Large images are scaled down to the maximum side.
    EvaluationResults::Example large = example("b", 1, 1);
    large.image.width = 800;
    large.image.height = 400;
    large.image.pixels.assign(800 * 400, 50.0f);
    large.heatmap.assign(800 * 400, 0.0f);
    QVERIFY(image.loadFromData(QByteArray::fromStdString(EvaluationReportWriter::overlayPng(large, 200)), "PNG"));
    QCOMPARE(image.size(), QSize(200, 100));
    large.heatmap.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, EvaluationReportWriter::overlayPng(large));
}

void EvaluationReportWriterTest::writesBothFiles()
{
    QTemporaryDir folder;
    const std::string directory = folder.filePath("out/eval").toStdString();
    EvaluationReportWriter::write(sample(), directory);
    QVERIFY(QFile::exists(QString::fromStdString(directory + "/results.json")));
    QFile html(QString::fromStdString(directory + "/report.html"));
    QVERIFY(html.open(QIODevice::ReadOnly));
    QVERIFY(html.readAll().contains("data:image/png;base64,"));
}

QTEST_GUILESS_MAIN(EvaluationReportWriterTest)
#include "EvaluationReportWriterTest.moc"
