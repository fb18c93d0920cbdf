#pragma once

#include <atomic>

#include <QByteArray>
#include <QString>
#include <QTcpServer>

namespace lrclr::test {

/// A tiny HTTP server of the test's own on 127.0.0.1, living in the thread that creates it (the blocking DICOMweb
/// client runs its own event loop on that thread, which serves it): reads each request's header block, answers
/// with fixed raw bytes and closes the connection; with an empty answer it reads and never answers. Not
/// thread-safe, except requestCount(), which any thread may read.
class FakeHttpServer {
public:
    explicit FakeHttpServer(QByteArray answer);

    /// False when it cannot listen.
    bool listen();
    /// "http://127.0.0.1:<port>/dicom-web".
    QString url() const;
    int requestCount() const { return m_requestCount.load(); }
    /// An HTTP/1.1 answer with `status`, `contentType` and `body` (Content-Length set unless `declaredLength` >= 0
    /// overrides it, for answers that break off).
    static QByteArray answer(
        int status, const QByteArray& contentType, const QByteArray& body, int declaredLength = -1);

private:
    void serve(QTcpSocket* socket);

    QByteArray m_answer;
    QTcpServer m_server;
    std::atomic<int> m_requestCount { 0 };
};

} // namespace lrclr::test
