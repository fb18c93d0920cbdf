#include "app/cli/EvaluateCommand.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#ifdef _WIN32
#include <io.h>
#else
#include <unistd.h>
#endif

#include <nlohmann/json.hpp>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelDevice.h"
#include "training/EvaluationReportWriter.h"
#include "training/ModelEvaluation.h"
#include "training/Observations.h"

namespace lrclr::cli {

namespace {

std::string duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    const long total = std::lround(seconds);
    char text[32];
    if (total >= 3600)
        std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else
        std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
    return text;
}

std::string number(double value)
{
    if (!std::isfinite(value))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

nlohmann::json grounding(const std::optional<Evaluator::SentenceGrounding>& metrics)
{
    if (!metrics)
        return nullptr;
    double iou = 0.0;
    for (const double value : metrics->iou)
        iou += value;
    return { { "pointing_hit", metrics->pointingHit },
        { "cnr", std::isfinite(metrics->contrastToNoise) ? nlohmann::json(metrics->contrastToNoise) : nullptr },
        { "miou", metrics->iou.empty() ? nlohmann::json(nullptr) : nlohmann::json(iou / metrics->iou.size()) } };
}

// One line of studies.jsonl: what one model made of one study, for finding the studies and sentences it gets wrong.
std::string studyLine(const std::string& run, const ManifestEntry& entry, const Evaluator::StudyOutput& output)
{
    nlohmann::json findings = nlohmann::json::object();
    for (const auto& [name, scores] : output.findingScores) {
        const auto label = entry.label(name);
        findings[name] = { { "global", scores[0] }, { "local", scores[1] }, { "combined", scores[2] },
            { "label", label ? nlohmann::json(*label) : nlohmann::json(nullptr) } };
        // The probability the viewer shows: calibrated when the model has a calibration for the finding.
        if (const auto shown = output.findingProbabilities.find(name); shown != output.findingProbabilities.end()) {
            findings[name]["probability"] = shown->second.probability;
            findings[name]["calibrated"] = shown->second.calibrated;
        }
    }
    nlohmann::json sentences = nlohmann::json::array();
    for (std::size_t s = 0; s < entry.sentences.size(); ++s) {
        if (entry.sentences[s].boxes.empty())
            continue;
        sentences.push_back({ { "index", s }, { "text", entry.sentences[s].text },
            { "similarity",
                grounding(s < output.sentenceGrounding.size() ? output.sentenceGrounding[s] : std::nullopt) },
            { "attention",
                grounding(s < output.attentionGrounding.size() ? output.attentionGrounding[s] : std::nullopt) } });
    }
    return nlohmann::json {
        { "run", run }, { "study_id", entry.studyId }, { "image", entry.image }, { "findings", findings },
        { "sentences", sentences }
    }.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// What the options of `lrclr evaluate` say.
struct Settings {
    std::string manifestPath;
    std::string model;
    std::string output;
    std::vector<std::string> compare;
    std::vector<std::string> names;
    ModelEvaluation::Options evaluation;
    std::string device;
    std::string policy = "ignore";
    std::string title = "LRCLR evaluation";
    int threads = 0;
};

void describeOptions(CommandOptions& options, Settings& settings)
{
    namespace po = boost::program_options;
    auto& evaluation = settings.evaluation;
    options.add()("manifest,m", po::value(&settings.manifestPath), "dataset manifest (JSONL)")(
        "model", po::value(&settings.model), "model directory")(
        "out,o", po::value(&settings.output), "output folder (created): results.json, report.html, studies.jsonl")(
        "split", po::value(&evaluation.split)->default_value("test"), "train, validate, test, or all")("limit",
        po::value(&evaluation.limit)->default_value(0), "evaluate at most N studies of the split (0: all)")("bootstrap",
        po::value(&evaluation.evaluator.bootstrapSamples)->default_value(1000),
        "bootstrap samples for the AUC intervals")("seed", po::value(&evaluation.evaluator.seed)->default_value(0),
        "bootstrap seed")("compare", po::value(&settings.compare)->composing(),
        "another model directory evaluated on the same studies, shown side by side and compared with --model "
        "(paired bootstrap differences; repeatable)")("name", po::value(&settings.names)->composing(),
        "run name of --model, then of each --compare in order (repeatable; default: the model's own name)")("uncertain",
        po::value(&settings.policy)->default_value("ignore"),
        "uncertain (-1) labels: ignore, ones or zeros")("examples",
        po::value(&evaluation.evaluator.examples)->default_value(6), "example overlays per run in the report")(
        "no-attention", "score only the similarity maps, not the attention maps")(
        "skip-bad", "skip unreadable manifest rows and images (counted in the results) instead of failing")(
        "title", po::value(&settings.title)->default_value(settings.title), "report title");
    options.addDevice(settings.device);
    options.addThreads(settings.threads);
    options.add()("quiet,q", "no progress");
}

/// --model, then each --compare, named by --name in order (the rest by their own names).
std::vector<ModelEvaluation::Model> modelsToEvaluate(const Settings& settings)
{
    std::vector<ModelEvaluation::Model> models { { settings.model, {} } };
    for (const auto& other : settings.compare)
        models.push_back({ other, {} });
    for (std::size_t i = 0; i < settings.names.size(); ++i)
        models[i].name = settings.names[i];
    return models;
}

/// The progress line on stderr: on a terminal one line updated in place, in a log one line per 10 %.
class ProgressLine {
public:
    explicit ProgressLine(bool quiet)
        : m_quiet(quiet)
#ifdef _WIN32
        , m_terminal(_isatty(_fileno(stderr)) != 0)
#else
        , m_terminal(isatty(STDERR_FILENO) != 0)
#endif
    {
    }

    void show(const ModelEvaluation::Progress& progress)
    {
        if (m_quiet)
            return;
        const bool finished = progress.done == progress.total;
        if (!m_terminal && !finished && progress.done * 10 / progress.total == m_lastPrinted * 10 / progress.total)
            return;
        m_lastPrinted = progress.done;
        m_open = m_terminal && !finished;
        std::fprintf(stderr, "%s%d/%d studies, %.2f images/s, ETA %s%s", m_terminal ? "\r" : "", progress.done,
            progress.total, progress.imagesPerSecond, duration(progress.secondsLeft).c_str(),
            m_terminal && !finished ? "   " : "\n");
    }

    /// Whether a line without its newline is on the terminal.
    bool isOpen() const
    {
        return m_open;
    }

private:
    bool m_quiet = false;
    bool m_terminal = false;
    bool m_open = false;
    int m_lastPrinted = 0;
};

/// The files an evaluation writes into its folder; a new run removes them first, so that an interrupted run never
/// leaves an earlier run's results beside its own partial studies.
constexpr const char* ownedFiles[] = { "results.json", "report.html", "studies.jsonl", "studies.jsonl.part" };

void removeEarlierResults(const std::string& folder)
{
    for (const char* name : ownedFiles) {
        std::error_code error;
        std::filesystem::remove(std::filesystem::path(folder) / name, error);
        if (error)
            throw std::runtime_error((std::filesystem::path(folder) / name).string() + ": cannot remove the earlier "
                + "result (" + error.message() + ")");
    }
}

/// Runs the models over the job's studies, writing each model's output for each study as a line of `studiesPath`
/// (to studies.jsonl.part, renamed when complete).
EvaluationResults evaluate(ModelEvaluation& job, const std::vector<ModelEvaluation::Model>& models,
    const std::string& studiesPath, ProgressLine& progressLine)
{
    const std::string partPath = studiesPath + ".part";
    std::ofstream studies(partPath, std::ios::binary | std::ios::trunc);
    if (!studies)
        throw std::runtime_error(partPath + ": cannot write");
    auto results = job.run(
        models, [&](const ModelEvaluation::Progress& progress) { progressLine.show(progress); },
        [&](std::size_t model, std::size_t study, const Evaluator::StudyOutput& result) {
            studies << studyLine(job.runName(model), job.studies().entries()[study], result) << '\n';
        });
    studies.close();
    if (!studies)
        throw std::runtime_error(partPath + ": cannot write");
    std::filesystem::rename(partPath, studiesPath);
    return results;
}

void printResults(const EvaluationResults& results, const std::string& output, const std::string& studiesPath)
{
    for (const auto& run : results.runs) {
        std::printf("%s: mean AUC %s, pointing game %s [%s, %s] (%d sentences), CNR %s, mIoU %s", run.name.c_str(),
            number(run.meanAuc).c_str(), number(run.grounding.pointingGame).c_str(),
            number(run.grounding.pointingGameInterval.lower).c_str(),
            number(run.grounding.pointingGameInterval.upper).c_str(), run.grounding.sentences,
            number(run.grounding.contrastToNoise).c_str(), number(run.grounding.meanIou).c_str());
        if (!run.retrieval.k.empty())
            std::printf(", R@%d image->report %s", run.retrieval.k.front(),
                number(run.retrieval.imageToReport.front()).c_str());
        std::printf("; %.2f images/s on %s\n", run.imagesPerSecond, run.device.c_str());
    }
    if (!results.skipped.empty())
        std::printf("skipped %zu studies (listed in results.json)\n", results.skipped.size());
    const std::filesystem::path folder(output);
    std::printf("wrote %s, %s and %s\n", (folder / "results.json").string().c_str(),
        (folder / "report.html").string().c_str(), studiesPath.c_str());
}

} // namespace

EvaluateCommand::EvaluateCommand()
    : Command("evaluate", std::string(modelCommandSummary("evaluate")))
{
}

int EvaluateCommand::run(const std::vector<std::string>& arguments)
{
    CommandOptions options(name(),
        "lrclr evaluate --manifest M --model DIR --out DIR [--split test] [--limit N] [--bootstrap 1000]\n"
        "               [--compare DIR]... [--device auto|cpu|cuda]\n"
        "Zero-shot AUC per finding (bootstrap 95 % CIs), grounding of the sentence heatmaps against the manifest's\n"
        "boxes (pointing game, CNR, mIoU), image<->report retrieval; writes results.json, report.html and "
        "studies.jsonl");
    Settings settings;
    describeOptions(options, settings);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (settings.manifestPath.empty() || settings.model.empty() || settings.output.empty())
        return options.usageError("needs --manifest, --model and --out");
    auto& evaluation = settings.evaluation;
    const auto parsedPolicy = Observations::parsePolicy(settings.policy);
    if (!parsedPolicy || !ModelDevice::isKnown(settings.device) || evaluation.limit < 0
        || evaluation.evaluator.bootstrapSamples < 0 || settings.names.size() > settings.compare.size() + 1)
        return options.error("bad --uncertain, --device, --limit, --bootstrap or too many --name", 2);
    evaluation.evaluator.uncertaintyPolicy = *parsedPolicy;
    evaluation.skipBad = options.has("skip-bad");
    evaluation.attentionGrounding = !options.has("no-attention");
    evaluation.model.threads = settings.threads;
    evaluation.model.device = ModelDevice::fromName(settings.device);
    const auto models = modelsToEvaluate(settings);

    const bool quiet = options.has("quiet");
    ProgressLine progressLine(quiet);
    try {
        ModelEvaluation job(evaluation);
        job.loadManifest(settings.manifestPath);
        if (!quiet)
            std::fprintf(stderr, "lrclr evaluate: %zu studies (split %s), %zu model(s)\n",
                job.studies().entries().size(), evaluation.split.c_str(), models.size());
        std::filesystem::create_directories(settings.output);
        removeEarlierResults(settings.output);
        const auto studiesPath = (std::filesystem::path(settings.output) / "studies.jsonl").string();
        auto results = evaluate(job, models, studiesPath, progressLine);
        results.title = settings.title;
        EvaluationReportWriter::write(results, settings.output);
        printResults(results, settings.output, studiesPath);
        return 0;
    } catch (const std::exception& error) {
        if (progressLine.isOpen())
            std::cerr << '\n';
        return options.error(error.what(), 1);
    }
}

} // namespace lrclr::cli
