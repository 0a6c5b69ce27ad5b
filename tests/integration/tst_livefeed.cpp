// The per-show WebSocket channel (DESIGN.md §3.3): ws://HOST/api/v1/shows/{showId}/live?token=T
// greets with {"type":"hello","version":V} and then pushes every committed seat change as
// {"type":"delta","fromVersion","version","changes":[{version,status,seatIds,...}]}, with no
// gaps, in the order the HTTP feed (?since=V) reports them. Bad tokens and unknown shows are
// refused by closing the socket.

#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

#include <memory>

using namespace Boxoffice::Test;

namespace {

// A WebSocket subscriber that keeps every message it receives.
class LiveClient
{
public:
    LiveClient()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &text) {
                             m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
                         });
        QObject::connect(&m_socket, &QWebSocket::connected, &m_socket,
                         [this] { m_everConnected = true; });
        QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket,
                         [this] { m_disconnected = true; });
    }

    void open(const QUrl &url) { m_socket.open(url); }
    void open(const QNetworkRequest &request) { m_socket.open(request); }

    [[nodiscard]] const QList<QJsonObject> &messages() const { return m_messages; }
    [[nodiscard]] bool disconnected() const { return m_disconnected; }
    [[nodiscard]] bool everConnected() const { return m_everConnected; }
    [[nodiscard]] QWebSocket &socket() { return m_socket; }

    // Every change of every delta received so far, flattened.
    [[nodiscard]] QJsonArray changes() const
    {
        QJsonArray all;
        for (const QJsonObject &message : m_messages) {
            if (message.value(QStringLiteral("type")).toString() == QLatin1StringView("delta")) {
                for (const QJsonValue &change : message.value(QStringLiteral("changes")).toArray())
                    all.append(change);
            }
        }
        return all;
    }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
    bool m_everConnected = false;
    bool m_disconnected = false;
};

QStringList sortedIds(const QJsonValue &array)
{
    QStringList ids;
    for (const QJsonValue &id : array.toArray())
        ids.append(id.toString());
    ids.sort();
    return ids;
}

// The change without what only the WebSocket adds: for comparing with the HTTP feed.
QJsonObject essentials(const QJsonValue &change)
{
    return QJsonObject{{QStringLiteral("version"), change[QStringLiteral("version")]},
                       {QStringLiteral("status"), change[QStringLiteral("status")]},
                       {QStringLiteral("seatIds"), change[QStringLiteral("seatIds")]}};
}

} // namespace

class TestLiveFeed : public QObject
{
    Q_OBJECT

private:
    TestServer m_server{[] {
        TestServer::Options options;
        options.extraArguments = {QStringLiteral("--min-hold-seconds"), QStringLiteral("1")};
        return options;
    }()};
    std::unique_ptr<TestClient> m_clerk;
    int m_nextSeat = 0; // seagull-1 seats are taken in layout order
    QStringList m_seats;

