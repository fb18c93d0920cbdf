#include "core/pacs/internal/HttpExchange.h"

#include <algorithm>
#include <memory>

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace lrclr::internal {

namespace {

/// What ended the exchange, when it was not the reply finishing by itself.
enum class Stop { None, TimedOut, Cancelled, TooLarge };

QString requestText(const HttpRequest& request)
{
    return QString::fromLatin1(request.method) + u' ' + request.url.toDisplayString();
}

QNetworkRequest networkRequest(const HttpRequest& request)
{
    QNetworkRequest networkRequest(request.url);
    for (const auto& [name, value] : request.headers)
        networkRequest.setRawHeader(name, value);
    // A redirect may not leave the server the user named.
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    return networkRequest;
}

/// The message for an exchange that ended without a response.
QString stopText(Stop stop, const HttpRequest& request, const HttpSettings& settings, const QNetworkReply& reply)
{
    switch (stop) {
    case Stop::TimedOut:
        return QStringLiteral("%1 timed out: no data within %2 s")
            .arg(requestText(request))
            .arg(settings.timeoutSeconds);
    case Stop::Cancelled:
        return QStringLiteral("%1 cancelled").arg(requestText(request));
    case Stop::TooLarge:
        return QStringLiteral("the response to %1 is larger than %2 bytes: refused")
            .arg(requestText(request))
            .arg(settings.maximumResponseBytes);
    case Stop::None:
        break;
    }
    return QStringLiteral("%1 failed: %2").arg(requestText(request), reply.errorString());
}

} // namespace

std::optional<HttpResponse> HttpExchange::run(const HttpRequest& request, const HttpSettings& settings, QString* error)
{
    if (!QCoreApplication::instance()) {
        *error = QStringLiteral("DICOMweb needs a QCoreApplication (Qt's event system) in this process");
        return std::nullopt;
    }
    if (settings.cancelled && settings.cancelled->load()) {
        *error = QStringLiteral("cancelled");
        return std::nullopt;
    }
    QNetworkAccessManager manager;
    QEventLoop loop;
    const QNetworkRequest networkRequest = lrclr::internal::networkRequest(request);
    std::unique_ptr<QNetworkReply> reply(request.method == "GET"
            ? manager.get(networkRequest)
            : manager.sendCustomRequest(networkRequest, request.method, request.body));
    HttpResponse response;
    Stop stop = Stop::None;
    const auto abortWith = [&](Stop reason) {
        if (stop == Stop::None)
            stop = reason;
        reply->abort();
    };
    QTimer silence;
    silence.setSingleShot(true);
    // A day at most, so that the milliseconds fit an int.
    silence.setInterval(std::min(settings.timeoutSeconds, 24 * 3600) * 1000);
    QObject::connect(&silence, &QTimer::timeout, &loop, [&] { abortWith(Stop::TimedOut); });
    QTimer cancelPoll;
    cancelPoll.setInterval(100);
    QObject::connect(&cancelPoll, &QTimer::timeout, &loop, [&] {
        if (settings.cancelled && settings.cancelled->load())
            abortWith(Stop::Cancelled);
    });
    QObject::connect(reply.get(), &QNetworkReply::uploadProgress, &loop, [&](qint64, qint64) { silence.start(); });
    QObject::connect(reply.get(), &QNetworkReply::readyRead, &loop, [&] {
        silence.start();
        response.body += reply->readAll();
        if (response.body.size() > settings.maximumResponseBytes)
            abortWith(Stop::TooLarge);
    });
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    silence.start();
    cancelPoll.start();
    if (!reply->isFinished())
        loop.exec();
    if (stop == Stop::None && response.body.size() + reply->bytesAvailable() > settings.maximumResponseBytes)
        stop = Stop::TooLarge;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (stop != Stop::None || !status.isValid()) {
        *error = stopText(stop, request, settings, *reply);
        return std::nullopt;
    }
    response.body += reply->readAll();
    response.status = status.toInt();
    response.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    if (response.status >= 200 && response.status < 300 && reply->error() != QNetworkReply::NoError) {
        // A 2xx whose body broke off (the connection closed early): not a response to use.
        *error = stopText(Stop::None, request, settings, *reply);
        return std::nullopt;
    }
    return response;
}

QString HttpExchange::statusProblem(const HttpRequest& request, const HttpResponse& response)
{
    if (response.status >= 200 && response.status < 300)
        return {};
    QString start = QString::fromUtf8(response.body.left(200)).simplified();
    return QStringLiteral("HTTP %1 (%2) from %3%4")
        .arg(response.status)
        .arg(QString::fromLatin1(response.reason), requestText(request),
            start.isEmpty() ? QString() : QStringLiteral(": ") + start);
}

bool HttpExchange::isMediaType(const QByteArray& contentType, const QByteArray& mediaType)
{
    return contentType.split(';').first().trimmed().compare(mediaType, Qt::CaseInsensitive) == 0;
}

} // namespace lrclr::internal
