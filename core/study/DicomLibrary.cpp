#include "core/study/DicomLibrary.h"

#include <mutex>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

namespace lrclr {

void DicomLibrary::initialize()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // DCMTK's own log messages can quote element values (names, IDs); keep them at ERROR and above.
        OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

std::string DicomLibrary::version()
{
    return OFFIS_DCMTK_VERSION_STRING;
}

} // namespace lrclr
