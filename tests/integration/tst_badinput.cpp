// Bad input never crashes the server or returns 500 (DESIGN.md §3.4, §7): malformed or
// truncated JSON, wrong types, huge numbers, empty, duplicate or foreign seat ids, unknown
// shows, SQL-looking strings, bodies over the limit, broken HTTP framing, slow and idle
// connections. A table walks every endpoint through these over raw TCP, so that a dropped
// connection or a missing response is seen as such (no client library retries or repairs it).

#include "testserver.h"

#include "core/security/paymentsignature.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Boxoffice::Test;

namespace {

// One HTTP response read off a raw connection.
struct RawReply
{
    bool complete = false; // a whole response (status line, header, Content-Length body) arrived
    int status = 0;
    QByteArray head;
    QByteArray body;
    QJsonObject json;
    QString problem; // why there is no complete response

    [[nodiscard]] QByteArray header(QByteArrayView name) const
    {
        const QList<QByteArray> lines = head.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 &&
                QByteArrayView(line).first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    [[nodiscard]] QString errorCode() const
    {
        return json.value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
    [[nodiscard]] QString describe() const
    {
        return QStringLiteral("HTTP %1 %2 %3")
            .arg(status)
            .arg(problem, QString::fromUtf8(head.left(200) + body.left(300)));
    }
};

// Parses `received` as one response; true once it is complete.
bool parseResponse(const QByteArray &received, bool connectionClosed, RawReply *reply)
{
    const qsizetype headerEnd = received.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    reply->head = received.left(headerEnd);
    const QList<QByteArray> statusLine = reply->head.left(reply->head.indexOf('\r')).split(' ');
    if (statusLine.size() < 2 || !statusLine[0].startsWith("HTTP/1."))
        return false;
    reply->status = statusLine[1].toInt();
    const QByteArray rest = received.mid(headerEnd + 4);
    const QByteArray length = reply->header("Content-Length");
    if (length.isEmpty()) {
        // No length: the body runs to the end of the connection.
        if (!connectionClosed)
            return false;
        reply->body = rest;
    } else {
        bool ok = false;
        const qint64 size = length.toLongLong(&ok);
        if (!ok || rest.size() < size)
            return false;
        reply->body = rest.left(size);
    }
    reply->json = QJsonDocument::fromJson(reply->body).object();
    reply->complete = true;
    return true;
}

// Sends `request` on a fresh connection and reads one response.
RawReply exchange(quint16 port, const QByteArray &request, int timeoutMs = 20000)
{
    RawReply reply;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000)) {
        reply.problem = QStringLiteral("cannot connect: ") + socket.errorString();
        return reply;
    }
    socket.write(request);
    QByteArray received;
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        received += socket.readAll();
        const bool closed = socket.state() != QAbstractSocket::ConnectedState;
        if (parseResponse(received, closed, &reply))
            return reply;
        if (closed) {
            reply.problem = QStringLiteral("connection closed after %1 bytes without a whole "
                                           "response (%2)")
                                .arg(received.size())
                                .arg(socket.errorString());
            return reply;
        }
        if (deadline.hasExpired()) {
            reply.problem = QStringLiteral("no whole response within %1 ms").arg(timeoutMs);
            return reply;
        }
        socket.waitForReadyRead(static_cast<int>(std::min<qint64>(deadline.remainingTime(), 500)));
    }
}

QByteArray requestBytes(QByteArrayView method, QByteArrayView target, quint16 port,
                        QByteArrayView headers, QByteArrayView body, bool withLength)
{
    QByteArray out;
    out += method;
    out += ' ';
    out += target;
    out += " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    out += "Connection: close\r\n";
    if (!body.isEmpty())
        out += "Content-Type: application/json\r\n";
    if (withLength && (!body.isEmpty() || method == "POST"))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += headers;
    out += "\r\n";
    out += body;
    return out;
}

QByteArray api(QByteArrayView path)
{
    return "/api/v1" + path.toByteArray();
}

QByteArray quoted(const QString &text)
{
    return QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
}

QByteArray jsonList(const QStringList &items)
{
    return QJsonDocument(QJsonArray::fromStringList(items)).toJson(QJsonDocument::Compact);
}

// Resident memory of a process in KiB (Linux), or -1.
qint64 residentKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Row flags.
enum : int
{
    kRaw = 1,      // `body` is the whole request, sent as is
    kSigned = 2,   // add a valid X-Payment-Signature over `body`
    kFreshKey = 4, // add an X-Idempotency-Key unique to the row
    kNoLength = 8, // no automatic Content-Length (the row's headers say what they say)
};

const QByteArray kSql = "'; DROP TABLE seat_inventory; --";

struct BadValue
{
    const char *name;
    QByteArray json;
};

// JSON values a string field must refuse with 400. Optional fields accept null and "".
QList<BadValue> badStrings(bool required)
{
    QList<BadValue> values{
        {"number", "42"},
        {"negative number", "-1"},
        {"fraction", "1.5"},
        {"boolean", "true"},
        {"empty array", "[]"},
        {"array of strings", "[\"x\"]"},
        {"object", "{}"},
        {"10k characters", '"' + QByteArray(10000, 'x') + '"'},
        {"control character", "\"a\\u0001b\""},
        {"NUL character", "\"a\\u0000b\""},
        {"newline", "\"a\\nb\""},
        {"DEL character", "\"a\\u007fb\""},
    };
    if (required) {
        values.append(BadValue{"null", "null"});
        values.append(BadValue{"empty string", "\"\""});
    }
    return values;
}

