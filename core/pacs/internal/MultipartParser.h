#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace lrclr::internal {

/// One body part of a multipart message: its Content-Type and where its content lies in the message.
struct MultipartPart {
    QByteArray contentType; ///< as the part's header says it; empty when it has none
    qsizetype offset = 0; ///< of the content in the message body
    qsizetype size = 0;
};

/// Splits a multipart/related body (RFC 2046, as WADO-RS sends it) into its parts, without copying their contents.
/// Hostile input is expected: the boundary is checked, the number of parts, the size of each part and of each header
/// block are limited, and a body that ends without its closing delimiter is refused. Stateless; thread-safe.
class MultipartParser {
public:
    struct Limits {
        int maximumParts = 10000;
        qint64 maximumPartBytes = qint64 { 1 } << 30;
        int maximumHeaderBytes = 16384; ///< of one part's header block
    };

    /// The boundary parameter of a "multipart/related; ...; boundary=..." Content-Type (quoted or not);
    /// std::nullopt with `error` when the type is not multipart or the boundary is missing or not RFC 2046's
    /// 1 to 70 characters of its set.
    static std::optional<QByteArray> boundaryOf(const QByteArray& contentType, QString* error);
    /// The parts of `body`, in order; std::nullopt with `error` when it is malformed or passes a limit.
    static std::optional<QList<MultipartPart>> parse(
        QByteArrayView body, const QByteArray& boundary, const Limits& limits, QString* error);
};

} // namespace lrclr::internal
