#include "core/results/DicomResultTypes.h"

namespace lrclr {

DicomResultSource DicomResultSource::fromImage(const XrayImage& image)
{
    DicomResultSource source;
    source.identity = image.identity;
    source.rows = image.rows;
    source.columns = image.columns;
    source.rowSpacingMm = image.rowSpacingMm;
    source.columnSpacingMm = image.columnSpacingMm;
    source.imageLaterality = image.imageLaterality;
    return source;
}

bool DicomResultSource::isDicom() const
{
    return missingAttributes().empty();
}

std::string DicomResultSource::missingAttributes() const
{
    std::string missing;
    const auto need = [&](const std::string& value, const char* name) {
        if (value.empty())
            missing += (missing.empty() ? "" : ", ") + std::string(name);
    };
    need(identity.studyInstanceUid, "Study Instance UID");
    need(identity.seriesInstanceUid, "Series Instance UID");
    need(identity.sopClassUid, "SOP Class UID");
    need(identity.sopInstanceUid, "SOP Instance UID");
    if (rows <= 0 || columns <= 0)
        need({}, "Rows/Columns");
    return missing;
}

} // namespace lrclr
