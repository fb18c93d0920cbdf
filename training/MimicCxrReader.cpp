#include "training/MimicCxrReader.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>

#include "training/CsvReader.h"
#include "training/internal/ObservationColumns.h"

namespace lrclr {

namespace {

namespace fs = std::filesystem;

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

// The labels of every study in the CheXpert label file, by study id.
std::map<std::string, std::map<std::string, int>> readLabels(const std::string& chexpertPath)
{
    std::map<std::string, std::map<std::string, int>> labelsByStudy;
    CsvReader csv(chexpertPath);
    std::vector<std::string> header;
    if (!csv.next(header))
        throw ManifestError(chexpertPath + ": empty file");
    const int studyColumn = CsvReader::column(header, "study_id");
    if (studyColumn < 0 || CsvReader::column(header, "subject_id") < 0)
        throw ManifestError(csv.where() + ": missing column subject_id or study_id");
    const internal::ObservationColumns observationColumns(header, csv);
    std::vector<std::string> row;
    while (csv.next(row)) {
        if (row.size() != header.size())
            throw ManifestError(csv.where() + ": expected " + std::to_string(header.size()) + " fields, found "
                + std::to_string(row.size()));
        auto labels = observationColumns.labels(row, csv);
        labelsByStudy[idCell(row[static_cast<std::size_t>(studyColumn)])] = std::move(labels);
    }
    return labelsByStudy;
}

// dicom_id -> `value` of the cell in column `valueColumn`, for every row of a per-image CSV (metadata, split).
// `value` may throw ManifestError at the CSV's line.
std::map<std::string, std::string> valuesByImage(const std::string& path, const std::string& valueColumn,
    const std::function<std::string(const std::string&, const CsvReader&)>& value)
{
    std::map<std::string, std::string> values;
    CsvReader csv(path);
    std::vector<std::string> header;
    csv.next(header);
    const int dicomColumn = CsvReader::column(header, "dicom_id");
    const int column = CsvReader::column(header, valueColumn);
    if (dicomColumn < 0 || column < 0)
        throw ManifestError(csv.where() + ": missing column dicom_id or " + valueColumn);
    std::vector<std::string> row;
    while (csv.next(row)) {
        if (row.size() != header.size())
            throw ManifestError(csv.where() + ": expected " + std::to_string(header.size()) + " fields");
        values[row[static_cast<std::size_t>(dicomColumn)]] = value(row[static_cast<std::size_t>(column)], csv);
    }
    return values;
}

// "valid"/"validation" read as "validate"; anything but train, validate or test is an error.
std::string splitCell(const std::string& cell, const CsvReader& csv)
{
    std::string split = cell;
    if (split == "valid" || split == "validation")
        split = "validate";
    if (split != "train" && split != "validate" && split != "test")
        throw ManifestError(csv.where() + ": split must be train, validate or test, not '" + split + "'");
    return split;
}

std::string asIs(const std::string& cell, const CsvReader&)
{
    return cell;
}

// What the CSV files give per study and per image.
struct Tables {
    std::string chexpertPath;
    std::map<std::string, std::map<std::string, int>> labelsByStudy;
    bool haveMetadata = false;
    std::map<std::string, std::string> viewByImage;
    std::map<std::string, std::string> splitByImage;
};

Tables readTables(const MimicCxrReader::Options& options, std::vector<std::string>* warnings)
{
    const fs::path root(options.root);
    Tables tables;
    tables.chexpertPath = requireFile(
        options.chexpertCsv.empty() ? (root / "mimic-cxr-2.0.0-chexpert.csv").string() : options.chexpertCsv,
        "CheXpert label file");
    tables.labelsByStudy = readLabels(tables.chexpertPath);

    // Optional view positions and splits per image.
    const std::string metadataPath
        = options.metadataCsv.empty() ? (root / "mimic-cxr-2.0.0-metadata.csv").string() : options.metadataCsv;
    tables.haveMetadata = fs::is_regular_file(metadataPath);
    if (!options.metadataCsv.empty() && !tables.haveMetadata)
        throw ManifestError(metadataPath + ": metadata file not found");
    if (tables.haveMetadata)
        tables.viewByImage = valuesByImage(metadataPath, "ViewPosition", asIs);
    else if (options.frontalOnly && warnings)
        warnings->push_back(metadataPath + " not found: views are not filtered");
    const std::string splitPath
        = options.splitCsv.empty() ? (root / "mimic-cxr-2.0.0-split.csv").string() : options.splitCsv;
    if (!options.splitCsv.empty())
        requireFile(splitPath, "split file");
    if (fs::is_regular_file(splitPath))
        tables.splitByImage = valuesByImage(splitPath, "split", splitCell);
    return tables;
}

bool isJpeg(const fs::path& image)
{
    std::string extension = image.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".jpg" || extension == ".jpeg";
}

// The studies' images and reports under the MIMIC-CXR folders, with the tables' labels, views and splits.
class ImageScan {
public:
    ImageScan(const MimicCxrReader::Options& options, const Tables& tables, std::vector<std::string>* warnings)
        : m_options(options)
        , m_tables(tables)
        , m_reportsRoot(options.reportsRoot.empty() ? fs::path(options.root) : fs::path(options.reportsRoot))
        , m_warnings(warnings)
    {
    }