// JSON values a whole-number field in [min, max] must refuse with 400.
QList<BadValue> badIntegers(bool required, qint64 min, qint64 max)
{
    QList<BadValue> values{
        {"string", "\"60\""},
        {"boolean", "true"},
        {"array", "[60]"},
        {"object", "{\"value\":60}"},
        {"fraction 1.5", "1.5"},
        {"fraction 60.5", "60.5"},
        {"-1", "-1"},
        {"1e308", "1e308"},
        {"-1e308", "-1e308"},
        {"2^63", "9223372036854775808"},
        {"2^64", "18446744073709551616"},
        {"1e999", "1e999"},
        {"below minimum", QByteArray::number(min - 1)},
        {"above maximum", QByteArray::number(max + 1)},
    };
    if (required)
        values.append(BadValue{"null", "null"});
    return values;
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    QHash<QString, QString> m_tokens; // role -> session token
    QHash<QString, QString> m_userIds;
    QStringList m_seats;      // seagull-1 seat ids in layout order
    QStringList m_free;       // seagull-1 seats no fixture touches
    QString m_foreignSeat;    // a beethoven-9 seat that seagull-1 does not have
    QString m_hold;           // clerk, ACTIVE, no order
    QStringList m_holdSeats;  // its seats
    QString m_kioskHold;      // kiosk, ACTIVE
    QString m_releasedHold;   // clerk, RELEASED
    QString m_order;          // clerk, PENDING_PAY
    QString m_orderHold;      // its hold
    QString m_orderKey;       // its idempotency key
    qint64 m_orderAmount = 0; // its amount
    bool m_stopped = false;   // the server was stopped on purpose

    [[nodiscard]] QByteArray token(const QString &who) const
    {
        if (who == QLatin1StringView("bad"))
            return "no-such-token";
        return m_tokens.value(who).toLatin1();
    }

    std::unique_ptr<TestClient> client(const QString &who)
    {
        auto c = std::make_unique<TestClient>(m_server.baseUrl());
        c->setToken(m_tokens.value(who));
        return c;
    }

    QHash<QString, QString> seatStatuses(const QString &show)
    {
        QHash<QString, QString> statuses;
        const HttpReply seats =
            client(QStringLiteral("clerk"))->get(QStringLiteral("/shows/%1/seats").arg(show));
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray())
            statuses.insert(seat[QStringLiteral("seatId")].toString(),
                            seat[QStringLiteral("status")].toString());
        return statuses;
    }

    // Adds one row; `name` becomes the data tag.
    static void row(const QString &name, QByteArray method, QByteArray target, QString who,
                    QByteArray body, int status, QString expect, QByteArray headers = {},
                    int flags = 0)
    {
        QTest::addRow("%s", qPrintable(name))
            << method << target << who << headers << body << flags << status << expect;
    }

    // The rows every JSON-taking endpoint gets: broken documents, wrong shapes, a body over
    // the limit. `who` is a role allowed to call it.
    static void bodyRows(const QString &endpoint, const QByteArray &target, const QString &who,
                         const QByteArray &validBody, int flags)
    {
        const QString bad = QStringLiteral("BAD_REQUEST");
        const struct
        {
            const char *name;
            QByteArray body;
        } broken[] = {
            {"empty body", {}},
            {"whitespace only", " \r\n\t "},
            {"lone brace", "{"},
            {"lone closing brace", "}"},
            {"truncated", validBody.left(validBody.size() / 2)},
            {"truncated before the last brace", validBody.chopped(1)},
            {"empty array", "[]"},
            {"array of the valid object", '[' + validBody + ']'},
            {"null", "null"},
            {"number", "42"},
            {"string", "\"text\""},
            {"boolean", "true"},
            {"trailing garbage", validBody + "xyz"},
            {"two objects", validBody + validBody},
            {"single quotes", QByteArray(validBody).replace('"', '\'')},
            {"NaN literal", "{\"x\":NaN}"},
            {"invalid UTF-8", "{\"x\":\"\xff\xfe\xfd\"}"},
            {"deeply nested arrays", QByteArray(30000, '[') + QByteArray(30000, ']')},
            {"deeply nested objects",
             QByteArray("{\"a\":").repeated(5000) + "1" + QByteArray(5000, '}')},
            {"SQL as the whole body", kSql},
            {"form encoded", "username=clerk&password=x"},
        };
        for (const auto &b : broken)
            row(endpoint + QStringLiteral(": ") + QLatin1StringView(b.name), "POST", target, who,
                b.body, 400, bad, {}, flags);
        // The guard answers before the handler: no session or signature is looked at.
        row(endpoint + QStringLiteral(": body of 64 KiB + 1"), "POST", target, who,
            QByteArray(64 * 1024 + 1, ' '), 413, QStringLiteral("PAYLOAD_TOO_LARGE"), {}, flags);
        row(endpoint + QStringLiteral(": 1 MB JSON body"), "POST", target, who,
            "{\"x\":\"" + QByteArray(1024 * 1024, 'y') + "\"}", 413,
            QStringLiteral("PAYLOAD_TOO_LARGE"), {}, flags);
    }

    // One row per bad value for a field: `bodyTemplate` has '@' where the value goes.
    static void fieldRows(const QString &endpoint, const QByteArray &target, const QString &who,
                          const QString &field, const QByteArray &bodyTemplate,
                          const QList<BadValue> &values, int flags, int status = 400,
                          const QString &code = QStringLiteral("BAD_REQUEST"))
    {
        for (const BadValue &value : values)
            row(QStringLiteral("%1: %2 %3").arg(endpoint, field, QLatin1StringView(value.name)),
                "POST", target, who, QByteArray(bodyTemplate).replace('@', value.json), status,
                code, {}, flags);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        for (const char *role : {"clerk", "kiosk", "supervisor", "admin"}) {
            TestClient login(m_server.baseUrl());
            const HttpReply reply =
                login.login(QLatin1StringView(role), m_server.options().demoPassword);
            QVERIFY2(reply.status == 201, qPrintable(reply.describe()));
            m_tokens.insert(QLatin1StringView(role), login.token());
            m_userIds.insert(QLatin1StringView(role),
                             reply.json.value(QStringLiteral("userId")).toString());
        }
        auto clerk = client(QStringLiteral("clerk"));
        auto kiosk = client(QStringLiteral("kiosk"));

        const HttpReply seats = clerk->get(QStringLiteral("/shows/seagull-1/seats"));
        QCOMPARE(seats.status, 200);
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray())
            m_seats.append(seat[QStringLiteral("seatId")].toString());
        QCOMPARE(m_seats.size(), 409);
        m_free = m_seats.mid(100, 40);

        const QSet<QString> here(m_seats.cbegin(), m_seats.cend());
        const HttpReply hall = clerk->get(QStringLiteral("/shows/beethoven-9/seats"));
        QCOMPARE(hall.status, 200);
        for (const QJsonValue &seat : hall.json.value(QStringLiteral("seats")).toArray()) {
            const QString id = seat[QStringLiteral("seatId")].toString();
            if (!here.contains(id)) {
                m_foreignSeat = id;
                break;
            }
        }
        QVERIFY(!m_foreignSeat.isEmpty());

        auto hold = [&](TestClient &c, const QStringList &ids) {
            const HttpReply reply =
                c.post(QStringLiteral("/shows/seagull-1/holds"),
                       QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(ids)},
                                   {QStringLiteral("holdSeconds"), 1800}});
            return reply.status == 201 ? reply.json.value(QStringLiteral("holdId")).toString()
                                       : QString();
        };
        m_holdSeats = m_seats.mid(0, 2);
        m_hold = hold(*clerk, m_holdSeats);
        m_kioskHold = hold(*kiosk, m_seats.mid(2, 1));
        m_orderHold = hold(*clerk, m_seats.mid(3, 2));
        m_releasedHold = hold(*clerk, m_seats.mid(5, 1));
        QVERIFY(!m_hold.isEmpty() && !m_kioskHold.isEmpty() && !m_orderHold.isEmpty() &&
                !m_releasedHold.isEmpty());
        QCOMPARE(clerk->request("DELETE", QStringLiteral("/holds/") + m_releasedHold).status, 200);

        m_orderKey = QStringLiteral("bad-input-fixture-order");
        const HttpReply order = clerk->post(QStringLiteral("/orders"),
                                            QJsonObject{{QStringLiteral("holdId"), m_orderHold}},
                                            {{"X-Idempotency-Key", m_orderKey.toLatin1()}});
        QVERIFY2(order.status == 201, qPrintable(order.describe()));
        m_order = order.json.value(QStringLiteral("orderId")).toString();
        m_orderAmount = order.json.value(QStringLiteral("amountCents")).toInteger();
        QVERIFY(m_orderAmount > 0);
    }

    void cleanup()
    {
        if (!m_stopped)
            QVERIFY2(m_server.isRunning(), qPrintable(m_server.output().right(2000)));
    }

    // The table; defined below the class (moc cannot read raw string literals).
    void everyEndpoint_data();

    void everyEndpoint()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QString, who);
        QFETCH(QByteArray, headers);
        QFETCH(QByteArray, body);
        QFETCH(int, flags);
        QFETCH(int, status);
        QFETCH(QString, expect);

        QByteArray request = body;
        if (!(flags & kRaw)) {
            if (!who.isEmpty())
                headers += "Authorization: Bearer " + token(who) + "\r\n";
            if (flags & kFreshKey)
                headers +=
                    "X-Idempotency-Key: bad-input-" +
                    QCryptographicHash::hash(QTest::currentDataTag(), QCryptographicHash::Sha1)
                        .toHex() +
                    "\r\n";
            if (flags & kSigned)
                headers += "X-Payment-Signature: " +
                           Boxoffice::Core::paymentSignatureHeader(
                               m_server.options().paymentSecret, QDateTime::currentSecsSinceEpoch(),
                               body) +
                           "\r\n";
            request =
                requestBytes(method, target, m_server.port(), headers, body, !(flags & kNoLength));
        }
        const RawReply reply = exchange(m_server.port(), request);

        QVERIFY2(reply.complete, qPrintable(reply.describe()));
        QVERIFY2(reply.status < 500, qPrintable(reply.describe()));
        QVERIFY2(reply.status == status, qPrintable(reply.describe()));
        QVERIFY2(reply.header("Content-Type").startsWith("application/json"),
                 qPrintable(reply.describe()));
        if (status >= 400) {
            const QJsonObject error = reply.json.value(QStringLiteral("error")).toObject();
            QVERIFY2(error.value(QStringLiteral("code")).isString() &&
                         !error.value(QStringLiteral("code")).toString().isEmpty(),
                     qPrintable(reply.describe()));
            QVERIFY2(error.value(QStringLiteral("message")).isString() &&
                         !error.value(QStringLiteral("message")).toString().isEmpty(),
                     qPrintable(reply.describe()));
            QCOMPARE(reply.errorCode(), expect);
        } else if (expect.endsWith(QLatin1StringView("[]"))) {
            const QJsonValue value = reply.json.value(expect.chopped(2));
            QVERIFY2(value.isArray() && !value.toArray().isEmpty(), qPrintable(reply.describe()));
        } else {
            const qsizetype equals = expect.indexOf(u'=');
            QVERIFY(equals > 0);
            const QJsonValue value = reply.json.value(expect.left(equals));
            QVERIFY2(!value.isUndefined(), qPrintable(reply.describe()));
            QCOMPARE(value.toVariant().toString(), expect.mid(equals + 1));
        }
    }

    // Nothing in the table changed anything: the fixture is as it was and the server serves.
    void serverUnharmedByTheTable()
    {
        TestClient anonymous(m_server.baseUrl());
        const HttpReply health = anonymous.get(QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));

        const QHash<QString, QString> statuses = seatStatuses(QStringLiteral("seagull-1"));
        QCOMPARE(statuses.size(), 409);
        for (const QString &seat : std::as_const(m_free))
            QVERIFY2(statuses.value(seat) == QLatin1StringView("AVAILABLE"), qPrintable(seat));
        for (const QString &seat : std::as_const(m_holdSeats))
            QCOMPARE(statuses.value(seat), QStringLiteral("HELD"));
        const HttpReply order =
            client(QStringLiteral("clerk"))->get(QStringLiteral("/orders/") + m_order);
        QCOMPARE(order.status, 200);
        QCOMPARE(order.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        QVERIFY(order.json.value(QStringLiteral("payments")).toArray().isEmpty());
        QVERIFY(order.json.value(QStringLiteral("tickets")).toArray().isEmpty());

        // The fixture hold is still good for an order: nothing consumed it.
        const HttpReply placed =
            client(QStringLiteral("clerk"))
                ->post(QStringLiteral("/orders"), QJsonObject{{QStringLiteral("holdId"), m_hold}},
                       {{"X-Idempotency-Key", "bad-input-after-table"}});
        QVERIFY2(placed.status == 201, qPrintable(placed.describe()));
    }

    // A 200 MB Content-Length is refused as soon as the header is in, before any body byte;
    // a client that streams anyway is cut off without the server buffering the stream. A plain
    // POSIX socket, because QTcpSocket closes on the server's half-close and stops sending.
    void hugeBodyIsRefusedAfterTheHeader()
    {
        const qint64 rssBefore = residentKiB(m_server.pid());
        QVERIFY(rssBefore > 0);

        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        const auto closeFd = qScopeGuard([fd] { ::close(fd); });
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_server.port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        constexpr qint64 kDeclared = 200LL * 1024 * 1024;
        const QByteArray header = "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "Content-Type: application/json\r\nContent-Length: " +
                                  QByteArray::number(kDeclared) + "\r\n\r\n";
        QCOMPARE(::send(fd, header.constData(), size_t(header.size()), MSG_NOSIGNAL),
                 ssize_t(header.size()));

        // The answer comes with no body byte sent.
        QByteArray received;
        RawReply reply;
        const QDeadlineTimer deadline(10000);
        while (!parseResponse(received, false, &reply) && !deadline.hasExpired()) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            received.append(buffer, n);
        }
        QVERIFY2(reply.complete, qPrintable(QString::fromLatin1(received)));
        QCOMPARE(reply.status, 413);
        QCOMPARE(reply.errorCode(), QStringLiteral("PAYLOAD_TOO_LARGE"));
        QVERIFY(!reply.json.value(QStringLiteral("error"))[QStringLiteral("message")]
                     .toString()
                     .isEmpty());

        // Stream the body anyway until the server cuts the connection.
        QVERIFY(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
        const QByteArray chunk(256 * 1024, 'z');
        qint64 accepted = 0;
        bool cutOff = false;
        const QDeadlineTimer streamDeadline(30000);
        while (!cutOff && accepted < kDeclared && !streamDeadline.hasExpired()) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 200) <= 0)
                continue;
            const ssize_t n = ::send(fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
            if (n > 0)
                accepted += n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                cutOff = true;
        }
        QVERIFY2(cutOff, qPrintable(QStringLiteral("still open after %1 bytes").arg(accepted)));
        QVERIFY2(accepted < 64LL * 1024 * 1024,
                 qPrintable(QStringLiteral("the server took %1 bytes").arg(accepted)));

        const qint64 rssAfter = residentKiB(m_server.pid());
        QVERIFY2(rssAfter - rssBefore < 64 * 1024,
                 qPrintable(QStringLiteral("RSS %1 KiB -> %2 KiB").arg(rssBefore).arg(rssAfter)));
        TestClient anonymous(m_server.baseUrl());
        QCOMPARE(anonymous.get(QStringLiteral("/health")).status, 200);
    }

    // Chunked bodies are refused at the header, and nothing after the refusal is served.
    void chunkedTransferIsRefused()
    {
        const QByteArray chunkedHeader = "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                         "Content-Type: application/json\r\n"
                                         "Transfer-Encoding: chunked\r\n\r\n";
        const QByteArray rest = "5\r\nhello\r\n0\r\n\r\n"
                                "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        for (const QByteArray &request : {chunkedHeader, chunkedHeader + rest}) {
            QTcpSocket socket;
            QByteArray received;
            connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
            socket.connectToHost(QHostAddress::LocalHost, m_server.port());
            QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
            socket.write(request);
            RawReply reply;
            QTRY_VERIFY(parseResponse(received, false, &reply));
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.errorCode(), QStringLiteral("BAD_REQUEST"));
            QCOMPARE(reply.header("Connection").toLower(), QByteArray("close"));
            QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
            QCOMPARE(received.count("HTTP/1."), 1);
        }
    }

    // HEAD is answered without a body (RFC 9110 §9.3.2), whatever the status: a body would be
    // read as the start of the next response on a kept-alive connection.
    void headAnswerHasNoBody()
    {
        QTcpSocket socket;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, m_server.port());
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write("HEAD /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        // Both answers are in once the GET's body is (its last field is the transport).
        QTRY_VERIFY(received.contains("\"transport\":\"insecure-http\"}"));
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        QVERIFY(headEnd > 0);
        QVERIFY2(received.startsWith("HTTP/1.1 "), received.constData());
        const QByteArray afterHeadAnswer = received.mid(headEnd + 4);
        QVERIFY2(afterHeadAnswer.startsWith("HTTP/1.1 200"), received.constData());
    }

    // A client that asks for the connection to end after the answer gets it ended
    // (RFC 9112 §9.6), rather than held open until the idle timeout.
    void connectionCloseIsHonoured_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("HTTP/1.1, Connection: close")
            << QByteArray("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\n\r\n");
        QTest::newRow("HTTP/1.0 without keep-alive")
            << QByteArray("GET /api/v1/health HTTP/1.0\r\n\r\n");
    }

    void connectionCloseIsHonoured()
    {
        QFETCH(QByteArray, request);
        QTcpSocket socket;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, m_server.port());
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write(request);
        RawReply reply;
        QTRY_VERIFY(parseResponse(received, false, &reply));
        QCOMPARE(reply.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    }

    // A started request must be complete within 10 s (even when it trickles in); a connection
    // without traffic is closed after 30 s; one with regular requests stays open.
    void slowAndIdleConnectionsAreClosed()
    {
        struct Watched
        {
            QTcpSocket socket;
            qint64 closedAtMs = -1;
            QByteArray received;
        };
        QElapsedTimer clock;
        clock.start();
        Watched partial, drip, idle, afterRequest, busy;
        for (Watched *w : {&partial, &drip, &idle, &afterRequest, &busy}) {
            connect(&w->socket, &QTcpSocket::disconnected, this,
                    [w, &clock] { w->closedAtMs = clock.elapsed(); });
            connect(&w->socket, &QTcpSocket::readyRead, this,
                    [w] { w->received += w->socket.readAll(); });
            w->socket.connectToHost(QHostAddress::LocalHost, m_server.port());
        }
        for (Watched *w : {&partial, &drip, &idle, &afterRequest, &busy})
            QTRY_VERIFY(w->socket.state() == QAbstractSocket::ConnectedState);
        const qint64 startMs = clock.elapsed();

        const QByteArray health = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        partial.socket.write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        drip.socket.write("GET /api/v1/health HTTP/1.1\r\nX-Slow: ");
        afterRequest.socket.write(health);
        busy.socket.write(health);
        int busyRequests = 1;
        QTimer dripTimer;
        connect(&dripTimer, &QTimer::timeout, this, [&] {
            if (drip.socket.state() == QAbstractSocket::ConnectedState)
                drip.socket.write("a");
        });
        dripTimer.start(500);
        QTimer busyTimer;
        connect(&busyTimer, &QTimer::timeout, this, [&] {
            busy.socket.write(health);
            ++busyRequests;
        });
        busyTimer.start(4000);

        QTRY_VERIFY_WITH_TIMEOUT(partial.closedAtMs >= 0 && drip.closedAtMs >= 0, 20000);
        for (Watched *w : {&partial, &drip}) {
            const qint64 after = w->closedAtMs - startMs;
            QVERIFY2(after >= 8000 && after <= 16000, qPrintable(QString::number(after)));
            QVERIFY2(w->received.isEmpty(), w->received.constData());
        }
        QTRY_VERIFY_WITH_TIMEOUT(idle.closedAtMs >= 0 && afterRequest.closedAtMs >= 0, 40000);
        for (Watched *w : {&idle, &afterRequest}) {
            const qint64 after = w->closedAtMs - startMs;
            QVERIFY2(after >= 25000 && after <= 40000, qPrintable(QString::number(after)));
        }
        QVERIFY(afterRequest.received.startsWith("HTTP/1.1 200"));
        // The busy connection outlived both idle ones and got every answer.
        busyTimer.stop();
        QCOMPARE(busy.closedAtMs, qint64(-1));
        QTRY_COMPARE(busy.received.count("HTTP/1.1 200"), busyRequests);
        QVERIFY(busyRequests >= 7);
    }

    void auditAfterwards()
    {
        TestClient anonymous(m_server.baseUrl());
        QCOMPARE(anonymous.get(QStringLiteral("/health")).status, 200);
        m_stopped = true;
        m_server.stop();
        QVERIFY(!m_server.isRunning());
        QString report;
        QCOMPARE(m_server.runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }

    void cleanupTestCase() { m_server.stop(); }
};

