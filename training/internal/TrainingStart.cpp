#include "training/internal/TrainingStart.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/model/ClipTokenizer.h"
#include "core/model/ModelDirectory.h"
#include "core/model/TorchRuntime.h"
#include "core/model/internal/ModelStore.h"
#include "core/model/internal/StateDict.h"
#include "training/internal/TrainingRun.h"

namespace lrclr::internal {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string readText(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw TrainingError(path + ": cannot open");
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

// The default findings file: the project's models/findings.json relative to the working directory.
std::string defaultFindings()
{
    const fs::path candidate("models/findings.json");
    return fs::is_regular_file(candidate) ? candidate.string() : std::string();
}

// The configuration, files and provenance of the model directory training starts from; returns its weights.
StateDict startFromModel(TrainingRun& run, const std::string& weightsSource, const Json& resumedState)
{
    const auto directory = ModelDirectory::open(weightsSource);
    const auto& manifest = directory.manifest();
    run.config = manifest.clip;
    try {
        run.settings = LrclrSettings::fromJson(manifest.lrclrJson);
        run.preprocessing
            = LrclrSettings::preprocessingFromJson(manifest.preprocessingJson, run.config.imageResolution);
    } catch (const std::exception& error) {
        throw TrainingError(weightsSource + ": " + error.what());
    }
    run.mergesPath = directory.mergesPath();
    run.findingsPath = directory.findingsPath();
    auto weights = ModelStore::loadWeights(directory);
    if (run.options.resumeDirectory.empty()) {
        run.sourceModel = weightsSource;
        run.sourceSha256 = manifest.weights.sha256;
    } else {
        run.sourceModel = resumedState.value("source_model", std::string());
        run.sourceSha256 = resumedState.value("source_sha256", std::string());
    }
    return weights;
}

void startFromArchitecture(TrainingRun& run)
{
    run.config = run.options.architecture;
    run.settings = run.options.settings;
    run.preprocessing.mode = run.options.preprocessingMode;
    run.preprocessing.inputSize = run.config.imageResolution;
    run.sourceModel = "";
}

// The merges and findings files: the options' over the model's (a resumed run keeps the checkpoint's).
void chooseFiles(TrainingRun& run)
{
    const auto& options = run.options;
    if (options.resumeDirectory.empty()) {
        if (!options.mergesPath.empty())
            run.mergesPath = options.mergesPath;
        if (!options.findingsPath.empty())
            run.findingsPath = options.findingsPath;
    }
    if (run.findingsPath.empty())
        run.findingsPath = defaultFindings();
    if (run.mergesPath.empty())
        throw TrainingError("train: a from-scratch model needs --merges (a BPE merges file, see `lrclr train-bpe`)");
}

// The merges file must give the vocabulary of the model's token embedding (from scratch: it sets it).
void matchVocabulary(TrainingRun& run)
{
    const ClipTokenizer tokenizer(run.mergesPath, run.config.vocabularySize);
    if (run.config.vocabularySize == 0)
        run.config.vocabularySize = tokenizer.vocabularySize();
    if (tokenizer.vocabularySize() != run.config.vocabularySize)
        throw TrainingError(run.mergesPath + ": gives a vocabulary of " + std::to_string(tokenizer.vocabularySize())
            + " tokens but the model's token embedding has " + std::to_string(run.config.vocabularySize));
}

// --local-head: a new locality-restricted patch head for the maps (a resumed run keeps its checkpoint's).
void chooseLocalHead(TrainingRun& run)
{
    const auto layers = run.options.localHeadLayers;
    if (layers < 0 || !run.options.resumeDirectory.empty())
        return;
    if (layers > LrclrSettings::kMaximumLocalHeadLayers)
        throw TrainingError("train: --local-head takes 0 to " + std::to_string(LrclrSettings::kMaximumLocalHeadLayers)
            + " layers, not " + std::to_string(layers));
    run.settings.localHeadLayers = layers;
}

void buildNetwork(TrainingRun& run, const StateDict* initialWeights, const std::string& weightsSource)
{
    try {
        run.network = std::make_unique<ClipNetwork>(run.config);
        if (run.settings.localHeadLayers > 0)
            run.network->addLocalPatchHead(run.settings.localHeadLayers);
        if (initialWeights)
            run.network->loadStateDict(*initialWeights);
    } catch (const std::invalid_argument& error) {
        throw TrainingError(weightsSource + ": " + error.what());
    }
}

// The device and threads.
void placeOnDevice(TrainingRun& run)
{
    const auto& options = run.options;
    run.useCuda = options.device == "cuda" || (options.device == "auto" && torch::cuda::is_available());
    if (options.device == "cuda" && !torch::cuda::is_available())
        throw TrainingError("train: --device cuda, but LibTorch sees no CUDA device");
    if (options.device != "cpu" && options.device != "cuda" && options.device != "auto")
        throw TrainingError("train: --device must be cpu, cuda or auto");
    if (run.useCuda) {
        // TF32 tensor cores for what autocast leaves in fp32 (and everything with --precision fp32).
        at::globalContext().setAllowTF32CuBLAS(true);
        at::globalContext().setAllowTF32CuDNN(true);
        // One GPU per data-parallel rank (NCCL refuses two ranks on one GPU); ranks numbered machine by machine.
        const auto gpus = static_cast<int>(torch::cuda::device_count());
        run.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.rank % std::max(1, gpus)));
        run.network->moveTo(run.device, false);
    } else {
        TorchRuntime::configureThreads(options.threads);
    }
}

void joinGroup(TrainingRun& run)
{
    if (run.options.worldSize <= 1)
        return;
    DistributedGroup::Options groupOptions;
    groupOptions.rank = run.options.rank;
    groupOptions.worldSize = run.options.worldSize;
    groupOptions.host = run.options.masterHost;
    groupOptions.port = run.options.masterPort;
    run.group = DistributedGroup::join(groupOptions);
}

void initializeGate(TrainingRun& run)
{
    if (run.options.gateInit >= 0.0 && run.options.resumeDirectory.empty()) {
        torch::NoGradGuard noGrad;
        run.parameter("lrclr.interaction.gate").fill_(run.options.gateInit);
    }
}

} // namespace

TrainingStart TrainingStart::prepare(TrainingRun& run)
{
    const auto& options = run.options;
    TrainingStart start;
    std::string weightsSource = options.initModel;
    if (!options.resumeDirectory.empty()) {
        start.resumedState = Json::parse(readText((fs::path(options.resumeDirectory) / "state.json").string()));
        start.step = start.resumedState.at("step").get<int>();
        weightsSource = (fs::path(options.resumeDirectory) / "model").string();
    }
    StateDict initialWeights;
    const bool haveWeights = !weightsSource.empty();
    if (haveWeights)
        initialWeights = startFromModel(run, weightsSource, start.resumedState);
    else
        startFromArchitecture(run);
    chooseFiles(run);
    matchVocabulary(run);
    chooseLocalHead(run);
    buildNetwork(run, haveWeights ? &initialWeights : nullptr, weightsSource);
    placeOnDevice(run);
    joinGroup(run);
    initializeGate(run);
    return start;
}

} // namespace lrclr::internal
