#pragma once

#include <optional>

#include <QString>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/internal/DicomWebSettings.h"

namespace lrclr::internal {

/// WADO-RS retrieve of one study: GET <root>/studies/<UID> as multipart/related application/dicom (in the
/// syntax the server stores, else the default one), each part pre-scanned and written byte for byte to
/// <folder>/<SHA-256 of its SOP Instance UID>.dcm through a temporary file in that folder; parts of another study,
/// of another media type, or that are not DICOM Part 10 files are refused. Stateless; thread-safe.
class WebStudyRetriever {
public:
    static std::optional<PacsRetrieveResult> retrieve(const DicomWebSettings& settings, const QString& studyInstanceUid,
        const QString& folder, const PacsProgress& progress, QString* error);
};

} // namespace lrclr::internal
