#include "imaging/ModelInputReader.h"

#include <stdexcept>

#include <QString>

#include "core/study/DisplayPipeline.h"
#include "imaging/StudyReader.h"

namespace lrclr {

GrayscaleImage ModelInputReader::read(const std::string& path)
{
    QString error;
    const auto image = StudyReader::readImage(QString::fromStdString(path), &error);
    if (!image)
        throw std::runtime_error(
            error.isEmpty() ? path + ": not a readable image (DICOM, PNG, JPEG, TIFF)" : error.toStdString());
    return DisplayPipeline::modelInput(*image);
}

} // namespace lrclr
