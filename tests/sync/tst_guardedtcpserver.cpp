#include "sync/server/guardedtcpserver.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

using namespace Boxoffice::Sync;

namespace {

// A real QHttpServer behind a GuardedTcpServer on a free loopback port.
class TestServer
{
public:
    explicit TestServer(ConnectionLimits limits)
        : guard(new GuardedTcpServer(limits))
    {
        http.route(QStringLiteral("/ping"), [] { return QStringLiteral("pong"); });
        http.route(QStringLiteral("/echo"), [this](const QHttpServerRequest &request) {
            ++echoCalls;
            return QString::number(request.body().size());
        });
        // Answers later, as the group-commit handlers do.
        http.route(QStringLiteral("/slow"),
                   [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                       auto kept = std::make_shared<QHttpServerResponder>(std::move(responder));
                       QTimer::singleShot(50, &http, [kept] { kept->write("slow", "text/plain"); });
                   });
        // Answered when the test says so.
        http.route(QStringLiteral("/hold"),
                   [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                       held.push_back(std::make_shared<QHttpServerResponder>(std::move(responder)));
                   });
        // QHttpServer 6.4 upgrades only requests that a route handles, and must not answer.
        http.route(QStringLiteral("/ws"),
                   [](const QHttpServerRequest &, QHttpServerResponder &&) {});
        listening = guard->listen(QHostAddress::LocalHost, 0);
        http.bind(guard); // the HTTP server owns the guard from here
    }

    quint16 port() const { return guard->serverPort(); }

    QHttpServer http;
    GuardedTcpServer *guard;
    bool listening = false;
    int echoCalls = 0;
    std::vector<std::shared_ptr<QHttpServerResponder>> held;
};

struct HttpResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &line : lines.mid(1)) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    QJsonObject error() const
    {
        return QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    }
};

// Removes one complete Content-Length framed response from the front of `buffer`.
std::optional<HttpResponse> takeResponse(QByteArray &buffer)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    HttpResponse response;
    response.head = buffer.left(headEnd);
    response.status = response.head.split(' ').value(1).toInt();
    const qsizetype length = response.header("Content-Length").toLongLong();
    if (buffer.size() < headEnd + 4 + length)
        return std::nullopt;
    response.body = buffer.mid(headEnd + 4, length);
    buffer.remove(0, headEnd + 4 + length);
    return response;
}

QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                   const QByteArray &extraHeaders = {})
{
    QByteArray text = method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders;
    if (method == "POST")
        text += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return text + "\r\n" + body;
}

// A raw HTTP client; all waits spin the event loop, which also runs the server.
class Client
{
public:
    Client()
    {
        // Collected as it arrives: a socket that fails while writing discards its read buffer.
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                         [this] { m_buffer += socket.readAll(); });
    }
    bool connectTo(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; },
                               5000);
    }
    void send(const QByteArray &bytes) { socket.write(bytes); }
    std::optional<HttpResponse> response(int timeoutMs = 5000)
    {
        std::optional<HttpResponse> response;
        const bool settled = QTest::qWaitFor(
            [&] {
                response = takeResponse(m_buffer);
                return response || socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
        if (settled && !response) // closed: what arrived before the close still counts
            response = takeResponse(m_buffer);
        return response;
    }
    bool waitClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [this] { return socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }
    bool isOpen() const { return socket.state() == QAbstractSocket::ConnectedState; }

    QTcpSocket socket;

private:
    QByteArray m_buffer;
};

// Limits with timeouts long enough never to fire in tests that are not about them.
ConnectionLimits relaxedLimits()
{
    return ConnectionLimits{};
}

ConnectionLimits fastLimits()
{
    ConnectionLimits limits;
    limits.idleTimeoutMs = 300;
    limits.requestTimeoutMs = 500;
    return limits;
}

void verifyError(const std::optional<HttpResponse> &response, int status, const QString &code)
{
    QVERIFY2(response, "no complete response");
    QCOMPARE(response->status, status);
    QCOMPARE(response->header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response->header("Connection").toLower(), QByteArray("close"));
    QCOMPARE(response->error().value(QStringLiteral("code")).toString(), code);
    QVERIFY(!response->error().value(QStringLiteral("message")).toString().isEmpty());
}

} // namespace

