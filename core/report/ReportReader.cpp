#include "core/report/ReportReader.h"

#include <QFileInfo>

#include "core/report/DicomSrReportReader.h"
#include "core/report/PlainTextReportReader.h"

namespace lrclr {

std::optional<Report> ReportReader::read(const QString& path, QString* errorMessage)
{
    if (QFileInfo(path).suffix().compare(QStringLiteral("txt"), Qt::CaseInsensitive) == 0)
        return PlainTextReportReader::read(path, errorMessage);
    return DicomSrReportReader::read(path, errorMessage);
}

} // namespace lrclr
