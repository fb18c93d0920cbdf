#include "training/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/MixedPrecision.h"
#include "training/LearningRateSchedule.h"
#include "training/TrainingLog.h"
#include "training/internal/TrainingData.h"
#include "training/internal/TrainingLosses.h"
#include "training/internal/TrainingOptimizer.h"
#include "training/internal/TrainingOutput.h"
#include "training/internal/TrainingRun.h"
#include "training/internal/TrainingStart.h"
#include "training/internal/TrainingValidation.h"

namespace lrclr {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void checkOptions(const Trainer::Options& options)
{
    if (options.outputDirectory.empty())
        throw TrainingError("train: no output directory given");
    if (options.batchSize < 2)
        throw TrainingError("train: the batch size must be at least 2 (contrastive losses need negatives)");
    if (options.worldSize < 1 || options.rank < 0 || options.rank >= options.worldSize
        || options.batchSize % options.worldSize != 0)
        throw TrainingError("train: the batch size must divide evenly over the ranks, and 0 <= rank < world size");
    if (options.worldSize > 1
        && (options.pooledWeight > 0.0 || options.sentenceGlobalWeight > 0.0 || options.intraImageWeight > 0.0
            || options.locationWeight > 0.0))
        throw TrainingError("train: --sentence-global-weight, --pooled-weight, --intra-image-weight and "
                            "--location-weight need --world-size 1");
    // Every number a user can type is checked here, naming its flag: a NaN learning rate used to reach LibTorch and
    // come back as a 40-line backtrace.
    const std::pair<const char*, double> finiteNonNegative[] = { { "--epochs", options.epochs },
        { "--min-lr", options.minimumLearningRate }, { "--weight-decay", options.weightDecay },
        { "--clip-grad", options.gradientClip }, { "--global-weight", options.globalWeight },
        { "--local-weight", options.localWeight }, { "--box-weight", options.boxWeight },
        { "--pooled-weight", options.pooledWeight }, { "--sentence-global-weight", options.sentenceGlobalWeight },
        { "--intra-image-weight", options.intraImageWeight }, { "--location-weight", options.locationWeight },
        { "--flip-probability", options.flipProbability } };
    for (const auto& [flag, value] : finiteNonNegative) {
        if (!std::isfinite(value) || value < 0.0)
            throw TrainingError(
                std::string("train: ") + flag + " must be a finite number >= 0, not " + std::to_string(value));
    }
    if (!std::isfinite(options.learningRate) || options.learningRate <= 0.0 || options.learningRate > 1.0)
        throw TrainingError(
            "train: --lr must be a finite number in (0, 1], not " + std::to_string(options.learningRate));
    if (options.minimumLearningRate > options.learningRate)
        throw TrainingError("train: --min-lr must not exceed --lr");
    if (options.flipProbability > 1.0)
        throw TrainingError("train: --flip-probability must be in [0, 1]");
    if (!std::isfinite(options.gateInit))
        throw TrainingError("train: --gate-init must be finite");
    if (!(options.backboneLearningRateScale > 0.0 && options.backboneLearningRateScale <= 1.0))
        throw TrainingError("train: --backbone-lr-scale must be in (0, 1]");
    if (!(options.poolingSharpness > 0.0 && options.poolingSharpness <= 100.0))
        throw TrainingError("train: --pooling-sharpness must be in (0, 100]");
}

// The steps of the whole run (options.steps, else the epochs'); a resumed checkpoint must have been made for as
// many.
int plannedSteps(const Trainer::Options& options, const internal::TrainingStart& start, int stepsPerEpoch)
{
    const int totalSteps = options.steps > 0
        ? options.steps
        : std::max(1, static_cast<int>(std::lround(options.epochs * stepsPerEpoch)));
    const auto& resumed = start.resumedState;
    if (start.resuming() && resumed.value("total_steps", totalSteps) != totalSteps)
        throw TrainingError(options.resumeDirectory + ": the checkpoint was made for "
            + std::to_string(resumed.value("total_steps", 0)) + " steps; resume with the same --steps/--epochs");
    return totalSteps;
}

int warmupSteps(const Trainer::Options& options, int totalSteps)
{
    return options.warmupSteps >= 0 ? std::min(options.warmupSteps, totalSteps) : totalSteps / 20;
}

// The losses of one step, as numbers (for the log and the progress).
struct StepLosses {
    double loss = 0.0;
    double global = 0.0;
    double local = 0.0;
    double box = 0.0;
};

// The optimisation steps of a run, from the first step after the start (a resumed checkpoint's) to the last of
// this run, with their log rows, progress, validations and checkpoints.
class TrainingLoop {
public:
    TrainingLoop(internal::TrainingRun& run, const internal::TrainingData& data, internal::TrainingOptimizer& optimizer,
        const internal::TrainingOutput& output, TrainingLog& log, int totalSteps, int warmup)
        : m_run(run)
        , m_options(run.options)
        , m_data(data)
        , m_optimizer(optimizer)
        , m_output(output)
        , m_log(log)
        , m_losses(run)
        , m_validation(run, m_losses, data)
        , m_schedule(run.options.learningRate, warmup, totalSteps, run.options.minimumLearningRate)
        , m_totalSteps(totalSteps)
    {
    }

