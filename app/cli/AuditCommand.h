#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr audit --model DIR --folder DIR --out DIR`: one model load, then every study of the folder (the first frontal
/// image of each, with its report) analysed: per study <out>/studies/<key>/analysis.json and a thumbnail with the
/// selected regions; then <out>/audit.html and audit.csv listing, per study, the sentences no region supports, the
/// regions no sentence explains and the findings whose probability disagrees with the report (StudyAudit). Resumable:
/// a study whose analysis.json exists is read back, not analysed again. The next study is decoded while the model
/// works on the current one; progress and an ETA go to stderr; a study that cannot be read or analysed is listed as
/// failed and the audit goes on. Exit 0 when the audit ran (failed studies included), 1 when it could not start.
class AuditCommand : public Command {
public:
    AuditCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
