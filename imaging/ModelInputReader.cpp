#include "imaging/ModelInputReader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <QString>

#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/XrayImage.h"
#include "imaging/RasterImageReader.h"

namespace lrclr {

bool ModelInputReader::isDicom(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    char magic[4] = {};
    stream.seekg(128);
    stream.read(magic, 4);
    if (stream && std::string(magic, 4) == "DICM")
        return true;
    auto extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".dcm" || extension == ".dicom";
}

GrayscaleImage ModelInputReader::read(const std::string& path)
{
    if (isDicom(path)) {
        XrayImage image;
        DicomImageReader reader;
        if (!reader.read(path, image))
            throw std::runtime_error(reader.errorString());
        return DisplayPipeline::modelInput(image);
    }
    QString error;
    const auto image = RasterImageReader::read(QString::fromStdString(path), &error);
    if (!image)
        throw std::runtime_error(
            error.isEmpty() ? path + ": not a readable image (DICOM, PNG, JPEG, ...)" : error.toStdString());
    return DisplayPipeline::modelInput(*image);
}

} // namespace lrclr
