#pragma once

#include "testserver.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;

namespace Boxoffice::Test {

// One answer of an AsyncHttpClient. status 0 means no complete HTTP answer arrived:
// networkError then says why (connection refused or closed, timeout, malformed answer).
struct AsyncReply : HttpReply
{
    qint64 elapsedMs = 0;        // from sending the request to the end of the answer (or failure)
    quint64 connectionIndex = 0; // which TCP connection of the client carried it (1, 2, ...)

    [[nodiscard]] QByteArray header(const QByteArray &name) const; // case-insensitive; first one
};

// A small asynchronous HTTP/1.1 client for load and race tests: one keep-alive TCP connection
// per client, so a test can simulate hundreds of independent clients from one thread
// (QNetworkAccessManager caps connections per host).
//
// Requests are queued and sent one at a time on the connection (no pipelining: QHttpServer 6.4
// answers pipelined requests out of order). The connection is opened on the first request and
// reopened for the next request after the server closed it. Answers are framed by
// Content-Length, chunked transfer coding or, lacking both, the end of the connection.
//
// Each request's callback runs exactly once, on the client's thread, from the event loop (never
// from inside request()): with the answer, or with status 0 when the connection fails, closes
// before the answer is complete, or the request times out. A failed request is not retried (it
// may have been applied: a POST is not idempotent); the requests queued behind it are sent on a
// new connection. Destroying the client drops pending requests without calling their callbacks.
//
// Thread affinity: the thread that created it; use it from that thread only.
class AsyncHttpClient : public QObject
{
    Q_OBJECT

public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    using Callback = std::function<void(const AsyncReply &)>;

    // baseUrl like TestServer::baseUrl(): http://127.0.0.1:PORT/api/v1 (plain http only).
    explicit AsyncHttpClient(const QString &baseUrl, QObject *parent = nullptr);
    ~AsyncHttpClient() override;

    void setToken(const QString &token) { m_token = token; } // sent as Authorization: Bearer
    [[nodiscard]] const QString &token() const { return m_token; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; } // per request, from when it is sent
    [[nodiscard]] int timeoutMs() const { return m_timeoutMs; }

    // path is relative to the base URL ("/shows/x/holds"). A non-empty body is sent as
    // application/json.
    void request(const QByteArray &method, const QString &path, const QByteArray &body,
                 Callback done, const Headers &headers = {});
    void get(const QString &path, Callback done) { request("GET", path, {}, std::move(done)); }
    void post(const QString &path, const QJsonObject &body, Callback done,
              const Headers &headers = {});
    void remove(const QString &path, Callback done)
    {
        request("DELETE", path, {}, std::move(done));
    }

    // Requests queued or in flight.
    [[nodiscard]] int pending() const;
    [[nodiscard]] bool isIdle() const { return pending() == 0; }
    // True while a request has been sent and its answer is not complete yet.
    [[nodiscard]] bool hasRequestInFlight() const { return m_current != nullptr; }
    // TCP connections opened so far (1 as long as keep-alive held).
    [[nodiscard]] quint64 connectionsOpened() const { return m_connectionsOpened; }

    [[nodiscard]] static QByteArray toJson(const QJsonObject &object);

signals:
    // Emitted after a callback when nothing is queued or in flight any more.
    void idle();

private:
    struct Pending
    {
        QByteArray method;
        QString path;
        QByteArray body;
        Headers headers;
        Callback done;
    };
    enum class ParseState
    {
        StatusLine,
        Headers,
        Body,        // Content-Length bytes
        ChunkSize,   // chunked: a chunk-size line
        ChunkData,   // chunked: chunk bytes plus CRLF
        Trailers,    // chunked: trailer lines until an empty line
        BodyToClose, // neither length nor chunked: until the server closes
    };

    void sendNext();
    void writeCurrent();
    void handleReadyRead();
    void handleClosed(const QString &why);
    bool parse(); // false: malformed (current request failed, connection dropped)
    void finishCurrent(AsyncReply reply);
    void failCurrent(const QString &why);
    void dropConnection();
    void resetParser();

    QHostAddress m_host;
    quint16 m_port = 0;
    QString m_hostHeader;
    QString m_basePath;
    QString m_token;
    int m_timeoutMs = 30'000;

    QPointer<QTcpSocket> m_socket;
    quint64 m_connectionsOpened = 0;
    std::deque<std::unique_ptr<Pending>> m_queue;
    std::unique_ptr<Pending> m_current;
    bool m_sendScheduled = false;
    QElapsedTimer m_sentAt;
    QTimer m_timeout;

    // The answer being parsed.
    ParseState m_state = ParseState::StatusLine;
    QByteArray m_buffer;
    AsyncReply m_reply;
    qint64 m_remaining = 0;
    bool m_closeAfter = false;
};

// Spins the event loop until every client is idle or timeoutMs passed; true if all are idle.
[[nodiscard]] bool waitUntilIdle(const QList<AsyncHttpClient *> &clients, int timeoutMs);

} // namespace Boxoffice::Test
