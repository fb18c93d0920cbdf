#include "core/pacs/internal/WebStudyStorer.h"

#include <cstdint>
#include <span>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

#include "core/dicom/internal/DicomPreScanner.h"

namespace lrclr::internal {

namespace {

constexpr int maximumSequenceDepth = 64;
constexpr std::size_t maximumInflatedBytes = std::size_t { 256 } << 20;
constexpr qint64 maximumFileBytes = qint64 { 1 } << 30;

/// The bytes of `path` when it is a DICOM Part 10 file that passes the pre-scan; empty with `problem` otherwise.
QByteArray readDicomFile(const QString& path, QString* problem)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
        return {};
    }
    if (file.size() > maximumFileBytes) {
        *problem = QStringLiteral("%1: larger than %2 bytes: not sent").arg(path).arg(maximumFileBytes);
        return {};
    }
    const QByteArray bytes = file.readAll();
    const std::span<const std::uint8_t> span(
        reinterpret_cast<const std::uint8_t*>(bytes.constData()), static_cast<std::size_t>(bytes.size()));
    const auto scan = DicomPreScanner::scan(span, maximumSequenceDepth, maximumInflatedBytes);
    if (!scan.accepted) {
        *problem = QStringLiteral("%1: refused: %2").arg(path, QString::fromStdString(scan.problem));
        return {};
    }
    if (scan.transferSyntaxUid.empty()) {
        *problem = QStringLiteral("%1: not a DICOM Part 10 file (no meta header)").arg(path);
        return {};
    }
    return bytes;
}

/// A boundary that does not occur in `content`.
QByteArray boundaryFor(const QByteArray& content)
{
    QByteArray boundary;
    do {
        boundary = "lrclr-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    } while (content.contains(boundary));
    return boundary;
}

HttpRequest storeRequest(const DicomWebSettings& settings, const QByteArray& content)
{
    const QByteArray boundary = boundaryFor(content);
    HttpRequest request;
    request.method = "POST";
    request.url = settings.url(QStringLiteral("studies"));
    request.headers = {
        { "Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary },
        { "Accept", "application/dicom+json" },
    };
    request.body
        = "--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
    return request;
}

/// Why the server refused the file, from the Failed SOP Sequence (0008,1198) of its answer; empty when it did not.
QString failureOf(const HttpResponse& response)
{
    const QJsonObject answer = QJsonDocument::fromJson(response.body).object();
    const QJsonArray failed
        = answer.value(QStringLiteral("00081198")).toObject().value(QStringLiteral("Value")).toArray();
    if (failed.isEmpty())
        return {};
    const QJsonArray reasons = failed.first()
                                   .toObject()
                                   .value(QStringLiteral("00081197"))
                                   .toObject()
                                   .value(QStringLiteral("Value"))
                                   .toArray();
    return reasons.isEmpty() ? QStringLiteral("refused by the server")
                             : QStringLiteral("refused by the server (failure reason 0x%1)")
                                   .arg(reasons.first().toInt(), 4, 16, QLatin1Char('0'));
}

} // namespace

std::optional<PacsStoreResult> WebStudyStorer::store(
    const DicomWebSettings& settings, const QStringList& files, const PacsProgress& progress, QString* error)
{
    PacsStoreResult result;
    int done = 0;
    for (const QString& path : files) {
        QString problem;
        const QByteArray content = readDicomFile(path, &problem);
        if (!content.isEmpty()) {
            const HttpRequest request = storeRequest(settings, content);
            const auto response = HttpExchange::run(request, settings.http, error);
            if (!response)
                return std::nullopt;
            problem = HttpExchange::statusProblem(request, *response);
            if (problem.isEmpty())
                problem = failureOf(*response);
            if (!problem.isEmpty())
                problem = path + QStringLiteral(": ") + problem;
        }
        if (problem.isEmpty())
            ++result.storedCount;
        else
            result.failures.append(problem);
        if (progress)
            progress(++done, static_cast<int>(files.size()));
    }
    return result;
}

} // namespace lrclr::internal
