#include "training/internal/TrainingOutput.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/model/Sha256.h"
#include "core/model/TorchRuntime.h"
#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/ModelStore.h"
#include "core/model/internal/StateDict.h"
#include "training/TrainingLog.h"
#include "training/internal/TrainingData.h"
#include "training/internal/TrainingOptimizer.h"
#include "training/internal/TrainingRun.h"

namespace lrclr::internal {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string utcNow()
{
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm parts {};
#ifdef _WIN32
    gmtime_s(&parts, &now);
#else
    gmtime_r(&now, &parts);
#endif
    std::ostringstream text;
    text << std::put_time(&parts, "%Y-%m-%dT%H:%M:%SZ");
    return text.str();
}

Json settingsJson(const Trainer::Options& options, int totalSteps, int warmup)
{
    return Json { { "seed", options.seed }, { "steps", totalSteps }, { "batch_size", options.batchSize },
        { "learning_rate", options.learningRate }, { "minimum_learning_rate", options.minimumLearningRate },
        { "warmup_steps", warmup }, { "weight_decay", options.weightDecay }, { "gradient_clip", options.gradientClip },
        { "global_weight", options.globalWeight }, { "local_weight", options.localWeight },
        { "box_weight", options.boxWeight }, { "label_prompts", options.labelPrompts },
        { "pooled_weight", options.pooledWeight }, { "sentence_global_weight", options.sentenceGlobalWeight },
        { "intra_image_weight", options.intraImageWeight }, { "location_weight", options.locationWeight },
        { "pooling_sharpness", options.poolingSharpness }, { "gate_init", options.gateInit },
        { "backbone_learning_rate_scale", options.backboneLearningRateScale },
        { "freeze_backbone", options.freezeBackbone }, { "augment", options.augment },
        { "flip_probability", options.flipProbability }, { "max_sentences", options.maxSentences },
        { "world_size", options.worldSize } };
}

Json validationJson(const Trainer::Validation& validation)
{
    const auto metric = [](double value) { return value < 0 ? Json(nullptr) : Json(value); };
    return Json { { "step", validation.step }, { "studies", validation.studies }, { "loss", metric(validation.loss) },
        { "pointing_game_similarity", metric(validation.pointingGameSimilarity) },
        { "pointing_game_attention", metric(validation.pointingGameAttention) },
        { "mean_auc", metric(validation.meanAuc) } };
}

ModelStore::SaveFiles saveFiles(const TrainingRun& run)
{
    ModelStore::SaveFiles files;
    files.mergesSource = run.mergesPath;
    files.findingsSource = run.findingsPath;
    return files;
}

fs::path createdDirectory(const TrainingRun& run)
{
    const auto directory = fs::path(run.options.outputDirectory);
    if (run.writesFiles())
        fs::create_directories(directory);
    return directory;
}

} // namespace

TrainingOutput::TrainingOutput(const TrainingRun& run, const TrainingData& data, int totalSteps, int warmup)
    : m_run(run)
    , m_data(data)
    , m_totalSteps(totalSteps)
    , m_directory(createdDirectory(run))
    , m_manifestSha256(Sha256::ofFile(run.options.manifestPath))
    , m_settings(settingsJson(run.options, totalSteps, warmup))
{
}

void TrainingOutput::saveCheckpoint(int step, double seconds, const std::vector<Trainer::Validation>& validations,
    TrainingOptimizer& optimizer, const TrainingLog& log) const
{
    if (!m_run.writesFiles())
        return;
    m_run.report(Trainer::Progress::Phase::Saving, "checkpoint at step " + std::to_string(step));
    const auto temporary = m_directory / "checkpoint.partial";
    const auto finalDirectory = m_directory / "checkpoint";
    fs::remove_all(temporary);
    fs::create_directories(temporary);
    ModelStore::save((temporary / "model").string(), m_run.network->stateDict(), manifest(seconds, step, validations),
        saveFiles(m_run));
    optimizer.save((temporary / "optimizer.pt").string());
    Json state { { "step", step }, { "total_steps", m_totalSteps }, { "seed", m_run.options.seed },
        { "source_model", m_run.sourceModel }, { "source_sha256", m_run.sourceSha256 },
        { "log", Json::parse(log.toJson()) } };
    std::ofstream((temporary / "state.json").string()) << state.dump(1) << "\n";
    fs::remove_all(finalDirectory);
    fs::rename(temporary, finalDirectory);
}

