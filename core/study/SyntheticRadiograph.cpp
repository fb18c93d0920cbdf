#include "core/study/SyntheticRadiograph.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "core/dicom/DicomLibrary.h"

namespace lrclr {

std::vector<std::uint16_t> SyntheticRadiograph::pixels(int size)
{
    std::vector<std::uint16_t> result(
        static_cast<std::size_t>(std::max(size, 0)) * static_cast<std::size_t>(std::max(size, 0)));
    std::uint32_t noise = 2463534242u;
    for (int y = 0; y < size; ++y) {
        const double v = (y - size / 2.0) / (size / 2.0);
        for (int x = 0; x < size; ++x) {
            const double u = (x - size / 2.0) / (size / 2.0);
            const double body = std::exp(-std::pow(u * u / 0.7 + v * v / 0.9, 2.0));
            const double lungs = std::exp(-(std::pow((std::abs(u) - 0.35) / 0.22, 2) + std::pow(v / 0.45, 2)));
            const double ribs = 0.5 + 0.5 * std::sin(38.0 * v + 6.0 * u * u);
            noise ^= noise << 13; // xorshift32: detector noise, the same for every run
            noise ^= noise >> 17;
            noise ^= noise << 5;
            const double value
                = 250.0 + 2600.0 * body - 1200.0 * lungs * (1.0 - 0.25 * ribs) + static_cast<double>(noise % 33) - 16.0;
            result[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)]
                = static_cast<std::uint16_t>(std::clamp(value, 0.0, 4095.0));
        }
    }
    return result;
}

XrayImage SyntheticRadiograph::image(int size)
{
    XrayImage image = XrayImage::fromUnsigned16(size, size, pixels(size), 12);
    image.windowPresets = { { windowCenter, windowWidth, "FULL" } };
    return image;
}

std::string SyntheticRadiograph::writeDicom(const std::string& path, int size)
{
    if (size < 1 || size > 65535)
        return path + ": the size must be 1..65535";
    DicomLibrary::initialize();
    DcmFileFormat file;
    DcmDataset* dataset = file.getDataset();
    char uid[100];
    dataset->putAndInsertString(DCM_SOPClassUID, UID_ComputedRadiographyImageStorage);
    dataset->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
    dataset->putAndInsertString(DCM_StudyInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_STUDY_UID_ROOT));
    dataset->putAndInsertString(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT));
    dataset->putAndInsertString(DCM_Modality, "CR");
    dataset->putAndInsertString(DCM_PatientName, "Synthetic^Radiograph");
    dataset->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(size));
    dataset->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(size));
    dataset->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    dataset->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    dataset->putAndInsertUint16(DCM_BitsAllocated, 16);
    dataset->putAndInsertUint16(DCM_BitsStored, 12);
    dataset->putAndInsertUint16(DCM_HighBit, 11);
    dataset->putAndInsertUint16(DCM_PixelRepresentation, 0);
    dataset->putAndInsertString(DCM_WindowCenter, "2048");
    dataset->putAndInsertString(DCM_WindowWidth, "4096");
    const std::vector<std::uint16_t> samples = pixels(size);
    dataset->putAndInsertUint16Array(DCM_PixelData, samples.data(), static_cast<unsigned long>(samples.size()));
    const OFCondition saved = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
    return saved.good() ? std::string() : path + ": cannot write it: " + saved.text();
}

} // namespace lrclr
