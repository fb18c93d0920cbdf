#include "app/cli/TrainCommand.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

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

std::string toolVersion()
{
    for (const auto& entry : SoftwareInventory::collect()) {
        if (entry.component == "LRCLR Viewer")
            return entry.version;
    }
    return "unknown";
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

} // namespace

int TrainCommand::run(const std::vector<std::string>& arguments)
{
    // LibTorch's OpenMP threads spin while they wait by default; on a machine whose cores are busy with other work
    // that spinning made training 15x slower (measured: 4 instead of 92 images/s with 2 threads on 2 shared cores).
    // libgomp reads its wait policy once at start-up, so the command restarts itself with it set.
    if (!std::getenv("OMP_WAIT_POLICY")) {
        ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        std::vector<std::string> words { "/proc/self/exe", name() };
        words.insert(words.end(), arguments.begin(), arguments.end());
        std::vector<char*> argv;
        for (auto& word : words)
            argv.push_back(word.data());
        argv.push_back(nullptr);
        ::execv("/proc/self/exe", argv.data());
        // Not reached unless exec failed; training still works, only slower under load.
    }
    namespace po = boost::program_options;
    po::options_description options(
        "lrclr train --manifest M (--init MODEL_DIR | --architecture FILE.json|tiny) --out DIR [options]");
    // clang-format off
    options.add_options()
        ("help,h", "show this help")
        ("manifest", po::value<std::string>(), "dataset manifest (.jsonl); trains on split train (or all but validate/test), validates on split validate")
        ("init", po::value<std::string>(), "model directory to fine-tune (e.g. an imported CheXzero)")
        ("architecture", po::value<std::string>(), "train from scratch: a JSON CLIP configuration (manifest key names) or 'tiny'")
        ("merges", po::value<std::string>(), "BPE merges file (required from scratch; see lrclr train-bpe)")
        ("findings", po::value<std::string>(), "findings/prompt file shipped with the model (default: the initial model's, else models/findings.json)")
        ("out", po::value<std::string>(), "model directory to write (also gets training-log.csv/.json and checkpoints)")
        ("name", po::value<std::string>(), "model name in the manifest")
        ("steps", po::value<int>()->default_value(0), "optimisation steps (0: --epochs)")
        ("epochs", po::value<double>()->default_value(1.0), "epochs when --steps is 0")
        ("batch-size", po::value<int>()->default_value(32), "global batch size")
        ("lr", po::value<double>()->default_value(1e-4), "peak learning rate (AdamW)")
        ("min-lr", po::value<double>()->default_value(0.0), "learning rate at the end of the cosine decay")
        ("warmup", po::value<int>()->default_value(-1), "warm-up steps (-1: 5 % of the steps)")
        ("weight-decay", po::value<double>()->default_value(0.1), "AdamW weight decay on backbone matrices")
        ("clip-grad", po::value<double>()->default_value(1.0), "gradient clipping: max global L2 norm (0: off)")
        ("global-weight", po::value<double>()->default_value(1.0), "weight of the CLIP (global) loss")
        ("local-weight", po::value<double>()->default_value(1.0), "weight of the LRCLR local loss (0: the global-only baseline)")
        ("box-weight", po::value<double>()->default_value(0.0), "weight of the auxiliary grounding loss on ground-truth boxes (supervised; off by default)")
        ("label-prompts", "add each finding's prompt (per the study's labels) as an extra sentence")
        ("sentence-global-weight", po::value<double>()->default_value(0.0), "global loss at sentence level too: each report sentence vs every study's image embedding")
        ("pooled-weight", po::value<double>()->default_value(0.0), "report-only local objective: pooled sentence<->image contrast on the text.patch map")
        ("intra-image-weight", po::value<double>()->default_value(0.0), "report-only: a sentence's attended region must beat its report's other sentences' regions")
        ("location-weight", po::value<double>()->default_value(0.0), "report-only: a sentence must beat its location-swapped twin (left<->right, upper<->lower)")
        ("pooling-sharpness", po::value<double>()->default_value(10.0), "log-mean-exp pooling sharpness of the map (higher: closer to the maximum)")
        ("gate-init", po::value<double>()->default_value(-1.0), "set the interaction gate before training (-1: keep the model's)")
        ("backbone-lr-scale", po::value<double>()->default_value(1.0), "fine-tuning: the backbone's learning rate as a share of the LRCLR layers' (0..1]")
        ("freeze-backbone", "train only the LRCLR layers (lrclr.*)")
        ("attend-all-patches", "from scratch: the cross-attention attends over every patch token; regions are then "
                               "where the finding prompts and sentences attend (selection mode cross-attention)")
        ("seed", po::value<std::uint64_t>()->default_value(0), "seed of weights, batch order and augmentation")
        ("threads", po::value<int>()->default_value(0), "LibTorch threads (0: one per core)")
        ("loader-threads", po::value<int>()->default_value(2), "data loading threads (decode, augment, tokenise)")
        ("prefetch", po::value<int>()->default_value(4), "batches prepared ahead")
        ("no-augment", "no intensity augmentation")
        ("flip-probability", po::value<double>()->default_value(0.0), "horizontal flips, with the report's side words swapped")
        ("max-sentences", po::value<int>()->default_value(12), "sentences per study in a batch")
        ("device", po::value<std::string>()->default_value("cpu"), "cpu, cuda or auto")
        ("precision", po::value<std::string>()->default_value("bf16"),
            "on CUDA: bf16 (autocast, Ampere or newer) or fp32 (TF32); the CPU always trains in fp32")
        ("checkpoint-every", po::value<int>()->default_value(0), "steps between checkpoints (DIR/checkpoint)")
        ("resume", po::value<std::string>(), "continue from a checkpoint directory (DIR/checkpoint)")
        ("validate-every", po::value<int>()->default_value(0), "steps between validation passes (0: at the end)")
        ("log-every", po::value<int>()->default_value(1), "steps between log rows")
        ("stop-after", po::value<int>()->default_value(0), "stop with a checkpoint after this step")
        ("rank", po::value<int>()->default_value(0), "data-parallel rank")
        ("world-size", po::value<int>()->default_value(1), "data-parallel processes")
        ("master", po::value<std::string>()->default_value("127.0.0.1:29500"), "rank 0's rendezvous host:port")
        ("description", po::value<std::string>(), "free text for the model manifest's notes");
    // clang-format on
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(options).run(), values);
    } catch (const po::error& error) {
        std::cerr << "lrclr train: " << error.what() << "\n" << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    if (!values.count("manifest") || !values.count("out")
        || (values.count("init") + values.count("architecture") + values.count("resume")) == 0
        || (values.count("init") && values.count("architecture"))) {
        std::cerr << "lrclr train: --manifest, --out and one of --init / --architecture (or --resume) are required\n"
                  << options;
        return 2;
    }

    Trainer::Options train;
    try {
        train.manifestPath = values["manifest"].as<std::string>();
        train.outputDirectory = values["out"].as<std::string>();
        if (values.count("init"))
            train.initModel = values["init"].as<std::string>();
        if (values.count("architecture")) {
            const auto architecture = values["architecture"].as<std::string>();
            train.architecture = architecture == "tiny"
                ? Trainer::tinyArchitecture()
                : Trainer::architectureFromJson(readFile(architecture), architecture);
        }
        if (values.count("merges"))
            train.mergesPath = values["merges"].as<std::string>();
        if (values.count("findings"))
            train.findingsPath = values["findings"].as<std::string>();
        if (values.count("name"))
            train.name = values["name"].as<std::string>();
        if (values.count("resume"))
            train.resumeDirectory = values["resume"].as<std::string>();
        if (values.count("description"))
            train.description = values["description"].as<std::string>();
        train.settings.attendAllPatches = values.count("attend-all-patches") != 0;
        // The vision attention of a model trained from scratch this way never learns to find lesions; the
        // cross-modal attention does, so the viewer's regions come from it.
        if (train.settings.attendAllPatches) {
            train.settings.selectionMode = lrclr::SelectionMode::CrossAttention;
            train.settings.topK = 6;
        }
        train.steps = values["steps"].as<int>();
        train.epochs = values["epochs"].as<double>();
        train.batchSize = values["batch-size"].as<int>();
        train.learningRate = values["lr"].as<double>();
        train.minimumLearningRate = values["min-lr"].as<double>();
        train.warmupSteps = values["warmup"].as<int>();
        train.weightDecay = values["weight-decay"].as<double>();
        train.gradientClip = values["clip-grad"].as<double>();
        train.globalWeight = values["global-weight"].as<double>();
        train.localWeight = values["local-weight"].as<double>();
        train.boxWeight = values["box-weight"].as<double>();
        train.labelPrompts = values.count("label-prompts") != 0;
        train.pooledWeight = values["pooled-weight"].as<double>();
        train.sentenceGlobalWeight = values["sentence-global-weight"].as<double>();
        train.intraImageWeight = values["intra-image-weight"].as<double>();
        train.locationWeight = values["location-weight"].as<double>();
        train.poolingSharpness = values["pooling-sharpness"].as<double>();
        train.gateInit = values["gate-init"].as<double>();
        train.backboneLearningRateScale = values["backbone-lr-scale"].as<double>();
        train.freezeBackbone = values.count("freeze-backbone") != 0;
        train.seed = values["seed"].as<std::uint64_t>();
        train.threads = values["threads"].as<int>();
        train.loaderThreads = values["loader-threads"].as<int>();
        train.prefetch = values["prefetch"].as<int>();
        train.augment = values.count("no-augment") == 0;
        train.flipProbability = values["flip-probability"].as<double>();
        train.maxSentences = values["max-sentences"].as<int>();
        train.device = values["device"].as<std::string>();
        const auto precision = values["precision"].as<std::string>();
        if (precision != "bf16" && precision != "fp32")
            throw std::invalid_argument("--precision must be bf16 or fp32, not \"" + precision + "\"");
        train.mixedPrecision = precision == "bf16";
        train.checkpointEvery = values["checkpoint-every"].as<int>();
        train.validateEvery = values["validate-every"].as<int>();
        train.logEvery = values["log-every"].as<int>();
        train.stopAfter = values["stop-after"].as<int>();
        train.rank = values["rank"].as<int>();
        train.worldSize = values["world-size"].as<int>();
        const auto master = values["master"].as<std::string>();
        const auto colon = master.rfind(':');
        if (colon == std::string::npos)
            throw TrainingError("--master must be HOST:PORT");
        train.masterHost = master.substr(0, colon);
        train.masterPort = std::stoi(master.substr(colon + 1));
        train.toolVersion = toolVersion();
        train.commandLine = "lrclr train";
        for (const auto& argument : arguments)
            train.commandLine += " " + argument;
    } catch (const std::exception& error) {
        std::cerr << "lrclr train: " << error.what() << "\n";
        return 2;
    }

    const bool terminal = isatty(STDERR_FILENO) != 0;
    const auto previous = std::signal(SIGINT, onInterrupt);
    int lastPrinted = -1;
    const auto onProgress = [&](const Trainer::Progress& progress) {
        if (train.rank != 0)
            return;
        if (progress.phase != Trainer::Progress::Phase::Training) {
            std::cerr << (terminal ? "\r\033[K" : "") << progress.message;
            if (progress.totalSteps > 0)
                std::cerr << " " << progress.step << "/" << progress.totalSteps;
            std::cerr << (terminal ? "" : "\n") << std::flush;
            return;
        }
        // On a terminal every step rewrites the line; in a log one line per ~2 % keeps it readable.
        const int every = terminal ? 1 : std::max(1, progress.totalSteps / 50);
        if (progress.step % every != 0 && progress.step != progress.totalSteps)
            return;
        if (progress.step == lastPrinted)
            return;
        lastPrinted = progress.step;
        constexpr int barWidth = 24;
        const int filled = progress.totalSteps > 0 ? barWidth * progress.step / progress.totalSteps : 0;
        std::ostringstream line;
        line << "step " << progress.step << "/" << progress.totalSteps << " [" << std::string(filled, '#')
             << std::string(barWidth - filled, ' ') << "] loss " << std::fixed << std::setprecision(4) << progress.loss
             << " (global " << std::setprecision(3) << progress.globalLoss << ", local " << progress.localLoss;
        if (train.boxWeight > 0)
            line << ", box " << progress.boxLoss;
        line << ") lr " << std::scientific << std::setprecision(2) << progress.learningRate << std::fixed
             << std::setprecision(1) << "  " << progress.imagesPerSecond << " img/s  ETA "
             << duration(progress.etaSeconds);
        std::cerr << (terminal ? "\r\033[K" : "") << line.str() << (terminal ? "" : "\n") << std::flush;
    };

    try {
        const auto result = Trainer::run(train, onProgress, &interrupted);
        std::signal(SIGINT, previous);
        if (terminal)
            std::cerr << "\n";
        if (train.rank != 0)
            return 0;
        std::cout << std::fixed << std::setprecision(4) << "trained " << result.steps << " steps ("
                  << result.stepsPerEpoch << " per epoch) in " << duration(result.seconds) << ", "
                  << std::setprecision(1) << result.imagesPerSecond << " images/s; loss " << std::setprecision(4)
                  << result.firstLoss << " -> " << result.lastLoss << "\n";
        for (const auto& validation : result.validations) {
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
        if (result.stoppedEarly) {
            std::cout << "stopped at step " << result.steps << "; continue with --resume " << train.outputDirectory
                      << "/checkpoint\n";
            return interrupted ? 130 : 0;
        }
        std::cout << "wrote " << result.directory << "\n";
        return 0;
    } catch (const std::exception& error) {
        std::signal(SIGINT, previous);
        std::cerr << (terminal ? "\n" : "") << "lrclr train: " << error.what() << "\n";
        return 1;
    }
}

} // namespace lrclr::cli
