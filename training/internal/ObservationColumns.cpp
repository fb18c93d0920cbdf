#include "training/internal/ObservationColumns.h"

#include <stdexcept>

#include "training/CsvReader.h"
#include "training/DatasetManifest.h"
#include "training/Observations.h"

namespace lrclr::internal {

ObservationColumns::ObservationColumns(const std::vector<std::string>& header, const CsvReader& csv)
{
    for (const auto& name : Observations::names()) {
        const int column = CsvReader::column(header, name);
        if (column < 0)
            throw ManifestError(csv.where() + ": missing column '" + name + "'");
        m_columns.emplace_back(name, column);
    }
}

std::map<std::string, int> ObservationColumns::labels(const std::vector<std::string>& row, const CsvReader& csv) const
{
    std::map<std::string, int> labels;
    for (const auto& [name, column] : m_columns) {
        try {
            if (const auto label = Observations::parseLabelCell(row[static_cast<std::size_t>(column)]))
                labels[name] = *label;
        } catch (const std::invalid_argument& error) {
            throw ManifestError(csv.where() + ": column '" + name + "': " + error.what());
        }
    }
    return labels;
}

} // namespace lrclr::internal