    // Runs steps [startStep, the end of this run) unless `cancel` stops it earlier; fills `result` (steps, loss
    // means, throughput, validations), validates at the end of the run, and returns the step reached.
    int train(int startStep, const std::atomic<bool>* cancel, Clock::time_point wallStart, Trainer::Result& result);
    // The validation at the end and the files: the model directory, or a checkpoint when the run stopped early.
    void finish(Clock::time_point wallStart, Trainer::Result& result);

private:
    StepLosses step(int step, const TrainingDataLoader::Batch& batch, double rate);
    void record(int done, const StepLosses& losses, double rate, double elapsed);
    void summarize(const std::vector<double>& losses, double trainingSeconds, Trainer::Result& result) const;

    internal::TrainingRun& m_run;
    const Trainer::Options& m_options;
    const internal::TrainingData& m_data;
    internal::TrainingOptimizer& m_optimizer;
    const internal::TrainingOutput& m_output;
    TrainingLog& m_log;
    const internal::TrainingLosses m_losses;
    const internal::TrainingValidation m_validation;
    const LearningRateSchedule m_schedule;
    const int m_totalSteps;
    int m_startStep = 0;
    int m_endStep = 0;
    Clock::time_point m_loopStart;
};

int TrainingLoop::train(
    int startStep, const std::atomic<bool>* cancel, Clock::time_point wallStart, Trainer::Result& result)
{
    auto& loader = *m_data.loader;
    m_startStep = startStep;
    m_endStep = m_options.stopAfter > 0 ? std::min(m_totalSteps, m_options.stopAfter) : m_totalSteps;
    loader.start(m_startStep, m_endStep);
    m_loopStart = Clock::now();
    int step = m_startStep;
    std::vector<double> losses;
    for (; step < m_endStep; ++step) {
        if (cancel && cancel->load())
            break;
        const auto batch = loader.next();
        const double rate = m_schedule.rate(step);
        const auto stepLosses = this->step(step, batch, rate);
        losses.push_back(stepLosses.loss);
        const int done = step + 1;
        record(done, stepLosses, rate, secondsSince(m_loopStart));
        if (m_options.validateEvery > 0 && done % m_options.validateEvery == 0 && done < m_totalSteps)
            result.validations.push_back(m_validation.validate(done, m_log));
        if (m_options.checkpointEvery > 0 && done % m_options.checkpointEvery == 0 && done < m_totalSteps)
            m_output.saveCheckpoint(done, secondsSince(wallStart), result.validations, m_optimizer, m_log);
    }
    loader.stop();
    const double trainingSeconds = secondsSince(m_loopStart);
    result.steps = step;
    result.stoppedEarly = step < m_totalSteps;
    summarize(losses, trainingSeconds, result);
    if (!result.stoppedEarly)
        result.validations.push_back(m_validation.validate(step, m_log));
    return step;
}

// One optimisation step on `batch` at the learning rate `rate`; throws TrainingError when the loss is not finite.
StepLosses TrainingLoop::step(int step, const TrainingDataLoader::Batch& batch, double rate)
{
    m_optimizer.beginStep(rate);
    const auto computed = [&] {
        const MixedPrecision precision(m_run.useCuda && m_options.mixedPrecision);
        return m_losses.compute(batch, false);
    }();
    auto loss = m_options.globalWeight * computed.global + computed.local + m_options.boxWeight * computed.box;
    if (!std::isfinite(loss.item<double>()))
        throw TrainingError("train: the loss became " + std::to_string(loss.item<double>()) + " at step "
            + std::to_string(step) + "; lower --lr");
    m_optimizer.finishStep(loss);
    return { loss.item<double>(), computed.global.item<double>(), computed.local.item<double>(),
        computed.box.item<double>() };
}

// The log row (every logEvery steps and at the end) and the progress of step `done`.
void TrainingLoop::record(int done, const StepLosses& losses, double rate, double elapsed)
{
    const double imagesPerSecond = (done - m_startStep) * static_cast<double>(m_options.batchSize) / elapsed;
    if ((done % std::max(1, m_options.logEvery)) == 0 || done == m_endStep) {
        m_log.addStep(done, static_cast<double>(done) / m_data.loader->stepsPerEpoch(), losses.loss, losses.global,
            losses.local, losses.box, rate, imagesPerSecond, elapsed);
    }
    if (m_run.progress) {
        Trainer::Progress update;
        update.phase = Trainer::Progress::Phase::Training;
        update.step = done;
        update.totalSteps = m_totalSteps;
        update.loss = losses.loss;
        update.globalLoss = losses.global;
        update.localLoss = losses.local;
        update.boxLoss = losses.box;
        update.learningRate = rate;
        update.imagesPerSecond = imagesPerSecond;
        update.etaSeconds = (m_totalSteps - done) * elapsed / (done - m_startStep);
        m_run.progress(update);
    }
}

// Throughput and the mean losses of the first and last few steps of this run.
void TrainingLoop::summarize(const std::vector<double>& losses, double trainingSeconds, Trainer::Result& result) const
{
    const int steps = result.steps - m_startStep;
    result.imagesPerSecond
        = trainingSeconds > 0 ? steps * static_cast<double>(m_options.batchSize) / trainingSeconds : 0.0;
    if (!losses.empty()) {
        const std::size_t window = std::max<std::size_t>(1, std::min<std::size_t>(5, losses.size() / 4 + 1));
        result.firstLoss = std::accumulate(losses.begin(), losses.begin() + static_cast<long>(window), 0.0) / window;
        result.lastLoss = std::accumulate(losses.end() - static_cast<long>(window), losses.end(), 0.0) / window;
    }
}

void TrainingLoop::finish(Clock::time_point wallStart, Trainer::Result& result)
{
    const double seconds = secondsSince(wallStart);
    result.seconds = seconds;
    m_output.writeLog(m_log, result);
    if (result.stoppedEarly) {
        m_output.saveCheckpoint(result.steps, seconds, result.validations, m_optimizer, m_log);
    } else if (m_run.writesFiles()) {
        m_output.saveModel(seconds, result.steps, result.validations);
        result.directory = m_options.outputDirectory;
    }
}

} // namespace

