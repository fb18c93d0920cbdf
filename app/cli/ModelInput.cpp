#include "app/cli/ModelInput.h"

#include <stdexcept>

#include <QString>

#include "core/report/Report.h"
#include "core/report/ReportReader.h"
#include "imaging/ModelInputReader.h"

namespace lrclr::cli::ModelInput {

GrayscaleImage readImage(const std::string& path)
{
    return ModelInputReader::read(path);
}

namespace {

std::vector<Sentence> sentencesOf(const Report& report)
{
    std::vector<Sentence> sentences;
    for (qsizetype i = 0; i < report.sentences().size(); ++i) {
        const auto& range = report.sentences().at(i);
        sentences.push_back({ report.sentenceText(i).toStdString(), static_cast<std::size_t>(range.begin),
            static_cast<std::size_t>(range.end) });
    }
    return sentences;
}

} // namespace

std::vector<Sentence> readReport(const std::string& path)
{
    QString error;
    const auto report = ReportReader::read(QString::fromStdString(path), &error);
    if (!report)
        throw std::runtime_error(error.toStdString());
    return sentencesOf(*report);
}

std::vector<Sentence> reportSentences(const std::string& text)
{
    return sentencesOf(Report::fromText(QString::fromStdString(text), Report::Source::PlainText, QString()));
}

} // namespace lrclr::cli::ModelInput
