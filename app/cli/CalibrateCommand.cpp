#include "app/cli/CalibrateCommand.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelDevice.h"
#include "core/model/ModelDirectory.h"
#include "training/FindingCalibrator.h"
#include "training/ModelEvaluation.h"
#include "training/Observations.h"
#include "training/OverlayScaleCalibrator.h"

namespace lrclr::cli {

namespace {

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm parts {};
#ifdef _WIN32
    gmtime_s(&parts, &now);
#else
    gmtime_r(&now, &parts);
#endif
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

std::string number(double value, const char* pattern = "%.3f")
{
    if (!std::isfinite(value))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

// The scores and targets of one finding over the studies that have a target for it.
struct Samples {
    std::vector<double> raw; ///< raw combined probability
    std::vector<int> labels;
};

/// The samples of every finding the model scored, and the findings in the order to list them; with grounding, the
/// sentence heatmaps against their boxes for the overlay scale.
struct FindingSamples {
    std::map<std::string, Samples> byName;
    std::vector<std::string> order;
    OverlayScaleCalibrator overlay;
};

/// Adds every grounded sentence of one study output (heatmaps in original pixels) to the overlay-scale fit.
void addGroundedSentences(
    OverlayScaleCalibrator& overlay, const ManifestEntry& entry, const Evaluator::StudyOutput& output)
{
    for (std::size_t s = 0; s < output.sentenceHeatmaps.size() && s < entry.sentences.size(); ++s)
        if (!output.sentenceHeatmaps[s].empty())
            overlay.addSentence(output.sentenceHeatmaps[s], output.width, output.height, entry.sentences[s].boxes);
}

/// Runs the model's zero-shot findings over the job's studies and keeps each finding's combined score and target
/// (and, when the job grounds sentences, their heatmaps for the overlay scale).
FindingSamples collectSamples(
    ModelEvaluation& job, const std::string& model, Observations::UncertaintyPolicy policy, bool quiet)
{
    const auto& entries = job.studies().entries();
    FindingSamples samples;
    job.run(
        { { model, {} } },
        [&](const ModelEvaluation::Progress& progress) {
            if (!quiet && (progress.done == progress.total || progress.done % 50 == 0))
                std::fprintf(
                    stderr, "%d/%d studies, %.2f images/s\n", progress.done, progress.total, progress.imagesPerSecond);
        },
        [&](std::size_t, std::size_t study, const Evaluator::StudyOutput& output) {
            const auto& entry = entries[study];
            addGroundedSentences(samples.overlay, entry, output);
            for (const auto& [name, scores] : output.findingScores) {
                if (!samples.byName.count(name))
                    samples.order.push_back(name); // the model's order
                auto& finding = samples.byName[name];
                const auto target = Observations::target(entry.label(name), policy);
                if (!target)
                    continue;
                finding.raw.push_back(scores[2]);
                finding.labels.push_back(*target);
            }
        });
    // The CheXpert observations first, in their usual order, then any other finding of the model.
    const auto& known = Observations::names();
    std::stable_sort(samples.order.begin(), samples.order.end(), [&known](const std::string& x, const std::string& y) {
        const auto rank
            = [&known](const std::string& name) { return std::find(known.begin(), known.end(), name) - known.begin(); };
        return rank(x) < rank(y);
    });
    return samples;
}

/// Fits one finding's Platt scaling and threshold and prints its line of the table.
ModelManifest::Calibration::Finding fitFinding(
    const std::string& name, const Samples& finding, const FindingCalibrator::Options& fitting)
{
    std::vector<double> z(finding.raw.size());
    std::transform(finding.raw.begin(), finding.raw.end(), z.begin(), ModelManifest::Calibration::logit);
    const auto fit = FindingCalibrator::fit(z, finding.labels, fitting);
    ModelManifest::Calibration::Finding entry;
    entry.name = name;
    entry.calibrated = fit.calibrated;
    entry.a = fit.a;
    entry.b = fit.b;
    entry.threshold = fit.calibrated ? fit.threshold : std::nan("");
    entry.positives = fit.positives;
    entry.negatives = fit.negatives;
    const std::string counts = std::to_string(fit.positives) + "/" + std::to_string(fit.negatives);
    if (!fit.calibrated) {
        std::printf("%-28s %9s  not calibrated: %s\n", name.c_str(), counts.c_str(), fit.note.c_str());
        return entry;
    }
    std::vector<double> calibrated(z.size());
    for (std::size_t i = 0; i < z.size(); ++i)
        calibrated[i] = FindingCalibrator::apply(fit, z[i]);
    std::printf("%-28s %9s %8s %8s %9s %8s->%-8s %8s->%-8s\n", name.c_str(), counts.c_str(), number(fit.a).c_str(),
        number(fit.b).c_str(), number(fit.threshold).c_str(),
        number(FindingCalibrator::brierScore(finding.raw, finding.labels)).c_str(),
        number(FindingCalibrator::brierScore(calibrated, finding.labels)).c_str(),
        number(FindingCalibrator::expectedCalibrationError(finding.raw, finding.labels)).c_str(),
        number(FindingCalibrator::expectedCalibrationError(calibrated, finding.labels)).c_str());
    return entry;
}

/// Fits every finding (printing the table); throws when the model scored none.
std::vector<ModelManifest::Calibration::Finding> fitFindings(
    const FindingSamples& samples, const FindingCalibrator::Options& fitting)
{
    std::printf("%-28s %9s %8s %8s %9s %17s %17s\n", "finding", "pos/neg", "a", "b", "threshold", "Brier raw->cal",
        "ECE raw->cal");
    std::vector<ModelManifest::Calibration::Finding> findings;
    for (const auto& name : samples.order)
        findings.push_back(fitFinding(name, samples.byName.at(name), fitting));
    if (findings.empty())
        throw std::runtime_error("the model scored no findings on these studies; nothing to calibrate");
    return findings;
}

/// The overlay scale fitted on the grounded sentences, printed; not fitted (with the reason printed) when there were
/// too few.
ModelManifest::OverlayScale fitOverlayScale(
    const OverlayScaleCalibrator& overlay, const ModelManifest::Calibration& calibration)
{
    const auto fit = overlay.fit();
    ModelManifest::OverlayScale scale;
    if (!fit.fitted) {
        std::printf("overlay scale not fitted: %s; the manifest keeps the one it has (if any)\n", fit.note.c_str());
        return scale;
    }
    scale.fitted = true;
    scale.low = fit.low;
    scale.threshold = fit.threshold;
    scale.high = fit.high;
    scale.youden = fit.youden;
    scale.sentences = fit.sentences;
    scale.split = calibration.split;
    scale.manifest = calibration.manifest;
    scale.date = calibration.date;
    std::printf("overlay scale (sentence-patch cosine) on %d grounded sentences: low %s, threshold %s, high %s; at the "
                "threshold %s of the pixels inside the boxes and %s outside are drawn (J %s)\n",
        fit.sentences, number(fit.low).c_str(), number(fit.threshold).c_str(), number(fit.high).c_str(),
        number(fit.insideAbove, "%.2f").c_str(), number(fit.outsideAbove, "%.2f").c_str(),
        number(fit.youden, "%.2f").c_str());
    return scale;
}

/// Stores `calibration` (and the overlay scale, when fitted) in the model's manifest.json and says so.
void writeCalibration(const std::string& model, const ModelManifest::Calibration& calibration,
    const ModelManifest::OverlayScale& overlayScale, std::size_t studies)
{
    const auto fitted = std::count_if(calibration.findings.begin(), calibration.findings.end(),
        [](const ModelManifest::Calibration::Finding& finding) { return finding.calibrated; });
    // Re-open (and re-verify) the directory just before writing, so the rest of the manifest is current.
    auto manifest = ModelDirectory::open(model).manifest();
    manifest.calibration = calibration;
    if (overlayScale.fitted)
        manifest.overlayScale = overlayScale;
    ModelDirectory::writeManifest(model, manifest);
    std::printf("calibrated %d of %zu findings on %zu studies (split %s, in-sample figures above); wrote %s/%s\n",
        static_cast<int>(fitted), calibration.findings.size(), studies, calibration.split.c_str(), model.c_str(),
        ModelDirectory::kManifestName);
}

} // namespace

CalibrateCommand::CalibrateCommand()
    : Command("calibrate", std::string(modelCommandSummary("calibrate")))
{
}

int CalibrateCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(),
        "lrclr calibrate --model DIR --manifest M [--split validate] [--findings-only] [--threads N]\n"
        "Fits each finding's Platt scaling p = sigmoid(a * logit(combined) + b) and its Youden threshold on the\n"
        "labelled studies of a manifest split, and the one overlay colour scale of every sentence and finding from\n"
        "the sentences with ground-truth boxes, and writes them into DIR/manifest.json (\"calibration\",\n"
        "\"overlayScale\")");
    std::string manifestPath;
    std::string model;
    ModelEvaluation::Options evaluation;
    std::string device;
    std::string policy = "ignore";
    int threads = 0;
    FindingCalibrator::Options fitting;
    options.add()("model", po::value(&model), "model directory (updated)")(
        "manifest,m", po::value(&manifestPath), "dataset manifest (JSONL) with labels")(
        "split", po::value(&evaluation.split)->default_value("validate"), "train, validate, test, or all")("limit",
        po::value(&evaluation.limit)->default_value(0), "use at most N studies of the split (0: all)")("uncertain",
        po::value(&policy)->default_value("ignore"), "uncertain (-1) labels: ignore, ones or zeros")("slope-penalty",
        po::value(&fitting.slopePenalty)->default_value(fitting.slopePenalty),
        "L2 penalty on the slope a")("skip-bad", "skip unreadable manifest rows and images instead of failing")(
        "findings-only", "fit the findings only (no grounding; the manifest's overlay scale stays as it is)");
    options.addDevice(device);
    options.addThreads(threads);
    options.add()("quiet,q", "no progress");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (manifestPath.empty() || model.empty())
        return options.usageError("needs --model and --manifest");
    const auto parsedPolicy = Observations::parsePolicy(policy);
    if (!parsedPolicy || !ModelDevice::isKnown(device) || evaluation.limit < 0 || !(fitting.slopePenalty >= 0.0))
        return options.error("bad --uncertain, --device, --limit or --slope-penalty", 2);
    evaluation.evaluator.uncertaintyPolicy = *parsedPolicy;
    evaluation.evaluator.bootstrapSamples = 0; // only the outputs are used
    evaluation.evaluator.examples = 0;
    evaluation.findingsOnly = options.has("findings-only");
    evaluation.retrieval = false;
    evaluation.attentionGrounding = false;
    evaluation.skipBad = options.has("skip-bad");
    evaluation.model.threads = threads;
    evaluation.model.device = ModelDevice::fromName(device);
    const bool quiet = options.has("quiet");

    ModelEvaluation job(evaluation);
    job.loadManifest(manifestPath);
    const std::size_t studies = job.studies().entries().size();
    if (!quiet)
        std::fprintf(stderr, "lrclr calibrate: %zu studies (split %s)\n", studies, evaluation.split.c_str());
    ModelManifest::Calibration calibration;
    calibration.split = evaluation.split;
    calibration.manifest = manifestPath;
    calibration.date = utcNow();
    const auto samples = collectSamples(job, model, *parsedPolicy, quiet);
    calibration.findings = fitFindings(samples, fitting);
    const auto overlayScale
        = evaluation.findingsOnly ? ModelManifest::OverlayScale {} : fitOverlayScale(samples.overlay, calibration);
    writeCalibration(model, calibration, overlayScale, studies);
    return 0;
}

} // namespace lrclr::cli
