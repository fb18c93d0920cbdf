#include "imaging/StudyReader.h"

#include <QDir>
#include <QFileInfo>

#include "core/report/PlainTextReportReader.h"
#include "core/report/ReportReader.h"
#include "core/study/DicomImageReader.h"
#include "core/study/StudyFileType.h"
#include "imaging/RasterImageReader.h"

namespace lrclr {

namespace {

std::optional<XrayImage> readDicom(const QString& path, QString* error)
{
    XrayImage image;
    DicomImageReader reader;
    if (!reader.read(path.toStdString(), image)) {
        if (error)
            *error = QString::fromStdString(reader.errorString());
        return std::nullopt;
    }
    return image;
}

} // namespace

std::optional<Report> StudyReader::readReport(const QString& reportPath, QString* error)
{
    if (reportPath.isEmpty())
        return std::nullopt;
    return ReportReader::read(reportPath, error);
}

QString StudyReader::findReportFor(const QString& imagePath)
{
    return PlainTextReportReader::findReportFor(imagePath);
}

std::optional<XrayImage> StudyReader::readImage(const QString& imagePath, QString* error)
{
    switch (StudyFileType::of(imagePath)) {
    case StudyFileType::Kind::Dicom:
        return readDicom(imagePath, error);
    case StudyFileType::Kind::Raster:
        return RasterImageReader::read(imagePath, error);
    case StudyFileType::Kind::Unknown:
        break;
    }
    if (error)
        *error = QFileInfo(imagePath).isFile()
            ? QStringLiteral("%1: not a DICOM file or a PNG, JPEG or TIFF image").arg(imagePath)
            : QStringLiteral("%1: no such file").arg(imagePath);
    return std::nullopt;
}

std::optional<StudyReader::Study> StudyReader::read(const QString& imagePath, const QString& reportPath, QString* error)
{
    auto image = readImage(imagePath, error);
    if (!image)
        return std::nullopt;
    Study study;
    study.image = std::move(*image);
    study.reportPath = reportPath.isEmpty() ? findReportFor(imagePath) : reportPath;
    if (!study.reportPath.isEmpty()) {
        QString problem;
        study.report = readReport(study.reportPath, &problem);
        if (!study.report)
            study.reportProblem = problem;
    }
    return study;
}

} // namespace lrclr
