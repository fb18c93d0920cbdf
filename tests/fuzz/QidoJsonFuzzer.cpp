// Fuzz target: a QIDO-RS answer, as a DICOMweb peer sends it (internal::QidoStudies::parse: a DICOM JSON array,
// PS3.18 F.2, into PacsStudy values). Parsed without a network: the bytes are the HTTP body. Bad answers give
// std::nullopt with an error; nothing throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <QByteArray>
#include <QString>

#include "core/pacs/internal/QidoStudies.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString&) {
        if (type == QtFatalMsg)
            std::abort();
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto studies = internal::QidoStudies::parse(body, &error);
    if (!studies) {
        fuzz::require(!error.isEmpty());
        return 0;
    }
    for (const PacsStudy& study : *studies) {
        fuzz::require(!study.studyInstanceUid.isEmpty());
        internal::QidoStudies::matchesName(QStringLiteral("A*^?B*"), study.patientName);
    }
    return 0;
}
