#include "core/pacs/PacsClient.h"

#include <utility>

#include <QDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include "core/dicom/DicomLibrary.h"
#include "core/pacs/internal/InstanceStorer.h"
#include "core/pacs/internal/ScuConnection.h"
#include "core/pacs/internal/StorageNames.h"
#include "core/pacs/internal/StudyFinder.h"
#include "core/pacs/internal/StudyMover.h"
#include "core/pacs/internal/StudyRetriever.h"

namespace lrclr {

struct PacsClient::Settings : internal::ScuSettings { };

namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

/// Checks what every call needs before it touches the network; an error text, empty when all is well.
QString settingsProblem(const internal::ScuSettings& settings)
{
    if (QString problem = PacsNode::aeTitleProblem(settings.callingAeTitle); !problem.isEmpty())
        return QStringLiteral("our AE title: ") + problem;
    if (QString problem = PacsNode::aeTitleProblem(settings.peer.aeTitle()); !problem.isEmpty())
        return QStringLiteral("the PACS AE title: ") + problem;
    if (settings.peer.host().isEmpty() || settings.peer.port() < 1 || settings.peer.port() > 65535)
        return QStringLiteral("the PACS node '%1' has no host or port").arg(settings.peer.toString());
    if (settings.associationTimeoutSeconds < 1 || settings.responseTimeoutSeconds < 1)
        return QStringLiteral("timeouts must be at least 1 s");
    if (settings.cancelled && settings.cancelled->load())
        return QStringLiteral("cancelled");
    return {};
}

QString uidProblem(const QString& uid)
{
    return internal::StorageNames::isValidUid(uid)
        ? QString()
        : QStringLiteral("'%1' is not a DICOM UID (digits and dots, at most 64 characters)").arg(uid);
}

} // namespace

PacsClient::PacsClient(PacsNode peer, QString callingAeTitle)
    : m_peer(std::move(peer))
    , m_callingAeTitle(std::move(callingAeTitle))
{
    DicomLibrary::initialize();
}

PacsClient::~PacsClient() = default;

PacsClient::Settings PacsClient::settings() const
{
    Settings settings;
    settings.peer = m_peer;
    settings.callingAeTitle = m_callingAeTitle;
    settings.associationTimeoutSeconds = m_timeouts.associationSeconds;
    settings.responseTimeoutSeconds = m_timeouts.responseSeconds;
    settings.cancelled = &m_cancelled;
    return settings;
}

QString PacsClient::studyFolder(const QString& outputFolder, const QString& studyInstanceUid)
{
    return QDir(outputFolder).absoluteFilePath(internal::StorageNames::studyFolderName(studyInstanceUid));
}

bool PacsClient::echo(QString* error)
{
    const Settings current = settings();
    if (QString problem = settingsProblem(current); !problem.isEmpty()) {
        setError(error, problem);
        return false;
    }
    DcmSCU scu;
    internal::ScuConnection::configure(scu, current);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(UID_VerificationSOPClass, syntaxes);
    if (QString message = internal::ScuConnection::open(scu, current, QStringLiteral("C-ECHO")); !message.isEmpty()) {
        setError(error, message);
        return false;
    }
    const OFCondition status = scu.sendECHORequest(0);
    internal::ScuConnection::close(scu, status.good());
    if (status.bad()) {
        setError(error, internal::ScuConnection::failureText(status, current, QStringLiteral("C-ECHO")));
        return false;
    }
    return true;
}

std::optional<PacsStudyList> PacsClient::findStudies(const StudyQuery& query, QString* error)
{
    const Settings current = settings();
    QString problem = settingsProblem(current);
    if (problem.isEmpty())
        problem = query.problem();
    if (!problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    QString message;
    auto result = internal::StudyFinder::findStudies(current, query, &message);
    setError(error, message);
    return result;
}

std::optional<QList<PacsSeries>> PacsClient::findSeries(const QString& studyInstanceUid, QString* error)
{
    const Settings current = settings();
    QString problem = settingsProblem(current);
    if (problem.isEmpty())
        problem = uidProblem(studyInstanceUid);
    if (!problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    QString message;
    auto result = internal::StudyFinder::findSeries(current, studyInstanceUid, &message);
    setError(error, message);
    return result;
}

std::optional<PacsRetrieveResult> PacsClient::retrieveStudy(
    const QString& studyInstanceUid, const QString& outputFolder, const PacsProgress& progress, QString* error)
{
    const Settings current = settings();
    QString problem = settingsProblem(current);
    if (problem.isEmpty())
        problem = uidProblem(studyInstanceUid);
    if (problem.isEmpty() && outputFolder.isEmpty())
        problem = QStringLiteral("no output folder");
    if (problem.isEmpty() && (m_movePort < 0 || m_movePort > 65535))
        problem = QStringLiteral("the C-MOVE port %1 is not a TCP port (1 to 65535)").arg(m_movePort);
    if (!problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    QString message;
    const QString folder = studyFolder(outputFolder, studyInstanceUid);
    auto result = m_movePort > 0
        ? internal::StudyMover::retrieve(current, studyInstanceUid, folder, m_movePort, progress, &message)
        : internal::StudyRetriever::retrieve(current, studyInstanceUid, folder, progress, &message);
    setError(error, message);
    return result;
}

std::optional<PacsStoreResult> PacsClient::store(const QStringList& files, const PacsProgress& progress, QString* error)
{
    const Settings current = settings();
    if (QString problem = settingsProblem(current); !problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    QString message;
    auto result = internal::InstanceStorer::store(current, files, progress, &message);
    setError(error, message);
    return result;
}

} // namespace lrclr