void TestBadInput::everyEndpoint_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("who"); // role whose token is sent; "bad": a bogus token
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("flags");
    QTest::addColumn<int>("status");
    // The error code; for a 2xx answer "field=value" of the JSON answer, or "field[]": a
    // non-empty array.
    QTest::addColumn<QString>("expect");
    // The rows name fixture holds, orders and seats (e.g. when listed with -datatags).
    if (m_free.size() < 11 || m_foreignSeat.isEmpty() || m_order.isEmpty())
        QSKIP("the fixture of initTestCase is missing");

    const QString bad = QStringLiteral("BAD_REQUEST");
    const QString unauth = QStringLiteral("UNAUTHENTICATED");
    const QString forbidden = QStringLiteral("FORBIDDEN");
    const QString notFound = QStringLiteral("NOT_FOUND");
    const QString notAllowed = QStringLiteral("METHOD_NOT_ALLOWED");
    const QString tooLarge = QStringLiteral("PAYLOAD_TOO_LARGE");
    const QString clerk = QStringLiteral("clerk");
    const QString kiosk = QStringLiteral("kiosk");
    const QString admin = QStringLiteral("admin");
    const QString none;
    const QByteArray seat = quoted(m_free[0]);
    const QByteArray longId(65, 'a');
    const QByteArray veryLongId(5000, 'b');

    // --- GET /health ------------------------------------------------------------------
    row(QStringLiteral("health: plain"), "GET", api("/health"), none, {}, 200,
        QStringLiteral("status=ok"));
    row(QStringLiteral("health: bogus token is ignored"), "GET", api("/health"),
        QStringLiteral("bad"), {}, 200, QStringLiteral("status=ok"));
    row(QStringLiteral("health: garbage body"), "GET", api("/health"), none, "{{{{", 200,
        QStringLiteral("status=ok"));
    row(QStringLiteral("health: garbage query"), "GET", api("/health?x=%ZZ&&=&y"), none, {}, 200,
        QStringLiteral("status=ok"));
    row(QStringLiteral("health: 12k query"), "GET", api("/health?q=") + QByteArray(12000, 'q'),
        none, {}, 200, QStringLiteral("status=ok"));
    row(QStringLiteral("health: HTTP/1.0"), "GET", {}, none, "GET /api/v1/health HTTP/1.0\r\n\r\n",
        200, QStringLiteral("status=ok"), {}, kRaw);
    row(QStringLiteral("health: body over the limit"), "GET", api("/health"), none,
        QByteArray(64 * 1024 + 1, 'x'), 413, tooLarge);
    row(QStringLiteral("health: trailing slash"), "GET", api("/health/"), none, {}, 404, notFound);
    row(QStringLiteral("health: upper case"), "GET", "/API/V1/HEALTH", none, {}, 404, notFound);
    row(QStringLiteral("health: extra segment"), "GET", api("/health/x"), none, {}, 404, notFound);

    // --- POST /sessions ---------------------------------------------------------------
    const QByteArray sessions = api("/sessions");
    bodyRows(QStringLiteral("login"), sessions, none,
             R"({"username":"nobody","password":"secret"})", 0);
    fieldRows(QStringLiteral("login"), sessions, none, QStringLiteral("username"),
              R"({"username":@,"password":"secret"})", badStrings(true), 0);
    fieldRows(QStringLiteral("login"), sessions, none, QStringLiteral("password"),
              R"({"username":"nobody","password":@})", badStrings(true), 0);
    row(QStringLiteral("login: username missing"), "POST", sessions, none,
        R"({"password":"secret"})", 400, bad);
    row(QStringLiteral("login: password missing"), "POST", sessions, none,
        R"({"username":"nobody"})", 400, bad);
    row(QStringLiteral("login: duplicate keys, both wrong"), "POST", sessions, none,
        R"({"username":1,"username":[],"password":"x"})", 400, bad);
    row(QStringLiteral("login: SQL user name"), "POST", sessions, none,
        R"({"username":")" + kSql + R"(","password":"x"})", 401,
        QStringLiteral("INVALID_CREDENTIALS"));
    row(QStringLiteral("login: SQL password"), "POST", sessions, none,
        R"({"username":"nobody","password":"' OR '1'='1"})", 401,
        QStringLiteral("INVALID_CREDENTIALS"));
    row(QStringLiteral("login: unicode user name"), "POST", sessions, none,
        QStringLiteral(R"({"username":"售票员🎭","password":"x"})").toUtf8(), 401,
        QStringLiteral("INVALID_CREDENTIALS"));

    // --- DELETE /sessions -------------------------------------------------------------
    row(QStringLiteral("logout: no session"), "DELETE", sessions, none, {}, 401, unauth);
    row(QStringLiteral("logout: bogus token"), "DELETE", sessions, QStringLiteral("bad"), {}, 401,
        unauth);
    row(QStringLiteral("logout: Basic authorization"), "DELETE", sessions, none, {}, 401, unauth,
        "Authorization: Basic Y2xlcms6eA==\r\n");
    row(QStringLiteral("logout: Bearer without token"), "DELETE", sessions, none, {}, 401, unauth,
        "Authorization: Bearer\r\n");
    row(QStringLiteral("logout: 10k token"), "DELETE", sessions, none, {}, 401, unauth,
        "Authorization: Bearer " + QByteArray(10000, 't') + "\r\n");
    row(QStringLiteral("logout: SQL token"), "DELETE", sessions, none, {}, 401, unauth,
        "Authorization: Bearer " + kSql + "\r\n");

    // --- GET /shows -------------------------------------------------------------------
    row(QStringLiteral("shows: no session"), "GET", api("/shows"), none, {}, 401, unauth);
    row(QStringLiteral("shows: bogus token"), "GET", api("/shows"), QStringLiteral("bad"), {}, 401,
        unauth);
    row(QStringLiteral("shows: non-UTF-8 token"), "GET", api("/shows"), none, {}, 401, unauth,
        "Authorization: Bearer \xff\xfe\xfd\r\n");
    row(QStringLiteral("shows: unknown query is ignored"), "GET",
        api("/shows?limit=-1&offset=1e308&q=") + kSql.toPercentEncoding(), clerk, {}, 200,
        QStringLiteral("shows[]"));

    // --- GET /shows/{id}, /seats, POST .../holds, DELETE /holds/{id},
    //     GET /orders/{id}, POST /orders/{id}/payments: ids nobody has or can have ------
    const QByteArray holdBody = R"({"seatIds":[)" + seat + R"(],"holdSeconds":60})";
    const QByteArray cashBody = R"({"method":"CASH","amountTenderedCents":100000})";
    const struct
    {
        const char *name;
        QByteArray method;
        QByteArray prefix;
        QByteArray suffix;
        QByteArray body;
    } idRoutes[] = {
        {"show", "GET", api("/shows/"), {}, {}},
        {"seats", "GET", api("/shows/"), "/seats", {}},
        {"hold", "POST", api("/shows/"), "/holds", holdBody},
        {"release", "DELETE", api("/holds/"), {}, {}},
        {"order", "GET", api("/orders/"), {}, {}},
        {"tender", "POST", api("/orders/"), "/payments", cashBody},
    };
    const struct
    {
        const char *name;
        QByteArray id;
    } weirdIds[] = {
        {"unknown id", "nope-404"},
        {"SQL id", kSql.toPercentEncoding()},
        {"quote", "a%27b"},
        {"dot dot", ".."},
        {"encoded dot dot", "%2e%2e"},
        {"encoded slash", "a%2Fb"},
        {"NUL", "a%00b"},
        {"unicode", "%E5%89%A7%E9%99%A2"},
        {"65 characters", longId},
        {"5000 characters", veryLongId},
        {"percent garbage", "%ZZ%"},
        {"angle brackets", "%3Cscript%3E"},
        {"space", "a%20b"},
    };
    for (const auto &r : idRoutes) {
        for (const auto &id : weirdIds)
            row(QStringLiteral("%1: %2").arg(QLatin1StringView(r.name), QLatin1StringView(id.name)),
                r.method, r.prefix + id.id + r.suffix, clerk, r.body, 404, notFound);
        row(QStringLiteral("%1: empty id").arg(QLatin1StringView(r.name)), r.method,
            r.prefix + r.suffix, clerk, r.body, 404, notFound);
        row(QStringLiteral("%1: no session").arg(QLatin1StringView(r.name)), r.method,
            r.prefix + "seagull-1" + r.suffix, none, r.body, 401, unauth);
        row(QStringLiteral("%1: bogus token").arg(QLatin1StringView(r.name)), r.method,
            r.prefix + "seagull-1" + r.suffix, QStringLiteral("bad"), r.body, 401, unauth);
    }
    // Money operations of supervisors: the same ids, with a supervisor's token.
    const QString supervisor = QStringLiteral("supervisor");
    const QByteArray reasonBody = R"({"reason":"bad input test"})";
    const struct
    {
        const char *name;
        QByteArray prefix;
        QByteArray suffix;
        QByteArray body;
    } moneyRoutes[] = {
        {"refund", api("/orders/"), "/refunds", reasonBody},
        {"void", api("/orders/"), "/void", reasonBody},
        {"reprint", api("/tickets/"), "/reprint", reasonBody},
        {"exchange", api("/orders/"), "/exchanges",
         R"({"ticketCodes":["T1"],"holdId":"HOLD_X","reason":"bad input test"})"},
    };
    for (const auto &r : moneyRoutes) {
        for (const auto &id : weirdIds) {
            // A ticket code of dots is a well-formed id: the ticket is just not there.
            const QByteArrayView idName(id.name);
            const bool ticketLookup =
                QByteArrayView(r.name) == "reprint" &&
                (idName == "unknown id" || idName == "dot dot" || idName == "encoded dot dot");
            row(QStringLiteral("%1: %2").arg(QLatin1StringView(r.name), QLatin1StringView(id.name)),
                "POST", r.prefix + id.id + r.suffix, supervisor, r.body, 404,
                ticketLookup ? QStringLiteral("TICKET_NOT_FOUND") : notFound);
        }
        row(QStringLiteral("%1: no session").arg(QLatin1StringView(r.name)), "POST",
            r.prefix + "nope" + r.suffix, none, r.body, 401, unauth);
        row(QStringLiteral("%1: clerk").arg(QLatin1StringView(r.name)), "POST",
            r.prefix + "nope" + r.suffix, clerk, r.body, 403, forbidden);
        row(QStringLiteral("%1: garbage body").arg(QLatin1StringView(r.name)), "POST",
            r.prefix + "nope" + r.suffix, supervisor, "{{{{", 400, bad);
        row(QStringLiteral("%1: reason too long").arg(QLatin1StringView(r.name)), "POST",
            r.prefix + "nope" + r.suffix, supervisor,
            R"({"reason":")" + QByteArray(501, 'r') + R"("})", 400, bad);
    }
    row(QStringLiteral("holds: no showId"), "GET", api("/holds"), supervisor, {}, 400, bad);
    row(QStringLiteral("holds: SQL showId"), "GET",
        api("/holds?showId=") + kSql.toPercentEncoding(), supervisor, {}, 400, bad);
    row(QStringLiteral("holds: unknown show"), "GET", api("/holds?showId=nope-404"), supervisor, {},
        404, notFound);
    row(QStringLiteral("holds: age garbage"), "GET",
        api("/holds?showId=seagull-1&olderThanSeconds=1e3"), supervisor, {}, 400, bad);
    row(QStringLiteral("refund callback: unsigned"), "POST", api("/refunds/callback"), none,
        R"({"refundId":"RFD_X","paymentId":"P","acquirerRefundId":"A","status":"SUCCEEDED",)"
        R"("amountCents":1})",
        401, QStringLiteral("SIGNATURE_INVALID"));
    row(QStringLiteral("refund callback: garbage"), "POST", api("/refunds/callback"), none, "{{{{",
        401, QStringLiteral("SIGNATURE_INVALID"));

    row(QStringLiteral("show: id over the header limit"), "GET",
        api("/shows/") + QByteArray(20000, 'c'), clerk, {}, 413, tooLarge);

    // --- GET /shows/{id}/seats query --------------------------------------------------
    const QByteArray seatsPath = api("/shows/seagull-1/seats");
    const struct
    {
        const char *name;
        QByteArray query;
    } badQueries[] = {
        {"since=garbage", "since=garbage"},
        {"since=-1", "since=-1"},
        {"since=1.5", "since=1.5"},
        {"since=1e3", "since=1e3"},
        {"since empty", "since="},
        {"since=2^64", "since=18446744073709551616"},
        {"since 10k digits", "since=" + QByteArray(10000, '9')},
        {"since SQL", "since=" + kSql.toPercentEncoding()},
        {"since NUL", "since=1%00"},
        {"format=bogus", "format=bogus"},
        {"format=COMPACT", "format=COMPACT"},
        {"format SQL", "format=" + kSql.toPercentEncoding()},
        {"format compact, since garbage", "format=compact&since=x"},
    };
    for (const auto &q : badQueries)
        row(QStringLiteral("seats: %1").arg(QLatin1StringView(q.name)), "GET",
            seatsPath + '?' + q.query, clerk, {}, 400, bad);
    row(QStringLiteral("seats: since=2^63-1 gives a snapshot"), "GET",
        seatsPath + "?since=9223372036854775807", clerk, {}, 200, QStringLiteral("delta=false"));
    row(QStringLiteral("seats: empty format is full"), "GET", seatsPath + "?format=", clerk, {},
        200, QStringLiteral("delta=false"));

    // --- POST /shows/{id}/holds -------------------------------------------------------
    const QByteArray holds = api("/shows/seagull-1/holds");
    bodyRows(QStringLiteral("hold"), holds, clerk, holdBody, 0);
    QList<BadValue> badSeatIds{
        {"null", "null"},
        {"string", seat},
        {"number", "42"},
        {"object", "{}"},
        {"empty list", "[]"},
        {"list of numbers", "[1,2]"},
        {"list with null", "[null]"},
        {"list with empty id", "[\"\"]"},
        {"nested list", '[' + jsonList({m_free[0]}) + ']'},
        {"10k character id", "[\"" + QByteArray(10000, 's') + "\"]"},
        {"id with control character", "[\"A\\u0001\"]"},
        {"duplicate id", '[' + seat + ',' + seat + ']'},
        {"unknown id", "[\"NO-SUCH-SEAT\"]"},
        {"known and unknown ids", '[' + seat + ",\"NO-SUCH-SEAT\"]"},
        {"seat of another show", '[' + quoted(m_foreignSeat) + ']'},
        {"SQL id", '[' + quoted(QString::fromUtf8(kSql)) + ']'},
        {"unicode id", QStringLiteral("[\"座位-1\"]").toUtf8()},
        {"11 seats", jsonList(m_free.mid(0, 11))},
        {"1000 seats", jsonList(m_seats.mid(0, 409) + m_seats.mid(0, 409) + m_seats.mid(0, 182))},
    };
    fieldRows(QStringLiteral("hold"), holds, clerk, QStringLiteral("seatIds"),
              R"({"seatIds":@,"holdSeconds":60})", badSeatIds, 0);
    fieldRows(QStringLiteral("hold"), holds, clerk, QStringLiteral("holdSeconds"),
              R"({"seatIds":[)" + seat + R"(],"holdSeconds":@})", badIntegers(false, 30, 1800), 0);
    fieldRows(QStringLiteral("hold"), holds, clerk, QStringLiteral("holdSeconds"),
              R"({"seatIds":[)" + seat + R"(],"holdSeconds":@})",
              {{"zero", "0"}, {"1", "1"}, {"negative max", "-1800"}}, 0);
    fieldRows(QStringLiteral("hold"), holds, clerk, QStringLiteral("userId"),
              R"({"seatIds":[)" + seat + R"(],"userId":@})", badStrings(false), 0);
    row(QStringLiteral("hold: seatIds missing"), "POST", holds, clerk, R"({"holdSeconds":60})", 400,
        bad);
    row(QStringLiteral("hold: duplicate keys, both wrong"), "POST", holds, clerk,
        R"({"seatIds":"x","seatIds":42})", 400, bad);
    row(QStringLiteral("hold: userId of another user"), "POST", holds, clerk,
        R"({"seatIds":[)" + seat + R"(],"userId":)" + quoted(m_userIds[kiosk]) + '}', 403,
        forbidden);
    row(QStringLiteral("hold: seat already held"), "POST", holds, clerk,
        R"({"seatIds":[)" + quoted(m_holdSeats[0]) + "]}", 409, QStringLiteral("SEAT_UNAVAILABLE"));
    row(QStringLiteral("hold: free and held seat"), "POST", holds, kiosk,
        R"({"seatIds":[)" + seat + ',' + quoted(m_holdSeats[1]) + "]}", 409,
        QStringLiteral("SEAT_UNAVAILABLE"));
    row(QStringLiteral("hold: admin may not hold"), "POST", holds, admin, holdBody, 403, forbidden);

    // --- DELETE /holds/{id} -----------------------------------------------------------
    row(QStringLiteral("release: someone else's hold"), "DELETE",
        api("/holds/") + m_kioskHold.toLatin1(), clerk, {}, 403, forbidden);
    row(QStringLiteral("release: admin may not release"), "DELETE",
        api("/holds/") + m_hold.toLatin1(), admin, {}, 403, forbidden);
    row(QStringLiteral("release: released hold again is harmless"), "DELETE",
        api("/holds/") + m_releasedHold.toLatin1(), clerk, {}, 200,
        QStringLiteral("status=RELEASED"));

    // --- POST /orders ---------------------------------------------------------------------
    const QByteArray orders = api("/orders");
    const QByteArray orderBody = R"({"holdId":)" + quoted(m_hold) + '}';
    bodyRows(QStringLiteral("order"), orders, clerk, orderBody, kFreshKey);
    fieldRows(QStringLiteral("order"), orders, clerk, QStringLiteral("holdId"), R"({"holdId":@})",
              badStrings(true), kFreshKey);
    fieldRows(QStringLiteral("order"), orders, clerk, QStringLiteral("userId"),
              R"({"holdId":)" + quoted(m_hold) + R"(,"userId":@})", badStrings(false), kFreshKey);
    fieldRows(QStringLiteral("order"), orders, clerk, QStringLiteral("contact"),
              R"({"holdId":)" + quoted(m_hold) + R"(,"contact":@})",
              {{"string", "\"Zhang San\""},
               {"number", "1"},
               {"array", "[\"Zhang San\"]"},
               {"boolean", "false"}},
              kFreshKey);
    fieldRows(QStringLiteral("order"), orders, clerk, QStringLiteral("contact.name"),
              R"({"holdId":)" + quoted(m_hold) + R"(,"contact":{"name":@}})", badStrings(false),
              kFreshKey);
    fieldRows(QStringLiteral("order"), orders, clerk, QStringLiteral("contact.phone"),
              R"({"holdId":)" + quoted(m_hold) + R"(,"contact":{"phone":@}})", badStrings(false),
              kFreshKey);
    row(QStringLiteral("order: holdId missing"), "POST", orders, clerk, R"({"contact":{}})", 400,
        bad, {}, kFreshKey);
    row(QStringLiteral("order: unknown hold"), "POST", orders, clerk, R"({"holdId":"HOLD_nope"})",
        404, notFound, {}, kFreshKey);
    row(QStringLiteral("order: SQL hold id"), "POST", orders, clerk,
        R"({"holdId":)" + quoted(QString::fromUtf8(kSql)) + '}', 404, notFound, {}, kFreshKey);
    row(QStringLiteral("order: unicode hold id"), "POST", orders, clerk,
        QStringLiteral(R"({"holdId":"保留-1"})").toUtf8(), 404, notFound, {}, kFreshKey);
    row(QStringLiteral("order: released hold"), "POST", orders, clerk,
        R"({"holdId":)" + quoted(m_releasedHold) + '}', 410, QStringLiteral("HOLD_RELEASED"), {},
        kFreshKey);
    row(QStringLiteral("order: someone else's hold"), "POST", orders, clerk,
        R"({"holdId":)" + quoted(m_kioskHold) + '}', 403, forbidden, {}, kFreshKey);
    row(QStringLiteral("order: userId of another user"), "POST", orders, clerk,
        R"({"holdId":)" + quoted(m_hold) + R"(,"userId":)" + quoted(m_userIds[kiosk]) + '}', 403,
        forbidden, {}, kFreshKey);
    row(QStringLiteral("order: hold that already has an order"), "POST", orders, clerk,
        R"({"holdId":)" + quoted(m_orderHold) + '}', 409, QStringLiteral("CONFLICT"), {},
        kFreshKey);
    row(QStringLiteral("order: key reused with another body"), "POST", orders, clerk, orderBody,
        422, QStringLiteral("IDEMPOTENCY_KEY_REUSED"),
        "X-Idempotency-Key: " + m_orderKey.toLatin1() + "\r\n");
    row(QStringLiteral("order: admin may not order"), "POST", orders, admin, orderBody, 403,
        forbidden, {}, kFreshKey);
    const struct
    {
        const char *name;
        QByteArray header;
    } badKeys[] = {
        {"no key", {}},
        {"empty key", "X-Idempotency-Key: \r\n"},
        {"blank key", "X-Idempotency-Key:    \r\n"},
        {"key with space", "X-Idempotency-Key: a b\r\n"},
        {"key with quote", "X-Idempotency-Key: a'b\r\n"},
        {"SQL key", "X-Idempotency-Key: " + kSql + "\r\n"},
        {"129 character key", "X-Idempotency-Key: " + QByteArray(129, 'k') + "\r\n"},
        {"10k character key", "X-Idempotency-Key: " + QByteArray(10000, 'k') + "\r\n"},
        {"non-ASCII key", "X-Idempotency-Key: schl\xc3\xbcssel\r\n"},
        {"bad characters after 64 good ones",
         "X-Idempotency-Key: " + QByteArray(64, 'k') + "$;'\"<>\r\n"},
    };
    // An unknown hold: a key that wrongly passed would show as 404, and consume nothing.
    for (const auto &k : badKeys)
        row(QStringLiteral("order: %1").arg(QLatin1StringView(k.name)), "POST", orders, clerk,
            R"({"holdId":"HOLD_key_rows"})", 400, bad, k.header);

    // --- GET /orders/{id} ---------------------------------------------------------------
    row(QStringLiteral("order view: kiosk may not see a clerk's order"), "GET",
        api("/orders/") + m_order.toLatin1(), kiosk, {}, 403, forbidden);
    row(QStringLiteral("order view: garbage body is ignored"), "GET",
        api("/orders/") + m_order.toLatin1(), clerk, "{", 200,
        QStringLiteral("status=PENDING_PAY"));

    // --- POST /orders/{id}/payments -----------------------------------------------------
    const QByteArray tender = api("/orders/") + m_order.toLatin1() + "/payments";
    bodyRows(QStringLiteral("tender"), tender, clerk, cashBody, 0);
    fieldRows(QStringLiteral("tender"), tender, clerk, QStringLiteral("method"),
              R"({"method":@,"amountTenderedCents":100000})", badStrings(true), 0);
    fieldRows(QStringLiteral("tender"), tender, clerk, QStringLiteral("method"),
              R"({"method":@,"amountTenderedCents":100000})",
              {{"lower case", "\"cash\""},
               {"unknown", "\"BITCOIN\""},
               {"SQL", quoted(QString::fromUtf8(kSql))},
               {"unicode", QStringLiteral("\"现金\"").toUtf8()}},
              0);
    fieldRows(QStringLiteral("tender"), tender, clerk, QStringLiteral("amountTenderedCents"),
              R"({"method":"CASH","amountTenderedCents":@})", badIntegers(true, 0, 10000000000LL),
              0);
    fieldRows(QStringLiteral("tender"), tender, clerk, QStringLiteral("amountTenderedCents"),
              R"({"method":"CASH","amountTenderedCents":@})",
              {{"less than due", QByteArray::number(m_orderAmount - 1)}, {"zero", "0"}}, 0);
    fieldRows(QStringLiteral("tender"), tender, clerk, QStringLiteral("reference"),
              R"({"method":"CARD","reference":@})", badStrings(true), 0);
    row(QStringLiteral("tender: method missing"), "POST", tender, clerk,
        R"({"amountTenderedCents":100000})", 400, bad);
    row(QStringLiteral("tender: amount missing"), "POST", tender, clerk, R"({"method":"CASH"})",
        400, bad);
    row(QStringLiteral("tender: card without reference"), "POST", tender, clerk,
        R"({"method":"CARD"})", 400, bad);
    row(QStringLiteral("tender: kiosk may not tender"), "POST", tender, kiosk, cashBody, 403,
        forbidden);
    row(QStringLiteral("tender: admin may not tender"), "POST", tender, admin, cashBody, 403,
        forbidden);

    // --- POST /payments/callback --------------------------------------------------------
    const QByteArray callback = api("/payments/callback");
    const QByteArray amount = QByteArray::number(m_orderAmount);
    const QByteArray order = quoted(m_order);
    const QByteArray validCallback = R"({"paymentId":"PAY-bad-input","orderId":)" + order +
                                     R"(,"status":"SUCCESS","amountCents":)" + amount + '}';
    const QString signatureInvalid = QStringLiteral("SIGNATURE_INVALID");
    bodyRows(QStringLiteral("callback"), callback, none, validCallback, kSigned);
    row(QStringLiteral("callback: no signature"), "POST", callback, none, validCallback, 401,
        signatureInvalid);
    row(QStringLiteral("callback: garbage signature"), "POST", callback, none, validCallback, 401,
        signatureInvalid, "X-Payment-Signature: t=abc,v1=zz\r\n");
    row(QStringLiteral("callback: empty signature"), "POST", callback, none, validCallback, 401,
        signatureInvalid, "X-Payment-Signature: \r\n");
    row(QStringLiteral("callback: 10k signature"), "POST", callback, none, validCallback, 401,
        signatureInvalid, "X-Payment-Signature: t=1,v1=" + QByteArray(10000, 'a') + "\r\n");
    row(QStringLiteral("callback: signature of another body"), "POST", callback, none,
        validCallback, 401, signatureInvalid,
        "X-Payment-Signature: " +
            Boxoffice::Core::paymentSignatureHeader(m_server.options().paymentSecret,
                                                    QDateTime::currentSecsSinceEpoch(),
                                                    validCallback + ' ') +
            "\r\n");
    row(QStringLiteral("callback: a session does not replace the signature"), "POST", callback,
        clerk, validCallback, 401, signatureInvalid);
    const QByteArray callbackTail = R"(,"status":"SUCCESS","amountCents":)" + amount + '}';
    fieldRows(QStringLiteral("callback"), callback, none, QStringLiteral("paymentId"),
              R"({"paymentId":@,"orderId":)" + order + callbackTail, badStrings(true), kSigned);
    fieldRows(QStringLiteral("callback"), callback, none, QStringLiteral("orderId"),
              R"({"paymentId":"PAY-bad-input","orderId":@)" + callbackTail, badStrings(true),
              kSigned);
    fieldRows(QStringLiteral("callback"), callback, none, QStringLiteral("status"),
              R"({"paymentId":"PAY-bad-input","orderId":)" + order +
                  R"(,"status":@,"amountCents":)" + amount + '}',
              badStrings(true) + QList<BadValue>{{"lower case", "\"success\""},
                                                 {"unknown", "\"MAYBE\""},
                                                 {"17 characters", "\"SUCCESSSUCCESSSSS\""}},
              kSigned);
    fieldRows(QStringLiteral("callback"), callback, none, QStringLiteral("amountCents"),
              R"({"paymentId":"PAY-bad-input","orderId":)" + order +
                  R"(,"status":"SUCCESS","amountCents":@})",
              badIntegers(true, 0, 10000000000LL), kSigned);
    fieldRows(QStringLiteral("callback"), callback, none, QStringLiteral("amountCents"),
              R"({"paymentId":"PAY-bad-input","orderId":)" + order +
                  R"(,"status":"SUCCESS","amountCents":@})",
              {{"one cent short", QByteArray::number(m_orderAmount - 1)},
               {"one cent over", QByteArray::number(m_orderAmount + 1)},
               {"zero", "0"}},
              kSigned, 400, QStringLiteral("AMOUNT_MISMATCH"));
    row(QStringLiteral("callback: unknown order"), "POST", callback, none,
        R"({"paymentId":"PAY-bad-input","orderId":"ORD_nope")" + callbackTail, 404, notFound, {},
        kSigned);
    row(QStringLiteral("callback: SQL order id"), "POST", callback, none,
        R"({"paymentId":"PAY-bad-input","orderId":)" + quoted(QString::fromUtf8(kSql)) +
            callbackTail,
        404, notFound, {}, kSigned);

    // --- POST /tickets/verify -----------------------------------------------------------
    const QByteArray verify = api("/tickets/verify");
    bodyRows(QStringLiteral("verify"), verify, clerk, R"({"qrPayload":"BX1.a.b"})", 0);
    fieldRows(QStringLiteral("verify"), verify, clerk, QStringLiteral("qrPayload"),
              R"({"qrPayload":@})", badStrings(true), 0);
    const struct
    {
        const char *name;
        QByteArray payload;
    } forged[] = {
        {"garbage payload", "\"BX1.a.b\""},
        {"SQL payload", quoted(QString::fromUtf8(kSql))},
        {"unicode payload", QStringLiteral("\"BX1.票.签名\"").toUtf8()},
        {"1024 character payload", '"' + QByteArray(1024, 'A') + '"'},
        {"wrong version", "\"BX9.AAAA.AAAA\""},
        {"many dots", "\"BX1.....\""},
    };
    for (const auto &f : forged)
        row(QStringLiteral("verify: %1 is forged").arg(QLatin1StringView(f.name)), "POST", verify,
            clerk, R"({"qrPayload":)" + f.payload + '}', 200, QStringLiteral("result=FORGED"));
    row(QStringLiteral("verify: kiosk may not scan"), "POST", verify, kiosk,
        R"({"qrPayload":"BX1.a.b"})", 403, forbidden);
    fieldRows(QStringLiteral("verify"), verify, clerk, QStringLiteral("showId"),
              R"({"qrPayload":"BX1.a.b","showId":@})", badStrings(false), 0);
    fieldRows(QStringLiteral("verify"), verify, clerk, QStringLiteral("door"),
              R"({"qrPayload":"BX1.a.b","door":@})", badStrings(false), 0);
    row(QStringLiteral("verify: showId with a space"), "POST", verify, clerk,
        R"({"qrPayload":"BX1.a.b","showId":"seagull 1"})", 400, bad);

    // --- Door scanning and kiosks (docs/kiosk-and-door-api.md) -------------------------
    // Every row is refused before anything is decided: no scan is recorded, no order
    // cancelled, no supervisor's PIN is checked (wrong ones would count towards a lockout).
    const QByteArray scans = api("/tickets/scans");
    const QByteArray scanTemplate =
        R"({"scans":[{"scanId":"scan-bad-input-1","qrPayload":"BX1.a.b","showId":"seagull-1",)"
        R"("door":"North","scannedAt":"2026-01-01T00:00:00.000Z","offlineResult":"VALID"}]})";
    bodyRows(QStringLiteral("scans"), scans, clerk, R"({"scans":[]})", 0);
    for (const QByteArray value : {"42", "{}", "\"scans\"", "null", "true"})
        row(QStringLiteral("scans: scans is %1").arg(QString::fromLatin1(value)), "POST", scans,
            clerk, R"({"scans":)" + value + '}', 400, bad);
    row(QStringLiteral("scans: an entry that is no object"), "POST", scans, clerk,
        R"({"scans":["x"]})", 400, bad);
    const struct
    {
        const char *field;
        const char *valid;
        bool required;
    } scanFields[] = {
        {"scanId", "\"scan-bad-input-1\"", true},
        {"qrPayload", "\"BX1.a.b\"", true},
        {"showId", "\"seagull-1\"", true},
        {"door", "\"North\"", false},
        {"scannedAt", "\"2026-01-01T00:00:00.000Z\"", true},
        {"offlineResult", "\"VALID\"", true},
    };
    for (const auto &f : scanFields) {
        const QByteArray valid = '"' + QByteArray(f.field) + "\":" + f.valid;
        const QByteArray templ =
            QByteArray(scanTemplate).replace(valid, '"' + QByteArray(f.field) + "\":@");
        fieldRows(QStringLiteral("scans"), scans, clerk, QLatin1StringView(f.field), templ,
                  badStrings(f.required), 0);
    }
    const struct
    {
        const char *name;
        QByteArray from;
        QByteArray to;
    } badScans[] = {
        {"scanId of 7 characters", "scan-bad-input-1", "scan-12"},
        {"scanId with a dot", "scan-bad-input-1", "scan.bad.input"},
        {"scanId with a space", "scan-bad-input-1", "scan bad input"},
        {"showId with a space", "seagull-1", "seagull 1"},
        {"scannedAt not a time", "2026-01-01T00:00:00.000Z", "yesterday"},
        {"scannedAt 30 February", "2026-01-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z"},
        {"offlineResult lower case", "\"VALID\"", "\"valid\""},
        {"offlineResult unknown", "\"VALID\"", "\"MAYBE\""},
    };
    for (const auto &b : badScans)
        row(QStringLiteral("scans: %1").arg(QLatin1StringView(b.name)), "POST", scans, clerk,
            QByteArray(scanTemplate).replace(b.from, b.to), 400, bad);
    row(QStringLiteral("scans: 501 entries"), "POST", scans, clerk,
        "{\"scans\":[" + QByteArray("{},").repeated(500) + "{}]}", 400, bad);
    row(QStringLiteral("scans: kiosk may not upload"), "POST", scans, kiosk, scanTemplate, 403,
        forbidden);

    const QByteArray revocations = api("/tickets/revocations?showId=seagull-1");
    for (const QByteArray query :
         {"&since=yesterday", "&since=%ZZ", "&since=2026-02-30T00:00:00Z", "&since="})
        row(QStringLiteral("revocations: since %1").arg(QString::fromLatin1(query)), "GET",
            revocations + query, clerk, {}, 400, bad);
    row(QStringLiteral("revocations: no showId"), "GET", api("/tickets/revocations"), clerk, {},
        400, bad);
    row(QStringLiteral("revocations: SQL showId"), "GET",
        api("/tickets/revocations?showId=") + QUrl::toPercentEncoding(QString::fromUtf8(kSql)),
        clerk, {}, 400, bad);
    row(QStringLiteral("revocations: unknown show"), "GET",
        api("/tickets/revocations?showId=no-such-show"), clerk, {}, 404, notFound);
    for (const QByteArray query : {"&limit=0", "&limit=501", "&limit=-1", "&limit=ten",
                                   "&limit=1e3", "&flagged=1", "&flagged=TRUE", "&flagged="})
        row(QStringLiteral("scan list: %1").arg(QString::fromLatin1(query)), "GET",
            api("/tickets/scans?showId=seagull-1") + query, supervisor, {}, 400, bad);
    row(QStringLiteral("scan list: unknown show"), "GET", api("/tickets/scans?showId=nope"),
        supervisor, {}, 404, notFound);

    const QByteArray cancelTarget = api("/orders/") + m_order.toLatin1() + "/cancel";
    for (const QByteArray &body : {QByteArray("["), QByteArray("[]"), QByteArray("42"),
                                   QByteArray("{\"x\":NaN}"), QByteArray(kSql)})
        row(QStringLiteral("cancel: body %1").arg(QString::fromUtf8(body.left(20))), "POST",
            cancelTarget, clerk, body, 400, bad);
    row(QStringLiteral("cancel: kiosk may not cancel a clerk's order"), "POST", cancelTarget, kiosk,
        "{}", 403, forbidden);
    row(QStringLiteral("cancel: admin may not cancel"), "POST", cancelTarget, admin, "{}", 403,
        forbidden);
    row(QStringLiteral("cancel: unknown order"), "POST", api("/orders/ORD_nope/cancel"), clerk,
        "{}", 404, notFound);
    row(QStringLiteral("cancel: 65-character order id"), "POST",
        api("/orders/") + longId + "/cancel", clerk, "{}", 404, notFound);

    const QByteArray unlockTarget = api("/kiosk/unlock");
    bodyRows(QStringLiteral("unlock"), unlockTarget, kiosk,
             R"({"supervisor":"supervisor","pin":"1234"})", 0);
    fieldRows(QStringLiteral("unlock"), unlockTarget, kiosk, QStringLiteral("supervisor"),
              R"({"supervisor":@,"pin":"1234"})", badStrings(true), 0);
    fieldRows(QStringLiteral("unlock"), unlockTarget, kiosk, QStringLiteral("pin"),
              R"({"supervisor":"supervisor","pin":@})", badStrings(true), 0);
    fieldRows(QStringLiteral("unlock"), unlockTarget, kiosk, QStringLiteral("password"),
              R"({"supervisor":"supervisor","password":@})", badStrings(true), 0);
    row(QStringLiteral("unlock: both pin and password"), "POST", unlockTarget, kiosk,
        R"({"supervisor":"supervisor","pin":"1234","password":"x"})", 400, bad);
    row(QStringLiteral("unlock: clerk may not unlock"), "POST", unlockTarget, clerk,
        R"({"supervisor":"supervisor","pin":"1234"})", 403, forbidden);

    // --- Unknown paths and wrong methods -----------------------------------------------
    const QByteArray unknownPaths[] = {
        "/",
        "/api",
        "/api/v1",
        "/api/v1/",
        "/api/v2/health",
        "/api/v1/nope",
        "/api//v1/health",
        "/api/v1//health",
        "/api/v1/shows/seagull-1/seats/extra",
        "/api/v1/shows/seagull-1/holds/extra",
        "/api/v1/tickets",
        "/api/v1/payments",
        "/api/v1/refunds",
        "/api/v1/" + QByteArray(5000, 'p'),
        "/api/v1/%00",
        "/api/v1/%E2%80%AE",
        "/api/v1/..%2F..%2Fetc%2Fpasswd",
        "/index.html",
        "*",
        QStringLiteral("/api/v1/shows/剧院").toUtf8(),
    };
    for (const QByteArray &path : unknownPaths)
        row(QStringLiteral("unknown path %1").arg(QString::fromUtf8(path.left(60))), "GET", path,
            clerk, {}, 404, notFound);
    const struct
    {
        QByteArray method;
        QByteArray path;
    } wrongMethods[] = {
        {"POST", "/health"},
        {"DELETE", "/health"},
        {"PUT", "/health"},
        {"GET", "/sessions"},
        {"PUT", "/sessions"},
        {"POST", "/shows"},
        {"DELETE", "/shows"},
        {"DELETE", "/shows/seagull-1"},
        {"PUT", "/shows/seagull-1"},
        {"POST", "/shows/seagull-1/seats"},
        {"GET", "/shows/seagull-1/holds"},
        {"PATCH", "/shows/seagull-1/holds"},
        {"GET", "/holds/HOLD_x"},
        {"POST", "/holds/HOLD_x"},
        {"PUT", "/holds/HOLD_x"},
        {"PUT", "/orders"}, // GET /orders is the order search (tst_ordersearch)
        {"DELETE", "/orders"},
        {"POST", "/orders/ORD_x"},
        {"DELETE", "/orders/ORD_x"},
        {"GET", "/orders/ORD_x/payments"},
        {"GET", "/payments/callback"},
        {"PUT", "/payments/callback"},
        {"GET", "/tickets/verify"},
        {"GET", "/kiosk/unlock"},
        {"POST", "/tickets/keys"},
        {"DELETE", "/tickets/scans"},
        {"POST", "/tickets/revocations"},
        {"GET", "/orders/ORD_x/cancel"},
    };
    for (const auto &m : wrongMethods)
        row(QStringLiteral("%1 %2").arg(QString::fromLatin1(m.method), QString::fromLatin1(m.path)),
            m.method, api(m.path), clerk, m.method == "GET" ? QByteArray() : "{}", 405, notAllowed);
    // Methods no route has (HEAD has its own test: its answer must not have a body).
    for (const QByteArray method : {"OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO", "get"}) {
        for (const QByteArray path : {"/health", "/shows/seagull-1", "/orders"})
            row(QStringLiteral("%1 %2").arg(QString::fromLatin1(method), QString::fromLatin1(path)),
                method, api(path), clerk, {}, 405, notAllowed);
    }

    // --- Broken HTTP framing (answered by the connection guard) -------------------------
    const QByteArray health = api("/health");
    row(QStringLiteral("http: Content-Length not a number"), "POST", sessions, none, "{}", 400, bad,
        "Content-Length: abc\r\n", kNoLength);
    row(QStringLiteral("http: negative Content-Length"), "POST", sessions, none, "{}", 400, bad,
        "Content-Length: -2\r\n", kNoLength);
    row(QStringLiteral("http: conflicting Content-Length"), "POST", sessions, none, "{}", 400, bad,
        "Content-Length: 2\r\nContent-Length: 3\r\n", kNoLength);
    row(QStringLiteral("http: Content-Length 2^64"), "POST", sessions, none, "{}", 413, tooLarge,
        "Content-Length: 18446744073709551616\r\n", kNoLength);
    row(QStringLiteral("http: Content-Length 30 digits"), "POST", sessions, none, "{}", 413,
        tooLarge, "Content-Length: " + QByteArray(30, '9') + "\r\n", kNoLength);
    row(QStringLiteral("http: chunked"), "POST", sessions, none, "2\r\n{}\r\n0\r\n\r\n", 400, bad,
        "Transfer-Encoding: chunked\r\n", kNoLength);
    row(QStringLiteral("http: Transfer-Encoding gzip"), "POST", sessions, none, "{}", 400, bad,
        "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n", kNoLength);
    row(QStringLiteral("http: header line without colon"), "GET", health, none, {}, 400, bad,
        "NoColonHere\r\n");
    row(QStringLiteral("http: header name with space"), "GET", health, none, {}, 400, bad,
        "Bad Name: x\r\n");
    row(QStringLiteral("http: control character in header value"), "GET", health, none, {}, 400,
        bad, "X-Thing: a\x01z\r\n");
    row(QStringLiteral("http: 20k header value"), "GET", health, none, {}, 413, tooLarge,
        "X-Big: " + QByteArray(20000, 'h') + "\r\n");
    row(QStringLiteral("http: 2500 small headers"), "GET", health, none, {}, 413, tooLarge,
        QByteArray("X-A: b\r\n").repeated(2500));
    const struct
    {
        const char *name;
        QByteArray request;
    } rawRequests[] = {
        {"garbage request line", "HELLO\r\n\r\n"},
        {"binary request line",
         QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n"},
        {"missing version", "GET /api/v1/health\r\n\r\n"},
        {"HTTP/2.0", "GET /api/v1/health HTTP/2.0\r\nHost: x\r\n\r\n"},
        {"HTTP/1.10", "GET /api/v1/health HTTP/1.10\r\nHost: x\r\n\r\n"},
        {"space in target", "GET /api/v1/he alth HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"tab in target", "GET /api/v1/he\talth HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"method with slash", "G/ET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"empty method", " /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"bare LF line ends with a bad line", "GET /api/v1/health HTTP/1.1\nBad Header\n\n"},
    };
    for (const auto &r : rawRequests)
        row(QStringLiteral("http: %1").arg(QLatin1StringView(r.name)), {}, {}, none, r.request, 400,
            bad, {}, kRaw);
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
