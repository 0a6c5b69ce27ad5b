// The terminal's API client against the real server over real HTTP: every call's happy path,
// server errors mapped back to the same ErrorCode, Unreachable when nothing answers (closed
// port, stopped server, timeout), and malformed answers from a fake server refused with
// BadRequest instead of crashing or producing half-read values.

#include "clientwait.h"
#include "testserver.h"

#include "core/venue/venuelayout.h"
#include "sync/client/apiclient.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;
using Core::ErrorCode;

Q_DECLARE_METATYPE(Core::ErrorCode)

namespace {

const QString kPassword = QStringLiteral("demo-password-for-tests");
const Core::ShowId kShow(QStringLiteral("seagull-1"));

// A loopback "server" that answers every request with the same canned bytes (or never).
class CannedServer : public QTcpServer
{
public:
    explicit CannedServer(QByteArray answer, bool closeAfter = true)
        : m_answer(std::move(answer))
        , m_closeAfter(closeAfter)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_received += socket->readAll();
                    if (!m_received.contains("\r\n\r\n") || m_answer.isEmpty())
                        return;
                    m_received.clear();
                    socket->write(m_answer);
                    if (m_closeAfter)
                        socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }
    [[nodiscard]] QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort()));
    }

private:
    QByteArray m_answer;
    bool m_closeAfter;
    QByteArray m_received;
};

