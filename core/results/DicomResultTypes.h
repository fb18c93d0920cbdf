#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/study/XrayImage.h"

namespace lrclr {

/// The image an analysis was made on, as far as the DICOM results need it: whom and which study it belongs to, the
/// instance the results reference, and its pixel grid (SR coordinates and the Parametric Map use it).
struct DicomResultSource {
    DicomIdentity identity;
    int rows = 0;
    int columns = 0;
    std::optional<double> rowSpacingMm; ///< from Pixel Spacing or Imager Pixel Spacing, when the source has one
    std::optional<double> columnSpacingMm;
    std::string imageLaterality;

    /// Takes the identity and grid of a DICOM image read by core/study's DicomImageReader.
    static DicomResultSource fromImage(const XrayImage& image);
    /// Whether the source carries what the results must reference: Study, Series and SOP Instance UIDs and the SOP
    /// Class UID (raster images do not).
    bool isDicom() const;
    /// What is missing for isDicom(), e.g. "SOP Instance UID"; empty when nothing is.
    std::string missingAttributes() const;
};

/// Which series a written object opens and how it is labelled. Each object is its own new series in the source
/// study (a series has one modality: SR, OT, and the Parametric Map's).
struct DicomSeriesOptions {
    int seriesNumber = 0; ///< 0: the writer's default (SR 9901, Secondary Capture 9902, Parametric Map 9903)
    std::string seriesDescription; ///< empty: the writer's default
    std::string softwareVersion = "unknown"; ///< LRCLR's version, written as Software Versions
};

/// What a writer wrote.
struct WrittenDicomInstance {
    std::string path;
    std::string sopClassUid;
    std::string sopInstanceUid;
    std::string seriesInstanceUid;
};

/// The reviewer's decision on one sentence–region pair (indexes into AnalysisResult::sentences / regions), as
/// ui/model/ReviewDecisions holds it; pairs without a decision are simply absent.
struct ReviewedRegion {
    int sentence = -1;
    int region = -1;
    bool accepted = false;
};

/// An 8-bit RGB picture (3 interleaved bytes per pixel, row-major, no row padding): the overlay snapshot. A plain
/// buffer so that core needs no Qt Gui; QImage::Format_RGB888 with bytesPerLine == 3 * width has this layout.
struct RgbPicture {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

} // namespace lrclr
