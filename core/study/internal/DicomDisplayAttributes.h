#pragma once

#include "core/study/XrayImage.h"
#include "core/study/internal/DicomPixelGeometry.h"
#include "core/study/internal/DicomSampleBuilder.h"
#include "core/study/internal/DicomTextDecoder.h"

class DcmItem;

namespace lrclr::internal {

/// What the image reader takes from a dataset besides the samples: the photometric interpretation (palettes applied),
/// the rescale, windows and VOI / Modality LUTs, padding, spacing, view and the patient / study identity.
/// Hostile values (zero slopes, malformed LUTs) are refused or ignored as the display chain needs. Stateless.
class DicomDisplayAttributes {
public:
    /// Sets the image's photometric interpretation from the stored one; PALETTE COLOR samples become RGB through the
    /// palette tables. Throws DicomReadError for an unsupported interpretation or a broken palette.
    static void applyPhotometric(DcmItem& dataset, const DicomPixelGeometry& g, XrayImage& image);
    /// Rescale, windows, VOI / Modality LUTs, pixel padding, spacing, view position and laterality.
    static void read(DcmItem& dataset, XrayImage& image, const DicomTextDecoder& decodeText);
    static void readIdentity(DcmItem& dataset, DicomIdentity& identity, const DicomTextDecoder& decodeText);
    /// After 32-bit values were stored as `stored * scale + offset`: folds that map into everything that is in stored
    /// units (the rescale, the padding values, the Modality LUT's input), so modality values stay what the file says.
    static void applyRequantization(const DicomRequantization& map, XrayImage& image);
};

} // namespace lrclr::internal
