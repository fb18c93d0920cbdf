#include "tests/pacs/FakeHttpServer.h"

#include <QTcpSocket>

namespace lrclr::test {

FakeHttpServer::FakeHttpServer(QByteArray answer)
    : m_answer(std::move(answer))
{
    QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection())
            serve(socket);
    });
}

bool FakeHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString FakeHttpServer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1/dicom-web").arg(m_server.serverPort());
}

QByteArray FakeHttpServer::answer(int status, const QByteArray& contentType, const QByteArray& body, int declaredLength)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " Fake\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(declaredLength >= 0 ? declaredLength : body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
}

void FakeHttpServer::serve(QTcpSocket* socket)
{
    auto* request = new QByteArray;
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, request] {
        delete request;
        socket->deleteLater();
    });
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, request] {
        const bool complete = request->contains("\r\n\r\n");
        *request += socket->readAll();
        if (complete || !request->contains("\r\n\r\n"))
            return;
        ++m_requestCount;
        if (m_answer.isEmpty())
            return; // a server that never answers
        socket->write(m_answer);
        socket->disconnectFromHost();
    });
}

} // namespace lrclr::test
