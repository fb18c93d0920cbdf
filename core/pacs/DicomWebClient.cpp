#include "core/pacs/DicomWebClient.h"

#include <utility>

#include "core/dicom/DicomLibrary.h"
#include "core/pacs/PacsClient.h"
#include "core/pacs/internal/DicomWebSettings.h"
#include "core/pacs/internal/QidoStudies.h"
#include "core/pacs/internal/StorageNames.h"
#include "core/pacs/internal/WebStudyRetriever.h"
#include "core/pacs/internal/WebStudyStorer.h"

namespace lrclr {

namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

} // namespace

DicomWebClient::DicomWebClient(QUrl baseUrl)
    : m_baseUrl(std::move(baseUrl))
{
    DicomLibrary::initialize();
}

DicomWebClient::~DicomWebClient() = default;

std::optional<QUrl> DicomWebClient::parseUrl(const QString& text, QString* error)
{
    const QUrl url(text, QUrl::StrictMode);
    QString problem;
    if (!url.isValid() || url.isRelative())
        problem = QStringLiteral("'%1' is not an absolute URL").arg(text);
    else if (url.scheme() == QStringLiteral("https"))
        problem = QStringLiteral("https is not supported yet (no TLS): use http://");
    else if (url.scheme() != QStringLiteral("http"))
        problem = QStringLiteral("'%1' is not an http:// URL").arg(text);
    else if (url.host().isEmpty())
        problem = QStringLiteral("'%1' has no host").arg(text);
    else if (url.hasQuery() || url.hasFragment())
        problem = QStringLiteral("'%1' has a query or fragment; give the service root only").arg(text);
    if (!problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    return url;
}

QString DicomWebClient::settingsProblem() const
{
    QString problem;
    if (!parseUrl(m_baseUrl.toString(), &problem))
        return problem;
    if (m_timeoutSeconds < 1)
        return QStringLiteral("the timeout must be at least 1 s");
    if (m_cancelled.load())
        return QStringLiteral("cancelled");
    return {};
}

namespace {

internal::DicomWebSettings webSettings(
    const QUrl& baseUrl, int timeoutSeconds, const DicomWebClient::Limits& limits, const std::atomic<bool>* cancelled)
{
    internal::DicomWebSettings settings;
    settings.baseUrl = baseUrl;
    settings.http.timeoutSeconds = timeoutSeconds;
    settings.http.maximumResponseBytes = limits.maximumResponseBytes;
    settings.http.cancelled = cancelled;
    settings.parts.maximumParts = limits.maximumParts;
    settings.parts.maximumPartBytes = limits.maximumPartBytes;
    return settings;
}

} // namespace

std::optional<PacsStudyList> DicomWebClient::findStudies(const StudyQuery& query, QString* error)
{
    QString problem = settingsProblem();
    if (problem.isEmpty())
        problem = query.problem();
    if (!problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    internal::DicomWebSettings settings = webSettings(m_baseUrl, m_timeoutSeconds, m_limits, &m_cancelled);
    settings.http.maximumResponseBytes = m_limits.maximumQueryBytes;
    internal::HttpRequest request;
    request.url = settings.url(QStringLiteral("studies"));
    // One more than the limit tells whether there were more; a name filtered here needs every match.
    const bool filterNames = internal::QidoStudies::nameFilterNeeded(query);
    const int serverLimit = query.limit > 0 && !filterNames ? query.limit + 1 : 0;
    request.url.setQuery(internal::QidoStudies::queryString(query, serverLimit));
    request.headers = { { "Accept", "application/dicom+json" } };
    QString message;
    const auto response = internal::HttpExchange::run(request, settings.http, &message);
    if (response)
        message = internal::HttpExchange::statusProblem(request, *response);
    if (!message.isEmpty()) {
        setError(error, message);
        return std::nullopt;
    }
    auto studies = internal::QidoStudies::parse(response->body, &message);
    if (!studies) {
        setError(error, message);
        return std::nullopt;
    }
    PacsStudyList list;
    for (PacsStudy& study : *studies) {
        if (!filterNames || internal::QidoStudies::matchesName(query.patientName, study.patientName))
            list.studies.append(std::move(study));
    }
    if (query.limit > 0 && list.studies.size() > query.limit) {
        list.studies.resize(query.limit);
        list.truncated = true;
    }
    return list;
}

std::optional<PacsRetrieveResult> DicomWebClient::retrieveStudy(
    const QString& studyInstanceUid, const QString& outputFolder, const PacsProgress& progress, QString* error)
{
    QString problem = settingsProblem();
    if (problem.isEmpty() && !internal::StorageNames::isValidUid(studyInstanceUid))
        problem
            = QStringLiteral("'%1' is not a DICOM UID (digits and dots, at most 64 characters)").arg(studyInstanceUid);
    if (problem.isEmpty() && outputFolder.isEmpty())
        problem = QStringLiteral("no output folder");
    if (!problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    QString message;
    auto result
        = internal::WebStudyRetriever::retrieve(webSettings(m_baseUrl, m_timeoutSeconds, m_limits, &m_cancelled),
            studyInstanceUid, PacsClient::studyFolder(outputFolder, studyInstanceUid), progress, &message);
    setError(error, message);
    return result;
}

std::optional<PacsStoreResult> DicomWebClient::store(
    const QStringList& files, const PacsProgress& progress, QString* error)
{
    if (QString problem = settingsProblem(); !problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    QString message;
    auto result = internal::WebStudyStorer::store(
        webSettings(m_baseUrl, m_timeoutSeconds, m_limits, &m_cancelled), files, progress, &message);
    setError(error, message);
    return result;
}

} // namespace lrclr
