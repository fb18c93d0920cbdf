#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lrclr {
class CsvReader;
}

namespace lrclr::internal {

/// The columns of the 14 CheXpert observations (Observations::names()) in the header of a label CSV, as CheXpert's
/// own CSVs and MIMIC-CXR's chexpert.csv have them, and the labels of a row. Shared by ChexpertReader and
/// MimicCxrReader. Immutable after construction.
class ObservationColumns {
public:
    /// Throws ManifestError at `csv`'s header line for a missing observation column.
    ObservationColumns(const std::vector<std::string>& header, const CsvReader& csv);

    /// The labels `row` gives (blank cells left out); throws ManifestError at `csv`'s line for a bad cell.
    std::map<std::string, int> labels(const std::vector<std::string>& row, const CsvReader& csv) const;

private:
    std::vector<std::pair<std::string, int>> m_columns;
};

} // namespace lrclr::internal
