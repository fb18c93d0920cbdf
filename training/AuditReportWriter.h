#pragma once

#include <string>
#include <vector>

#include "training/StudyAudit.h"

namespace lrclr {

/// The summary of `lrclr audit` a researcher reads: audit.csv (one row per study: flags counted, the flagged
/// sentences and findings listed) and audit.html (totals, then per study a thumbnail with its regions, the sentences no
/// region supports, the unexplained regions and the findings that disagree with the report, linked to the study's
/// analysis.json). Both written to a temporary name and renamed when complete. Stateless; thread-safe.
class AuditReportWriter {
public:
    struct Summary {
        std::string title; ///< e.g. the audited folder
        std::string model; ///< model name and weights digest
        double regionThreshold = 0.0;
    };

    /// Throws std::runtime_error naming the file when it cannot be written.
    static void writeCsv(const std::vector<StudyAudit::Row>& rows, const std::string& path);
    static void writeHtml(const std::vector<StudyAudit::Row>& rows, const Summary& summary, const std::string& path);
};

} // namespace lrclr
