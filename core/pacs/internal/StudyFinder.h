#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/StudyQuery.h"
#include "core/pacs/internal/ScuConnection.h"

namespace lrclr::internal {

/// C-FIND in the Study Root model over DcmSCU: studies matching a StudyQuery, the series of one study. A query with a
/// limit stops the peer with C-CANCEL once it is reached. Stateless; thread-safe (each call has its own association).
class StudyFinder {
public:
    static std::optional<PacsStudyList> findStudies(
        const ScuSettings& settings, const StudyQuery& query, QString* error);
    static std::optional<QList<PacsSeries>> findSeries(
        const ScuSettings& settings, const QString& studyInstanceUid, QString* error);
    /// The SOP Classes in Study (0008,0062) of one study, as the peer reports them; empty when it does not say.
    static std::optional<QStringList> findSopClasses(
        const ScuSettings& settings, const QString& studyInstanceUid, QString* error);
};

} // namespace lrclr::internal
