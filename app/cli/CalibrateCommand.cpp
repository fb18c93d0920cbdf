#include "app/cli/CalibrateCommand.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>

#include <boost/program_options.hpp>

#include "core/model/ModelDirectory.h"
#include "training/FindingCalibrator.h"
#include "training/ModelEvaluation.h"
#include "training/Observations.h"

namespace lrclr::cli {

namespace {

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm parts {};
    gmtime_r(&now, &parts);
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

} // namespace

int CalibrateCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options(
        "lrclr calibrate --model DIR --manifest M [--split validate] [--threads N]\n"
        "Fits each finding's Platt scaling p = sigmoid(a * logit(combined) + b) and its Youden threshold on the\n"
        "labelled studies of a manifest split, and writes them into DIR/manifest.json (\"calibration\")");
    std::string manifestPath;
    std::string model;
    ModelEvaluation::Options evaluation;
    evaluation.split = "validate";
    std::string device = "auto";
    std::string policy = "ignore";
    int threads = 0;
    FindingCalibrator::Options fitting;
    options.add_options()("help,h", "show this help")("model", po::value(&model), "model directory (updated)")(
        "manifest,m", po::value(&manifestPath), "dataset manifest (JSONL) with labels")(
        "split", po::value(&evaluation.split)->default_value("validate"), "train, validate, test, or all")("limit",
        po::value(&evaluation.limit)->default_value(0), "use at most N studies of the split (0: all)")("uncertain",
        po::value(&policy)->default_value("ignore"), "uncertain (-1) labels: ignore, ones or zeros")("slope-penalty",
        po::value(&fitting.slopePenalty)->default_value(fitting.slopePenalty),
        "L2 penalty on the slope a")("skip-bad", "skip unreadable manifest rows and images instead of failing")(
        "device", po::value(&device)->default_value("auto"), "auto, cpu or cuda")(
        "threads", po::value(&threads)->default_value(0), "CPU threads (0: one per core)")("quiet,q", "no progress");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(options).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "lrclr calibrate: " << error.what() << '\n' << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    if (manifestPath.empty() || model.empty()) {
        std::cerr << "lrclr calibrate: needs --model and --manifest\n" << options;
        return 2;
    }
    const auto parsedPolicy = Observations::parsePolicy(policy);
    if (!parsedPolicy || (device != "auto" && device != "cpu" && device != "cuda") || evaluation.limit < 0
        || !(fitting.slopePenalty >= 0.0)) {
        std::cerr << "lrclr calibrate: bad --uncertain, --device, --limit or --slope-penalty\n";
        return 2;
    }
    evaluation.evaluator.uncertaintyPolicy = *parsedPolicy;
    evaluation.evaluator.bootstrapSamples = 0; // only the outputs are used
    evaluation.evaluator.examples = 0;
    evaluation.findingsOnly = true;
    evaluation.attentionGrounding = false;
    evaluation.skipBad = values.count("skip-bad") > 0;
    evaluation.model.threads = threads;
    evaluation.model.device = device == "cpu" ? LrclrModel::Options::Device::Cpu
        : device == "cuda"                    ? LrclrModel::Options::Device::Cuda
                                              : LrclrModel::Options::Device::Automatic;
    const bool quiet = values.count("quiet") > 0;

    try {
        ModelEvaluation job(evaluation);
        job.loadManifest(manifestPath);
        const auto& entries = job.studies().entries();
        if (!quiet)
            std::fprintf(stderr, "lrclr calibrate: %zu studies (split %s)\n", entries.size(), evaluation.split.c_str());
        std::map<std::string, Samples> samples;
        std::vector<std::string> order; // findings in the model's order
        job.run(
            { { model, {} } },
            [&](const ModelEvaluation::Progress& progress) {
                if (!quiet && (progress.done == progress.total || progress.done % 50 == 0))
                    std::fprintf(stderr, "%d/%d studies, %.2f images/s\n", progress.done, progress.total,
                        progress.imagesPerSecond);
            },
            [&](std::size_t, std::size_t study, const Evaluator::StudyOutput& output) {
                const auto& entry = entries[study];
                for (const auto& [name, scores] : output.findingScores) {
                    if (!samples.count(name))
                        order.push_back(name);
                    auto& finding = samples[name];
                    const auto target = Observations::target(entry.label(name), evaluation.evaluator.uncertaintyPolicy);
                    if (!target)
                        continue;
                    finding.raw.push_back(scores[2]);
                    finding.labels.push_back(*target);
                }
            });

        // The CheXpert observations first, in their usual order, then any other finding of the model.
        const auto& known = Observations::names();
        std::stable_sort(order.begin(), order.end(), [&known](const std::string& x, const std::string& y) {
            const auto rank = [&known](const std::string& name) {
                return std::find(known.begin(), known.end(), name) - known.begin();
            };
            return rank(x) < rank(y);
        });

        ModelManifest::Calibration calibration;
        calibration.split = evaluation.split;
        calibration.manifest = manifestPath;
        calibration.date = utcNow();
        std::printf("%-28s %9s %8s %8s %9s %17s %17s\n", "finding", "pos/neg", "a", "b", "threshold", "Brier raw->cal",
            "ECE raw->cal");
        int fitted = 0;
        for (const auto& name : order) {
            const auto& finding = samples[name];
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
            calibration.findings.push_back(entry);
            const std::string counts = std::to_string(fit.positives) + "/" + std::to_string(fit.negatives);
            if (!fit.calibrated) {
                std::printf("%-28s %9s  not calibrated: %s\n", name.c_str(), counts.c_str(), fit.note.c_str());
                continue;
            }
            ++fitted;
            std::vector<double> calibrated(z.size());
            for (std::size_t i = 0; i < z.size(); ++i)
                calibrated[i] = FindingCalibrator::apply(fit, z[i]);
            std::printf("%-28s %9s %8s %8s %9s %8s->%-8s %8s->%-8s\n", name.c_str(), counts.c_str(),
                number(fit.a).c_str(), number(fit.b).c_str(), number(fit.threshold).c_str(),
                number(FindingCalibrator::brierScore(finding.raw, finding.labels)).c_str(),
                number(FindingCalibrator::brierScore(calibrated, finding.labels)).c_str(),
                number(FindingCalibrator::expectedCalibrationError(finding.raw, finding.labels)).c_str(),
                number(FindingCalibrator::expectedCalibrationError(calibrated, finding.labels)).c_str());
        }
        if (calibration.findings.empty())
            throw std::runtime_error("the model scored no findings on these studies; nothing to calibrate");

        // Re-open (and re-verify) the directory just before writing, so the rest of the manifest is current.
        auto manifest = ModelDirectory::open(model).manifest();
        manifest.calibration = calibration;
        ModelDirectory::writeManifest(model, manifest);
        std::printf("calibrated %d of %zu findings on %zu studies (split %s, in-sample figures above); wrote %s/%s\n",
            fitted, calibration.findings.size(), entries.size(), evaluation.split.c_str(), model.c_str(),
            ModelDirectory::kManifestName);
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "lrclr calibrate: " << error.what() << '\n';
        return 1;
    }
}

} // namespace lrclr::cli
