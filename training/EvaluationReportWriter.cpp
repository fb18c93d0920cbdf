#include "training/EvaluationReportWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <QBuffer>
#include <QByteArray>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include "core/common/AtomicFile.h"

namespace lrclr {

namespace {

QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QJsonObject intervalJson(const BootstrapInterval::Result& interval)
{
    return QJsonObject { { QStringLiteral("auc"), number(interval.estimate) },
        { QStringLiteral("lower"), number(interval.lower) }, { QStringLiteral("upper"), number(interval.upper) },
        { QStringLiteral("level"), interval.level }, { QStringLiteral("bootstrap_samples"), interval.samples },
        { QStringLiteral("bootstrap_valid"), interval.valid } };
}

QJsonArray curveJson(const std::vector<RocAnalysis::Point>& curve)
{
    QJsonArray points;
    for (const auto& point : curve)
        points.append(QJsonArray { point.falsePositiveRate, point.truePositiveRate });
    return points;
}

template<typename T> QJsonArray arrayJson(const std::vector<T>& values)
{
    QJsonArray array;
    for (const T& value : values)
        array.append(number(static_cast<double>(value)));
    return array;
}

std::string escaped(const std::string& text)
{
    std::string result;
    result.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            result += "&amp;";
            break;
        case '<':
            result += "&lt;";
            break;
        case '>':
            result += "&gt;";
            break;
        case '"':
            result += "&quot;";
            break;
        default:
            result += c;
        }
    }
    return result;
}

