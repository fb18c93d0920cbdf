#pragma once

#include <optional>

#include <QStringList>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/internal/DicomWebSettings.h"

namespace lrclr::internal {

/// STOW-RS of DICOM Part 10 files: one POST <root>/studies per file (multipart/related application/dicom), so that
/// each refusal names its file; files are pre-scanned before they are sent. Stateless; thread-safe.
class WebStudyStorer {
public:
    /// std::nullopt with `error` when the server cannot be reached (or the store is cancelled); otherwise the
    /// per-file outcome, refusals by the server (an HTTP error status, a Failed SOP Sequence) included.
    static std::optional<PacsStoreResult> store(
        const DicomWebSettings& settings, const QStringList& files, const PacsProgress& progress, QString* error);
};

} // namespace lrclr::internal