void TrainingOutput::writeLog(TrainingLog& log, const Trainer::Result& result) const
{
    if (!m_run.writesFiles())
        return;
    const auto& loader = *m_data.loader;
    log.setSummary(Json { { "settings", m_settings }, { "steps_done", result.steps },
        { "wall_seconds", result.seconds }, { "images_per_second", result.imagesPerSecond },
        { "steps_per_epoch", loader.stepsPerEpoch() }, { "training_studies", loader.studyCount() },
        { "command", m_run.options.commandLine }, { "data_manifest_sha256", m_manifestSha256 } }
                       .dump());
    log.write((m_directory / "training-log.csv").string(), (m_directory / "training-log.json").string());
}

void TrainingOutput::saveModel(double seconds, int steps, const std::vector<Trainer::Validation>& validations) const
{
    if (!m_run.writesFiles())
        return;
    m_run.report(Trainer::Progress::Phase::Saving, "writing the model directory");
    ModelStore::save(m_run.options.outputDirectory, m_run.network->stateDict(), manifest(seconds, steps, validations),
        saveFiles(m_run));
    fs::remove_all(m_directory / "checkpoint");
}

ModelManifest TrainingOutput::manifest(
    double seconds, int steps, const std::vector<Trainer::Validation>& validations) const
{
    const auto& options = m_run.options;
    ModelManifest manifest;
    manifest.name = options.name.empty() ? m_directory.filename().string() : options.name;
    manifest.clip = m_run.config;
    manifest.lrclrJson = m_run.settings.toJson();
    manifest.preprocessingJson = LrclrSettings::preprocessingToJson(m_run.preprocessing);
    manifest.provenance.sourceCheckpoint = m_run.sourceModel;
    manifest.provenance.sourceSha256 = m_run.sourceSha256;
    manifest.provenance.command = options.commandLine;
    manifest.provenance.date = utcNow();
    manifest.provenance.toolVersion = options.toolVersion;
    Json notes = Json::object();
    if (!options.description.empty())
        notes["description"] = options.description;
    notes["training"] = trainingNotes(seconds, steps);
    manifest.notesJson = notes.dump();
    Json evaluation = Json::object();
    if (!validations.empty())
        evaluation["validation"] = validationJson(validations.back());
    manifest.evaluationJson = evaluation.dump();
    return manifest;
}

Json TrainingOutput::trainingNotes(double seconds, int steps) const
{
    const auto& loader = *m_data.loader;
    const bool useCuda = m_run.useCuda;
    Json training = m_settings;
    training["steps_done"] = steps;
    training["steps_per_epoch"] = loader.stepsPerEpoch();
    training["epochs_done"] = static_cast<double>(steps) / loader.stepsPerEpoch();
    training["training_studies"] = loader.studyCount();
    training["wall_seconds"] = seconds;
    training["data_manifest"] = m_run.options.manifestPath;
    training["data_manifest_sha256"] = m_manifestSha256;
    training["from"] = m_run.sourceModel.empty() ? Json("scratch") : Json(m_run.sourceModel);
    training["device"] = useCuda ? "cuda" : "cpu (" + std::to_string(TorchRuntime::threads()) + " threads)";
    training["precision"] = useCuda && m_run.options.mixedPrecision ? "bf16 autocast" : "fp32";
    return training;
}

} // namespace lrclr::internal
