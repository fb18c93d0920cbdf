#include "app/cli/TrainCommand.h"

#ifdef _WIN32
#include <io.h>

#include "core/common/WindowsProcess.h"
#else
#include <unistd.h>
#endif

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/support/SoftwareInventory.h"
#include "core/model/LrclrModel.h"
#include "training/DatasetManifest.h"
#include "training/Trainer.h"

namespace lrclr::cli {

namespace {

std::atomic<bool> interrupted { false };

extern "C" void onInterrupt(int)
{
    interrupted = true;
}

std::string duration(double seconds)
{
    const auto total = static_cast<long>(seconds + 0.5);
    std::ostringstream text;
    if (total >= 3600)
        text << total / 3600 << "h" << std::setw(2) << std::setfill('0') << (total % 3600) / 60 << "m";
    else
        text << total / 60 << "m" << std::setw(2) << std::setfill('0') << total % 60 << "s";
    return text.str();
}

std::string readFile(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw TrainingError(path + ": cannot open the architecture file");
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

/// LibTorch's OpenMP threads spin while they wait by default; on a machine whose cores are busy with other work
/// that spinning made training 15x slower (measured: 4 instead of 92 images/s with 2 threads on 2 shared cores).
/// libgomp reads its wait policy once at start-up, so the command restarts itself with it set. Returns (without
/// restarting) when the policy is set already, or when the restart fails: training then still works, only slower
/// under load.
void restartWithPassiveOpenMpWaits(const std::string& command, const std::vector<std::string>& arguments)
{
    if (std::getenv("OMP_WAIT_POLICY"))
        return;
#ifdef _WIN32
    // No exec on Windows: the restarted command runs as a child, and this process leaves with its exit code.
    std::error_code error;
    const auto self = windows::runningExecutable(error);
    if (error || !windows::setEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE", true))
        return;
    std::vector<std::string> words { self.string(), command };
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::cout.flush();
    const int exitCode = windows::runAndWait(self, words, error);
    if (exitCode < 0 && error)
        return;
    std::exit(exitCode);
#else
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    std::vector<std::string> words { "/proc/self/exe", command };
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
#endif
}

/// The options that need more than a copy into Trainer::Options.
struct TextOptions {
    std::string architecture;
    std::string precision;
    std::string master;
};

/// The options of `lrclr train`, bound to `train` where they map one to one.
void describeOptions(CommandOptions& options, Trainer::Options& train, TextOptions& text)
{
    namespace po = boost::program_options;
    // clang-format off
    options.add()
        ("manifest", po::value(&train.manifestPath), "dataset manifest (.jsonl); trains on split train (or all but validate/test), validates on split validate")
        ("init", po::value(&train.initModel), "model directory to fine-tune (e.g. an imported CheXzero)")
        ("force", "write into --out even when it holds files (a model there is replaced)")
        ("architecture", po::value(&text.architecture), "train from scratch: a JSON CLIP configuration (manifest key names) or 'tiny'")
        ("merges", po::value(&train.mergesPath), "BPE merges file (required from scratch; see lrclr train-bpe)")
        ("findings", po::value(&train.findingsPath), "findings/prompt file shipped with the model (default: the initial model's, else models/findings.json)")
        ("out", po::value(&train.outputDirectory), "model directory to write (also gets training-log.csv/.json and checkpoints)")
        ("name", po::value(&train.name), "model name in the manifest")
        ("steps", po::value(&train.steps)->default_value(0), "optimisation steps (0: --epochs)")
        ("epochs", po::value(&train.epochs)->default_value(1.0), "epochs when --steps is 0")
        ("batch-size", po::value(&train.batchSize)->default_value(32), "global batch size")
        ("lr", po::value(&train.learningRate)->default_value(1e-4), "peak learning rate (AdamW)")
        ("min-lr", po::value(&train.minimumLearningRate)->default_value(0.0), "learning rate at the end of the cosine decay")
        ("warmup", po::value(&train.warmupSteps)->default_value(-1), "warm-up steps (-1: 5 % of the steps)")
        ("weight-decay", po::value(&train.weightDecay)->default_value(0.1), "AdamW weight decay on backbone matrices")
        ("clip-grad", po::value(&train.gradientClip)->default_value(1.0), "gradient clipping: max global L2 norm (0: off)")
        ("global-weight", po::value(&train.globalWeight)->default_value(1.0), "weight of the CLIP (global) loss")
        ("local-weight", po::value(&train.localWeight)->default_value(1.0), "weight of the LRCLR local loss (0: the global-only baseline)")
        ("box-weight", po::value(&train.boxWeight)->default_value(0.0), "weight of the auxiliary grounding loss on ground-truth boxes (supervised; off by default)")
        ("label-prompts", "add each finding's prompt (per the study's labels) as an extra sentence")
        ("sentence-global-weight", po::value(&train.sentenceGlobalWeight)->default_value(0.0), "global loss at sentence level too: each report sentence vs every study's image embedding")
        ("pooled-weight", po::value(&train.pooledWeight)->default_value(0.0), "report-only local objective: pooled sentence<->image contrast on the text.patch map")
        ("intra-image-weight", po::value(&train.intraImageWeight)->default_value(0.0), "report-only: a sentence's attended region must beat its report's other sentences' regions")
        ("location-weight", po::value(&train.locationWeight)->default_value(0.0), "report-only: a sentence must beat its location-swapped twin (left<->right, upper<->lower)")
        ("local-head", po::value(&train.localHeadLayers)->default_value(-1), "LRCLR's locality-restricted patch head for the maps: its convolution layers (0: none, the vision tower's tokens; -1: keep the initial model's)")
        ("pooling-sharpness", po::value(&train.poolingSharpness)->default_value(10.0), "log-mean-exp pooling sharpness of the map (higher: closer to the maximum)")
        ("gate-init", po::value(&train.gateInit)->default_value(-1.0), "set the interaction gate before training (-1: keep the model's)")
        ("backbone-lr-scale", po::value(&train.backboneLearningRateScale)->default_value(1.0), "fine-tuning: the backbone's learning rate as a share of the LRCLR layers' (0..1]")
        ("freeze-backbone", "train only the LRCLR layers (lrclr.*)")
        ("attend-all-patches", "from scratch: the cross-attention attends over every patch token; regions are then "
                               "where the finding prompts and sentences attend (selection mode cross-attention)")
        ("seed", po::value(&train.seed)->default_value(0), "seed of weights, batch order and augmentation")
        ("threads", po::value(&train.threads)->default_value(0), "LibTorch threads (0: one per core)")
        ("loader-threads", po::value(&train.loaderThreads)->default_value(2), "data loading threads (decode, augment, tokenise)")
        ("prefetch", po::value(&train.prefetch)->default_value(4), "batches prepared ahead")
        ("no-augment", "no intensity augmentation")
        ("flip-probability", po::value(&train.flipProbability)->default_value(0.0), "horizontal flips, with the report's side words swapped")
        ("max-sentences", po::value(&train.maxSentences)->default_value(12), "sentences per study in a batch")
        ("device", po::value(&train.device)->default_value("cpu"), "cpu, cuda or auto")
        ("precision", po::value(&text.precision)->default_value("bf16"),
            "on CUDA: bf16 (autocast, Ampere or newer) or fp32 (TF32); the CPU always trains in fp32")
        ("checkpoint-every", po::value(&train.checkpointEvery)->default_value(0), "steps between checkpoints (DIR/checkpoint)")
        ("resume", po::value(&train.resumeDirectory), "continue from a checkpoint directory (DIR/checkpoint)")
        ("validate-every", po::value(&train.validateEvery)->default_value(0), "steps between validation passes (0: at the end)")
        ("log-every", po::value(&train.logEvery)->default_value(1), "steps between log rows")
        ("stop-after", po::value(&train.stopAfter)->default_value(0), "stop with a checkpoint after this step")
        ("rank", po::value(&train.rank)->default_value(0), "data-parallel rank")
        ("world-size", po::value(&train.worldSize)->default_value(1), "data-parallel processes")
        ("master", po::value(&text.master)->default_value("127.0.0.1:29500"), "rank 0's rendezvous host:port")
        ("description", po::value(&train.description), "free text for the model manifest's notes");
    // clang-format on
}

/// Completes `train` from the flags and the options that need parsing; throws on a bad value.
void completeOptions(const CommandOptions& options, const TextOptions& text, Trainer::Options& train)
{
    if (options.has("architecture")) {
        train.architecture = text.architecture == "tiny"
            ? Trainer::tinyArchitecture()
            : Trainer::architectureFromJson(readFile(text.architecture), text.architecture);
    }
    train.settings.attendAllPatches = options.has("attend-all-patches");
    // The vision attention of a model trained from scratch this way never learns to find lesions; the
    // cross-modal attention does, so the viewer's regions come from it.
    if (train.settings.attendAllPatches) {
        train.settings.selectionMode = lrclr::SelectionMode::CrossAttention;
        train.settings.topK = 6;
    }
    train.labelPrompts = options.has("label-prompts");
    train.freezeBackbone = options.has("freeze-backbone");
    train.augment = !options.has("no-augment");
    if (text.precision != "bf16" && text.precision != "fp32")
        throw std::invalid_argument("--precision must be bf16 or fp32, not \"" + text.precision + "\"");
    train.mixedPrecision = text.precision == "bf16";
    const auto colon = text.master.rfind(':');
    if (colon == std::string::npos)
        throw TrainingError("--master must be HOST:PORT");
    train.masterHost = text.master.substr(0, colon);
    train.masterPort = std::stoi(text.master.substr(colon + 1));
    train.toolVersion = SoftwareInventory::applicationVersion();
}

/// The progress line on stderr (rank 0 only): on a terminal every step rewrites it, in a log one line per ~2 % keeps
/// it readable.
class ProgressPrinter {
public:
    ProgressPrinter(const Trainer::Options& train, bool terminal)
        : m_train(train)
        , m_terminal(terminal)
    {
    }

    void operator()(const Trainer::Progress& progress)
    {
        if (m_train.rank != 0)
            return;
        if (progress.phase != Trainer::Progress::Phase::Training) {
            std::cerr << (m_terminal ? "\r\033[K" : "") << progress.message;
            if (progress.totalSteps > 0)
                std::cerr << " " << progress.step << "/" << progress.totalSteps;
            std::cerr << (m_terminal ? "" : "\n") << std::flush;
            return;
        }
        const int every = m_terminal ? 1 : std::max(1, progress.totalSteps / 50);
        if (progress.step % every != 0 && progress.step != progress.totalSteps)
            return;
        if (progress.step == m_lastPrinted)
            return;
        m_lastPrinted = progress.step;
        std::cerr << (m_terminal ? "\r\033[K" : "") << stepLine(progress) << (m_terminal ? "" : "\n") << std::flush;
    }

private:
    std::string stepLine(const Trainer::Progress& progress) const
    {
        constexpr int barWidth = 24;
        const int filled = progress.totalSteps > 0 ? barWidth * progress.step / progress.totalSteps : 0;
        std::ostringstream line;
        line << "step " << progress.step << "/" << progress.totalSteps << " [" << std::string(filled, '#')
             << std::string(barWidth - filled, ' ') << "] loss " << std::fixed << std::setprecision(4) << progress.loss
             << " (global " << std::setprecision(3) << progress.globalLoss << ", local " << progress.localLoss;
        if (m_train.boxWeight > 0)
            line << ", box " << progress.boxLoss;
        line << ") lr " << std::scientific << std::setprecision(2) << progress.learningRate << std::fixed
             << std::setprecision(1) << "  " << progress.imagesPerSecond << " img/s  ETA "
             << duration(progress.etaSeconds);
        return line.str();
    }

    const Trainer::Options& m_train;
    bool m_terminal = false;
    int m_lastPrinted = -1;
};

void printValidation(const Trainer::Validation& validation)
{
    std::cout << "validation at step " << validation.step << " (" << validation.studies << " studies):";
    const char* separator = " ";
    const auto part = [&](const char* name, double value, const char* suffix) {
        if (value < 0)
            return;
        std::cout << separator << name << " " << value << suffix;
        separator = ", ";
    };
    part("loss", validation.loss, "");
    part("pointing game", validation.pointingGameSimilarity, " (text.patch)");
    part("pointing game", validation.pointingGameAttention, " (attention)");
    part("mean AUC", validation.meanAuc, " (combined)");
    std::cout << "\n";
}

/// What rank 0 prints when training returns; returns the exit code (130 when stopped by Ctrl+C).
int printResult(const Trainer::Result& result, const Trainer::Options& train)
{
    std::cout << std::fixed << std::setprecision(4) << "trained " << result.steps << " steps (" << result.stepsPerEpoch
              << " per epoch) in " << duration(result.seconds) << ", " << std::setprecision(1) << result.imagesPerSecond
              << " images/s; loss " << std::setprecision(4) << result.firstLoss << " -> " << result.lastLoss << "\n";
    for (const auto& validation : result.validations)
        printValidation(validation);
    if (result.stoppedEarly) {
        std::cout << "stopped at step " << result.steps << "; continue with --resume " << train.outputDirectory
                  << "/checkpoint\n";
        return interrupted ? 130 : 0;
    }
    std::cout << "wrote " << result.directory << "\n";
    return 0;
}

/// Trains with a progress line, Ctrl+C stopping after the current step with a checkpoint; returns the exit code.
int runTraining(const Trainer::Options& train)
{
#ifdef _WIN32
    // The MSVC runtime runs the SIGINT handler on a thread of its own for Ctrl+C (and resets it to SIG_DFL first,
    // so a second Ctrl+C ends the process at once); onInterrupt only sets an atomic.
    const bool terminal = _isatty(_fileno(stderr)) != 0;
#else
    const bool terminal = isatty(STDERR_FILENO) != 0;
#endif
    const auto previous = std::signal(SIGINT, onInterrupt);
    try {
        const auto result = Trainer::run(train, ProgressPrinter(train, terminal), &interrupted);
        std::signal(SIGINT, previous);
        if (terminal)
            std::cerr << "\n";
        return train.rank == 0 ? printResult(result, train) : 0;
    } catch (const std::exception& error) {
        std::signal(SIGINT, previous);
        std::cerr << (terminal ? "\n" : "") << "lrclr train: " << error.what() << "\n";
        return 1;
    }
}

} // namespace

TrainCommand::TrainCommand()
    : Command("train", std::string(modelCommandSummary("train")))
{
}

int TrainCommand::run(const std::vector<std::string>& arguments)
{
    restartWithPassiveOpenMpWaits(name(), arguments);
    CommandOptions options(
        name(), "lrclr train --manifest M (--init MODEL_DIR | --architecture FILE.json|tiny) --out DIR [options]");
    Trainer::Options train;
    TextOptions text;
    describeOptions(options, train, text);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("manifest") || !options.has("out")
        || (options.has("init") + options.has("architecture") + options.has("resume")) == 0
        || (options.has("init") && options.has("architecture")))
        return options.usageError("--manifest, --out and one of --init / --architecture (or --resume) are required");
    try {
        completeOptions(options, text, train);
    } catch (const std::exception& error) {
        return options.error(error.what(), 2);
    }
    std::error_code ignored;
    if (!options.has("force") && !options.has("resume") && std::filesystem::is_directory(train.outputDirectory, ignored)
        && !std::filesystem::is_empty(train.outputDirectory, ignored))
        return options.error(train.outputDirectory
                + ": exists and is not empty (a model there would be overwritten); choose another --out or pass "
                  "--force",
            2);
    train.commandLine = options.commandLine(arguments);
    return runTraining(train);
}

} // namespace lrclr::cli
