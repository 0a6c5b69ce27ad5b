#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>

#include <memory>

class QTcpSocket;

namespace Boxoffice::Test {

// A loopback TCP proxy in front of a server, for sync fault tests: it forwards every byte both
// ways and, on demand, cuts connections, refuses new ones, keeps WebSocket upgrades out, or
// swallows the next WebSocket frame the server sends (server frames are unmasked, so their
// boundaries are read straight from the stream). HTTP and WebSocket go through the same port,
// as a terminal pointed at the proxy would use them.
//
// Lives on the thread that created it; all of it runs from that thread's event loop.
class FaultProxy : public QObject
{
    Q_OBJECT
public:
    explicit FaultProxy(quint16 targetPort, QObject *parent = nullptr);
    ~FaultProxy() override;

    // Starts listening on 127.0.0.1 (a free port unless given). False when it cannot.
    [[nodiscard]] bool listen(quint16 port = 0);
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QUrl url() const; // http://127.0.0.1:PORT

    // Aborts every connection, both sides (a crash or a network cut).
    void cutAll();
    // Aborts only the connections that carry a WebSocket; plain HTTP keeps working.
    void cutWebSockets();
    // While refusing, the port is closed: new connections are refused by the system.
    // Existing connections are not touched. false listens on the same port again.
    [[nodiscard]] bool setRefusing(bool refusing);
    // While blocked, a WebSocket upgrade request is cut instead of forwarded.
    void setBlockWebSockets(bool blocked) { m_blockWebSockets = blocked; }
    // The next WebSocket data frame from the server to a client is dropped.
    void dropNextServerFrame() { m_dropNextFrame = true; }

    [[nodiscard]] int framesDropped() const { return m_framesDropped; }
    [[nodiscard]] int webSocketCount() const;
    [[nodiscard]] int connectionCount() const { return int(m_links.size()); }

signals:
    void frameDropped();

private:
    struct Link;
    void accept();
    void forwardFromClient(Link *link);
    void forwardFromServer(Link *link);
    // Splits the server's WebSocket stream into frames and forwards all but a dropped one.
    void forwardFrames(Link *link);
    void close(Link *link, bool abort);

    quint16 m_targetPort;
    quint16 m_port = 0;
    QTcpServer m_listener;
    std::vector<std::unique_ptr<Link>> m_links;
    bool m_blockWebSockets = false;
    bool m_dropNextFrame = false;
    int m_framesDropped = 0;
};

} // namespace Boxoffice::Test
