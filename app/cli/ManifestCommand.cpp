#include "app/cli/ManifestCommand.h"

#include <array>
#include <iostream>
#include <map>

#include <boost/program_options.hpp>

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

} // namespace

int ManifestCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options("lrclr manifest (--mimic-cxr-jpg ROOT | --chexpert CSV) --out M.jsonl\n"
                                    "lrclr manifest --check M.jsonl");
    std::string mimic;
    std::string reports;
    std::string chexpert;
    std::string imageRoot;
    std::string output;
    std::string check;
    options.add_options()("help,h", "show this help")(
        "mimic-cxr-jpg", po::value(&mimic), "MIMIC-CXR-JPG root (holding files/ and the CSVs)")(
        "reports", po::value(&reports), "folder holding files/pXX/pXXXXXXXX/sXXXXXXXX.txt (default: the root)")(
        "chexpert", po::value(&chexpert), "CheXpert train.csv or valid.csv")("image-root", po::value(&imageRoot),
        "folder the CheXpert Path column is relative to")("all-views", "keep lateral views too")("out,o",
        po::value(&output),
        "manifest to write (.jsonl)")("check", po::value(&check), "read a manifest, report errors and a summary");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(options).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "lrclr manifest: " << error.what() << "\n" << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    const int sources = (mimic.empty() ? 0 : 1) + (chexpert.empty() ? 0 : 1) + (check.empty() ? 0 : 1);
    if (sources != 1 || (check.empty() && output.empty())) {
        std::cerr << "lrclr manifest: give one of --mimic-cxr-jpg, --chexpert (with --out) or --check\n" << options;
        return 2;
    }
    try {
        if (!check.empty()) {
            printSummary(DatasetManifest::load(check));
            return 0;
        }
        std::vector<std::string> warnings;
        DatasetManifest manifest;
        if (!mimic.empty()) {
            MimicCxrReader::Options readerOptions;
            readerOptions.root = mimic;
            readerOptions.reportsRoot = reports;
            readerOptions.frontalOnly = values.count("all-views") == 0;
            manifest = MimicCxrReader::read(readerOptions, &warnings);
        } else {
            ChexpertReader::Options readerOptions;
            readerOptions.csv = chexpert;
            readerOptions.imageRoot = imageRoot;
            readerOptions.frontalOnly = values.count("all-views") == 0;
            manifest = ChexpertReader::read(readerOptions, &warnings);
        }
        for (const auto& warning : warnings)
            std::cerr << "warning: " << warning << '\n';
        manifest.save(output);
        printSummary(manifest);
        std::cout << "manifest: " << output << '\n';
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "lrclr manifest: " << error.what() << '\n';
        return 1;
    }
}

} // namespace lrclr::cli
