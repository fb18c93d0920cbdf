#include "core/results/ReviewDecisionsFile.h"

#include <stdexcept>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lrclr {

namespace {

QJsonObject readRoot(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error(path + ": cannot open the review decisions: " + file.errorString().toStdString());
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(file.read(64 * 1024 * 1024), &parseError);
    const auto root = document.object();
    if (parseError.error != QJsonParseError::NoError
        || root.value(QStringLiteral("format")).toString() != QStringLiteral("lrclr-review-decisions"))
        throw std::runtime_error(path + " is not an LRCLR review decisions file");
    if (root.value(QStringLiteral("version")).toInt(-1) != 1)
        throw std::runtime_error(path + ": only review decisions format version 1 is read");
    return root;
}

int sentenceIndex(const AnalysisResult& result, const std::string& text)
{
    for (std::size_t i = 0; i < result.sentences.size(); ++i) {
        if (result.sentences[i].text == text)
            return static_cast<int>(i);
    }
    return -1;
}

int regionIndex(const AnalysisResult& result, int patchIndex)
{
    for (std::size_t i = 0; i < result.regions.size(); ++i) {
        if (result.regions[i].patchIndex == patchIndex)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace

std::vector<ReviewedRegion> ReviewDecisionsFile::read(const std::string& path, const AnalysisResult& result)
{
    std::vector<ReviewedRegion> decisions;
    const auto array = readRoot(path).value(QStringLiteral("decisions")).toArray();
    for (const auto& value : array) {
        const auto object = value.toObject();
        const auto decision = object.value(QStringLiteral("decision")).toString();
        if (decision != QStringLiteral("accepted") && decision != QStringLiteral("rejected"))
            continue;
        const int sentence = sentenceIndex(result, object.value(QStringLiteral("sentence")).toString().toStdString());
        const int region = regionIndex(result, object.value(QStringLiteral("patchIndex")).toInt(-1));
        if (sentence >= 0 && region >= 0)
            decisions.push_back({ sentence, region, decision == QStringLiteral("accepted") });
    }
    return decisions;
}

} // namespace lrclr
