#include "faultproxy.h"

#include <QTcpSocket>
#include <QtEndian>

namespace Boxoffice::Test {

struct FaultProxy::Link
{
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> server;
    QByteArray toServer; // client bytes waiting for the server connection
    QByteArray request;  // the first request's header, until it is complete
    bool headerSeen = false;
    bool upgrading = false; // the client asked for a WebSocket
    bool webSocket = false; // the server's 101 answer has passed: frames follow
    QByteArray fromServer;  // server bytes not forwarded yet (answer header or partial frame)
};

FaultProxy::FaultProxy(quint16 targetPort, QObject *parent)
    : QObject(parent)
    , m_targetPort(targetPort)
{
    connect(&m_listener, &QTcpServer::newConnection, this, &FaultProxy::accept);
}

FaultProxy::~FaultProxy()
{
    cutAll();
}

bool FaultProxy::listen(quint16 port)
{
    if (!m_listener.listen(QHostAddress::LocalHost, port))
        return false;
    m_port = m_listener.serverPort();
    return true;
}

QUrl FaultProxy::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

bool FaultProxy::setRefusing(bool refusing)
{
    if (refusing) {
        m_listener.close();
        return true;
    }
    return m_listener.isListening() || m_listener.listen(QHostAddress::LocalHost, m_port);
}

int FaultProxy::webSocketCount() const
{
    int count = 0;
    for (const auto &link : m_links)
        count += link->webSocket ? 1 : 0;
    return count;
}

void FaultProxy::accept()
{
    while (QTcpSocket *client = m_listener.nextPendingConnection()) {
        auto link = std::make_unique<Link>();
        Link *raw = link.get();
        link->client = client;
        link->server = new QTcpSocket(this);
        client->setParent(this);
        m_links.push_back(std::move(link));
        connect(client, &QTcpSocket::readyRead, this, [this, raw] { forwardFromClient(raw); });
        connect(client, &QTcpSocket::disconnected, this, [this, raw] { close(raw, false); });
        connect(raw->server, &QTcpSocket::connected, this,
                [raw] { raw->server->write(std::exchange(raw->toServer, {})); });
        connect(raw->server, &QTcpSocket::readyRead, this, [this, raw] { forwardFromServer(raw); });
        connect(raw->server, &QTcpSocket::disconnected, this, [this, raw] { close(raw, false); });
        connect(raw->server, &QTcpSocket::errorOccurred, this,
                [this, raw](QAbstractSocket::SocketError error) {
                    if (error != QAbstractSocket::RemoteHostClosedError)
                        close(raw, true);
                });
        raw->server->connectToHost(QHostAddress::LocalHost, m_targetPort);
    }
}

void FaultProxy::forwardFromClient(Link *link)
{
    if (!link->client || !link->server)
        return;
    const QByteArray bytes = link->client->readAll();
    if (!link->headerSeen) {
        link->request += bytes;
        if (const qsizetype end = link->request.indexOf("\r\n\r\n"); end >= 0) {
            link->headerSeen = true;
            link->upgrading = link->request.left(end).toLower().contains("upgrade: websocket");
            link->request.clear();
            if (link->upgrading && m_blockWebSockets)
                return close(link, true);
        }
    }
    if (link->server->state() == QAbstractSocket::ConnectedState)
        link->server->write(bytes);
    else
        link->toServer += bytes;
}

void FaultProxy::forwardFromServer(Link *link)
{
    if (!link->client || !link->server)
        return;
    if (!link->upgrading)
        return (void)link->client->write(link->server->readAll());
    link->fromServer += link->server->readAll();
    if (!link->webSocket) {
        const qsizetype end = link->fromServer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        link->client->write(link->fromServer.left(end + 4));
        link->webSocket = link->fromServer.startsWith("HTTP/1.1 101");
        link->fromServer.remove(0, end + 4);
        if (!link->webSocket)
            return (void)link->client->write(std::exchange(link->fromServer, {}));
    }
    forwardFrames(link);
}

void FaultProxy::forwardFrames(Link *link)
{
    QByteArray &buffer = link->fromServer;
    while (buffer.size() >= 2) {
        const auto *bytes = reinterpret_cast<const uchar *>(buffer.constData());
        qint64 length = bytes[1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (buffer.size() < 4)
                return;
            length = qFromBigEndian<quint16>(bytes + 2);
            header = 4;
        } else if (length == 127) {
            if (buffer.size() < 10)
                return;
            length = qint64(qFromBigEndian<quint64>(bytes + 2));
            header = 10;
        }
        if (bytes[1] & 0x80)
            header += 4; // a masking key (never sent by a server, but skip it if present)
        if (buffer.size() < header + length)
            return;
        const int opcode = bytes[0] & 0x0f;
        const bool data = opcode <= 0x2; // continuation, text, binary; not control frames
        if (data && m_dropNextFrame) {
            m_dropNextFrame = false;
            ++m_framesDropped;
            emit frameDropped();
        } else {
            link->client->write(buffer.constData(), header + length);
        }
        buffer.remove(0, header + length);
    }
}

void FaultProxy::cutAll()
{
    while (!m_links.empty())
        close(m_links.back().get(), true);
}

void FaultProxy::cutWebSockets()
{
    std::vector<Link *> sockets;
    for (const auto &link : m_links) {
        if (link->upgrading)
            sockets.push_back(link.get());
    }
    for (Link *link : sockets)
        close(link, true);
}

void FaultProxy::close(Link *link, bool abort)
{
    // A side that hung up may have sent its last bytes just before: pass them on first.
    if (!abort && link->server && link->server->bytesAvailable() > 0)
        forwardFromServer(link);
    const auto it = std::find_if(m_links.begin(), m_links.end(),
                                 [link](const auto &owned) { return owned.get() == link; });
    if (it == m_links.end())
        return;
    std::unique_ptr<Link> owned = std::move(*it);
    m_links.erase(it);
    for (QTcpSocket *socket : {owned->client.data(), owned->server.data()}) {
        if (!socket)
            continue;
        disconnect(socket, nullptr, this, nullptr);
        if (abort) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        // Gone once what is still to be written has left.
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        socket->flush();
        socket->disconnectFromHost();
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
    }
}

} // namespace Boxoffice::Test
