#pragma once

#include <optional>

#include <QString>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/internal/ScuConnection.h"

namespace lrclr::internal {

/// C-GET of one study (Study Root) over DcmSCU, receiving the instances on the same association. Each instance is
/// written to <folder>/<SHA-256 of its SOP Instance UID>.dcm through a temporary file, so nothing received ever
/// names a path; instances of another study than the one asked for are refused and not written. Stateless;
/// thread-safe (each call has its own association).
class StudyRetriever {
public:
    static std::optional<PacsRetrieveResult> retrieve(const ScuSettings& settings, const QString& studyInstanceUid,
        const QString& folder, const PacsProgress& progress, QString* error);
};

} // namespace lrclr::internal
