#include "core/results/SecondaryCaptureWriter.h"

#include <stdexcept>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "core/dicom/DicomLibrary.h"
#include "core/results/internal/DicomResultModules.h"

namespace lrclr {

namespace {

namespace Modules = internal::DicomResultModules;

void put(DcmItem& dataset, const DcmTagKey& tag, const std::string& value)
{
    const auto condition = dataset.putAndInsertString(tag, value.c_str());
    Modules::check(
        condition.good(), "Secondary Capture: cannot write " + std::string(DcmTag(tag).getTagName()), condition.text());
}

void putImage(DcmItem& dataset, const RgbPicture& picture, const Modules::Timestamp& timestamp)
{
    put(dataset, DCM_Laterality, ""); // Type 2C (paired body parts); the snapshot claims no side
    put(dataset, DCM_ImageType, "DERIVED\\SECONDARY");
    put(dataset, DCM_InstanceNumber, "1");
    put(dataset, DCM_PatientOrientation, "");
    put(dataset, DCM_ContentDate, timestamp.date);
    put(dataset, DCM_ContentTime, timestamp.time);
    put(dataset, DCM_BurnedInAnnotation, "YES");
    put(dataset, DCM_LossyImageCompression, "00");
    put(dataset, DCM_ConversionType, "WSD");
    put(dataset, DCM_DerivationDescription, "LRCLR overlay snapshot: regions, heatmap and legend drawn on the image");
    dataset.putAndInsertUint16(DCM_SamplesPerPixel, 3);
    put(dataset, DCM_PhotometricInterpretation, "RGB");
    dataset.putAndInsertUint16(DCM_PlanarConfiguration, 0);
    dataset.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(picture.height));
    dataset.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(picture.width));
    dataset.putAndInsertUint16(DCM_BitsAllocated, 8);
    dataset.putAndInsertUint16(DCM_BitsStored, 8);
    dataset.putAndInsertUint16(DCM_HighBit, 7);
    dataset.putAndInsertUint16(DCM_PixelRepresentation, 0);
    const auto condition = dataset.putAndInsertUint8Array(
        DCM_PixelData, picture.rgb.data(), static_cast<unsigned long>(picture.rgb.size()));
    Modules::check(condition.good(), "Secondary Capture: cannot write the pixels", condition.text());
}

void putSourceReference(DcmItem& dataset, const DicomIdentity& source)
{
    DcmItem* item = nullptr;
    const auto condition = dataset.findOrCreateSequenceItem(DCM_SourceImageSequence, item, -2);
    Modules::check(condition.good() && item, "Secondary Capture: cannot reference the source", condition.text());
    put(*item, DCM_ReferencedSOPClassUID, source.sopClassUid);
    put(*item, DCM_ReferencedSOPInstanceUID, source.sopInstanceUid);
}

} // namespace

WrittenDicomInstance SecondaryCaptureWriter::write(const RgbPicture& picture, const DicomResultSource& source,
    const std::string& path, const DicomSeriesOptions& options)
{
    if (!source.isDicom())
        throw std::invalid_argument(
            "the Secondary Capture needs a DICOM source image; missing: " + source.missingAttributes());
    if (picture.width <= 0 || picture.height <= 0 || picture.width > 65535 || picture.height > 65535
        || picture.rgb.size() != static_cast<std::size_t>(picture.width) * picture.height * 3)
        throw std::invalid_argument("the overlay snapshot is not a width x height x 3 byte RGB buffer");
    DicomLibrary::initialize();
    const auto timestamp = Modules::Timestamp::now();
    DcmFileFormat file;
    auto& dataset = *file.getDataset();
    const auto instanceUid = Modules::newInstanceUid();
    Modules::putSopCommon(dataset, sopClassUid, instanceUid, timestamp);
    Modules::putPatientAndStudy(dataset, source.identity);
    const auto seriesUid
        = Modules::putNewSeries(dataset, "OT", options.seriesNumber > 0 ? options.seriesNumber : defaultSeriesNumber,
            options.seriesDescription.empty() ? std::string("LRCLR overlay snapshot") : options.seriesDescription,
            options, timestamp);
    putImage(dataset, picture, timestamp);
    putSourceReference(dataset, source.identity);
    Modules::save(file, path);
    return { path, sopClassUid, instanceUid, seriesUid };
}

} // namespace lrclr
