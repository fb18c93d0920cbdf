#include "app/cli/ModelInput.h"

#include <stdexcept>

#include <QFile>
#include <QString>

#include "core/report/Report.h"
#include "imaging/ModelInputReader.h"

namespace lrclr::cli::ModelInput {

GrayscaleImage readImage(const std::string& path)
{
    return ModelInputReader::read(path);
}

std::vector<Sentence> readReport(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error(path + ": cannot open the report");
    const auto report
        = Report::fromText(QString::fromUtf8(file.readAll()), Report::Source::PlainText, QString::fromStdString(path));
    std::vector<Sentence> sentences;
    for (qsizetype i = 0; i < report.sentences().size(); ++i) {
        const auto& range = report.sentences().at(i);
        sentences.push_back({ report.sentenceText(i).toStdString(), static_cast<std::size_t>(range.begin),
            static_cast<std::size_t>(range.end) });
    }
    return sentences;
}

} // namespace lrclr::cli::ModelInput