ClipConfig Trainer::tinyArchitecture()
{
    ClipConfig config;
    config.embedDimension = 64;
    config.imageResolution = 64;
    config.visionLayers = 2;
    config.visionWidth = 64;
    config.visionPatchSize = 8;
    config.visionHeads = 2;
    config.contextLength = 48;
    config.vocabularySize = 0;
    config.textWidth = 64;
    config.textHeads = 2;
    config.textLayers = 2;
    return config;
}

ClipConfig Trainer::architectureFromJson(const std::string& text, const std::string& origin)
{
    const auto json = Json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw TrainingError(origin + ": not a JSON object");
    const auto positive = [&](const char* key, int fallback) {
        if (!json.contains(key)) {
            if (fallback > 0)
                return fallback;
            throw TrainingError(origin + ": lacks \"" + key + "\"");
        }
        if (!json.at(key).is_number_integer() || json.at(key).get<int>() <= 0)
            throw TrainingError(origin + ": \"" + key + "\" must be a positive integer");
        return json.at(key).get<int>();
    };
    ClipConfig config;
    config.embedDimension = positive("embed_dim", 0);
    config.imageResolution = positive("image_resolution", 0);
    config.visionLayers = positive("vision_layers", 0);
    config.visionWidth = positive("vision_width", 0);
    config.visionPatchSize = positive("vision_patch_size", 0);
    config.visionHeads = positive("vision_heads", std::max(1, config.visionWidth / 64));
    config.contextLength = positive("context_length", 77);
    config.vocabularySize = json.contains("vocab_size") ? positive("vocab_size", 0) : 0;
    config.textWidth = positive("transformer_width", 0);
    config.textHeads = positive("transformer_heads", std::max(1, config.textWidth / 64));
    config.textLayers = positive("transformer_layers", 0);
    if (config.imageResolution % config.visionPatchSize != 0)
        throw TrainingError(origin + ": image_resolution must be a multiple of vision_patch_size");
    if (config.visionWidth % config.visionHeads != 0 || config.textWidth % config.textHeads != 0)
        throw TrainingError(origin + ": widths must be multiples of their head counts");
    return config;
}

Trainer::Result Trainer::run(
    const Options& options, const std::function<void(const Progress&)>& progress, const std::atomic<bool>* cancel)
{
    const auto wallStart = Clock::now();
    checkOptions(options);
    internal::TrainingRun run(options, progress);
    torch::manual_seed(options.seed);
    const auto start = internal::TrainingStart::prepare(run);
    internal::TrainingOptimizer optimizer(run);
    const internal::TrainingData data(run);
    const int totalSteps = plannedSteps(options, start, data.loader->stepsPerEpoch());
    const int warmup = warmupSteps(options, totalSteps);
    TrainingLog log;
    if (start.resuming())
        log = TrainingLog::fromJson(start.resumedState.at("log").dump());
    const internal::TrainingOutput output(run, data, totalSteps, warmup);

    Result result;
    result.stepsPerEpoch = data.loader->stepsPerEpoch();
    TrainingLoop loop(run, data, optimizer, output, log, totalSteps, warmup);
    loop.train(start.step, cancel, wallStart, result);
    loop.finish(wallStart, result);
    if (run.group)
        run.group->barrier();
    return result;
}

} // namespace lrclr
