#include "training/StudyAudit.h"

#include <algorithm>

#include <QPainter>
#include <QStringList>

#include "core/model/AlignmentAudit.h"
#include "core/report/FindingMentions.h"

namespace lrclr {

namespace {

std::vector<StudyAudit::Disagreement> findingDisagreements(const AnalysisResult& result)
{
    QStringList sentences;
    for (const auto& sentence : result.sentences)
        sentences.append(QString::fromStdString(sentence.text));
    std::vector<StudyAudit::Disagreement> disagreements;
    for (const auto& finding : result.findings) {
        const auto label = FindingMentions::labelFor(QString::fromStdString(finding.name), sentences);
        if (!label || *label == -1)
            continue;
        const float threshold = finding.threshold.value_or(0.5f);
        const bool modelSays = finding.probability >= threshold;
        if (modelSays != (*label == 1))
            disagreements.push_back({ finding.name, finding.probability, threshold, *label });
    }
    return disagreements;
}

QImage grayscaleOf(const GrayscaleImage& image)
{
    QImage gray(image.width, image.height, QImage::Format_Grayscale8);
    for (int y = 0; y < image.height; ++y) {
        uchar* line = gray.scanLine(y);
        for (int x = 0; x < image.width; ++x)
            line[x] = static_cast<uchar>(std::clamp(image.at(x, y), 0.0f, 255.0f) + 0.5f);
    }
    return gray;
}

} // namespace

void StudyAudit::audit(const AnalysisResult& result, double regionThreshold, Row& row)
{
    row.sentences = static_cast<int>(result.sentences.size());
    row.regions = static_cast<int>(result.regions.size());
    row.unsupportedSentences.clear();
    row.unsupportedTexts.clear();
    row.unsupportedOther = 0;
    for (const int sentence : AlignmentAudit::unsupportedSentences(result, regionThreshold)) {
        const std::string& text = result.sentences[static_cast<std::size_t>(sentence)].text;
        if (FindingMentions::assertsAnyFinding(QString::fromStdString(text))) {
            row.unsupportedSentences.push_back(sentence);
            row.unsupportedTexts.push_back(text);
        } else {
            ++row.unsupportedOther;
        }
    }
    row.unexplainedRegions = AlignmentAudit::unexplainedRegions(result, regionThreshold);
    row.disagreements = findingDisagreements(result);
}

QImage StudyAudit::thumbnail(const GrayscaleImage& image, const AnalysisResult& result, const Row& row, int size)
{
    if (!image.isValid())
        return {};
    const double scale = std::min(1.0, double(size) / std::max(image.width, image.height));
    QImage picture = grayscaleOf(image)
                         .scaled(std::max(1, int(image.width * scale)), std::max(1, int(image.height * scale)),
                             Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                         .convertToFormat(QImage::Format_RGB32);
    QPainter painter(&picture);
    for (int region = 0; region < static_cast<int>(result.regions.size()); ++region) {
        const auto& box = result.regions[static_cast<std::size_t>(region)].box;
        const bool unexplained = std::find(row.unexplainedRegions.begin(), row.unexplainedRegions.end(), region)
            != row.unexplainedRegions.end();
        painter.setPen(QPen(unexplained ? QColor(255, 140, 0) : QColor(40, 220, 90), 2));
        painter.drawRect(QRectF(box.x * scale, box.y * scale, box.width * scale, box.height * scale));
    }
    return picture;
}

} // namespace lrclr