    QUrl channel(const QString &show, const QString &token) const
    {
        QUrl url(QStringLiteral("ws://127.0.0.1:%1/api/v1/shows/%2/live")
                     .arg(m_server.port())
                     .arg(show));
        if (!token.isNull()) {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("token"), token);
            url.setQuery(query);
        }
        return url;
    }

    QStringList nextSeats(int count)
    {
        const QStringList seats = m_seats.mid(m_nextSeat, count);
        m_nextSeat += count;
        return seats;
    }

    qint64 currentVersion(const QString &show)
    {
        return m_clerk->get(QStringLiteral("/shows/%1/seats?format=compact").arg(show))
            .json.value(QStringLiteral("version"))
            .toInteger();
    }

    HttpReply hold(const QStringList &seats, int holdSeconds = 300,
                   const QString &show = QStringLiteral("seagull-1"))
    {
        return m_clerk->post(
            QStringLiteral("/shows/%1/holds").arg(show),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                        {QStringLiteral("holdSeconds"), holdSeconds}});
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerk = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply login =
            m_clerk->login(QStringLiteral("clerk"), m_server.options().demoPassword);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
        const HttpReply seats = m_clerk->get(QStringLiteral("/shows/seagull-1/seats"));
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray())
            m_seats.append(seat[QStringLiteral("seatId")].toString());
        QCOMPARE(m_seats.size(), 409);
    }

    void helloThenHeldThenAvailable()
    {
        LiveClient live;
        live.open(channel(QStringLiteral("seagull-1"), m_clerk->token()));
        QTRY_COMPARE(live.messages().size(), 1);
        const QJsonObject hello = live.messages().first();
        QCOMPARE(hello.value(QStringLiteral("type")).toString(), QStringLiteral("hello"));
        QCOMPARE(hello.value(QStringLiteral("showId")).toString(), QStringLiteral("seagull-1"));
        const qint64 version = hello.value(QStringLiteral("version")).toInteger();
        QCOMPARE(version, currentVersion(QStringLiteral("seagull-1")));

        const QStringList seats = nextSeats(2);
        const HttpReply held = hold(seats);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        QTRY_COMPARE(live.messages().size(), 2);
        const QJsonObject delta = live.messages()[1];
        QCOMPARE(delta.value(QStringLiteral("type")).toString(), QStringLiteral("delta"));
        QCOMPARE(delta.value(QStringLiteral("showId")).toString(), QStringLiteral("seagull-1"));
        QCOMPARE(delta.value(QStringLiteral("fromVersion")).toInteger(), version);
        QCOMPARE(delta.value(QStringLiteral("version")).toInteger(), version + 1);
        const QJsonArray changes = delta.value(QStringLiteral("changes")).toArray();
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes[0][QStringLiteral("version")].toInteger(), version + 1);
        QCOMPARE(changes[0][QStringLiteral("status")].toString(), QStringLiteral("HELD"));
        QStringList expected = seats;
        expected.sort();
        QCOMPARE(sortedIds(changes[0][QStringLiteral("seatIds")]), expected);

        const HttpReply released =
            m_clerk->request("DELETE", QStringLiteral("/holds/") +
                                           held.json.value(QStringLiteral("holdId")).toString());
        QCOMPARE(released.status, 200);
        QTRY_COMPARE(live.messages().size(), 3);
        const QJsonObject freed = live.messages()[2];
        QCOMPARE(freed.value(QStringLiteral("version")).toInteger(), version + 2);
        const QJsonArray freedChanges = freed.value(QStringLiteral("changes")).toArray();
        QCOMPARE(freedChanges.size(), 1);
        QCOMPARE(freedChanges[0][QStringLiteral("status")].toString(), QStringLiteral("AVAILABLE"));
        QCOMPARE(sortedIds(freedChanges[0][QStringLiteral("seatIds")]), expected);
        QVERIFY(!live.disconnected());
    }

    void tokenInAuthorizationHeader()
    {
        LiveClient live;
        QNetworkRequest request(channel(QStringLiteral("seagull-1"), QString()));
        request.setRawHeader("Authorization", "Bearer " + m_clerk->token().toLatin1());
        live.open(request);
        QTRY_COMPARE(live.messages().size(), 1);
        QCOMPARE(live.messages().first().value(QStringLiteral("type")).toString(),
                 QStringLiteral("hello"));
    }

    // Cancelling an unpaid order (docs/kiosk-and-door-api.md) frees its seats for everyone at
    // once: subscribers hear AVAILABLE without waiting for the hold to expire.
    void cancelledOrderFreesItsSeats()
    {
        LiveClient live;
        live.open(channel(QStringLiteral("seagull-1"), m_clerk->token()));
        QTRY_COMPARE(live.messages().size(), 1);
        const QStringList seats = nextSeats(2);
        const HttpReply held = hold(seats);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const HttpReply order = m_clerk->post(
            QStringLiteral("/orders"),
            QJsonObject{{QStringLiteral("holdId"), held.json.value(QStringLiteral("holdId"))}},
            {{"X-Idempotency-Key", "livefeed-cancel"}});
        QVERIFY2(order.status == 201, qPrintable(order.describe()));
        QTRY_COMPARE(live.changes().size(), 1);

        const HttpReply cancelled =
            m_clerk->request("POST",
                             QStringLiteral("/orders/%1/cancel")
                                 .arg(order.json.value(QStringLiteral("orderId")).toString()),
                             "{}");
        QVERIFY2(cancelled.status == 200, qPrintable(cancelled.describe()));
        QTRY_COMPARE(live.changes().size(), 2);
        const QJsonValue freed = live.changes()[1];
        QCOMPARE(freed[QStringLiteral("status")].toString(), QStringLiteral("AVAILABLE"));
        QStringList expected = seats;
        expected.sort();
        QCOMPARE(sortedIds(freed[QStringLiteral("seatIds")]), expected);
        QCOMPARE(freed[QStringLiteral("version")].toInteger(),
                 currentVersion(QStringLiteral("seagull-1")));
    }

    void refused_data()
    {
        QTest::addColumn<QString>("show");
        QTest::addColumn<QString>("token"); // "@": the clerk's token; null: no token at all
        QTest::addColumn<QString>("path");  // when set, used instead of the show's channel
        // true: the socket opens and is closed with 1008 (policy violated) before any message;
        // false: the HTTP upgrade itself is refused.
        QTest::addColumn<bool>("opens");

        QTest::newRow("bogus token") << "seagull-1"
                                     << "not-a-token" << QString() << true;
        QTest::newRow("no token") << "seagull-1" << QString() << QString() << true;
        QTest::newRow("empty token") << "seagull-1"
                                     << "" << QString() << true;
        QTest::newRow("SQL token") << "seagull-1"
                                   << "' OR '1'='1" << QString() << true;
        QTest::newRow("unknown show") << "no-such-show"
                                      << "@" << QString() << true;
        QTest::newRow("show id with bad characters") << "seagull-1'--"
                                                     << "@" << QString() << true;
        QTest::newRow("65 character show id") << QString(65, u's') << "@" << QString() << true;
        // QtWebSockets refuses handshake lines over 8 KB.
        QTest::newRow("10k token") << "seagull-1" << QString(10000, u't') << QString() << false;
        QTest::newRow("no live suffix") << ""
                                        << "@"
                                        << "/api/v1/shows/seagull-1" << false;
        QTest::newRow("other suffix") << ""
                                      << "@"
                                      << "/api/v1/shows/seagull-1/dead" << false;
        QTest::newRow("outside the API") << ""
                                         << "@"
                                         << "/live" << false;
    }

    void refused()
    {
        QFETCH(QString, show);
        QFETCH(QString, token);
        QFETCH(QString, path);
        QFETCH(bool, opens);
        const QString sent = token == QLatin1StringView("@") ? m_clerk->token() : token;
        QUrl url = channel(show, sent);
        if (!path.isEmpty())
            url.setPath(path);
        LiveClient live;
        live.open(url);
        QTRY_VERIFY_WITH_TIMEOUT(live.disconnected(), 10000);
        QVERIFY2(live.messages().isEmpty(),
                 qPrintable(QString::fromUtf8(QJsonDocument(live.messages().value(0)).toJson())));
        QCOMPARE(live.everConnected(), opens);
        if (opens)
            QVERIFY2(live.socket().closeCode() == QWebSocketProtocol::CloseCodePolicyViolated,
                     qPrintable(QStringLiteral("close code %1: %2")
                                    .arg(live.socket().closeCode())
                                    .arg(live.socket().closeReason())));
        // The server is fine afterwards.
        QCOMPARE(m_clerk->get(QStringLiteral("/health")).status, 200);
    }

    void loggedOutTokenIsRefused()
    {
        TestClient other(m_server.baseUrl());
        QCOMPARE(other.login(QStringLiteral("clerk"), m_server.options().demoPassword).status, 201);
        const QString token = other.token();
        QCOMPARE(other.request("DELETE", QStringLiteral("/sessions")).status, 200);
        LiveClient live;
        live.open(channel(QStringLiteral("seagull-1"), token));
        QTRY_VERIFY_WITH_TIMEOUT(live.disconnected(), 10000);
        QVERIFY(live.messages().isEmpty());
        QCOMPARE(live.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    // Holds, a sale, a release and an expiry (pushed with no request in flight) make one
    // gap-free version sequence, the same as the HTTP delta feed; another show's changes stay
    // on that show's channel.
    void versionsHaveNoGaps()
    {
        LiveClient live;
        LiveClient second; // a second subscriber of the same show
        LiveClient other;  // a subscriber of another show
        live.open(channel(QStringLiteral("seagull-1"), m_clerk->token()));
        second.open(channel(QStringLiteral("seagull-1"), m_clerk->token()));
        other.open(channel(QStringLiteral("seagull-2"), m_clerk->token()));
        QTRY_VERIFY(live.messages().size() == 1 && second.messages().size() == 1 &&
                    other.messages().size() == 1);
        const qint64 hello = live.messages().first().value(QStringLiteral("version")).toInteger();
        const qint64 otherHello =
            other.messages().first().value(QStringLiteral("version")).toInteger();

        QStringList expectedStatuses;
        const QStringList soldSeats = nextSeats(3);
        const HttpReply toSell = hold(soldSeats);
        QVERIFY2(toSell.status == 201, qPrintable(toSell.describe()));
        expectedStatuses << QStringLiteral("HELD");

        const HttpReply elsewhere = hold(m_seats.mid(0, 2), 300, QStringLiteral("seagull-2"));
        QVERIFY2(elsewhere.status == 201, qPrintable(elsewhere.describe()));

        const HttpReply toRelease = hold(nextSeats(1));
        QVERIFY2(toRelease.status == 201, qPrintable(toRelease.describe()));
        expectedStatuses << QStringLiteral("HELD");

        const HttpReply ordered = m_clerk->post(
            QStringLiteral("/orders"),
            QJsonObject{{QStringLiteral("holdId"), toSell.json[QStringLiteral("holdId")]}},
            {{"X-Idempotency-Key", "live-feed-order"}});
        QVERIFY2(ordered.status == 201, qPrintable(ordered.describe()));
        const HttpReply paid =
            m_clerk->post(QStringLiteral("/orders/%1/payments")
                              .arg(ordered.json.value(QStringLiteral("orderId")).toString()),
                          QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                      {QStringLiteral("amountTenderedCents"),
                                       ordered.json.value(QStringLiteral("amountCents"))}});
        QVERIFY2(paid.status == 201, qPrintable(paid.describe()));
        expectedStatuses << QStringLiteral("SOLD");

        const HttpReply released = m_clerk->request(
            "DELETE",
            QStringLiteral("/holds/") + toRelease.json.value(QStringLiteral("holdId")).toString());
        QCOMPARE(released.status, 200);
        expectedStatuses << QStringLiteral("AVAILABLE");

        const HttpReply shortHold = hold(nextSeats(2), 1);
        QVERIFY2(shortHold.status == 201, qPrintable(shortHold.describe()));
        expectedStatuses << QStringLiteral("HELD") << QStringLiteral("AVAILABLE");

        // The expiry arrives by itself.
        QTRY_COMPARE_WITH_TIMEOUT(live.changes().size(), expectedStatuses.size(), 15000);
        QTRY_COMPARE(second.changes().size(), expectedStatuses.size());

        const QJsonArray changes = live.changes();
        QStringList statuses;
        for (qsizetype i = 0; i < changes.size(); ++i) {
            QCOMPARE(changes[i][QStringLiteral("version")].toInteger(), hello + 1 + i);
            statuses.append(changes[i][QStringLiteral("status")].toString());
        }
        QCOMPARE(statuses, expectedStatuses);
        QStringList sold = soldSeats;
        sold.sort();
        QCOMPARE(sortedIds(changes[2][QStringLiteral("seatIds")]), sold);

        // Message framing agrees: each delta starts where the previous one ended.
        qint64 previous = hello;
        for (const QJsonObject &message : live.messages().mid(1)) {
            QCOMPARE(message.value(QStringLiteral("type")).toString(), QStringLiteral("delta"));
            QCOMPARE(message.value(QStringLiteral("showId")).toString(),
                     QStringLiteral("seagull-1"));
            QCOMPARE(message.value(QStringLiteral("fromVersion")).toInteger(), previous);
            previous = message.value(QStringLiteral("version")).toInteger();
        }
        QCOMPARE(previous, currentVersion(QStringLiteral("seagull-1")));
        QCOMPARE(second.messages().mid(1), live.messages().mid(1));

        // The HTTP feed tells the same story.
        const HttpReply feed =
            m_clerk->get(QStringLiteral("/shows/seagull-1/seats?since=%1").arg(hello));
        QVERIFY(feed.json.value(QStringLiteral("delta")).toBool());
        const QJsonArray httpChanges = feed.json.value(QStringLiteral("changes")).toArray();
        QCOMPARE(httpChanges.size(), changes.size());
        for (qsizetype i = 0; i < changes.size(); ++i)
            QCOMPARE(essentials(changes[i]), essentials(httpChanges[i]));

        // seagull-2 saw only its own hold.
        QCOMPARE(other.changes().size(), 1);
        QCOMPARE(other.changes()[0][QStringLiteral("version")].toInteger(), otherHello + 1);
        for (const QJsonObject &message : other.messages())
            QCOMPARE(message.value(QStringLiteral("showId")).toString(),
                     QStringLiteral("seagull-2"));
    }

    void auditAfterwards()
    {
        m_server.stop();
        QString report;
        QCOMPARE(m_server.runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }
};

QTEST_GUILESS_MAIN(TestLiveFeed)
#include "tst_livefeed.moc"
