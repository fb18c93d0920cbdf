#include "core/model/internal/ModelStore.h"

#include <filesystem>

#include "core/model/LrclrModel.h"
#include "core/model/Sha256.h"
#include "core/model/internal/TorchCheckpoint.h"

namespace lrclr::internal {

namespace {

namespace fs = std::filesystem;

ModelManifest::File describe(const fs::path& path)
{
    ModelManifest::File file;
    file.name = path.filename().string();
    file.size = fs::file_size(path);
    file.sha256 = Sha256::ofFile(path.string());
    return file;
}

void copyInto(const std::string& source, const fs::path& target)
{
    std::error_code error;
    if (!fs::is_regular_file(source, error))
        throw ModelError(source + ": no such file to copy into the model directory");
    if (fs::exists(target) && fs::equivalent(source, target, error))
        return;
    fs::copy_file(source, target, fs::copy_options::overwrite_existing, error);
    if (error)
        throw ModelError(target.string() + ": cannot copy " + source + " (" + error.message() + ")");
}

} // namespace

ModelDirectory ModelStore::save(
    const std::string& directory, const StateDict& weights, ModelManifest manifest, const SaveFiles& files)
{
    std::error_code error;
    fs::create_directories(directory, error);
    if (error)
        throw ModelError(directory + ": cannot create the model directory (" + error.message() + ")");
    const fs::path root(directory);

    // The manifest goes last, so a directory interrupted half-way never verifies as complete.
    fs::remove(root / ModelDirectory::kManifestName, error);

    const auto weightsPath = root / files.weightsName;
    TorchCheckpoint::write(weightsPath.string(), weights);
    manifest.weights = describe(weightsPath);
    manifest.weightsFormat = "torch-state-dict-zip";

    const auto mergesPath = root / fs::path(files.mergesSource).filename();
    copyInto(files.mergesSource, mergesPath);
    manifest.merges = describe(mergesPath);

    manifest.findingsFile.clear();
    if (!files.findingsSource.empty()) {
        copyInto(files.findingsSource, root / "findings.json");
        manifest.findingsFile = "findings.json";
    }
    ModelDirectory::writeManifest(directory, manifest);
    return ModelDirectory::open(directory);
}

StateDict ModelStore::loadWeights(const ModelDirectory& directory)
{
    return TorchCheckpoint::read(directory.weightsPath());
}

} // namespace lrclr::internal
