// Fuzz target: a WADO-RS answer, as a DICOMweb peer sends it (internal::MultipartParser). The first line of the
// input is the Content-Type header (boundaryOf), the rest the multipart/related body (parse); parsed without a
// network. When the header names no valid boundary, the body is parsed with boundary "frontier". Every part must lie
// inside the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include "core/pacs/internal/MultipartParser.h"
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
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray contentType = newline < 0 ? input : input.left(newline);
    const QByteArrayView body = newline < 0 ? QByteArrayView() : QByteArrayView(input).sliced(newline + 1);
    QString error;
    auto boundary = internal::MultipartParser::boundaryOf(contentType, &error);
    if (!boundary) {
        fuzz::require(!error.isEmpty());
        boundary = QByteArray("frontier");
    }
    internal::MultipartParser::Limits limits;
    limits.maximumParts = 1000;
    limits.maximumHeaderBytes = 4096;
    error.clear();
    const auto parts = internal::MultipartParser::parse(body, *boundary, limits, &error);
    if (!parts) {
        fuzz::require(!error.isEmpty());
        return 0;
    }
    fuzz::require(parts->size() <= limits.maximumParts);
    for (const internal::MultipartPart& part : *parts) {
        fuzz::require(0 <= part.offset && 0 <= part.size && part.offset + part.size <= body.size());
        body.sliced(part.offset, part.size);
    }
    return 0;
}
