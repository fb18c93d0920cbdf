#include "app/cli/ImportClipCommand.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include <boost/program_options.hpp>

#include "app/support/SoftwareInventory.h"
#include "core/model/ClipImporter.h"

namespace lrclr::cli {

namespace {

namespace fs = std::filesystem;

std::string toolVersion()
{
    for (const auto& entry : SoftwareInventory::collect()) {
        if (entry.component == "LRCLR Viewer")
            return entry.version;
    }
    return "unknown";
}

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

} // namespace

int ImportClipCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options("lrclr import-clip CHECKPOINT.pt [options]");
    options.add_options()("help,h", "show this help")("merges", po::value<std::string>(),
        "CLIP BPE merges file (default: bpe_simple_vocab_16e6.txt.gz beside the checkpoint)")(
        "findings", po::value<std::string>(), "findings/prompt file to include (default: models/findings.json)")(
        "out", po::value<std::string>(), "model directory to create")(
        "name", po::value<std::string>(), "model name for the manifest (default: the checkpoint's file name)")(
        "force", "replace the files of an existing, non-empty output directory");
    po::options_description hidden;
    hidden.add_options()("checkpoint", po::value<std::string>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("checkpoint", 1);

    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
    } catch (const po::error& error) {
        std::cerr << "lrclr import-clip: " << error.what() << "\n" << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    if (!values.count("checkpoint") || !values.count("out")) {
        std::cerr << "lrclr import-clip: a CHECKPOINT and --out DIR are required\n" << options;
        return 2;
    }

    ClipImporter::Options importOptions;
    importOptions.checkpointPath = values["checkpoint"].as<std::string>();
    importOptions.outputDirectory = values["out"].as<std::string>();
    importOptions.mergesPath
        = values.count("merges") ? values["merges"].as<std::string>() : defaultMerges(importOptions.checkpointPath);
    if (importOptions.mergesPath.empty()) {
        std::cerr << "lrclr import-clip: no merges file beside the checkpoint; pass --merges FILE\n";
        return 2;
    }
    importOptions.findingsPath = values.count("findings") ? values["findings"].as<std::string>() : defaultFindings();
    importOptions.overwrite = values.count("force") != 0;
    if (values.count("name"))
        importOptions.name = values["name"].as<std::string>();
    importOptions.toolVersion = toolVersion();
    importOptions.command = "lrclr import-clip";
    for (const auto& argument : arguments)
        importOptions.command += " " + argument;

    const auto start = std::chrono::steady_clock::now();
    const auto report = ClipImporter::run(importOptions);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto& config = report.config;
    std::string dtypes;
    for (const auto& dtype : report.dtypes)
        dtypes += (dtypes.empty() ? "" : ", ") + dtype;
    std::cout << "Imported " << importOptions.checkpointPath << "\n"
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
    return report.verified ? 0 : 1;
}

} // namespace lrclr::cli