std::string format(double value, const char* pattern = "%.3f")
{
    if (!std::isfinite(value))
        return "–";
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string intervalText(const BootstrapInterval::Result& interval)
{
    if (!std::isfinite(interval.estimate))
        return "–";
    return format(interval.estimate) + " <small>[" + format(interval.lower) + ", " + format(interval.upper)
        + "]</small>";
}

QJsonObject groundingJson(const EvaluationResults::Grounding& grounding, const char* heatmap)
{
    // Without scored sentences the metrics are undefined (null), whatever the struct holds.
    const bool any = grounding.sentences > 0;
    const double none = std::nan("");
    QJsonArray bins;
    for (const auto& bin : grounding.byBoxSize)
        bins.append(QJsonObject { { QStringLiteral("max_box_fraction"), bin.maximumFraction },
            { QStringLiteral("sentences"), bin.sentences },
            { QStringLiteral("pointing_game"), number(bin.pointingGame) } });
    return QJsonObject { { QStringLiteral("heatmap"), QString::fromLatin1(heatmap) },
        { QStringLiteral("sentences"), grounding.sentences },
        { QStringLiteral("pointing_game"), number(any ? grounding.pointingGame : none) },
        { QStringLiteral("pointing_game_chance"), number(any ? grounding.chancePointingGame : none) },
        { QStringLiteral("pointing_game_lower"), number(any ? grounding.pointingGameInterval.lower : none) },
        { QStringLiteral("pointing_game_upper"), number(any ? grounding.pointingGameInterval.upper : none) },
        { QStringLiteral("cnr"), number(any ? grounding.contrastToNoise : none) },
        { QStringLiteral("iou_thresholds"), arrayJson(grounding.iouThresholds) },
        { QStringLiteral("miou_per_threshold"), arrayJson(grounding.meanIouPerThreshold) },
        { QStringLiteral("miou"), number(any ? grounding.meanIou : none) }, { QStringLiteral("by_box_size"), bins } };
}

// Every finding named by any run, in the order they first appear: runs of models with different finding lists
// still line up by name in the side-by-side tables.
std::vector<std::string> findingNames(const EvaluationResults& results)
{
    std::vector<std::string> names;
    for (const auto& run : results.runs)
        for (const auto& finding : run.findings)
            if (std::find(names.begin(), names.end(), finding.name) == names.end())
                names.push_back(finding.name);
    return names;
}

const EvaluationResults::Finding* findingOf(const EvaluationResults::Run& run, const std::string& name)
{
    for (const auto& finding : run.findings)
        if (finding.name == name)
            return &finding;
    return nullptr;
}

const char* const palette[] = { "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b" };

std::string pageHead(const EvaluationResults& results)
{
    std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + escaped(results.title)
        + "</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
          "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 8px;"
          "text-align:right}th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}"
          ".note{background:#fff4d6;border:1px solid #e0c060;padding:8px;margin:8px 0}"
          ".figures{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;width:260px}"
          "figure img{width:256px;border:1px solid #999}figcaption{font-size:12px}"
          ".hit{color:#187a2f}.miss{color:#b01c1c}</style></head><body>\n";
    page += "<h1>" + escaped(results.title) + "</h1>\n";
    for (const auto& note : results.notes)
        page += "<p class=\"note\">" + escaped(note) + "</p>\n";
    page += "<p>Manifest: <code>" + escaped(results.manifest) + "</code>"
        + (results.split.empty() ? "" : ", split <code>" + escaped(results.split) + "</code>") + ", "
        + std::to_string(results.studies) + " studies, uncertain labels: " + escaped(results.uncertaintyPolicy)
        + ". AUCs with 95 % bootstrap intervals.</p>\n";
    if (!results.skipped.empty()) {
        page += "<p class=\"note\">" + std::to_string(results.skipped.size())
            + " studies were skipped (unreadable manifest row or image):</p>\n<ul>";
        for (std::size_t i = 0; i < results.skipped.size() && i < 20; ++i)
            page += "<li><code>" + escaped(results.skipped[i]) + "</code></li>";
        if (results.skipped.size() > 20)
            page += "<li>… and " + std::to_string(results.skipped.size() - 20) + " more (see results.json)</li>";
        page += "</ul>\n";
    }
    return page;
}

// The side-by-side summary table: one column per run, one row per metric.
class SummaryTable {
public:
    SummaryTable(std::string& page, const std::vector<EvaluationResults::Run>& runs)
        : m_page(page)
        , m_runs(runs)
    {
        m_page += "<h2>Summary</h2>\n<table><tr><th>Metric</th>";
        for (const auto& run : m_runs)
            m_page += "<th>" + escaped(run.name) + "</th>";
        m_page += "</tr>\n";
    }

    template<typename Value> void row(const std::string& label, Value value)
    {
        m_page += "<tr><td>" + label + "</td>";
        for (const auto& run : m_runs)
            m_page += "<td>" + value(run) + "</td>";
        m_page += "</tr>\n";
    }

private:
    std::string& m_page;
    const std::vector<EvaluationResults::Run>& m_runs;
};

void groundingRows(SummaryTable& table)
{
    table.row("Mean AUC (combined)", [](const EvaluationResults::Run& run) { return format(run.meanAuc); });
    table.row("Pointing game", [](const EvaluationResults::Run& run) {
        const auto& interval = run.grounding.pointingGameInterval;
        // The interval only when one was computed (an evaluation, not hand-filled results).
        return format(run.grounding.pointingGame)
            + (interval.valid > 0 ? " <small>[" + format(interval.lower) + ", " + format(interval.upper) + "]</small>"
                                  : std::string());
    });
    table.row("Pointing game by chance (random pixel)",
        [](const EvaluationResults::Run& run) { return format(run.grounding.chancePointingGame); });
    table.row("CNR", [](const EvaluationResults::Run& run) { return format(run.grounding.contrastToNoise); });
    table.row("mIoU (0.1–0.5)", [](const EvaluationResults::Run& run) { return format(run.grounding.meanIou); });
    table.row("Grounded sentences",
        [](const EvaluationResults::Run& run) { return std::to_string(run.grounding.sentences); });
}

void attentionRows(SummaryTable& table)
{
    const auto attentionValue = [](double value, const EvaluationResults::Run& run) {
        return run.attentionGrounding.sentences > 0 ? format(value) : "–";
    };
    table.row("Pointing game (attention map)",
        [&](const EvaluationResults::Run& run) { return attentionValue(run.attentionGrounding.pointingGame, run); });
    table.row("CNR (attention map)",
        [&](const EvaluationResults::Run& run) { return attentionValue(run.attentionGrounding.contrastToNoise, run); });
    table.row("mIoU (attention map)",
        [&](const EvaluationResults::Run& run) { return attentionValue(run.attentionGrounding.meanIou, run); });
}

void retrievalRows(SummaryTable& table, const std::vector<int>& ks)
{
    for (std::size_t i = 0; i < ks.size(); ++i) {
        table.row("Image→report R@" + std::to_string(ks[i]), [i](const EvaluationResults::Run& run) {
            return i < run.retrieval.imageToReport.size() ? format(run.retrieval.imageToReport[i]) : "–";
        });
        table.row("Report→image R@" + std::to_string(ks[i]), [i](const EvaluationResults::Run& run) {
            return i < run.retrieval.reportToImage.size() ? format(run.retrieval.reportToImage[i]) : "–";
        });
    }
}

void summarySection(std::string& page, const EvaluationResults& results)
{
    const auto& runs = results.runs;
    SummaryTable table(page, runs);
    groundingRows(table);
    const bool attention = std::any_of(runs.begin(), runs.end(),
        [](const EvaluationResults::Run& run) { return run.attentionGrounding.sentences > 0; });
    if (attention)
        attentionRows(table);
    if (!runs.empty())
        retrievalRows(table, runs.front().retrieval.k);
    if (std::any_of(
            runs.begin(), runs.end(), [](const EvaluationResults::Run& run) { return run.imagesPerSecond > 0; }))
        table.row("Images/s", [](const EvaluationResults::Run& run) {
            return run.imagesPerSecond > 0 ? format(run.imagesPerSecond, "%.1f") : "–";
        });
    table.row("Model", [](const EvaluationResults::Run& run) { return "<code>" + escaped(run.model) + "</code>"; });
    page += "</table>\n<p>Grounding rows score each sentence's similarity map (sentence · patch tokens, the "
            "viewer's default overlay) against the sentence's ground-truth boxes"
        + std::string(attention ? "; the attention-map rows score the cross-attention over the selected regions" : "")
        + ".</p>\n";
}

// Pointing game by box size: where grounding fails (small lesions or large regions).
void boxSizeSection(std::string& page, const EvaluationResults& results)
{
    if (results.runs.empty() || results.runs.front().grounding.byBoxSize.empty())
        return;
    page += "<h2>Pointing game by box size</h2>\n<table><tr><th>Boxes cover</th>";
    for (const auto& run : results.runs)
        page += "<th>" + escaped(run.name) + "</th>";
    page += "</tr>\n";
    const auto& bins = results.runs.front().grounding.byBoxSize;
    for (std::size_t b = 0; b < bins.size(); ++b) {
        const double low = b == 0 ? 0.0 : bins[b - 1].maximumFraction;
        page += "<tr><td>" + format(100.0 * low, "%.0f") + "–" + format(100.0 * bins[b].maximumFraction, "%.0f")
            + " % of the image</td>";
        for (const auto& run : results.runs) {
            const auto& runBins = run.grounding.byBoxSize;
            page += b < runBins.size() ? "<td>" + format(runBins[b].pointingGame) + " <small>("
                    + std::to_string(runBins[b].sentences) + ")</small></td>"
                                       : std::string("<td>–</td>");
        }
        page += "</tr>\n";
    }
    page += "</table>\n";
}

// Paired differences against the baseline run.
void differencesSection(std::string& page, const EvaluationResults& results)
{
    if (results.comparisons.empty())
        return;
    page += "<h2>Differences (paired bootstrap)</h2>\n<p>Candidate − baseline on the same studies, with 95 % "
            "intervals from resampling the same studies for both runs (a study's sentences stay together). An "
            "interval that contains 0 does not show a difference.</p>\n<table><tr><th>Candidate − "
            "baseline</th><th>Δ mean AUC (combined)</th><th>Δ pointing game</th><th>Δ mIoU</th></tr>\n";
    const auto signedText = [](const BootstrapInterval::Result& interval) {
        if (!std::isfinite(interval.estimate))
            return std::string("–");
        return format(interval.estimate, "%+.3f") + " <small>[" + format(interval.lower, "%+.3f") + ", "
            + format(interval.upper, "%+.3f") + "]</small>";
    };
    for (const auto& comparison : results.comparisons)
        page += "<tr><td>" + escaped(comparison.candidate) + " − " + escaped(comparison.baseline) + "</td><td>"
            + signedText(comparison.meanAucDifference) + " <small>(" + std::to_string(comparison.findings)
            + " findings)</small></td><td>" + signedText(comparison.pointingGameDifference) + " <small>("
            + std::to_string(comparison.sentences) + " sentences)</small></td><td>"
            + signedText(comparison.meanIouDifference) + "</td></tr>\n";
    page += "</table>\n";
}

// Per-finding AUCs.
void aucSection(std::string& page, const EvaluationResults& results, const std::vector<std::string>& names)
{
    page += "<h2>Zero-shot AUC per finding</h2>\n<table><tr><th>Finding</th><th>Pos / neg</th>";
    for (const auto& run : results.runs)
        page += "<th>" + escaped(run.name) + " global</th><th>" + escaped(run.name) + " local</th><th>"
            + escaped(run.name) + " combined</th>";
    page += "</tr>\n";
    for (const auto& name : names) {
        const EvaluationResults::Finding* counted = nullptr;
        for (const auto& run : results.runs)
            if (!counted)
                counted = findingOf(run, name);
        page += "<tr><td>" + escaped(name) + "</td><td>" + std::to_string(counted->positives) + " / "
            + std::to_string(counted->negatives) + "</td>";
        for (const auto& run : results.runs) {
            if (const auto* finding = findingOf(run, name))
                page += "<td>" + intervalText(finding->global) + "</td><td>" + intervalText(finding->local)
                    + "</td><td>" + intervalText(finding->combined) + "</td>";
            else
                page += "<td>–</td><td>–</td><td>–</td>";
        }
        page += "</tr>\n";
    }
    page += "</table>\n";
}

// Calibration: does "54 %" mean that 54 % of such studies have the finding?
void calibrationSection(std::string& page, const EvaluationResults& results, const std::vector<std::string>& names)
{
    page += "<h2>Calibration per finding</h2>\n<p>Brier score and expected calibration error (10 equal-width bins) "
            "of the probability the viewer shows (Platt-calibrated from the combined score when the model's "
            "manifest has a calibration, marked <i>raw</i> otherwise) and of CheXzero's raw combined probability. "
            "Lower is better.</p>\n<table><tr><th>Finding</th>";
    for (const auto& run : results.runs)
        page += "<th>" + escaped(run.name) + " Brier</th><th>" + escaped(run.name) + " ECE</th><th>" + escaped(run.name)
            + " raw Brier</th><th>" + escaped(run.name) + " raw ECE</th>";
    page += "</tr>\n";
    for (const auto& name : names) {
        page += "<tr><td>" + escaped(name) + "</td>";
        for (const auto& run : results.runs) {
            if (const auto* finding = findingOf(run, name)) {
                const std::string raw = finding->calibrated ? "" : " <small><i>raw</i></small>";
                page += "<td>" + format(finding->probability.brier) + raw + "</td><td>"
                    + format(finding->probability.ece) + raw + "</td><td>" + format(finding->rawCombined.brier)
                    + "</td><td>" + format(finding->rawCombined.ece) + "</td>";
            } else {
                page += "<td>–</td><td>–</td><td>–</td><td>–</td>";
            }
        }
        page += "</tr>\n";
    }
    page += "</table>\n";
}

} // namespace

