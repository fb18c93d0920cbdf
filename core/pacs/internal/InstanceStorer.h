#pragma once

#include <optional>

#include <QString>
#include <QStringList>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/internal/ScuConnection.h"

namespace lrclr::internal {

/// C-STORE of DICOM files over DcmSCU. Each file is offered in its own transfer syntax and in explicit and implicit
/// VR little endian; when the peer takes only the latter, DCMTK converts (decompresses) the dataset on sending.
/// Files are pre-scanned (hostile-file checks) before DCMTK parses them. Stateless; thread-safe.
class InstanceStorer {
public:
    /// std::nullopt with `error` when no association could be made or it broke; otherwise the per-file outcome.
    static std::optional<PacsStoreResult> store(
        const ScuSettings& settings, const QStringList& files, const PacsProgress& progress, QString* error);
};

} // namespace lrclr::internal
