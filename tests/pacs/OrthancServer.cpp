#include "tests/pacs/OrthancServer.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QThread>

#include "core/pacs/PacsClient.h"

namespace lrclr::test {

OrthancServer::OrthancServer(QString clientAeTitle)
    : m_clientAeTitle(std::move(clientAeTitle))
{
}

OrthancServer::~OrthancServer()
{
    stop();
}

int OrthancServer::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool OrthancServer::onlyLoopbackExists(QString* interfaces)
{
    bool onlyLoopback = true;
    QStringList names;
    for (const QNetworkInterface& networkInterface : QNetworkInterface::allInterfaces()) {
        names.append(networkInterface.name());
        if (!networkInterface.flags().testFlag(QNetworkInterface::IsLoopBack))
            onlyLoopback = false;
    }
    *interfaces = names.join(QStringLiteral(", "));
    return onlyLoopback;
}

lrclr::PacsNode OrthancServer::node() const
{
    return lrclr::PacsNode(QStringLiteral("ORTHANC"), QStringLiteral("127.0.0.1"), m_dicomPort);
}

QString OrthancServer::dicomWebUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/dicom-web").arg(m_httpPort);
}

bool OrthancServer::writeConfiguration(QString* error)
{
    m_dicomPort = freePort();
    m_httpPort = freePort();
    while (m_httpPort == m_dicomPort)
        m_httpPort = freePort();
    m_movePort = freePort();
    while (m_movePort == m_dicomPort || m_movePort == m_httpPort)
        m_movePort = freePort();
    const QString plugin = QStringLiteral(LRCLR_ORTHANC_DICOMWEB_PLUGIN);
    if (m_dicomWebEnabled && (plugin.isEmpty() || !QFile::exists(plugin))) {
        *error = QStringLiteral("the Orthanc DICOMweb plugin is not installed (scripts/install-deps.sh installs the "
                                "'orthanc-dicomweb' package)");
        return false;
    }
    const QJsonObject configuration {
        { QStringLiteral("Name"), QStringLiteral("lrclr-test") },
        { QStringLiteral("StorageDirectory"), m_directory.filePath(QStringLiteral("storage")) },
        { QStringLiteral("IndexDirectory"), m_directory.filePath(QStringLiteral("index")) },
        { QStringLiteral("DicomAet"), QStringLiteral("ORTHANC") },
        { QStringLiteral("DicomPort"), m_dicomPort },
        { QStringLiteral("HttpPort"), m_httpPort },
        { QStringLiteral("RemoteAccessAllowed"), false },
        { QStringLiteral("AuthenticationEnabled"), false },
        { QStringLiteral("DicomCheckCalledAet"), false },
        { QStringLiteral("StorageCompression"), false },
        { QStringLiteral("SaveJobs"), false },
        { QStringLiteral("Plugins"), m_dicomWebEnabled ? QJsonArray { plugin } : QJsonArray() },
        { QStringLiteral("DicomWeb"),
            QJsonObject { { QStringLiteral("Enable"), m_dicomWebEnabled },
                { QStringLiteral("Root"), QStringLiteral("/dicom-web/") }, { QStringLiteral("EnableWado"), false } } },
        { QStringLiteral("DicomModalities"),
            QJsonObject { { QStringLiteral("lrclr"),
                QJsonArray { m_clientAeTitle, QStringLiteral("127.0.0.1"), m_movePort } } } },
    };
    QFile file(m_directory.filePath(QStringLiteral("orthanc.json")));
    if (m_dicomPort == 0 || m_httpPort == 0 || !file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(configuration).toJson()) < 0) {
        *error = QStringLiteral("cannot write the Orthanc configuration in %1").arg(m_directory.path());
        return false;
    }
    return true;
}

QString OrthancServer::logTail() const
{
    QFile log(m_directory.filePath(QStringLiteral("orthanc.log")));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = log.readAll();
    return QString::fromLocal8Bit(text.right(2000));
}

bool OrthancServer::start(QString* error, int timeoutSeconds)
{
    const QString program = QStringLiteral(LRCLR_ORTHANC_PATH);
    if (program.isEmpty() || !QFile::exists(program)) {
        *error = QStringLiteral("Orthanc is not installed (scripts/install-deps.sh installs the 'orthanc' package)");
        return false;
    }
    if (!m_directory.isValid() || !writeConfiguration(error))
        return false;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_directory.filePath(QStringLiteral("orthanc.log")));
    m_process.start(program, { m_directory.filePath(QStringLiteral("orthanc.json")) });
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    lrclr::PacsClient client(node(), m_clientAeTitle);
    client.setTimeouts({ 2, 5 });
    const QDeadlineTimer deadline { std::chrono::seconds(timeoutSeconds) };
    QString echoError;
    while (!deadline.hasExpired()) {
        if (m_process.state() != QProcess::Running) {
            *error = QStringLiteral("Orthanc exited (code %1) before answering C-ECHO:\n%2")
                         .arg(m_process.exitCode())
                         .arg(logTail());
            return false;
        }
        if (client.echo(&echoError))
            return true;
        QThread::msleep(200);
    }
    *error = QStringLiteral("Orthanc did not answer C-ECHO within %1 s (%2):\n%3")
                 .arg(timeoutSeconds)
                 .arg(echoError, logTail());
    stop();
    return false;
}

void OrthancServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    // terminate() sends SIGTERM to the PID QProcess started; Orthanc then shuts down cleanly.
    m_process.terminate();
    if (!m_process.waitForFinished(30000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

} // namespace lrclr::test