std::string EvaluationReportWriter::json(const EvaluationResults& results)
{
    QJsonObject root;
    root.insert(QStringLiteral("schema"), QStringLiteral("lrclr-evaluation/1"));
    root.insert(QStringLiteral("title"), QString::fromStdString(results.title));
    root.insert(QStringLiteral("manifest"), QString::fromStdString(results.manifest));
    root.insert(QStringLiteral("split"), QString::fromStdString(results.split));
    root.insert(QStringLiteral("studies"), results.studies);
    root.insert(QStringLiteral("uncertainty_policy"), QString::fromStdString(results.uncertaintyPolicy));
    QJsonArray notes;
    for (const auto& note : results.notes)
        notes.append(QString::fromStdString(note));
    root.insert(QStringLiteral("notes"), notes);
    QJsonArray skipped;
    for (const auto& reason : results.skipped)
        skipped.append(QString::fromStdString(reason));
    root.insert(QStringLiteral("skipped_studies"), static_cast<int>(results.skipped.size()));
    root.insert(QStringLiteral("skipped"), skipped);
    QJsonArray runs;
    for (const auto& run : results.runs) {
        QJsonArray findings;
        for (const auto& finding : run.findings) {
            findings.append(QJsonObject { { QStringLiteral("name"), QString::fromStdString(finding.name) },
                { QStringLiteral("positives"), finding.positives }, { QStringLiteral("negatives"), finding.negatives },
                { QStringLiteral("global"), intervalJson(finding.global) },
                { QStringLiteral("local"), intervalJson(finding.local) },
                { QStringLiteral("combined"), intervalJson(finding.combined) },
                { QStringLiteral("roc_global"), curveJson(finding.globalCurve) },
                { QStringLiteral("roc_local"), curveJson(finding.localCurve) },
                { QStringLiteral("roc_combined"), curveJson(finding.combinedCurve) },
                { QStringLiteral("calibrated"), finding.calibrated },
                { QStringLiteral("brier"), number(finding.probability.brier) },
                { QStringLiteral("ece"), number(finding.probability.ece) },
                { QStringLiteral("raw_brier"), number(finding.rawCombined.brier) },
                { QStringLiteral("raw_ece"), number(finding.rawCombined.ece) }, { QStringLiteral("ece_bins"), 10 } });
        }
        const auto& retrieval = run.retrieval;
        const QJsonObject retrievalJson { { QStringLiteral("candidates"), retrieval.candidates },
            { QStringLiteral("k"), arrayJson(retrieval.k) },
            { QStringLiteral("image_to_report_recall"), arrayJson(retrieval.imageToReport) },
            { QStringLiteral("report_to_image_recall"), arrayJson(retrieval.reportToImage) } };
        QJsonArray examples;
        for (const auto& example : run.examples)
            examples.append(QJsonObject { { QStringLiteral("title"), QString::fromStdString(example.title) },
                { QStringLiteral("sentence"), QString::fromStdString(example.caption) },
                { QStringLiteral("pointing_hit"), example.pointingHit } });
        runs.append(QJsonObject { { QStringLiteral("name"), QString::fromStdString(run.name) },
            { QStringLiteral("model"), QString::fromStdString(run.model) },
            { QStringLiteral("device"), QString::fromStdString(run.device) },
            { QStringLiteral("images_per_second"),
                number(run.imagesPerSecond > 0 ? run.imagesPerSecond : std::nan("")) },
            { QStringLiteral("mean_auc"), number(run.meanAuc) }, { QStringLiteral("findings"), findings },
            { QStringLiteral("grounding"), groundingJson(run.grounding, "similarity") },
            { QStringLiteral("grounding_attention"), groundingJson(run.attentionGrounding, "attention") },
            { QStringLiteral("retrieval"), retrievalJson }, { QStringLiteral("examples"), examples } });
    }
    root.insert(QStringLiteral("runs"), runs);
    QJsonArray comparisons;
    for (const auto& comparison : results.comparisons) {
        // The interval objects name their estimate "auc"; a difference is named "difference".
        const auto difference = [](const BootstrapInterval::Result& interval) {
            auto object = intervalJson(interval);
            object.insert(QStringLiteral("difference"), object.take(QStringLiteral("auc")));
            return object;
        };
        comparisons.append(QJsonObject { { QStringLiteral("baseline"), QString::fromStdString(comparison.baseline) },
            { QStringLiteral("candidate"), QString::fromStdString(comparison.candidate) },
            { QStringLiteral("findings"), comparison.findings },
            { QStringLiteral("mean_auc_difference"), difference(comparison.meanAucDifference) },
            { QStringLiteral("sentences"), comparison.sentences },
            { QStringLiteral("pointing_game_difference"), difference(comparison.pointingGameDifference) },
            { QStringLiteral("miou_difference"), difference(comparison.meanIouDifference) } });
    }
    root.insert(QStringLiteral("comparisons"), comparisons);
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

std::string EvaluationReportWriter::rocSvg(
    const std::string& title, const std::vector<std::pair<std::string, std::vector<RocAnalysis::Point>>>& curves)
{
    const int size = 220;
    const int margin = 34;
    const auto x = [&](double rate) { return format(margin + rate * size, "%.1f"); };
    const auto y = [&](double rate) { return format(margin / 2 + (1.0 - rate) * size, "%.1f"); };
    std::string svg = "<svg class=\"roc\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
        + std::to_string(size + margin + 10) + "\" height=\"" + std::to_string(size + margin + 40)
        + "\" role=\"img\" aria-label=\"ROC " + escaped(title) + "\">";
    svg += "<title>ROC " + escaped(title) + "</title>";
    svg += "<rect x=\"" + x(0) + "\" y=\"" + y(1) + "\" width=\"" + std::to_string(size) + "\" height=\""
        + std::to_string(size) + "\" fill=\"#fff\" stroke=\"#888\"/>";
    svg += "<line x1=\"" + x(0) + "\" y1=\"" + y(0) + "\" x2=\"" + x(1) + "\" y2=\"" + y(1)
        + "\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>";
    for (const double tick : { 0.0, 0.5, 1.0 }) {
        svg += "<text x=\"" + x(tick) + "\" y=\"" + format(margin / 2 + size + 12, "%.0f")
            + "\" font-size=\"9\" text-anchor=\"middle\">" + format(tick, "%.1f") + "</text>";
        svg += "<text x=\"" + format(margin - 4, "%.0f") + "\" y=\"" + y(tick)
            + "\" font-size=\"9\" text-anchor=\"end\" dominant-baseline=\"middle\">" + format(tick, "%.1f") + "</text>";
    }
    svg += "<text x=\"" + x(0.5) + "\" y=\"" + format(margin / 2 + size + 24, "%.0f")
        + "\" font-size=\"10\" text-anchor=\"middle\">1 − specificity</text>";
    int index = 0;
    for (const auto& [name, curve] : curves) {
        const char* colour = palette[index % 6];
        if (!curve.empty()) {
            std::string points;
            for (const auto& point : curve)
                points += x(point.falsePositiveRate) + "," + y(point.truePositiveRate) + " ";
            svg += "<polyline class=\"roc-curve\" fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(colour)
                + "\" points=\"" + points + "\"/>";
        }
        svg += "<text x=\"" + x(0.42) + "\" y=\"" + y(0.05 + 0.08 * (static_cast<double>(curves.size()) - 1 - index))
            + "\" font-size=\"10\" fill=\"" + colour + "\">" + escaped(name) + "</text>";
        ++index;
    }
    svg += "<text x=\"" + x(0.5) + "\" y=\"11\" font-size=\"11\" text-anchor=\"middle\" font-weight=\"bold\">"
        + escaped(title) + "</text></svg>";
    return svg;
}

std::string EvaluationReportWriter::overlayPng(const EvaluationResults::Example& example, int maximumSide)
{
    const GrayscaleImage& gray = example.image;
    if (!gray.isValid() || example.heatmap.size() != gray.pixels.size())
        throw std::invalid_argument("overlay: the heatmap must have one value per image pixel");
    // NaN marks pixels outside the model's field of view (PatchMapResampler): they show the anatomy alone.
    double low = std::numeric_limits<double>::max();
    double high = std::numeric_limits<double>::lowest();
    for (const float value : example.heatmap) {
        if (std::isfinite(value)) {
            low = std::min(low, static_cast<double>(value));
            high = std::max(high, static_cast<double>(value));
        }
    }
    const double range = high - low;
    QImage image(gray.width, gray.height, QImage::Format_RGB32);
    for (int y = 0; y < gray.height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < gray.width; ++x) {
            const std::size_t p = static_cast<std::size_t>(y) * gray.width + x;
            const double g = std::clamp(static_cast<double>(gray.pixels[p]), 0.0, 255.0);
            const double t = range > 0 && std::isfinite(example.heatmap[p]) ? (example.heatmap[p] - low) / range : 0.0;
            // Blue (low) to red (high); low values stay almost transparent so the anatomy shows.
            const double red = 255.0 * std::clamp(2.0 * t, 0.0, 1.0);
            const double green = 255.0 * std::clamp(1.0 - std::abs(2.0 * t - 1.0), 0.0, 1.0);
            const double blue = 255.0 * std::clamp(1.0 - 2.0 * t, 0.0, 1.0);
            const double alpha = 0.55 * t;
            line[x] = qRgb(static_cast<int>(g * (1 - alpha) + red * alpha),
                static_cast<int>(g * (1 - alpha) + green * alpha), static_cast<int>(g * (1 - alpha) + blue * alpha));
        }
    }
    const int thickness = std::max(1, std::max(gray.width, gray.height) / 256);
    const QRgb boxColour = qRgb(0, 230, 64);
    for (const auto& box : example.truth) {
        const int x0 = std::clamp(static_cast<int>(box.x), 0, gray.width - 1);
        const int y0 = std::clamp(static_cast<int>(box.y), 0, gray.height - 1);
        const int x1 = std::clamp(static_cast<int>(box.x + box.width), 0, gray.width - 1);
        const int y1 = std::clamp(static_cast<int>(box.y + box.height), 0, gray.height - 1);
        for (int t = 0; t < thickness; ++t) {
            for (int x = x0; x <= x1; ++x) {
                image.setPixel(x, std::min(y0 + t, gray.height - 1), boxColour);
                image.setPixel(x, std::max(y1 - t, 0), boxColour);
            }
            for (int y = y0; y <= y1; ++y) {
                image.setPixel(std::min(x0 + t, gray.width - 1), y, boxColour);
                image.setPixel(std::max(x1 - t, 0), y, boxColour);
            }
        }
    }
    if (std::max(gray.width, gray.height) > maximumSide)
        image = image.scaled(maximumSide, maximumSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        throw std::runtime_error("overlay: PNG encoding failed");
    return bytes.toStdString();
}

namespace {

// ROC curves: the combined score of every run, per finding.
std::string rocSection(const EvaluationResults& results, const std::vector<std::string>& names)
{
    std::string page = "<h2>ROC curves (combined score)</h2>\n<div class=\"figures\">\n";
    for (const auto& name : names) {
        std::vector<std::pair<std::string, std::vector<RocAnalysis::Point>>> curves;
        for (const auto& run : results.runs)
            if (const auto* finding = findingOf(run, name))
                curves.emplace_back(
                    run.name + " " + format(finding->combined.estimate, "%.2f"), finding->combinedCurve);
        page += EvaluationReportWriter::rocSvg(name, curves) + "\n";
    }
    page += "</div>\n";
    return page;
}

// Example overlays.
std::string examplesSection(const EvaluationResults& results)
{
    std::string page;
    for (const auto& run : results.runs) {
        if (run.examples.empty())
            continue;
        page += "<h2>Examples: " + escaped(run.name)
            + "</h2>\n<p>Heatmap of the sentence over the image (blue low, red "
              "high); ground-truth boxes in green.</p>\n<div class=\"figures\">\n";
        for (const auto& example : run.examples) {
            const QByteArray png = QByteArray::fromStdString(EvaluationReportWriter::overlayPng(example)).toBase64();
            page += "<figure><img alt=\"" + escaped(example.title) + "\" src=\"data:image/png;base64,"
                + png.toStdString() + "\"><figcaption><b>" + escaped(example.title)
                + "</b>: " + escaped(example.caption) + " <span class=\""
                + (example.pointingHit ? "hit\">hit" : "miss\">miss") + "</span></figcaption></figure>\n";
        }
        page += "</div>\n";
    }
    return page;
}

} // namespace

std::string EvaluationReportWriter::html(const EvaluationResults& results)
{
    std::string page = pageHead(results);
    summarySection(page, results);
    boxSizeSection(page, results);
    differencesSection(page, results);
    const auto names = findingNames(results);
    aucSection(page, results, names);
    calibrationSection(page, results, names);
    page += rocSection(results, names);
    page += examplesSection(results);
    page += "</body></html>\n";
    return page;
}

void EvaluationReportWriter::write(const EvaluationResults& results, const std::string& directory)
{
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        throw std::runtime_error(directory + ": cannot create (" + error.message() + ")");
    for (const auto& [name, text] : { std::pair<std::string, std::string> { "results.json", json(results) },
             std::pair<std::string, std::string> { "report.html", html(results) } }) {
        AtomicFile::writeOrThrow(QString::fromStdString((std::filesystem::path(directory) / name).string()), text);
    }
}

} // namespace lrclr
