#include "core/study/internal/DicomTextDecoder.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>

#include "core/study/internal/DicomAttributes.h"
#include "core/study/internal/JapaneseTextDecoder.h"

namespace lrclr::internal {

DicomTextDecoder DicomTextDecoder::forDataset(DcmDataset& dataset)
{
    DicomTextDecoder decoder;
    decoder.specificCharacterSet = DicomAttributes::text(dataset, DCM_SpecificCharacterSet);
    decoder.japanese = JapaneseTextDecoder::handles(decoder.specificCharacterSet);
    if (!decoder.specificCharacterSet.empty() && !decoder.japanese)
        (void)dataset.convertToUTF8();
    return decoder;
}

std::string DicomTextDecoder::operator()(const std::string& raw) const
{
    if (japanese)
        if (auto decoded = JapaneseTextDecoder::decode(raw, specificCharacterSet))
            return *decoded;
    return DicomAttributes::validUtf8(raw);
}

} // namespace lrclr::internal