    // Adds the entry of `image` (files/pXX/pXXXXXXXX/sXXXXXXXX/<dicom_id>.jpg) to `manifest`, unless it is not
    // in such a folder (a warning) or not a frontal view when only those are wanted.
    void add(const fs::path& image, DatasetManifest& manifest);
    // The counts of images without a report or labels, as warnings.
    void warnAboutMissing() const;

private:
    const MimicCxrReader::Options& m_options;
    const Tables& m_tables;
    const fs::path m_reportsRoot;
    std::vector<std::string>* m_warnings;
    int m_missingReports = 0;
    int m_missingLabels = 0;
};

void ImageScan::add(const fs::path& image, DatasetManifest& manifest)
{
    const fs::path studyFolder = image.parent_path();
    const fs::path subjectFolder = studyFolder.parent_path();
    const std::string studyId = identifier(studyFolder.filename().string(), 's');
    const std::string subjectId = identifier(subjectFolder.filename().string(), 'p');
    if (studyId.empty() || subjectId.empty()) {
        if (m_warnings)
            m_warnings->push_back(image.string() + ": not in a pXXXXXXXX/sXXXXXXXX folder, skipped");
        return;
    }
    const std::string dicomId = image.stem().string();
    ManifestEntry entry;
    if (m_tables.haveMetadata) {
        const auto view = m_tables.viewByImage.find(dicomId);
        entry.view = view == m_tables.viewByImage.end() ? std::string() : view->second;
        if (m_options.frontalOnly && entry.view != "PA" && entry.view != "AP")
            return;
    }
    entry.image = fs::absolute(image).lexically_normal().string();
    entry.subjectId = subjectId;
    entry.studyId = studyId;
    const fs::path report = m_reportsRoot / "files" / subjectFolder.parent_path().filename() / subjectFolder.filename()
        / (studyFolder.filename().string() + ".txt");
    if (fs::is_regular_file(report))
        entry.report = fs::absolute(report).lexically_normal().string();
    else
        ++m_missingReports;
    const auto labels = m_tables.labelsByStudy.find(studyId);
    if (labels != m_tables.labelsByStudy.end())
        entry.labels = labels->second;
    else
        ++m_missingLabels;
    const auto split = m_tables.splitByImage.find(dicomId);
    if (split != m_tables.splitByImage.end())
        entry.split = split->second;
    manifest.add(std::move(entry));
}

void ImageScan::warnAboutMissing() const
{
    if (m_warnings && m_missingReports > 0)
        m_warnings->push_back(std::to_string(m_missingReports) + " image(s) without a report under "
            + (m_reportsRoot / "files").string());
    if (m_warnings && m_missingLabels > 0)
        m_warnings->push_back(
            std::to_string(m_missingLabels) + " image(s) whose study has no row in " + m_tables.chexpertPath);
}

} // namespace

DatasetManifest MimicCxrReader::read(const Options& options, std::vector<std::string>* warnings)
{
    const fs::path root(options.root);
    const fs::path files = root / "files";
    if (!fs::is_directory(files))
        throw ManifestError(files.string() + ": not a folder (expected the MIMIC-CXR-JPG 'files' folder)");
    const auto tables = readTables(options, warnings);

    DatasetManifest manifest;
    manifest.setBaseDirectory(fs::absolute(root).string());
    ImageScan scan(options, tables, warnings);
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(files, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
        if (it->is_regular_file() && isJpeg(it->path()))
            scan.add(it->path(), manifest);
    }
    if (error)
        throw ManifestError(files.string() + ": cannot list (" + error.message() + ")");
    std::sort(manifest.entries().begin(), manifest.entries().end(),
        [](const ManifestEntry& a, const ManifestEntry& b) { return a.image < b.image; });
    scan.warnAboutMissing();
    return manifest;
}

} // namespace lrclr
