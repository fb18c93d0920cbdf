#include "imaging/RasterImageReader.h"

#include <cstring>
#include <mutex>
#include <vector>

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>

#include "core/common/RegularFile.h"
#include "core/report/PlainTextReportReader.h"

namespace lrclr {

namespace {

void setError(QString* errorMessage, const QString& message)
{
    if (errorMessage)
        *errorMessage = message;
}

/// Opens a reader and checks the header's size; nullopt (with the message) when the file is no usable image.
bool checkHeader(QImageReader& reader, const QString& path, QString* errorMessage)
{
    if (const QString problem = RegularFile::problem(path); !problem.isEmpty()) {
        setError(errorMessage, QStringLiteral("%1: %2").arg(path, problem));
        return false;
    }
    if (!reader.canRead()) {
        setError(errorMessage, QStringLiteral("%1: not a readable image: %2").arg(path, reader.errorString()));
        return false;
    }
    const QSize size = reader.size();
    if (size.isValid()) {
        if (size.width() <= 0 || size.height() <= 0) {
            setError(errorMessage, QStringLiteral("%1: empty image").arg(path));
            return false;
        }
        if (static_cast<long long>(size.width()) * size.height() > RasterImageReader::maximumPixels) {
            setError(errorMessage,
                QStringLiteral("%1: %2 x %3 pixels exceeds the limit of %4 pixels")
                    .arg(path)
                    .arg(size.width())
                    .arg(size.height())
                    .arg(RasterImageReader::maximumPixels));
            return false;
        }
    }
    return true;
}

template<typename Sample> std::vector<Sample> copyRows(const QImage& image)
{
    const auto width = static_cast<std::size_t>(image.width());
    std::vector<Sample> samples(width * static_cast<std::size_t>(image.height()));
    for (int y = 0; y < image.height(); ++y)
        std::memcpy(samples.data() + y * width, image.constScanLine(y), width * sizeof(Sample));
    return samples;
}

bool isSixteenBit(QImage::Format format)
{
    switch (format) {
    case QImage::Format_Grayscale16:
    case QImage::Format_RGBX64:
    case QImage::Format_RGBA64:
    case QImage::Format_RGBA64_Premultiplied:
    case QImage::Format_RGBX16FPx4:
    case QImage::Format_RGBA16FPx4:
    case QImage::Format_RGBA16FPx4_Premultiplied:
    case QImage::Format_RGBX32FPx4:
    case QImage::Format_RGBA32FPx4:
    case QImage::Format_RGBA32FPx4_Premultiplied:
        return true;
    default:
        return false;
    }
}

} // namespace

std::optional<XrayImage> RasterImageReader::read(const QString& path, QString* errorMessage)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    if (!checkHeader(reader, path, errorMessage))
        return std::nullopt;
    const QByteArray format = reader.format();
    QImage image;
    if (!reader.read(&image) || image.isNull()) {
        setError(errorMessage, QStringLiteral("%1: cannot decode the image: %2").arg(path, reader.errorString()));
        return std::nullopt;
    }
    if (static_cast<long long>(image.width()) * image.height() > maximumPixels) {
        setError(errorMessage, QStringLiteral("%1: image exceeds the pixel limit").arg(path));
        return std::nullopt;
    }

    XrayImage xray;
    const bool gray = image.isGrayscale() || image.allGray();
    if (gray && isSixteenBit(image.format())) {
        const QImage gray16
            = image.format() == QImage::Format_Grayscale16 ? image : image.convertToFormat(QImage::Format_Grayscale16);
        xray = XrayImage::fromUnsigned16(gray16.height(), gray16.width(), copyRows<std::uint16_t>(gray16));
    } else if (gray) {
        const QImage gray8
            = image.format() == QImage::Format_Grayscale8 ? image : image.convertToFormat(QImage::Format_Grayscale8);
        xray = XrayImage::fromUnsigned8(gray8.height(), gray8.width(), copyRows<std::uint8_t>(gray8));
    } else {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
        const auto rowBytes = static_cast<std::size_t>(rgb.width()) * 3;
        std::vector<std::uint8_t> samples(rowBytes * static_cast<std::size_t>(rgb.height()));
        for (int y = 0; y < rgb.height(); ++y)
            std::memcpy(samples.data() + y * rowBytes, rgb.constScanLine(y), rowBytes);
        xray = XrayImage::fromRgb8(rgb.height(), rgb.width(), std::move(samples));
    }
    xray.sourcePath = QFileInfo(path).absoluteFilePath().toStdString();
    return xray;
}

std::optional<RasterImageReader::Study> RasterImageReader::readStudy(const QString& path, QString* errorMessage)
{
    auto image = read(path, errorMessage);
    if (!image)
        return std::nullopt;
    Study study;
    study.image = std::move(*image);
    const QString reportPath = PlainTextReportReader::findReportFor(path);
    if (!reportPath.isEmpty())
        study.report = PlainTextReportReader::read(reportPath, &study.reportError);
    return study;
}

bool RasterImageReader::probe(const QString& path, Info& info, QString* errorMessage) const
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    if (!checkHeader(reader, path, errorMessage))
        return false;
    QSize size = reader.size();
    // Orientation 5-8 swap width and height.
    if (reader.transformation().testFlag(QImageIOHandler::TransformationRotate90))
        size.transpose();
    info.rows = size.isValid() ? size.height() : 0;
    info.columns = size.isValid() ? size.width() : 0;
    info.format = QString::fromLatin1(reader.format()).toLower();
    if (info.format == u"jpg")
        info.format = QStringLiteral("jpeg");
    else if (info.format == u"tif")
        info.format = QStringLiteral("tiff");
    return true;
}

void RasterImageReader::loadPlugins()
{
    static std::once_flag loaded;
    std::call_once(loaded, [] {
        // Detecting the format of an empty device asks every plugin, which instantiates each of them here.
        QBuffer empty;
        empty.open(QIODevice::ReadOnly);
        QImageReader reader(&empty);
        reader.canRead();
    });
}

} // namespace lrclr
