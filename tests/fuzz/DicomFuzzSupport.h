#pragma once

#include <cstdlib>

#include <QtGlobal>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include "core/dicom/DicomLibrary.h"

namespace lrclr::fuzz {

/// Drops Qt's debug, info and warning messages (hostile input makes many, and printing them slows the fuzzer);
/// a fatal message still aborts.
inline void quietQtMessages()
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString&) {
        if (type == QtFatalMsg)
            std::abort();
    });
}

/// DCMTK set up as the viewer sets it up (decoders registered), with its log silenced for speed.
inline void initializeDicom()
{
    DicomLibrary::initialize();
    OFLog::getLogger("dcmtk").setLogLevel(OFLogger::OFF_LOG_LEVEL);
    quietQtMessages();
}

} // namespace lrclr::fuzz
