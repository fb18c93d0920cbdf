#include "app/cli/ManifestCommand.h"

#include <array>
#include <iostream>
#include <map>

#include "app/cli/CommandOptions.h"
#include "training/ChexpertReader.h"
#include "training/DatasetManifest.h"
#include "training/MimicCxrReader.h"
#include "training/Observations.h"

namespace lrclr::cli {

namespace {

void printSummary(const DatasetManifest& manifest)
{
    std::map<std::string, int> splits;
    std::map<std::string, std::array<int, 3>> labels; // positive, negative, uncertain
    int reports = 0;
    int grounded = 0;
    for (const auto& entry : manifest.entries()) {
        ++splits[entry.split.empty() ? "(none)" : entry.split];
        reports += (!entry.report.empty() || !entry.reportText.empty()) ? 1 : 0;
        for (const auto& sentence : entry.sentences)
            grounded += sentence.boxes.empty() ? 0 : 1;
        for (const auto& [name, value] : entry.labels)
            ++labels[name][value == 1 ? 0 : (value == 0 ? 1 : 2)];
    }
    std::cout << manifest.entries().size() << " studies, " << reports << " with a report, " << grounded
              << " sentences with boxes\nsplits:";
    for (const auto& [split, count] : splits)
        std::cout << ' ' << split << '=' << count;
    std::cout << "\nlabels (positive / negative / uncertain):\n";
    for (const auto& [name, counts] : labels)
        std::cout << "  " << name << ": " << counts[0] << " / " << counts[1] << " / " << counts[2] << '\n';
}

/// Where the studies come from: MIMIC-CXR-JPG (with its reports) or a CheXpert CSV (with its image root).
struct Sources {
    std::string mimic;
    std::string reports;
    std::string chexpert;
    std::string imageRoot;
    bool frontalOnly = true;
};

/// Reads the given source into a manifest; its warnings go to stderr.
DatasetManifest readSources(const Sources& sources)
{
    std::vector<std::string> warnings;
    DatasetManifest manifest;
    if (!sources.mimic.empty()) {
        MimicCxrReader::Options readerOptions;
        readerOptions.root = sources.mimic;
        readerOptions.reportsRoot = sources.reports;
        readerOptions.frontalOnly = sources.frontalOnly;
        manifest = MimicCxrReader::read(readerOptions, &warnings);
    } else {
        ChexpertReader::Options readerOptions;
        readerOptions.csv = sources.chexpert;
        readerOptions.imageRoot = sources.imageRoot;
        readerOptions.frontalOnly = sources.frontalOnly;
        manifest = ChexpertReader::read(readerOptions, &warnings);
    }
    for (const auto& warning : warnings)
        std::cerr << "warning: " << warning << '\n';
    return manifest;
}

} // namespace

ManifestCommand::ManifestCommand()
    : Command("manifest", "Build a dataset manifest from MIMIC-CXR-JPG or CheXpert, or check a manifest")
{
}

int ManifestCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(),
        "lrclr manifest (--mimic-cxr-jpg ROOT | --chexpert CSV) --out M.jsonl\n"
        "lrclr manifest --check M.jsonl");
    Sources sources;
    std::string output;
    std::string check;
    options.add()("mimic-cxr-jpg", po::value(&sources.mimic), "MIMIC-CXR-JPG root (holding files/ and the CSVs)")(
        "reports", po::value(&sources.reports), "folder holding files/pXX/pXXXXXXXX/sXXXXXXXX.txt (default: the root)")(
        "chexpert", po::value(&sources.chexpert), "CheXpert train.csv or valid.csv")(
        "image-root", po::value(&sources.imageRoot), "folder the CheXpert Path column is relative to")(
        "all-views", "keep lateral views too")("out,o", po::value(&output), "manifest to write (.jsonl)")(
        "check", po::value(&check), "read a manifest, report errors and a summary");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    const int given = (sources.mimic.empty() ? 0 : 1) + (sources.chexpert.empty() ? 0 : 1) + (check.empty() ? 0 : 1);
    if (given != 1 || (check.empty() && output.empty()))
        return options.usageError("give one of --mimic-cxr-jpg, --chexpert (with --out) or --check");
    if (!check.empty()) {
        printSummary(DatasetManifest::load(check));
        return 0;
    }
    sources.frontalOnly = !options.has("all-views");
    const auto manifest = readSources(sources);
    manifest.save(output);
    printSummary(manifest);
    std::cout << "manifest: " << output << '\n';
    return 0;
}

} // namespace lrclr::cli
