#include "training/internal/ReportBuilder.h"

#include <algorithm>

#include "training/PhantomReportWriter.h"

namespace lrclr::internal {

void ReportBuilder::appendSentence(
    const ReportDraft& draft, const std::string& text, const std::string& section, const std::string& prefix)
{
    m_report += prefix;
    PhantomCase::Sentence sentence;
    sentence.text = text;
    sentence.section = section;
    sentence.begin = m_report.size();
    m_report += text;
    sentence.end = m_report.size();
    sentence.boxes = draft.boxes;
    sentence.labels = draft.labels;
    m_sentences.push_back(std::move(sentence));
}

void ReportBuilder::finishInto(PhantomCase& phantom)
{
    phantom.labels = PhantomReportWriter::studyLabels(m_sentences);
    phantom.report = std::move(m_report);
    phantom.sentences = std::move(m_sentences);
    m_report.clear();
    m_sentences.clear();
}

bool hasFinding(const PhantomCase& phantom, const std::string& kind)
{
    return std::any_of(phantom.findings.begin(), phantom.findings.end(),
        [&kind](const PhantomCase::Finding& finding) { return finding.kind == kind; });
}

bool isSupportDevice(const std::string& kind)
{
    return kind == "endotracheal tube" || kind == "central line" || kind == "pacemaker";
}

bool hasPathology(const PhantomCase& phantom)
{
    return std::any_of(phantom.findings.begin(), phantom.findings.end(),
        [](const PhantomCase::Finding& finding) { return !isSupportDevice(finding.kind); });
}

bool hasParenchymalFinding(const PhantomCase& phantom)
{
    return hasFinding(phantom, "nodule") || hasFinding(phantom, "mass") || hasFinding(phantom, "consolidation")
        || hasFinding(phantom, "edema") || hasFinding(phantom, "atelectasis");
}

} // namespace lrclr::internal
