#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include "core/pacs/PacsNode.h"

namespace lrclr::test {

/// A throw-away Orthanc for the PACS tests: a generated configuration (free loopback ports, storage and index in a
/// temporary folder, our AE title as a known modality at 127.0.0.1:movePort() so that C-GET and C-MOVE are allowed,
/// optionally the DICOMweb plugin), started with QProcess and stopped by its PID. Run it only inside the test's own
/// network namespace (tests/pacs/in-network-namespace.sh): Orthanc listens on every interface. Not thread-safe; one per
/// test.
class OrthancServer {
public:
    /// `clientAeTitle`: the AE title the tests call from, registered in DicomModalities.
    explicit OrthancServer(QString clientAeTitle = QStringLiteral("LRCLR"));
    ~OrthancServer();
    OrthancServer(const OrthancServer&) = delete;
    OrthancServer& operator=(const OrthancServer&) = delete;

    /// Loads the DICOMweb plugin (orthanc-dicomweb) with the REST API at dicomWebUrl(); call before start().
    void setDicomWebEnabled(bool enabled) { m_dicomWebEnabled = enabled; }
    /// Starts Orthanc and waits until its DICOM port answers C-ECHO; false with a message (and the end of Orthanc's
    /// log) in `error` when it does not within `timeoutSeconds`.
    bool start(QString* error, int timeoutSeconds = 60);
    void stop();

    /// Orthanc's DICOM node: ORTHANC@127.0.0.1:<port>.
    lrclr::PacsNode node() const;
    /// The port Orthanc sends C-MOVE sub-operations to for our AE title (nothing listens there unless a test does).
    int movePort() const { return m_movePort; }
    /// The DICOMweb root, "http://127.0.0.1:<HTTP port>/dicom-web" (with setDicomWebEnabled(true)).
    QString dicomWebUrl() const;
    /// Its REST API's port on 127.0.0.1.
    int httpPort() const { return m_httpPort; }
    /// True when the process only sees the loopback interface (the test runs in its own network namespace).
    static bool onlyLoopbackExists(QString* interfaces);
    /// Empty when only loopback exists; else what a test that needs its own network namespace fails with.
    static QString namespaceProblem()
    {
        QString interfaces;
        if (onlyLoopbackExists(&interfaces))
            return {};
        return QStringLiteral("the test must run in its own network namespace (through CTest and "
                              "tests/pacs/in-network-namespace.sh); interfaces seen: %1")
            .arg(interfaces);
    }
    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static int freePort();

private:
    bool writeConfiguration(QString* error);
    QString logTail() const;

    QString m_clientAeTitle;
    QTemporaryDir m_directory;
    QProcess m_process;
    int m_dicomPort = 0;
    int m_httpPort = 0;
    int m_movePort = 0;
    bool m_dicomWebEnabled = false;
};

} // namespace lrclr::test
