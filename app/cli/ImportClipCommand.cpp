#include "app/cli/ImportClipCommand.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/support/SoftwareInventory.h"
#include "core/model/ClipImporter.h"

namespace lrclr::cli {

namespace {

namespace fs = std::filesystem;

/// The merges file when --merges is absent: CLIP's file beside the checkpoint, as CheXzero ships it.
std::string defaultMerges(const std::string& checkpoint)
{
    const auto candidate = fs::path(checkpoint).parent_path() / "bpe_simple_vocab_16e6.txt.gz";
    return fs::exists(candidate) ? candidate.string() : std::string();
}

/// The project's default findings list (models/findings.json, relative to the working directory) when present.
std::string defaultFindings()
{
    const fs::path candidate("models/findings.json");
    return fs::is_regular_file(candidate) ? candidate.string() : std::string();
}

/// What was imported and verified, for the user.
void printReport(const std::string& checkpointPath, const ClipImporter::Report& report, double seconds)
{
    const auto& config = report.config;
    std::string dtypes;
    for (const auto& dtype : report.dtypes)
        dtypes += (dtypes.empty() ? "" : ", ") + dtype;
    std::cout << "Imported " << checkpointPath << "\n"
              << "  sha256       " << report.checkpointSha256 << "\n"
              << "  tensors      " << report.tensorCount << " (" << dtypes << "), " << report.parameterCount
              << " parameters\n"
              << "  vision       ViT " << config.visionLayers << " layers, width " << config.visionWidth << ", "
              << config.visionHeads << " heads, patch " << config.visionPatchSize << ", " << config.imageResolution
              << " px (" << config.gridSize() << "x" << config.gridSize() << " grid)\n"
              << "  text         " << config.textLayers << " layers, width " << config.textWidth << ", "
              << config.textHeads << " heads, context " << config.contextLength << ", vocabulary "
              << config.vocabularySize << "\n"
              << "  embedding    " << config.embedDimension << "\n";
    for (const auto& key : report.droppedKeys)
        std::cout << "  dropped      '" << key << "' (not a weight; CLIP's build_model drops it too)\n";
    std::cout << "Wrote " << report.directory << "\n"
              << "  weights      sha256 " << report.weightsSha256 << ", " << report.weightsSize << " bytes\n"
              << "  merges       sha256 " << report.mergesSha256 << "\n"
              << "  findings     " << (report.findingsFile.empty() ? "(none)" : report.findingsFile) << "\n"
              << "Verified: re-opened, SHA-256s match the manifest, all " << report.tensorCount
              << " tensors equal the checkpoint (" << std::fixed << std::setprecision(1) << seconds << " s)\n";
}

} // namespace

ImportClipCommand::ImportClipCommand()
    : Command("import-clip", std::string(modelCommandSummary("import-clip")))
{
}

int ImportClipCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr import-clip CHECKPOINT.pt [options]");
    options.add()("merges", po::value<std::string>(),
        "CLIP BPE merges file (default: bpe_simple_vocab_16e6.txt.gz beside the checkpoint)")(
        "findings", po::value<std::string>(), "findings/prompt file to include (default: models/findings.json)")(
        "out", po::value<std::string>(), "model directory to create")(
        "name", po::value<std::string>(), "model name for the manifest (default: the checkpoint's file name)")(
        "force", "replace the files of an existing, non-empty output directory");
    options.addHidden()("checkpoint", po::value<std::string>());
    options.addPositional("checkpoint");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("checkpoint") || !options.has("out"))
        return options.usageError("a CHECKPOINT and --out DIR are required");

    ClipImporter::Options importOptions;
    importOptions.checkpointPath = options.value<std::string>("checkpoint");
    importOptions.outputDirectory = options.value<std::string>("out");
    importOptions.mergesPath = options.valueOr("merges", defaultMerges(importOptions.checkpointPath));
    if (importOptions.mergesPath.empty())
        return options.error("no merges file beside the checkpoint; pass --merges FILE", 2);
    importOptions.findingsPath = options.valueOr("findings", defaultFindings());
    importOptions.overwrite = options.has("force");
    importOptions.name = options.valueOr("name", importOptions.name);
    importOptions.toolVersion = SoftwareInventory::applicationVersion();
    importOptions.command = options.commandLine(arguments);

    const auto start = std::chrono::steady_clock::now();
    const auto report = ClipImporter::run(importOptions);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    printReport(importOptions.checkpointPath, report, seconds);
    return report.verified ? 0 : 1;
}

} // namespace lrclr::cli
