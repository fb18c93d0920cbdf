#include "app/cli/ModelInput.h"

#include <fstream>
#include <stdexcept>

#include <QFile>
#include <QImage>
#include <QString>

#include "core/report/Report.h"
#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/XrayImage.h"

namespace lrclr::cli::ModelInput {

namespace {

// DICOM Part 10 files carry "DICM" after a 128-byte preamble.
bool looksLikeDicom(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    char magic[4] = {};
    stream.seekg(128);
    stream.read(magic, 4);
    return stream && std::string(magic, 4) == "DICM";
}

} // namespace

GrayscaleImage readImage(const std::string& path)
{
    if (looksLikeDicom(path)) {
        XrayImage image;
        DicomImageReader reader;
        if (!reader.read(path, image))
            throw std::runtime_error(reader.errorString());
        return DisplayPipeline::modelInput(image);
    }
    QImage image;
    if (!image.load(QString::fromStdString(path)))
        throw std::runtime_error(path + ": not a readable image (DICOM, PNG, JPEG, ...)");
    // 16-bit grayscale keeps the precision of 16-bit PNGs; the model's scale is 0..255.
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale16);
    GrayscaleImage result;
    result.width = gray.width();
    result.height = gray.height();
    result.pixels.resize(static_cast<std::size_t>(result.width) * result.height);
    for (int y = 0; y < gray.height(); ++y) {
        const auto* line = reinterpret_cast<const quint16*>(gray.constScanLine(y));
        for (int x = 0; x < gray.width(); ++x)
            result.pixels[static_cast<std::size_t>(y) * result.width + x] = line[x] / 257.0f;
    }
    return result;
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
