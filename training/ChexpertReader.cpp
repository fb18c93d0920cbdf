#include "training/ChexpertReader.h"

#include <filesystem>
#include <stdexcept>

#include "training/CsvReader.h"
#include "training/internal/ObservationColumns.h"

namespace lrclr {

namespace {
namespace fs = std::filesystem;
}

DatasetManifest ChexpertReader::read(const Options& options, std::vector<std::string>* warnings)
{
    const fs::path csvPath = fs::absolute(options.csv);
    CsvReader csv(csvPath.string());
    const fs::path csvFolder = csvPath.parent_path();
    const fs::path imageRoot = options.imageRoot.empty() ? csvFolder.parent_path() : fs::path(options.imageRoot);
    std::string split = options.split;
    if (split.empty()) {
        const std::string stem = csvPath.stem().string();
        split = stem == "train" ? "train" : (stem == "valid" ? "validate" : (stem == "test" ? "test" : ""));
    }

    std::vector<std::string> header;
    if (!csv.next(header))
        throw ManifestError(csvPath.string() + ": empty file");
    const int pathColumn = CsvReader::column(header, "Path");
    if (pathColumn < 0)
        throw ManifestError(csv.where() + ": missing column 'Path'");
    const int frontalColumn = CsvReader::column(header, "Frontal/Lateral");
    const int projectionColumn = CsvReader::column(header, "AP/PA");
    const internal::ObservationColumns observationColumns(header, csv);

    DatasetManifest manifest;
    manifest.setBaseDirectory(imageRoot.string());
    int missingImages = 0;
    std::vector<std::string> row;
    while (csv.next(row)) {
        if (row.size() != header.size())
            throw ManifestError(csv.where() + ": expected " + std::to_string(header.size()) + " fields, found "
                + std::to_string(row.size()));
        const std::string frontal = frontalColumn >= 0 ? row[static_cast<std::size_t>(frontalColumn)] : "";
        if (options.frontalOnly && frontalColumn >= 0 && frontal != "Frontal")
            continue;
        const fs::path relative(row[static_cast<std::size_t>(pathColumn)]);
        if (relative.empty())
            throw ManifestError(csv.where() + ": empty Path");
        fs::path image = imageRoot / relative;
        if (!fs::exists(image)) {
            // Path usually starts with the dataset folder's own name; try it relative to the CSV's folder too.
            fs::path rest;
            for (auto part = std::next(relative.begin()); part != relative.end(); ++part)
                rest /= *part;
            if (!rest.empty() && fs::exists(csvFolder / rest))
                image = csvFolder / rest;
            else
                ++missingImages;
        }
        ManifestEntry entry;
        entry.image = fs::absolute(image).lexically_normal().string();
        entry.split = split;
        entry.view = frontal == "Lateral"
            ? "LATERAL"
            : (projectionColumn >= 0 ? row[static_cast<std::size_t>(projectionColumn)] : std::string());
        // .../patient00001/study1/view1_frontal.jpg
        const fs::path studyFolder = relative.parent_path();
        entry.studyId = (studyFolder.parent_path().filename() / studyFolder.filename()).string();
        entry.subjectId = studyFolder.parent_path().filename().string();
        entry.labels = observationColumns.labels(row, csv);
        manifest.add(std::move(entry));
    }
    if (warnings && missingImages > 0)
        warnings->push_back(std::to_string(missingImages) + " image(s) listed in " + csvPath.string()
            + " were not found under " + imageRoot.string());
    return manifest;
}

} // namespace lrclr
