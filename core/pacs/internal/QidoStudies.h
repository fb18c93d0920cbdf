#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/StudyQuery.h"

namespace lrclr::internal {

/// QIDO-RS at the study level: the query string of a StudyQuery (the same filters as C-FIND), and the studies of a
/// DICOM JSON answer (PS3.18 F.2) as the same PacsStudy values C-FIND gives. Stateless; thread-safe.
/// Some servers (Orthanc 1.10) do not percent-decode query values, and Qt must encode '^' and spaces; so a patient
/// name with such characters is sent with '?' (any one character) in their place, and the answer is filtered here
/// with the name as asked (nameFilterNeeded(), matchesName()).
class QidoStudies {
public:
    /// "PatientID=...&StudyDate=FROM-TO&...&includefield=...&limit=N"; wildcards '*' and '?' stay as they are, other
    /// characters outside the unreserved set are percent-encoded; `limit` 0 asks for no limit.
    static QString queryString(const StudyQuery& query, int limit);
    /// True when the patient name was sent broadened and the answer must be filtered with matchesName().
    static bool nameFilterNeeded(const StudyQuery& query);
    /// DICOM wildcard matching of a patient name, case-insensitive: '*' any run, '?' one character.
    static bool matchesName(const QString& pattern, const QString& name);
    /// The studies of a JSON array of DICOM JSON objects; std::nullopt with `error` when it is not one, or when a
    /// study has no valid Study Instance UID.
    static std::optional<QList<PacsStudy>> parse(const QByteArray& json, QString* error);
};

} // namespace lrclr::internal
