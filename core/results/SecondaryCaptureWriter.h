#pragma once

#include <string>

#include "core/results/DicomResultTypes.h"

namespace lrclr {

/// Writes the overlay snapshot (image, regions, heatmap and legend as the viewer drew them) as a DICOM Secondary
/// Capture Image (1.2.840.10008.5.1.4.1.1.7) in a new series of the source study: RGB, 8 bits, Burned In Annotation
/// YES (the picture carries text), Conversion Type WSD, Image Type DERIVED\SECONDARY, and a Source Image Sequence
/// naming the source image. The picture need not have the source's size (a screenshot rarely has).
/// Stateless; thread-safe.
class SecondaryCaptureWriter {
public:
    static constexpr int defaultSeriesNumber = 9902;
    static constexpr const char* sopClassUid = "1.2.840.10008.5.1.4.1.1.7";

    /// Throws std::invalid_argument for a source that is not DICOM or a picture whose buffer does not hold
    /// width x height x 3 bytes (or is larger than 65535 on a side), std::runtime_error naming the path when the
    /// file cannot be written.
    static WrittenDicomInstance write(const RgbPicture& picture, const DicomResultSource& source,
        const std::string& path, const DicomSeriesOptions& options = {});
};

} // namespace lrclr
