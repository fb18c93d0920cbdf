#include "ui/StudyLoader.h"

#include <QDir>
#include <QFileInfo>

#include "core/report/PlainTextReportReader.h"
#include "core/report/ReportReader.h"
#include "core/study/DicomImageReader.h"
#include "imaging/RasterImageReader.h"

namespace lrclr {

bool StudyLoader::isRasterFile(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("png") || suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg")
        || suffix == QLatin1String("tif") || suffix == QLatin1String("tiff");
}

std::optional<Report> StudyLoader::loadReport(const QString& reportPath, QString* error)
{
    if (reportPath.isEmpty())
        return std::nullopt;
    return ReportReader::read(reportPath, error);
}

QString StudyLoader::findReportFor(const QString& imagePath)
{
    const QString sidecar = PlainTextReportReader::findReportFor(imagePath);
    if (!sidecar.isEmpty())
        return sidecar;
    // The layout `lrclr synth` writes and resources/demo uses: images/<stem>.dcm beside reports/<stem>.txt.
    const QFileInfo image(imagePath);
    const QFileInfo report(
        image.dir().filePath(QStringLiteral("../reports/") + image.completeBaseName() + QStringLiteral(".txt")));
    return report.isFile() ? report.absoluteFilePath() : QString();
}

std::optional<XrayImage> StudyLoader::loadImage(const QString& imagePath, QString* error)
{
    if (isRasterFile(imagePath))
        return RasterImageReader::read(imagePath, error);
    XrayImage image;
    DicomImageReader reader;
    if (!reader.read(imagePath.toStdString(), image)) {
        if (error)
            *error = QString::fromStdString(reader.errorString());
        return std::nullopt;
    }
    return image;
}

std::optional<StudyLoader::Loaded> StudyLoader::load(
    const QString& imagePath, const QString& reportPath, QString* error)
{
    Loaded loaded;
    auto image = loadImage(imagePath, error);
    if (!image)
        return std::nullopt;
    loaded.image = std::move(*image);
    const QString report = reportPath.isEmpty() ? findReportFor(imagePath) : reportPath;
    if (!report.isEmpty()) {
        QString problem;
        loaded.report = loadReport(report, &problem);
        if (!loaded.report)
            loaded.reportProblem = problem;
    }
    return loaded;
}

} // namespace lrclr
