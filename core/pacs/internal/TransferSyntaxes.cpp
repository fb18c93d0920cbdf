#include "core/pacs/internal/TransferSyntaxes.h"

#include <dcmtk/dcmdata/dcuid.h>

namespace lrclr::internal {

std::span<const char* const> compressedTransferSyntaxes()
{
    static const char* const syntaxes[] = {
        UID_JPEGProcess14SV1TransferSyntax,
        UID_JPEGLSLosslessTransferSyntax,
        UID_JPEG2000LosslessOnlyTransferSyntax,
        UID_RLELosslessTransferSyntax,
        UID_JPEGProcess1TransferSyntax,
        UID_JPEGProcess2_4TransferSyntax,
        UID_JPEGLSLossyTransferSyntax,
        UID_JPEG2000TransferSyntax,
        UID_DeflatedExplicitVRLittleEndianTransferSyntax,
    };
    return syntaxes;
}

} // namespace lrclr::internal
