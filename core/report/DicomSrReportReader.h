#pragma once

#include <optional>

#include <QString>

#include "core/report/Report.h"

namespace lrclr {

/// Reads the narrative of a DICOM Structured Report (Basic Text, Enhanced and Comprehensive SR, and any other SR
/// DCMTK's dcmsr parses) into a Report.
///
/// The content tree is walked depth-first along CONTAINS relationships: each CONTAINER with a concept name starts a
/// section headed by that name ("Findings", "Impression"), and TEXT items supply the text; a TEXT item directly under
/// the root becomes its own section headed by its concept name. Observation context (observer names, subject
/// identifiers) is never read, so no PHI reaches the report text. Invalid content items are skipped, as DICOMscope's
/// sample reports need. Nothing is logged except file paths. Stateless and thread-safe (DCMTK is initialised through
/// DicomLibrary).
class DicomSrReportReader {
public:
    /// Deepest sequence nesting accepted; a report's content tree is a few levels deep, and each level is one
    /// sequence that DCMTK's parser and dcmsr recurse into.
    static constexpr int maximumNestingDepth = 128;

    /// Returns std::nullopt and sets `errorMessage` (naming the file) when `path` is not readable DICOM, not an SR
    /// document, or holds no text.
    static std::optional<Report> read(const QString& path, QString* errorMessage = nullptr);
    /// True when `sopClassUid` is one of the Structured Report storage classes.
    static bool isSrSopClass(const QString& sopClassUid);
};

} // namespace lrclr
