#pragma once

#include <atomic>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace lrclr::internal {

/// One HTTP request of the DICOMweb client.
struct HttpRequest {
    QByteArray method = "GET"; ///< GET or POST
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; ///< sent with POST
};

/// What the server answered: any status, 2xx or not.
struct HttpResponse {
    int status = 0;
    QByteArray reason;
    QByteArray contentType;
    QByteArray body;
};

/// How long to wait, how much to take, when to stop.
struct HttpSettings {
    int timeoutSeconds = 30; ///< the longest silence (no byte sent or received) before the request is aborted
    qint64 maximumResponseBytes = qint64 { 1 } << 30;
    const std::atomic<bool>* cancelled = nullptr; ///< looked at every 100 ms
};

/// Runs one HTTP request through a QNetworkAccessManager of its own in an event loop of its own on the calling
/// thread, so that it blocks that thread only: usable from any thread that has no other event loop running, as
/// long as a QCoreApplication exists. Stateless; thread-safe.
class HttpExchange {
public:
    /// The response (whatever its status), or std::nullopt with `error` when there was none: no connection, a
    /// timeout, a cancel, or a body over the limit (then the request is aborted as soon as it passes it).
    static std::optional<HttpResponse> run(const HttpRequest& request, const HttpSettings& settings, QString* error);
    /// "HTTP 404 (Not Found) from GET URL: <the start of the body>" for a response that is not 2xx; empty for 2xx.
    static QString statusProblem(const HttpRequest& request, const HttpResponse& response);
    /// True when `contentType` names `mediaType` (case-insensitive, parameters ignored).
    static bool isMediaType(const QByteArray& contentType, const QByteArray& mediaType);
};

} // namespace lrclr::internal