QByteArray httpAnswer(int status, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray::number(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QStringList ids(const QList<Core::SeatId> &seats)
{
    QStringList list;
    for (const auto &seat : seats)
        list.append(seat.value());
    return list;
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    QNetworkAccessManager m_network;
    std::unique_ptr<ApiClient> m_client;
    std::shared_ptr<const Core::VenueLayout> m_layout;
    int m_nextSeat = 0;

    QUrl serverUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()));
    }

    // Seats of seagull-1 in layout order that no earlier test touched.
    QList<Core::SeatId> nextSeats(int count)
    {
        QList<Core::SeatId> seats;
        for (int i = 0; i < count; ++i)
            seats.append(m_layout->seats()[std::size_t(m_nextSeat++)].id);
        return seats;
    }

    Result<HoldInfo> hold(const QList<Core::SeatId> &seats, ApiClient *client = nullptr)
    {
        ApiClient *c = client ? client : m_client.get();
        return awaitResult<HoldInfo>(
            [&](auto done) { c->placeHold(kShow, seats, 120, this, done); });
    }

    Result<OrderInfo> order(const Core::HoldId &hold, const QString &key,
                            const Contact &contact = {})
    {
        return awaitResult<OrderInfo>(
            [&](auto done) { m_client->createOrder(hold, contact, key, this, done); });
    }

    Result<SeatSnapshot> snapshot()
    {
        auto update =
            awaitResult<SeatsUpdate>([&](auto done) { m_client->seats(kShow, -1, this, done); });
        if (!update)
            return std::unexpected(update.error());
        if (!std::holds_alternative<SeatSnapshot>(*update))
            return Core::fail(ErrorCode::Internal, QStringLiteral("expected a snapshot"));
        return std::get<SeatSnapshot>(*update);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_client = std::make_unique<ApiClient>(&m_network);
        m_client->setServer(serverUrl());
        auto session = awaitResult<Session>(
            [&](auto done) { m_client->login(QStringLiteral("clerk"), kPassword, this, done); });
        QVERIFY2(session, describe(session));
        auto detail =
            awaitResult<ShowDetail>([&](auto done) { m_client->showDetail(kShow, this, done); });
        QVERIFY2(detail, describe(detail));
        auto json = awaitResult<QByteArray>(
            [&](auto done) { m_client->venueLayout(detail->summary.venue, this, done); });
        QVERIFY2(json, describe(json));
        auto layout = Core::parseVenueLayout(*json, QStringLiteral("seagull-1 layout"));
        QVERIFY2(layout, describe(layout));
        m_layout = std::make_shared<const Core::VenueLayout>(std::move(*layout));
    }

    void health()
    {
        QSignalSpy reachability(m_client.get(), &ApiClient::reachabilityChanged);
        auto ok = awaitResult<void>([&](auto done) { m_client->health(this, done); });
        QVERIFY2(ok, describe(ok));
        QVERIFY(m_client->isReachable());
        QCOMPARE(reachability.count(), 0);
    }

    void loginAndLogout()
    {
        ApiClient client(&m_network);
        client.setServer(serverUrl());
        QSignalSpy expired(&client, &ApiClient::sessionExpired);
        auto session = awaitResult<Session>(
            [&](auto done) { client.login(QStringLiteral("supervisor"), kPassword, this, done); });
        QVERIFY2(session, describe(session));
        QCOMPARE(session->username, QStringLiteral("supervisor"));
        QCOMPARE(session->role, QStringLiteral("supervisor"));
        QVERIFY(!session->token.isEmpty());
        QCOMPARE(client.token(), session->token);
        QVERIFY(session->expiresMs > QDateTime::currentMSecsSinceEpoch());

        auto out = awaitResult<void>([&](auto done) { client.logout(this, done); });
        QVERIFY2(out, describe(out));
        QVERIFY(client.token().isEmpty());
        // The old token is dead on the server: a call with it ends the session.
        client.setToken(session->token);
        auto shows =
            awaitResult<QList<ShowSummary>>([&](auto done) { client.listShows(this, done); });
        QVERIFY(!shows);
        QCOMPARE(shows.error().code, ErrorCode::Unauthenticated);
        QCOMPARE(expired.count(), 1);
    }

    void badLoginIsNotAnExpiredSession()
    {
        ApiClient client(&m_network);
        client.setServer(serverUrl());
        QSignalSpy expired(&client, &ApiClient::sessionExpired);
        auto session = awaitResult<Session>([&](auto done) {
            client.login(QStringLiteral("clerk"), QStringLiteral("wrong"), this, done);
        });
        QVERIFY(!session);
        QCOMPARE(session.error().code, ErrorCode::InvalidCredentials);
        QVERIFY(client.token().isEmpty());
        QCOMPARE(expired.count(), 0);
    }

    void listShows()
    {
        auto shows =
            awaitResult<QList<ShowSummary>>([&](auto done) { m_client->listShows(this, done); });
        QVERIFY2(shows, describe(shows));
        QCOMPARE(shows->size(), 5);
        const auto seagull = std::find_if(shows->begin(), shows->end(),
                                          [](const ShowSummary &s) { return s.id == kShow; });
        QVERIFY(seagull != shows->end());
        QCOMPARE(seagull->seatCount, 409);
        QVERIFY(seagull->availableCount <= 409);
        QCOMPARE(seagull->status, QStringLiteral("ON_SALE"));
        QVERIFY(!seagull->title.isEmpty());
        QVERIFY(seagull->startMs > 0);
        const auto arena = std::find_if(shows->begin(), shows->end(), [](const ShowSummary &s) {
            return s.id.value() == QLatin1StringView("arena-rock");
        });
        QVERIFY(arena != shows->end());
        QCOMPARE(arena->seatCount, 100'000);
    }

    void showDetail()
    {
        auto detail =
            awaitResult<ShowDetail>([&](auto done) { m_client->showDetail(kShow, this, done); });
        QVERIFY2(detail, describe(detail));
        QCOMPARE(detail->summary.id, kShow);
        QVERIFY(!detail->sections.isEmpty());
        QVERIFY(!detail->tiers.isEmpty());
        for (const PriceTierInfo &tier : detail->tiers) {
            QVERIFY(m_layout->categoryIndex(tier.category) >= 0);
            QVERIFY(tier.priceCents > 0);
        }
        QCOMPARE(m_layout->seatCount(), 409);
    }

    void unknownShowIsNotFound()
    {
        const Core::ShowId unknown(QStringLiteral("no-such-show"));
        auto detail =
            awaitResult<ShowDetail>([&](auto done) { m_client->showDetail(unknown, this, done); });
        QVERIFY(!detail);
        QCOMPARE(detail.error().code, ErrorCode::NotFound);
        auto seats =
            awaitResult<SeatsUpdate>([&](auto done) { m_client->seats(unknown, -1, this, done); });
        QVERIFY(!seats);
        QCOMPARE(seats.error().code, ErrorCode::NotFound);
        // An id that would break the path is sent encoded and refused by the server.
        auto odd = awaitResult<ShowDetail>([&](auto done) {
            m_client->showDetail(Core::ShowId(QStringLiteral("a/b?c")), this, done);
        });
        QVERIFY(!odd);
        QCOMPARE(odd.error().code, ErrorCode::NotFound);
    }

    void holdThenReleaseAndDelta()
    {
        auto before = snapshot();
        QVERIFY2(before, describe(before));
        const auto seats = nextSeats(2);
        auto held = hold(seats);
        QVERIFY2(held, describe(held));
        QCOMPARE(ids(held->seats), ids(seats));
        QCOMPARE(held->show, kShow);
        QVERIFY(held->totalCents > 0);
        QVERIFY(held->expiryMs > QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!held->currency.isEmpty());

        auto released =
            awaitResult<void>([&](auto done) { m_client->releaseHold(held->id, this, done); });
        QVERIFY2(released, describe(released));
        // Releasing is idempotent on the server; an unknown hold is not.
        auto again =
            awaitResult<void>([&](auto done) { m_client->releaseHold(held->id, this, done); });
        QVERIFY2(again, describe(again));
        auto unknown = awaitResult<void>([&](auto done) {
            m_client->releaseHold(Core::HoldId(QStringLiteral("HOLD_none")), this, done);
        });
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);

        // The feed after the snapshot holds the two changes: HELD, then AVAILABLE.
        auto update = awaitResult<SeatsUpdate>(
            [&](auto done) { m_client->seats(kShow, before->version, this, done); });
        QVERIFY2(update, describe(update));
        QVERIFY(std::holds_alternative<SeatDelta>(*update));
        const SeatDelta &delta = std::get<SeatDelta>(*update);
        QCOMPARE(delta.since, before->version);
        QCOMPARE(delta.changes.size(), 2);
        QCOMPARE(delta.changes[0].status, Core::SeatState::Held);
        QCOMPARE(delta.changes[1].status, Core::SeatState::Available);
        QCOMPARE(delta.changes[0].version, before->version + 1);
        QCOMPARE(delta.version, before->version + 2);
        const std::vector<int> expected{m_layout->indexOf(seats[0]), m_layout->indexOf(seats[1])};
        std::vector<int> got = delta.changes[0].seatIndexes;
        std::sort(got.begin(), got.end());
        QCOMPARE(got, expected);

        // Nothing after the current version: an empty delta.
        auto none = awaitResult<SeatsUpdate>(
            [&](auto done) { m_client->seats(kShow, delta.version, this, done); });
        QVERIFY2(none, describe(none));
        QVERIFY(std::holds_alternative<SeatDelta>(*none));
        QVERIFY(std::get<SeatDelta>(*none).changes.isEmpty());
        // A version from the future (a restored older server) answers with a snapshot.
        auto future = awaitResult<SeatsUpdate>(
            [&](auto done) { m_client->seats(kShow, delta.version + 1000, this, done); });
        QVERIFY2(future, describe(future));
        QVERIFY(std::holds_alternative<SeatSnapshot>(*future));
    }

    void holdOfTakenSeatsNamesThem()
    {
        const auto seats = nextSeats(3);
        auto first = hold({seats[0], seats[1]});
        QVERIFY2(first, describe(first));
        auto second = hold(seats);
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::SeatUnavailable);
        QCOMPARE(sorted(stringList(second.error().details.value(QStringLiteral("seatIds")))),
                 sorted(ids({seats[0], seats[1]})));
    }

    void orderReplayAndCash()
    {
        const auto seats = nextSeats(2);
        auto held = hold(seats);
        QVERIFY2(held, describe(held));
        const QString key = QStringLiteral("tst-apiclient-order-1");
        const Contact contact{QStringLiteral("Li Lei"), QStringLiteral("555-0101")};
        auto first = order(held->id, key, contact);
        QVERIFY2(first, describe(first));
        QCOMPARE(first->status, Core::OrderState::PendingPay);
        QCOMPARE(first->amountCents, held->totalCents);
        QCOMPARE(first->hold, held->id);
        QVERIFY(first->payByMs > 0);
        auto replay = order(held->id, key, contact);
        QVERIFY2(replay, describe(replay));
        QCOMPARE(replay->id, first->id);
        QCOMPARE(replay->amountCents, first->amountCents);
        // The same key with another body is refused.
        auto mismatch = order(held->id, key);
        QVERIFY(!mismatch);
        QCOMPARE(mismatch.error().code, ErrorCode::IdempotencyMismatch);

        const qint64 tendered = held->totalCents + 1234;
        auto paid = awaitResult<TenderResult>(
            [&](auto done) { m_client->payCash(first->id, tendered, this, done); });
        QVERIFY2(paid, describe(paid));
        QCOMPARE(paid->order, first->id);
        QCOMPARE(paid->amountCents, held->totalCents);
        QCOMPARE(paid->tenderedCents, tendered);
        QCOMPARE(paid->changeCents, 1234);
        QCOMPARE(paid->orderStatus, Core::OrderState::Ticketed);
        QCOMPARE(paid->tickets.size(), 2);
        QVERIFY(!paid->tickets[0].qrPayload.isEmpty());

        auto twice = awaitResult<TenderResult>(
            [&](auto done) { m_client->payCash(first->id, tendered, this, done); });
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::Conflict);

        auto view =
            awaitResult<OrderInfo>([&](auto done) { m_client->order(first->id, this, done); });
        QVERIFY2(view, describe(view));
        QCOMPARE(view->status, Core::OrderState::Ticketed);
        QCOMPARE(view->show, kShow);
        QCOMPARE(sorted(ids(view->seats)), sorted(ids(seats)));
        QCOMPARE(view->tickets.size(), 2);
        QCOMPARE(view->payments.size(), 1);
        QCOMPARE(view->payments[0].method, QStringLiteral("CASH"));
        QCOMPARE(view->payments[0].changeCents, 1234);
        QCOMPARE(view->contact.name, contact.name);
        QVERIFY(view->createdMs > 0);
    }

    void cardSlipAndTooLittleCash()
    {
        auto held = hold(nextSeats(1));
        QVERIFY2(held, describe(held));
        auto created = order(held->id, QStringLiteral("tst-apiclient-order-2"));
        QVERIFY2(created, describe(created));
        auto tooLittle = awaitResult<TenderResult>(
            [&](auto done) { m_client->payCash(created->id, 1, this, done); });
        QVERIFY(!tooLittle);
        QVERIFY2(tooLittle.error().code != ErrorCode::Unreachable &&
                     tooLittle.error().code != ErrorCode::Internal,
                 describe(tooLittle));
        auto card = awaitResult<TenderResult>([&](auto done) {
            m_client->payCardSlip(created->id, QStringLiteral("SLIP-0042"), this, done);
        });
        QVERIFY2(card, describe(card));
        QCOMPARE(card->tickets.size(), 1);
        QCOMPARE(card->changeCents, 0);
    }

    void expiredSessionIsReported()
    {
        ApiClient client(&m_network);
        client.setServer(serverUrl());
        client.setToken(QStringLiteral("not-a-session"));
        QSignalSpy expired(&client, &ApiClient::sessionExpired);
        auto shows =
            awaitResult<QList<ShowSummary>>([&](auto done) { client.listShows(this, done); });
        QVERIFY(!shows);
        QCOMPARE(shows.error().code, ErrorCode::Unauthenticated);
        QCOMPARE(expired.count(), 1);
    }

    void compactSnapshotMatchesFullForm()
    {
        // Some variety first: a hold and a sale.
        auto held = hold(nextSeats(2));
        QVERIFY2(held, describe(held));
        auto sold = hold(nextSeats(3));
        QVERIFY2(sold, describe(sold));
        auto created = order(sold->id, QStringLiteral("tst-apiclient-order-3"));
        QVERIFY2(created, describe(created));
        auto paid = awaitResult<TenderResult>(
            [&](auto done) { m_client->payCash(created->id, created->amountCents, this, done); });
        QVERIFY2(paid, describe(paid));

        auto compact = snapshot();
        QVERIFY2(compact, describe(compact));
        TestClient http(m_server.baseUrl());
        http.setToken(m_client->token());
        const HttpReply full = http.get(QStringLiteral("/shows/seagull-1/seats?format=full"));
        QCOMPARE(full.status, 200);
        QCOMPARE(compact->version, full.json.value(QStringLiteral("version")).toInteger());
        const QJsonArray seats = full.json.value(QStringLiteral("seats")).toArray();
        QCOMPARE(qsizetype(compact->statuses.size()), seats.size());
        int heldCount = 0;
        int soldCount = 0;
        for (const QJsonValue &seat : seats) {
            const int index = seat[QStringLiteral("seatIndex")].toInt();
            const auto state =
                Core::seatStateFromWireName(seat[QStringLiteral("status")].toString());
            QVERIFY(state);
            QCOMPARE(int(compact->statuses[std::size_t(index)]), int(*state));
            heldCount += *state == Core::SeatState::Held;
            soldCount += *state == Core::SeatState::Sold;
        }
        QVERIFY(heldCount >= 2);
        QVERIFY(soldCount >= 3);

        // The arena's 100,000 seats decode as well.
        auto arena = awaitResult<SeatsUpdate>([&](auto done) {
            m_client->seats(Core::ShowId(QStringLiteral("arena-rock")), -1, this, done);
        });
        QVERIFY2(arena, describe(arena));
        QCOMPARE(std::get<SeatSnapshot>(*arena).statuses.size(), std::size_t(100'000));
    }

    void closedPortIsUnreachable()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        ApiClient client(&m_network);
        client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        QSignalSpy reachability(&client, &ApiClient::reachabilityChanged);
        for (int i = 0; i < 2; ++i) {
            auto ok = awaitResult<void>([&](auto done) { client.health(this, done); });
            QVERIFY(!ok);
            QCOMPARE(ok.error().code, ErrorCode::Unreachable);
        }
        QVERIFY(!client.isReachable());
        QCOMPARE(reachability.count(), 1); // edge-triggered: once
        QCOMPARE(reachability.at(0).at(0).toBool(), false);

        client.setServer(serverUrl());
        auto back = awaitResult<void>([&](auto done) { client.health(this, done); });
        QVERIFY2(back, describe(back));
        QCOMPARE(reachability.count(), 2);
        QCOMPARE(reachability.at(1).at(0).toBool(), true);
    }

    void noServerAddressIsUnreachable()
    {
        ApiClient client(&m_network);
        auto ok = awaitResult<void>([&](auto done) { client.health(this, done); });
        QVERIFY(!ok);
        QCOMPARE(ok.error().code, ErrorCode::Unreachable);
    }

    void stoppedServerIsUnreachable()
    {
        TestServer other;
        QVERIFY2(other.start(), qPrintable(other.output()));
        ApiClient client(&m_network);
        client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(other.port())));
        auto up = awaitResult<Session>(
            [&](auto done) { client.login(QStringLiteral("clerk"), kPassword, this, done); });
        QVERIFY2(up, describe(up));
        other.kill();
        auto shows =
            awaitResult<QList<ShowSummary>>([&](auto done) { client.listShows(this, done); });
        QVERIFY(!shows);
        QCOMPARE(shows.error().code, ErrorCode::Unreachable);
        QVERIFY(!client.isReachable());
    }

    void silentServerTimesOut()
    {
        CannedServer silent(QByteArray(), false);
        QVERIFY(silent.isListening());
        ApiClient client(&m_network);
        client.setServer(silent.url());
        client.setTimeoutMs(300);
        auto ok = awaitResult<void>([&](auto done) { client.health(this, done); });
        QVERIFY(!ok);
        QCOMPARE(ok.error().code, ErrorCode::Unreachable);
        QVERIFY2(ok.error().message.contains(QStringLiteral("300 ms")), describe(ok));
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<QString>("call");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<ErrorCode>("code");

        const QByteArray snapshotStart =
            R"({"showId":"seagull-1","version":3,"delta":false,"encoding":"status2",)";
        QTest::newRow("not json") << "shows" << httpAnswer(200, "<html>hello</html>")
                                  << ErrorCode::BadRequest;
        QTest::newRow("empty body") << "shows" << httpAnswer(200, "") << ErrorCode::BadRequest;
        QTest::newRow("array") << "shows" << httpAnswer(200, "[1,2,3]") << ErrorCode::BadRequest;
        QTest::newRow("shows not a list")
            << "shows" << httpAnswer(200, R"({"shows":"many"})") << ErrorCode::BadRequest;
        QTest::newRow("show id a number")
            << "shows" << httpAnswer(200, R"({"shows":[{"showId":5}]})") << ErrorCode::BadRequest;
        QTest::newRow("bad time")
            << "detail"
            << httpAnswer(200, R"({"showId":"seagull-1","title":"T","venueId":"v",)"
                               R"("startTime":"yesterday","status":"ON_SALE","currency":"CNY",)"
                               R"("seatCount":1,"availableCount":1,"version":0,)"
                               R"("sections":[],"priceTiers":[]})")
            << ErrorCode::BadRequest;
        QTest::newRow("negative seat count")
            << "detail"
            << httpAnswer(200, R"({"showId":"seagull-1","title":"T","venueId":"v",)"
                               R"("startTime":"2026-01-01T10:00:00.000Z","status":"ON_SALE",)"
                               R"("currency":"CNY","seatCount":-4,"availableCount":1,"version":0,)"
                               R"("sections":[],"priceTiers":[]})")
            << ErrorCode::BadRequest;
        QTest::newRow("snapshot not base64")
            << "seats" << httpAnswer(200, snapshotStart + R"("seatCount":4,"statuses":"!!!!"})")
            << ErrorCode::BadRequest;
        QTest::newRow("snapshot too short")
            << "seats" << httpAnswer(200, snapshotStart + R"("seatCount":9,"statuses":"AA=="})")
            << ErrorCode::BadRequest;
        QTest::newRow("snapshot of another show")
            << "seats"
            << httpAnswer(200, R"({"showId":"other","version":3,"delta":false,)"
                               R"("encoding":"status2","seatCount":4,"statuses":"AA=="})")
            << ErrorCode::BadRequest;
        QTest::newRow("unknown encoding")
            << "seats"
            << httpAnswer(200, R"({"showId":"seagull-1","version":3,"delta":false,)"
                               R"("encoding":"zip","seatCount":4,"statuses":"AA=="})")
            << ErrorCode::BadRequest;
        QTest::newRow("delta going backwards")
            << "seats"
            << httpAnswer(200, R"({"showId":"seagull-1","version":5,"since":3,"delta":true,)"
                               R"("changes":[{"version":5,"status":"HELD","seatIndexes":[1]},)"
                               R"({"version":4,"status":"SOLD","seatIndexes":[1]}]})")
            << ErrorCode::BadRequest;
        QTest::newRow("delta unknown status")
            << "seats"
            << httpAnswer(200, R"({"showId":"seagull-1","version":4,"since":3,"delta":true,)"
                               R"("changes":[{"version":4,"status":"GONE","seatIndexes":[1]}]})")
            << ErrorCode::BadRequest;
        QTest::newRow("delta negative index")
            << "seats"
            << httpAnswer(200, R"({"showId":"seagull-1","version":4,"since":3,"delta":true,)"
                               R"("changes":[{"version":4,"status":"HELD","seatIndexes":[-1]}]})")
            << ErrorCode::BadRequest;
        QTest::newRow("server fault without body")
            << "shows" << httpAnswer(500, "oops") << ErrorCode::Internal;
        QTest::newRow("our error body")
            << "shows"
            << httpAnswer(409, R"({"error":{"code":"SEAT_UNAVAILABLE","message":"taken"}})")
            << ErrorCode::SeatUnavailable;
        QTest::newRow("overloaded") << "shows" << httpAnswer(503, "") << ErrorCode::Overloaded;
        // A peer that does not speak HTTP gives no HTTP answer at all.
        QTest::newRow("not http") << "shows" << QByteArray("\x01\x02garbage\r\n\r\nmore", 22)
                                  << ErrorCode::Unreachable;
        QTest::newRow("cut short")
            << "shows" << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"shows\":[")
            << ErrorCode::Unreachable;
    }

    void malformedAnswers()
    {
        QFETCH(QString, call);
        QFETCH(QByteArray, answer);
        QFETCH(ErrorCode, code);
        CannedServer fake(answer);
        QVERIFY(fake.isListening());
        ApiClient client(&m_network);
        client.setServer(fake.url());
        client.setToken(QStringLiteral("token"));
        Core::Error error;
        if (call == QLatin1StringView("shows")) {
            auto shows =
                awaitResult<QList<ShowSummary>>([&](auto done) { client.listShows(this, done); });
            QVERIFY(!shows);
            error = shows.error();
        } else if (call == QLatin1StringView("detail")) {
            auto detail =
                awaitResult<ShowDetail>([&](auto done) { client.showDetail(kShow, this, done); });
            QVERIFY(!detail);
            error = detail.error();
        } else {
            auto seats =
                awaitResult<SeatsUpdate>([&](auto done) { client.seats(kShow, -1, this, done); });
            QVERIFY(!seats);
            error = seats.error();
        }
        QVERIFY2(error.code == code, describe(error));
        QVERIFY(!error.message.isEmpty());
    }

    void destroyedContextGetsNoCallback()
    {
        auto context = std::make_unique<QObject>();
        bool called = false;
        QSignalSpy finished(&m_network, &QNetworkAccessManager::finished);
        m_client->listShows(context.get(),
                            [&called](const Result<QList<ShowSummary>> &) { called = true; });
        context.reset();
        // The reply's own handlers run in the same emission as the manager's signal.
        QVERIFY(finished.wait(30'000));
        QVERIFY(!called);
    }

    void liveUrlCarriesToken()
    {
        const QUrl url = m_client->liveUrl(kShow);
        QCOMPARE(url.scheme(), QStringLiteral("ws"));
        QCOMPARE(url.port(), int(m_server.port()));
        QCOMPARE(url.path(), QStringLiteral("/api/v1/shows/seagull-1/live"));
        QVERIFY(url.query().contains(m_client->token()));
    }
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
