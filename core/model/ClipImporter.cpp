#include "core/model/ClipImporter.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>

#include <torch/torch.h>

#include "core/model/ClipTokenizer.h"
#include "core/model/LrclrModel.h"
#include "core/model/ModelDirectory.h"
#include "core/model/Sha256.h"
#include "core/model/internal/ModelStore.h"
#include "core/model/internal/TorchCheckpoint.h"

namespace lrclr {

namespace {

namespace fs = std::filesystem;

std::string utcNow()
{
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
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

} // namespace

ClipImporter::Report ClipImporter::run(const Options& options)
{
    if (options.outputDirectory.empty())
        throw ModelError("import-clip: no output directory given");
    std::error_code error;
    if (fs::exists(options.outputDirectory, error) && !fs::is_empty(options.outputDirectory, error)
        && !options.overwrite)
        throw ModelError(options.outputDirectory + ": exists and is not empty; choose another directory or overwrite");

    const auto checkpoint = internal::TorchCheckpoint::read(options.checkpointPath);
    Report report;
    // build_model() deletes these JIT-era attributes when a state dict carries them; they are not weights.
    internal::StateDict stateDict;
    for (const auto& key : checkpoint.keys()) {
        if (key == "input_resolution" || key == "context_length" || key == "vocab_size")
            report.droppedKeys.push_back(key);
        else
            stateDict.insert(key, checkpoint.tensor(key));
    }
    try {
        report.config = ClipConfig::fromShapes(stateDict.shapes());
    } catch (const std::invalid_argument& problem) {
        throw ModelError(options.checkpointPath + ": not an OpenAI CLIP ViT state dict: " + problem.what());
    }
    // The merges must yield the vocabulary the token embedding was trained with.
    {
        const ClipTokenizer tokenizer(options.mergesPath, report.config.vocabularySize);
        if (tokenizer.vocabularySize() != report.config.vocabularySize)
            throw ModelError(options.mergesPath + ": gives a vocabulary of "
                + std::to_string(tokenizer.vocabularySize()) + " tokens but the checkpoint's token embedding has "
                + std::to_string(report.config.vocabularySize));
    }
    report.checkpointSha256 = Sha256::ofFile(options.checkpointPath);

    std::set<std::string> dtypes;
    for (const auto& key : stateDict.keys()) {
        const auto tensor = stateDict.tensor(key);
        report.parameterCount += tensor.numel();
        dtypes.insert(internal::TorchCheckpoint::dtypeName(tensor));
    }
    report.tensorCount = stateDict.keys().size();
    report.dtypes.assign(dtypes.begin(), dtypes.end());

    ModelManifest manifest;
    manifest.name = options.name.empty() ? fs::path(options.checkpointPath).stem().string() : options.name;
    manifest.clip = report.config;
    manifest.lrclrJson = options.lrclrJson;
    manifest.preprocessingJson = options.preprocessingJson;
    manifest.provenance.sourceCheckpoint = options.checkpointPath;
    manifest.provenance.sourceSha256 = report.checkpointSha256;
    manifest.provenance.command = options.command;
    manifest.provenance.date = utcNow();
    manifest.provenance.toolVersion = options.toolVersion;

    internal::ModelStore::SaveFiles files;
    files.mergesSource = options.mergesPath;
    files.findingsSource = options.findingsPath;
    const auto saved = internal::ModelStore::save(options.outputDirectory, stateDict, manifest, files);

    // Verification from disk: open() re-checks the SHA-256s; then every tensor must equal the checkpoint's.
    const auto reopened = ModelDirectory::open(options.outputDirectory);
    const auto reloaded = internal::ModelStore::loadWeights(reopened);
    if (reloaded.keys() != stateDict.keys())
        throw ModelError(reopened.weightsPath() + ": the written tensors differ in names or order from the checkpoint");
    for (const auto& key : stateDict.keys()) {
        const auto original = stateDict.tensor(key);
        const auto copy = reloaded.tensor(key);
        if (copy.scalar_type() != original.scalar_type() || !copy.sizes().equals(original.sizes())
            || !torch::equal(copy, original))
            throw ModelError(
                reopened.weightsPath() + ": tensor '" + key + "' differs from the checkpoint after writing");
    }
    if (ClipConfig::fromShapes(reloaded.shapes()).embedDimension != reopened.manifest().clip.embedDimension)
        throw ModelError(reopened.weightsPath() + ": the manifest's configuration does not match the weights");

    report.directory = reopened.directory();
    report.weightsSha256 = reopened.manifest().weights.sha256;
    report.weightsSize = reopened.manifest().weights.size;
    report.mergesSha256 = reopened.manifest().merges.sha256;
    report.findingsFile = reopened.manifest().findingsFile;
    report.verified = true;
    (void)saved;
    return report;
}

} // namespace lrclr
