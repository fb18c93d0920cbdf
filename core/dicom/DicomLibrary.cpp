#include "core/dicom/DicomLibrary.h"

#include <mutex>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include "core/dicom/internal/DicomDictionaryLoader.h"

namespace lrclr {

void DicomLibrary::initialize()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // DCMTK's own log messages can quote element values (names, IDs); keep them at ERROR and above.
        OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
        setLogVerbosity(LogVerbosity::Errors);
        internal::DicomDictionaryLoader::loadGlobalDictionary();
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

void DicomLibrary::setLogVerbosity(LogVerbosity verbosity)
{
    // Every DCMTK module logs below the "dcmtk" logger; a level set there caps them all even when someone sets the
    // root logger to TRACE (OFLog::configure only touches the root).
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    OFLogger::LogLevel level = OFLogger::ERROR_LOG_LEVEL;
    switch (verbosity) {
    case LogVerbosity::Errors:
        level = OFLogger::ERROR_LOG_LEVEL;
        break;
    case LogVerbosity::Warnings:
        level = OFLogger::WARN_LOG_LEVEL;
        break;
    case LogVerbosity::Information:
        level = OFLogger::INFO_LOG_LEVEL;
        break;
    }
    OFLog::getLogger("dcmtk").setLogLevel(level);
}

std::string DicomLibrary::version()
{
    return OFFIS_DCMTK_VERSION_STRING;
}

bool DicomLibrary::selfTest()
{
    DcmDataset written;
    if (written.putAndInsertString(DCM_Modality, "CR").bad() || written.putAndInsertUint16(DCM_Rows, 3000).bad())
        return false;
    std::vector<unsigned char> buffer(1024);
    DcmOutputBufferStream output(buffer.data(), static_cast<offile_off_t>(buffer.size()));
    written.transferInit();
    const OFCondition writeStatus = written.write(output, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
    written.transferEnd();
    if (writeStatus.bad())
        return false;
    void* bytes = nullptr;
    offile_off_t length = 0;
    output.flushBuffer(bytes, length);

    DcmInputBufferStream input;
    input.setBuffer(bytes, length);
    input.setEos();
    DcmDataset parsed;
    parsed.transferInit();
    const OFCondition readStatus = parsed.read(input, EXS_LittleEndianExplicit);
    parsed.transferEnd();
    Uint16 rows = 0;
    OFString modality;
    return readStatus.good() && parsed.findAndGetUint16(DCM_Rows, rows).good() && rows == 3000
        && parsed.findAndGetOFString(DCM_Modality, modality).good() && modality == "CR";
}

} // namespace lrclr