class TestGuardedTcpServer : public QObject
{
    Q_OBJECT

private slots:
    void get()
    {
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(request("GET", "/ping"));
        const auto response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, QByteArray("pong"));
        QVERIFY(client.isOpen());
        QCOMPARE(server.guard->openConnections(), 1);
    }

    void postWithinLimit_data()
    {
        QTest::addColumn<qint64>("bodySize");
        const qint64 limit = ConnectionLimits{}.maxBodyBytes;
        QTest::newRow("empty") << qint64(0);
        QTest::newRow("one byte") << qint64(1);
        QTest::newRow("limit - 1") << limit - 1;
        QTest::newRow("exactly the limit") << limit;
    }
    void postWithinLimit()
    {
        QFETCH(qint64, bodySize);
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(request("POST", "/echo", QByteArray(bodySize, 'x')));
        const auto response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, QByteArray::number(bodySize));
    }

    // The header block (request line to closing empty line) may be exactly maxHeaderBytes.
    void headerAtLimit_data()
    {
        QTest::addColumn<int>("extra");
        QTest::addColumn<int>("status");
        QTest::newRow("exactly the limit") << 0 << 200;
        QTest::newRow("one byte over") << 1 << 413;
    }
    void headerAtLimit()
    {
        QFETCH(int, extra);
        QFETCH(int, status);
        const ConnectionLimits limits = relaxedLimits();
        const QByteArray head = "GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Pad: ";
        const QByteArray tail = "\r\n\r\n";
        const qsizetype padding = limits.maxHeaderBytes - head.size() - tail.size() + extra;
        const QByteArray text = head + QByteArray(padding, 'p') + tail;
        QCOMPARE(text.size(), limits.maxHeaderBytes + extra);

        TestServer server(limits);
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(text);
        const auto response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, status);
    }

    // Guarding continues on a kept-alive connection, also after an answer that came later
    // than the request (handlers that keep the responder).
    void keepAlive_data()
    {
        QTest::addColumn<QByteArray>("firstPath");
        QTest::addColumn<QByteArray>("firstBody");
        QTest::newRow("synchronous answer") << QByteArray("/ping") << QByteArray("pong");
        QTest::newRow("deferred answer") << QByteArray("/slow") << QByteArray("slow");
    }
    void keepAlive()
    {
        QFETCH(QByteArray, firstPath);
        QFETCH(QByteArray, firstBody);
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));

        client.send(request("GET", firstPath));
        auto response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, firstBody);

        client.send(request("POST", "/echo", QByteArray(1000, 'b')));
        response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, QByteArray("1000"));
        QVERIFY(client.isOpen());

        client.send("POST /echo HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
        verifyError(client.response(), 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
        QVERIFY(client.waitClosed());
        QCOMPARE(server.echoCalls, 1);
    }

    // A request that arrives in pieces while the previous answer is deferred is framed once.
    // (Later QHttpServer versions stop reading while a responder is held and leave such bytes
    // in the socket buffer; 6.4.2 reads on and answers the second request first.)
    void requestArrivesWhileAnswerIsDeferred()
    {
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(request("GET", "/hold"));
        QTRY_COMPARE(server.held.size(), size_t(1));

        // The accepted connections (each a QSslSocket, which owns a plain QTcpSocket inside).
        const auto serverSockets =
            server.guard->findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
        QCOMPARE(serverSockets.size(), 1);
        QSignalSpy serverReadyRead(serverSockets.front(), &QTcpSocket::readyRead);
        const QByteArray next = request("POST", "/echo", QByteArray(3000, 'n'));
        for (const QByteArray &piece : {next.left(20), next.mid(20, 1500), next.mid(1520)}) {
            client.send(piece);
            QVERIFY(serverReadyRead.wait());
        }

        server.held.front()->write("held", "text/plain");
        server.held.clear();
        QList<QByteArray> bodies;
        for (int i = 0; i < 2; ++i) {
            const auto response = client.response();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            bodies.append(response->body);
        }
        std::sort(bodies.begin(), bodies.end());
        QCOMPARE(bodies, (QList<QByteArray>{"3000", "held"}));

        // Still framed correctly afterwards.
        client.send("POST /echo HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
        verifyError(client.response(), 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
        QCOMPARE(rejected.size(), 1);
    }

    void bodyOverLimit()
    {
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(request("POST", "/echo", QByteArray(ConnectionLimits{}.maxBodyBytes + 1, 'x')));
        verifyError(client.response(), 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
        QVERIFY(client.waitClosed());
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected.at(0).at(0).value<QHostAddress>(), QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(server.echoCalls, 0);
        QTRY_COMPARE(server.guard->openConnections(), 0);
        QTRY_VERIFY(server.http.findChildren<QTcpSocket *>().isEmpty()); // deleted, not leaked
    }

    // Only the header is sent: the answer cannot depend on receiving the body.
    void declaredHugeBodyIsRefusedAtOnce()
    {
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 209715200\r\n\r\n");
        verifyError(client.response(), 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
        QVERIFY(client.waitClosed());
    }

    // A client that keeps streaming after its 413 is cut off instead of being read: the body
    // it sends after the answer (a complete over-limit body, then megabytes more) never reaches
    // QHttpServer. The client reads nothing itself (a tiny read buffer), so it does not stop
    // on the server's close.
    void streamingAfterRejectionIsNotRead()
    {
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        QTcpSocket client;
        client.setReadBufferSize(16);
        client.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::ConnectedState; }));

        const qint64 declared = ConnectionLimits{}.maxBodyBytes + 1;
        client.write("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
                     QByteArray::number(declared) + "\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return client.bytesAvailable() >= 12; }));
        QCOMPARE(client.peek(12), QByteArray("HTTP/1.1 413"));

        constexpr qint64 kOffered = 256LL * 1024 * 1024;
        const QByteArray chunk(1024 * 1024, 'z');
        qint64 queued = 0;
        qint64 written = 0;
        auto refill = [&] {
            while (client.state() == QAbstractSocket::ConnectedState && queued < kOffered &&
                   client.bytesToWrite() < 2 * chunk.size()) {
                client.write(chunk);
                queued += chunk.size();
            }
        };
        QObject::connect(&client, &QTcpSocket::bytesWritten, &client, [&](qint64 bytes) {
            written += bytes;
            refill();
        });
        client.write(QByteArray(declared, 'b'));
        refill();

        QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::UnconnectedState; },
                                10'000));
        QCOMPARE(server.echoCalls, 0);
        QVERIFY2(written < kOffered / 4, qPrintable(QString::number(written)));
        QTRY_COMPARE(server.guard->openConnections(), 0);
    }

    void headerOverLimit_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const int limit = ConnectionLimits{}.maxHeaderBytes;
        QTest::newRow("huge header line")
            << "GET /ping HTTP/1.1\r\nX-Big: " + QByteArray(limit, 'a') + "\r\n\r\n";
        QTest::newRow("huge request line")
            << "GET /" + QByteArray(limit, 'a') + " HTTP/1.1\r\n\r\n";
        QByteArray endless = "GET /ping HTTP/1.1\r\n";
        while (endless.size() <= limit)
            endless += "X-More: header line that never ends the block\r\n";
        QTest::newRow("header block without end") << endless;
        QTest::newRow("empty lines only") << QByteArray(limit + 1, '\n');
    }
    void headerOverLimit()
    {
        QFETCH(QByteArray, bytes);
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(bytes);
        verifyError(client.response(), 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
        QVERIFY(client.waitClosed());
    }

    void badFraming_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray post = "POST /echo HTTP/1.1\r\nHost: localhost\r\n";
        QTest::newRow("chunked") << post +
                                        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        QTest::newRow("chunked and length")
            << post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello";
        QTest::newRow("identity encoding") << post + "Transfer-Encoding: identity\r\n\r\n";
        QTest::newRow("negative length") << post + "Content-Length: -5\r\n\r\n";
        QTest::newRow("letters") << post + "Content-Length: abc\r\n\r\n";
        QTest::newRow("exponent") << post + "Content-Length: 1e9\r\n\r\n";
        QTest::newRow("empty length") << post + "Content-Length: \r\n\r\n";
        QTest::newRow("plus sign") << post + "Content-Length: +5\r\n\r\n";
        QTest::newRow("length list") << post + "Content-Length: 5, 5\r\n\r\nhello";
        QTest::newRow("conflicting lengths")
            << post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!";
        QTest::newRow("space before colon") << post + "Content-Length : 5\r\n\r\nhello";
        QTest::newRow("folded line") << post + "X-A: 1\r\n  folded\r\n\r\n";
        QTest::newRow("line without colon") << post + "no colon here\r\n\r\n";
        QTest::newRow("NUL in value") << post + QByteArray("X-A: a\0b\r\n\r\n", 12);
        QTest::newRow("bad version") << QByteArray("GET /ping HTTP/2.0\r\n\r\n");
        QTest::newRow("two words") << QByteArray("hello world\r\n\r\n");
        QTest::newRow("upgrade with body")
            << QByteArray("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Content-Length: 5\r\n\r\nhello");
    }
    void badFraming()
    {
        QFETCH(QByteArray, bytes);
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(bytes);
        verifyError(client.response(), 400, QStringLiteral("BAD_REQUEST"));
        QVERIFY(client.waitClosed());
        QCOMPARE(server.echoCalls, 0);
    }

    void garbage_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QByteArray binary;
        for (int i = 0; i < 4096; ++i)
            binary += char((i * 7919 + 13) % 256);
        QTest::newRow("binary") << binary;
        QTest::newRow("TLS client hello") << QByteArray::fromHex("160301020001000100000303");
        QTest::newRow("NUL bytes") << QByteArray(64, '\0');
        QTest::newRow("binary after a request line")
            << "GET /ping HTTP/1.1\r\n" + binary + "\r\n\r\n";
        QTest::newRow("bare CR line ends")
            << QByteArray("GET /ping HTTP/1.1\rHost: x\r\r\rmore\r\n\r\n");
    }
    // Garbage ends the connection (with a 400 if anything is answered) and harms no one else.
    void garbage()
    {
        QFETCH(QByteArray, bytes);
        TestServer server(fastLimits());
        QVERIFY(server.listening);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        client.send(bytes);
        const auto response = client.response();
        if (response)
            QCOMPARE(response->status, 400);
        QVERIFY(client.waitClosed());

        Client other;
        QVERIFY(other.connectTo(server.port()));
        other.send(request("GET", "/ping"));
        const auto pong = other.response();
        QVERIFY(pong);
        QCOMPARE(pong->status, 200);
    }

    void idleConnectionIsClosed()
    {
        const ConnectionLimits limits = fastLimits();
        TestServer server(limits);
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        QElapsedTimer clock;
        clock.start();
        Client client;
        QVERIFY(client.connectTo(server.port()));
        QVERIFY(client.waitClosed());
        QVERIFY2(clock.elapsed() >= limits.idleTimeoutMs * 9 / 10,
                 qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(rejected.size(), 1);
        QTRY_COMPARE(server.guard->openConnections(), 0);
        QTRY_VERIFY(server.http.findChildren<QTcpSocket *>().isEmpty());
    }

    // Traffic in time keeps a connection open well past the idle timeout.
    void activeConnectionStaysOpen()
    {
        const ConnectionLimits limits = fastLimits();
        TestServer server(limits);
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        for (int i = 0; i < 8; ++i) {
            client.send(request("GET", "/ping"));
            const auto response = client.response();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            QVERIFY(!rejected.wait(limits.idleTimeoutMs / 3));
        }
        QVERIFY(client.isOpen());
        QCOMPARE(rejected.size(), 0);
    }

    // One header byte every 100 ms never trips the idle timeout, only the request timeout.
    void slowlorisIsClosed()
    {
        const ConnectionLimits limits = fastLimits();
        TestServer server(limits);
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        Client client;
        QVERIFY(client.connectTo(server.port()));

        const QByteArray header = request("GET", "/ping", {}, "X-Slow: 1234567890\r\n");
        qsizetype sent = 0;
        QElapsedTimer clock;
        QTimer drip;
        drip.setInterval(100);
        QObject::connect(&drip, &QTimer::timeout, &client.socket, [&] {
            if (client.isOpen() && sent < header.size())
                client.socket.write(header.mid(sent++, 1));
        });
        clock.start();
        drip.start();
        QVERIFY(client.waitClosed(5000));
        drip.stop();
        QVERIFY2(sent < header.size(), "the whole header was sent before the connection closed");
        QVERIFY2(clock.elapsed() >= limits.requestTimeoutMs * 9 / 10,
                 qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(rejected.size(), 1);
    }

    void connectionCap()
    {
        ConnectionLimits limits = relaxedLimits();
        limits.maxConnections = 3;
        TestServer server(limits);
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);

        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<Client>());
            QVERIFY(clients.back()->connectTo(server.port()));
        }
        QTRY_COMPARE(server.guard->openConnections(), 3);

        Client fourth;
        QVERIFY(fourth.connectTo(server.port()));
        QVERIFY(fourth.waitClosed());
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(server.guard->openConnections(), 3);

        for (const auto &client : clients) {
            client->send(request("GET", "/ping"));
            const auto response = client->response();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
        }

        // A closed connection frees its place.
        clients.front()->socket.disconnectFromHost();
        QTRY_COMPARE(server.guard->openConnections(), 2);
        Client fifth;
        QVERIFY(fifth.connectTo(server.port()));
        fifth.send(request("GET", "/ping"));
        const auto response = fifth.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(rejected.size(), 1);
    }

    // After the upgrade the WebSocket belongs to the application: no idle timeout applies.
    void webSocketOutlivesIdleTimeout()
    {
        const ConnectionLimits limits = fastLimits();
        TestServer server(limits);
        QVERIFY(server.listening);
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        std::vector<std::unique_ptr<QWebSocket>> serverSide;
        QObject::connect(
            &server.http, &QAbstractHttpServer::newWebSocketConnection, &server.http, [&] {
                auto socket = server.http.nextPendingWebSocketConnection();
                QWebSocket *raw = socket.get();
                QObject::connect(raw, &QWebSocket::textMessageReceived, raw,
                                 [raw](const QString &message) { raw->sendTextMessage(message); });
                serverSide.push_back(std::move(socket));
            });

        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy received(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(server.port())));
        QVERIFY(connected.wait());
        QCOMPARE(server.guard->openConnections(), 1);

        QVERIFY(!rejected.wait(limits.idleTimeoutMs * 3));
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
        client.sendTextMessage(QStringLiteral("still here"));
        QVERIFY(received.wait());
        QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("still here"));

        client.close();
        QTRY_COMPARE(server.guard->openConnections(), 0);
        QCOMPARE(rejected.size(), 0);
    }

    // An upgrade request that QHttpServer answers as plain HTTP must not leave the connection
    // unguarded: it is closed after the answer.
    void upgradeNotTakenOverIsClosed()
    {
        TestServer server(relaxedLimits());
        QVERIFY(server.listening);
        QObject::connect(&server.http, &QAbstractHttpServer::newWebSocketConnection, &server.http,
                         [&] { server.http.nextPendingWebSocketConnection(); });
        QSignalSpy rejected(server.guard, &GuardedTcpServer::connectionRejected);
        Client client;
        QVERIFY(client.connectTo(server.port()));
        // QHttpServer 6.4 upgrades only if the Upgrade value is exactly "websocket".
        client.send(
            request("GET", "/ping", {}, "Upgrade: websocket, h2c\r\nConnection: Upgrade\r\n"));
        QVERIFY(client.waitClosed());
        QCOMPARE(rejected.size(), 1);
        QTRY_COMPARE(server.guard->openConnections(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGuardedTcpServer)
#include "tst_guardedtcpserver.moc"
