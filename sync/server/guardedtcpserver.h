#pragma once

#include <QHostAddress>
#include <QSslConfiguration>
#include <QString>
#include <QTcpServer>

#include <optional>

namespace Boxoffice::Sync {

// What one connection may cost the server. Defaults suit the box-office API (small JSON bodies).
struct ConnectionLimits
{
    qint64 maxBodyBytes = 64 * 1024; // declared Content-Length above this -> 413
    int maxHeaderBytes = 16 * 1024;  // request line + header fields above this -> 413
    int idleTimeoutMs = 30'000;      // no byte in either direction for this long -> abort
    int requestTimeoutMs = 10'000;   // first byte to last body byte of one request -> abort
    int maxConnections = 1024;       // connections beyond this are aborted at once
};

class GuardedSocket;

// Set on a guarded socket while its current request asked to close the connection after the
// response; whoever answers honours it.
inline constexpr char kCloseAfterResponseProperty[] = "boxoffice.closeAfterResponse";

// A QTcpServer that guards every connection before QAbstractHttpServer reads from it
// (QHttpServer 6.4 buffers whole bodies without limit and has no timeouts or connection cap;
// DESIGN.md §7). Bind it with QAbstractHttpServer::bind(); it then becomes the HTTP server's
// child.
//
// With a TLS configuration (setTlsConfiguration) every connection first completes a TLS 1.2+
// handshake within requestTimeoutMs (else it is aborted); only then is it handed to the HTTP
// server, and everything below applies to the decrypted stream, WebSocket hand-overs (WSS)
// included. A peer that fails the handshake (plain HTTP on the TLS port, an old protocol) is
// reported through connectionRejected and closed.
//
// Per connection it follows the request framing (header, then exactly Content-Length body
// bytes, then the next request) without buffering bodies, and:
//  - answers 413 PAYLOAD_TOO_LARGE when the header block exceeds maxHeaderBytes or a declared
//    Content-Length exceeds maxBodyBytes (as soon as the header is complete, before any body);
//  - answers 400 BAD_REQUEST for a malformed request line or header field, an invalid or
//    conflicting Content-Length, or any Transfer-Encoding (chunked bodies are not accepted);
//  - aborts after idleTimeoutMs without traffic or when a started request is not complete
//    within requestTimeoutMs;
//  - hands a WebSocket upgrade request over unguarded once its header is complete.
// A rejection writes a complete JSON error response (DESIGN.md §3.4) with Connection: close;
// the HTTP server never sees the rejected request's remaining bytes, nothing more is read
// (the kernel applies back-pressure), the sending side is shut down once the response is out,
// and the socket is aborted 1 s later if the peer has not gone by then.
//
// The idle timeout also runs while a handler works on a deferred answer. With HTTP pipelining a
// rejection is written at once and may overtake the answer to an earlier request that is still
// being worked on (QHttpServer 6.4 itself answers pipelined requests out of order then).
// After a WebSocket hand-over only the WebSocket's own limits apply (frame/message sizes; it
// has no idle timeout).
//
// Thread affinity: all sockets live on this server's thread; use it from that thread only.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedTcpServer(ConnectionLimits limits = {}, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    [[nodiscard]] const ConnectionLimits &limits() const { return m_limits; }
    // Serve TLS with `configuration` (certificate, key; the protocol is raised to TLS 1.2 or
    // later) on connections accepted from now on. Call before listen().
    void setTlsConfiguration(const QSslConfiguration &configuration);
    [[nodiscard]] bool usesTls() const { return m_tls.has_value(); }
    // Accepted connections whose socket is still open (WebSocket hand-overs included).
    [[nodiscard]] int openConnections() const;

signals:
    // A connection was refused, answered with an error or timed out; for logging.
    void connectionRejected(const QHostAddress &peer, const QString &reason);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    friend class GuardedSocket;
    void releaseConnection();
    void handOver(GuardedSocket *socket);

    ConnectionLimits m_limits;
    std::optional<QSslConfiguration> m_tls;
    int m_openConnections = 0;
};

} // namespace Boxoffice::Sync
