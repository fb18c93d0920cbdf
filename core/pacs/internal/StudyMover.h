#pragma once

#include <optional>

#include <QString>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/internal/ScuConnection.h"

namespace lrclr::internal {

/// C-MOVE of one study (Study Root) over DcmSCU to our own storage SCP (MoveReceiver), which listens on
/// `storagePort` under our AE title while the move runs; the peer must know that AE title with this machine's
/// address and that port. Files land in `folder` under the names C-GET uses. Stateless; thread-safe (each call has
/// its own association and its own listening port).
class StudyMover {
public:
    static std::optional<PacsRetrieveResult> retrieve(const ScuSettings& settings, const QString& studyInstanceUid,
        const QString& folder, int storagePort, const PacsProgress& progress, QString* error);
};

} // namespace lrclr::internal
