#include "training/MimicCxrReader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "training/CsvReader.h"
#include "training/Observations.h"

namespace lrclr {

namespace {

namespace fs = std::filesystem;

struct StudyLabels {
    std::map<std::string, int> labels;
};

// "p10000032" -> "10000032"; "" when the name does not have the pattern.
std::string identifier(const std::string& name, char prefix)
{
    if (name.size() < 2 || name[0] != prefix)
        return {};
    const std::string digits = name.substr(1);
    return std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }) ? digits
                                                                                                      : std::string();
}

// Reads a numeric id cell ("10000032" or "10000032.0").
std::string idCell(const std::string& cell)
{
    std::string value = cell;
    if (value.size() > 2 && value.compare(value.size() - 2, 2, ".0") == 0)
        value.resize(value.size() - 2);
    return value;
}

std::string requireFile(const std::string& path, const char* what)
{
    if (!fs::is_regular_file(path))
        throw ManifestError(path + ": " + what + " not found");
    return path;
}

} // namespace

DatasetManifest MimicCxrReader::read(const Options& options, std::vector<std::string>* warnings)
{
    const fs::path root(options.root);
    const fs::path files = root / "files";
    if (!fs::is_directory(files))
        throw ManifestError(files.string() + ": not a folder (expected the MIMIC-CXR-JPG 'files' folder)");
    const fs::path reportsRoot = options.reportsRoot.empty() ? root : fs::path(options.reportsRoot);

    // Labels per study.
    const std::string chexpertPath = requireFile(
        options.chexpertCsv.empty() ? (root / "mimic-cxr-2.0.0-chexpert.csv").string() : options.chexpertCsv,
        "CheXpert label file");
    std::map<std::string, StudyLabels> labelsByStudy;
    {
        CsvReader csv(chexpertPath);
        std::vector<std::string> header;
        if (!csv.next(header))
            throw ManifestError(chexpertPath + ": empty file");
        const int studyColumn = CsvReader::column(header, "study_id");
        if (studyColumn < 0 || CsvReader::column(header, "subject_id") < 0)
            throw ManifestError(csv.where() + ": missing column subject_id or study_id");
        std::vector<std::pair<std::string, int>> observationColumns;
        for (const auto& name : Observations::names()) {
            const int column = CsvReader::column(header, name);
            if (column < 0)
                throw ManifestError(csv.where() + ": missing column '" + name + "'");
            observationColumns.emplace_back(name, column);
        }
        std::vector<std::string> row;
        while (csv.next(row)) {
            if (row.size() != header.size())
                throw ManifestError(csv.where() + ": expected " + std::to_string(header.size()) + " fields, found "
                    + std::to_string(row.size()));
            StudyLabels study;
            for (const auto& [name, column] : observationColumns) {
                try {
                    if (const auto label = Observations::parseLabelCell(row[static_cast<std::size_t>(column)]))
                        study.labels[name] = *label;
                } catch (const std::invalid_argument& error) {
                    throw ManifestError(csv.where() + ": column '" + name + "': " + error.what());
                }
            }
            labelsByStudy[idCell(row[static_cast<std::size_t>(studyColumn)])] = std::move(study);
        }
    }

    // Optional view positions and splits per image.
    std::map<std::string, std::string> viewByImage;
    const std::string metadataPath
        = options.metadataCsv.empty() ? (root / "mimic-cxr-2.0.0-metadata.csv").string() : options.metadataCsv;
    const bool haveMetadata = fs::is_regular_file(metadataPath);
    if (!options.metadataCsv.empty() && !haveMetadata)
        throw ManifestError(metadataPath + ": metadata file not found");
    if (haveMetadata) {
        CsvReader csv(metadataPath);
        std::vector<std::string> header;
        csv.next(header);
        const int dicomColumn = CsvReader::column(header, "dicom_id");
        const int viewColumn = CsvReader::column(header, "ViewPosition");
        if (dicomColumn < 0 || viewColumn < 0)
            throw ManifestError(csv.where() + ": missing column dicom_id or ViewPosition");
        std::vector<std::string> row;
        while (csv.next(row)) {
            if (row.size() != header.size())
                throw ManifestError(csv.where() + ": expected " + std::to_string(header.size()) + " fields");
            viewByImage[row[static_cast<std::size_t>(dicomColumn)]] = row[static_cast<std::size_t>(viewColumn)];
        }
    } else if (options.frontalOnly && warnings) {
        warnings->push_back(metadataPath + " not found: views are not filtered");
    }
    std::map<std::string, std::string> splitByImage;
    const std::string splitPath
        = options.splitCsv.empty() ? (root / "mimic-cxr-2.0.0-split.csv").string() : options.splitCsv;
    if (!options.splitCsv.empty())
        requireFile(splitPath, "split file");
    if (fs::is_regular_file(splitPath)) {
        CsvReader csv(splitPath);
        std::vector<std::string> header;
        csv.next(header);
        const int dicomColumn = CsvReader::column(header, "dicom_id");
        const int splitColumn = CsvReader::column(header, "split");
        if (dicomColumn < 0 || splitColumn < 0)
            throw ManifestError(csv.where() + ": missing column dicom_id or split");
        std::vector<std::string> row;
        while (csv.next(row)) {
            if (row.size() != header.size())
                throw ManifestError(csv.where() + ": expected " + std::to_string(header.size()) + " fields");
            std::string split = row[static_cast<std::size_t>(splitColumn)];
            if (split == "valid" || split == "validation")
                split = "validate";
            if (split != "train" && split != "validate" && split != "test")
                throw ManifestError(csv.where() + ": split must be train, validate or test, not '" + split + "'");
            splitByImage[row[static_cast<std::size_t>(dicomColumn)]] = split;
        }
    }

    // Images: files/pXX/pXXXXXXXX/sXXXXXXXX/<dicom_id>.jpg
    DatasetManifest manifest;
    manifest.setBaseDirectory(fs::absolute(root).string());
    int missingReports = 0;
    int missingLabels = 0;
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(files, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
        if (!it->is_regular_file())
            continue;
        const fs::path& image = it->path();
        std::string extension = image.extension().string();
        std::transform(extension.begin(), extension.end(), extension.begin(),
            [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (extension != ".jpg" && extension != ".jpeg")
            continue;
        const fs::path studyFolder = image.parent_path();
        const fs::path subjectFolder = studyFolder.parent_path();
        const std::string studyId = identifier(studyFolder.filename().string(), 's');
        const std::string subjectId = identifier(subjectFolder.filename().string(), 'p');
        if (studyId.empty() || subjectId.empty()) {
            if (warnings)
                warnings->push_back(image.string() + ": not in a pXXXXXXXX/sXXXXXXXX folder, skipped");
            continue;
        }
        const std::string dicomId = image.stem().string();
        ManifestEntry entry;
        if (haveMetadata) {
            const auto view = viewByImage.find(dicomId);
            entry.view = view == viewByImage.end() ? std::string() : view->second;
            if (options.frontalOnly && entry.view != "PA" && entry.view != "AP")
                continue;
        }
        entry.image = fs::absolute(image).lexically_normal().string();
        entry.subjectId = subjectId;
        entry.studyId = studyId;
        const fs::path report = reportsRoot / "files" / subjectFolder.parent_path().filename()
            / subjectFolder.filename() / (studyFolder.filename().string() + ".txt");
        if (fs::is_regular_file(report))
            entry.report = fs::absolute(report).lexically_normal().string();
        else
            ++missingReports;
        const auto labels = labelsByStudy.find(studyId);
        if (labels != labelsByStudy.end())
            entry.labels = labels->second.labels;
        else
            ++missingLabels;
        const auto split = splitByImage.find(dicomId);
        if (split != splitByImage.end())
            entry.split = split->second;
        manifest.add(std::move(entry));
    }
    if (error)
        throw ManifestError(files.string() + ": cannot list (" + error.message() + ")");
    std::sort(manifest.entries().begin(), manifest.entries().end(),
        [](const ManifestEntry& a, const ManifestEntry& b) { return a.image < b.image; });
    if (warnings && missingReports > 0)
        warnings->push_back(
            std::to_string(missingReports) + " image(s) without a report under " + (reportsRoot / "files").string());
    if (warnings && missingLabels > 0)
        warnings->push_back(std::to_string(missingLabels) + " image(s) whose study has no row in " + chexpertPath);
    return manifest;
}

} // namespace lrclr
