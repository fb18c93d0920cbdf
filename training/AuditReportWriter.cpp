#include "training/AuditReportWriter.h"

#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <QString>

#include "core/common/AtomicFile.h"

namespace lrclr {

namespace {

std::string csvField(const std::string& value)
{
    if (value.find_first_of(",\"\n\r") == std::string::npos)
        return value;
    std::string quoted = "\"";
    for (const char c : value)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string html(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped().toStdString();
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string text;
    for (const std::string& part : parts)
        text += (text.empty() ? "" : separator) + part;
    return text;
}

std::string disagreementText(const StudyAudit::Disagreement& disagreement)
{
    std::ostringstream text;
    text << disagreement.finding << " " << std::fixed << std::setprecision(0) << disagreement.probability * 100.0f
         << "% (threshold " << disagreement.threshold * 100.0f << "%), report "
         << (disagreement.reportLabel == 1 ? "asserts it" : "negates it");
    return text.str();
}

std::vector<std::string> disagreementTexts(const StudyAudit::Row& row)
{
    std::vector<std::string> texts;
    for (const auto& disagreement : row.disagreements)
        texts.push_back(disagreementText(disagreement));
    return texts;
}

std::string htmlStudy(const StudyAudit::Row& row)
{
    std::ostringstream out;
    out << "<tr class=\"" << row.status << "\"><td>";
    if (!row.overlay.empty())
        out << "<a href=\"" << html(row.overlay) << "\"><img src=\"" << html(row.overlay) << "\" alt=\"\"></a>";
    out << "</td><td><b>" << html(row.key) << "</b><br>" << html(row.image);
    if (!row.analysis.empty())
        out << "<br><a href=\"" << html(row.analysis) << "\">analysis.json</a>";
    if (row.status == "failed") {
        out << "</td><td colspan=\"3\" class=\"error\">" << html(row.error) << "</td></tr>\n";
        return out.str();
    }
    out << "</td><td>" << row.unsupportedSentences.size() << " of " << row.sentences << "<ul>";
    for (const std::string& text : row.unsupportedTexts)
        out << "<li>" << html(text) << "</li>";
    out << "</ul>";
    if (row.unsupportedOther > 0)
        out << "<small>and " << row.unsupportedOther << " negation/normal/technique sentence(s)</small>";
    out << "</td><td>" << row.unexplainedRegions.size() << " of " << row.regions << "</td><td><ul>";
    for (const std::string& text : disagreementTexts(row))
        out << "<li>" << html(text) << "</li>";
    out << "</ul></td></tr>\n";
    return out.str();
}

} // namespace

void AuditReportWriter::writeCsv(const std::vector<StudyAudit::Row>& rows, const std::string& path)
{
    std::ostringstream out;
    out << "key,image,report,status,sentences,unsupported_findings,unsupported_texts,unsupported_other,regions,"
           "unexplained_regions,"
           "finding_disagreements,analysis_seconds,error\n";
    for (const auto& row : rows) {
        out << csvField(row.key) << ',' << csvField(row.image) << ',' << csvField(row.report) << ',' << row.status
            << ',' << row.sentences << ',' << row.unsupportedSentences.size() << ','
            << csvField(joined(row.unsupportedTexts, " | ")) << ',' << row.unsupportedOther << ',' << row.regions << ','
            << row.unexplainedRegions.size() << ',' << csvField(joined(disagreementTexts(row), " | ")) << ','
            << std::fixed << std::setprecision(3) << row.seconds << ',' << csvField(row.error) << '\n';
    }
    AtomicFile::writeOrThrow(QString::fromStdString(path), out.str());
}

void AuditReportWriter::writeHtml(
    const std::vector<StudyAudit::Row>& rows, const Summary& summary, const std::string& path)
{
    int failed = 0;
    int unsupported = 0;
    int unexplained = 0;
    int disagreeing = 0;
    for (const auto& row : rows) {
        failed += row.status == "failed";
        unsupported += !row.unsupportedSentences.empty();
        unexplained += !row.unexplainedRegions.empty();
        disagreeing += !row.disagreements.empty();
    }
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>LRCLR audit: " << html(summary.title)
        << "</title><style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px "
           "solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}img{max-width:320px}.failed{background:"
           "#fee}.error{color:#a00}ul{margin:0;padding-left:1.2em}</style></head><body>\n";
    out << "<h1>Region-text audit</h1><p>" << html(summary.title) << "<br>Model: " << html(summary.model)
        << "<br>Region support threshold: " << summary.regionThreshold << "</p>\n";
    out << "<p>" << rows.size() << " studies; " << failed << " failed; " << unsupported
        << " with finding sentences no region supports; " << unexplained << " with regions no sentence explains; "
        << disagreeing << " with findings that disagree with the report.</p>\n";
    out << "<p>Green boxes: regions a sentence explains; orange: regions no sentence explains. Research use only: "
           "synthetic-data model, not for clinical decisions.</p>\n";
    out << "<table><tr><th>regions</th><th>study</th><th>finding sentences no region supports</th><th>unexplained "
           "regions</th><th>findings disagreeing with the report</th></tr>\n";
    for (const auto& row : rows)
        out << htmlStudy(row);
    out << "</table></body></html>\n";
    AtomicFile::writeOrThrow(QString::fromStdString(path), out.str());
}

} // namespace lrclr
