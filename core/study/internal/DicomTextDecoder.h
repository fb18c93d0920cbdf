#pragma once

#include <string>

class DcmDataset;

namespace lrclr::internal {

/// Turns attribute bytes into UTF-8: DCMTK converts the dataset itself, except for the ISO 2022 Japanese sets its
/// iconv build cannot handle, which are decoded here; anything still invalid is read as Latin-1.
struct DicomTextDecoder {
    std::string specificCharacterSet;
    bool japanese = false;

    /// Prepares `dataset`'s text for decoding: converts it to UTF-8 with DCMTK where DCMTK can. A failed conversion
    /// leaves the source bytes, which the decoder then makes displayable.
    static DicomTextDecoder forDataset(DcmDataset& dataset);

    std::string operator()(const std::string& raw) const;
};

} // namespace lrclr::internal
