// ShowSync against the real server, with faults: the map from the cache at once and then live;
// the server down at open (with and without a cache); the server killed while live and back
// with seats sold meanwhile; the WebSocket dropped while HTTP works; a pushed delta lost (a
// version gap); a server whose database went back in time; and two terminals selling the same
// seats. Faults come from a FaultProxy between the terminal and the server.

#include "clientwait.h"
#include "faultproxy.h"
#include "testserver.h"

#include "core/common/clock.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/showsync.h"
#include "sync/client/terminalcache.h"

#include <QDir>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;
using Core::ErrorCode;
using Core::Freshness;
using Core::SeatState;
using State = ShowSync::State;

namespace {

const QString kPassword = QStringLiteral("demo-password-for-tests");
const Core::ShowId kShow(QStringLiteral("seagull-1"));
constexpr int kWaitMs = 30'000;

// One terminal: its own client, cache, seat map model and sync, as the app wires them.
struct Terminal
{
    Terminal(QNetworkAccessManager &network, const QUrl &server, const QString &token,
             const QString &cacheFile)
        : client(&network)
    {
        client.setServer(server);
        client.setToken(token);
        client.setTimeoutMs(3000);
        auto opened = TerminalCache::open(cacheFile);
        if (!opened)
            qFatal("%s", describe(opened.error()).constData());
        cache = std::move(*opened);
        sync = std::make_unique<ShowSync>(client, *cache, model, clock);
        sync->setBackoff(50, 400);
    }

    [[nodiscard]] SeatState status(int seat) const { return model.status(seat); }

    Core::SystemClock clock;
    ApiClient client;
    std::unique_ptr<TerminalCache> cache;
    Core::SeatMapModel model;
    std::unique_ptr<ShowSync> sync;
};

} // namespace

class TestShowSync : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    std::unique_ptr<TestClient> m_http; // a third party selling directly on the server
    QString m_token;
    QStringList m_seats; // seagull-1 seat ids in layout order
    int m_nextSeat = 0;

    QUrl serverUrl(quint16 port = 0) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port ? port : m_server.port()));
    }
    QString cacheFile(const QString &name) const { return m_dir.filePath(name); }

    std::unique_ptr<Terminal> terminal(const QString &cache, const QUrl &server = {})
    {
        return std::make_unique<Terminal>(m_network, server.isEmpty() ? serverUrl() : server,
                                          m_token, cacheFile(cache));
    }

    QList<int> nextSeats(int count)
    {
        QList<int> seats;
        for (int i = 0; i < count; ++i)
            seats.append(m_nextSeat++);
        return seats;
    }

    QJsonArray ids(const QList<int> &seats) const
    {
        QJsonArray array;
        for (int seat : seats)
            array.append(m_seats[seat]);
        return array;
    }

    // Holds `seats` on the server as another terminal would; the hold id, or empty.
    QString holdDirectly(const QList<int> &seats)
    {
        const HttpReply reply = m_http->post(QStringLiteral("/shows/seagull-1/holds"),
                                             QJsonObject{{QStringLiteral("seatIds"), ids(seats)},
                                                         {QStringLiteral("holdSeconds"), 600}});
        if (reply.status != 201)
            qWarning("hold failed: %s", qPrintable(reply.describe()));
        return reply.json.value(QStringLiteral("holdId")).toString();
    }

    // Sells `seats` on the server as another terminal would (hold, order, cash).
    bool sellDirectly(const QList<int> &seats)
    {
        const QString hold = holdDirectly(seats);
        const HttpReply order = m_http->post(
            QStringLiteral("/orders"), QJsonObject{{QStringLiteral("holdId"), hold}},
            {{QByteArrayLiteral("X-Idempotency-Key"), QByteArrayLiteral("sell-") + hold.toUtf8()}});
        if (order.status != 201)
            return false;
        const HttpReply paid =
            m_http->post(QStringLiteral("/orders/%1/payments")
                             .arg(order.json.value(QStringLiteral("orderId")).toString()),
                         QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                     {QStringLiteral("amountTenderedCents"),
                                      order.json.value(QStringLiteral("amountCents"))}});
        return paid.status == 201;
    }

    qint64 serverVersion()
    {
        return m_http->get(QStringLiteral("/shows/seagull-1/seats?format=compact"))
            .json.value(QStringLiteral("version"))
            .toInteger();
    }

    bool allIn(const Terminal &t, const QList<int> &seats, SeatState state) const
    {
        return std::all_of(seats.begin(), seats.end(),
                           [&](int seat) { return t.status(seat) == state; });
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_http = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply login = m_http->login(QStringLiteral("clerk"), kPassword);
        QCOMPARE(login.status, 201);
        m_token = m_http->token();
        const HttpReply seats = m_http->get(QStringLiteral("/shows/seagull-1/seats"));
        QCOMPARE(seats.status, 200);
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray())
            m_seats.append(seat[QStringLiteral("seatId")].toString());
        QCOMPARE(m_seats.size(), 409);
    }

    void openFromServerThenLive()
    {
        auto t = terminal(QStringLiteral("main.db"));
        QSignalSpy opened(t->sync.get(), &ShowSync::opened);
        QSignalSpy states(t->sync.get(), &ShowSync::stateChanged);
        t->sync->open(kShow);
        QCOMPARE(t->sync->state(), State::Connecting);
        QCOMPARE(t->model.hasShow(), false); // nothing cached yet
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(0).value<ShowDetail>().summary.id, kShow);
        QCOMPARE(states.first().at(0).value<State>(), State::Connecting);
        QCOMPARE(states.last().at(0).value<State>(), State::Live);
        QCOMPARE(t->model.freshness(), Freshness::Live);
        QCOMPARE(t->model.seatCount(), 409);
        QCOMPARE(t->model.version(), serverVersion());
        QCOMPARE(t->sync->detail().summary.id, kShow);

        // Prices come from the show's tiers, per layout category.
        for (const PriceTierInfo &tier : t->sync->detail().tiers) {
            const int category = t->model.layout().categoryIndex(tier.category);
            QVERIFY(category >= 0);
            QCOMPARE(t->model.categoryPriceCents(category), tier.priceCents);
        }

        // Changes follow live.
        const QList<int> sold = nextSeats(2);
        QVERIFY(sellDirectly(sold));
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*t, sold, SeatState::Sold), kWaitMs);
        QCOMPARE(t->model.version(), serverVersion());

        // Everything needed to open again without the server is in the cache.
        t->sync->close();
        QCOMPARE(t->sync->state(), State::Closed);
        QVERIFY(t->cache->showDetail(kShow)->has_value());
        QVERIFY(t->cache->layout(t->sync->detail().summary.venue)->has_value() ||
                t->cache->layout(Core::VenueId(QStringLiteral("theatre")))->has_value());
        auto cached = t->cache->availability(kShow);
        QVERIFY(cached->has_value());
        QCOMPARE((*cached)->version, serverVersion());
        QCOMPARE(SeatState((*cached)->statuses[std::size_t(sold[0])]), SeatState::Sold);
        QVERIFY((*cached)->confirmedMs > 0);
    }

    void openWithCacheThenLive()
    {
        // While no terminal follows the show, two more seats are sold.
        const QList<int> soldMeanwhile = nextSeats(2);
        QVERIFY(sellDirectly(soldMeanwhile));

        auto t = terminal(QStringLiteral("main.db"));
        auto cached = t->cache->availability(kShow);
        QVERIFY(cached->has_value());
        QSignalSpy opened(t->sync.get(), &ShowSync::opened);
        t->sync->open(kShow);
        // The map is there at once, from the cache, marked as not yet confirmed.
        QCOMPARE(opened.count(), 1);
        QVERIFY(t->model.hasShow());
        QCOMPARE(t->model.freshness(), Freshness::Cached);
        QCOMPARE(t->model.confirmedAtMs(), (*cached)->confirmedMs);
        QCOMPARE(t->model.version(), (*cached)->version);
        QVERIFY(t->model.statuses() == (*cached)->statuses);
        QVERIFY(allIn(*t, soldMeanwhile, SeatState::Available));

        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Live);
        QVERIFY(allIn(*t, soldMeanwhile, SeatState::Sold));
        QCOMPARE(t->model.version(), serverVersion());
        QCOMPARE(opened.count(), 1);
    }

    void serverDownAtOpen()
    {
        FaultProxy proxy(m_server.port());
        QVERIFY(proxy.listen());
        QVERIFY(proxy.setRefusing(true));

        // Without a cache there is nothing to show.
        {
            auto t = terminal(QStringLiteral("empty.db"), proxy.url());
            QSignalSpy failed(t->sync.get(), &ShowSync::openFailed);
            QSignalSpy opened(t->sync.get(), &ShowSync::opened);
            t->sync->open(kShow);
            QVERIFY(failed.wait(kWaitMs));
            QCOMPARE(failed.at(0).at(0).value<Core::Error>().code, ErrorCode::Unreachable);
            QCOMPARE(opened.count(), 0);
            QCOMPARE(t->sync->state(), State::Closed);
        }

        // With one, the map shows what was last confirmed, stale, and comes back by itself.
        QVERIFY(QFile::copy(cacheFile(QStringLiteral("main.db")),
                            cacheFile(QStringLiteral("offline.db"))));
        auto t = terminal(QStringLiteral("offline.db"), proxy.url());
        auto cached = t->cache->availability(kShow);
        QVERIFY(cached->has_value());
        QSignalSpy failed(t->sync.get(), &ShowSync::openFailed);
        t->sync->open(kShow);
        QVERIFY(t->model.hasShow());
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Offline, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Stale);
        QCOMPARE(t->model.confirmedAtMs(), (*cached)->confirmedMs);
        QCOMPARE(failed.count(), 0);

        const QList<int> sold = nextSeats(1);
        QVERIFY(sellDirectly(sold));
        QVERIFY(proxy.setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Live);
        QVERIFY(allIn(*t, sold, SeatState::Sold));
        QVERIFY(t->model.confirmedAtMs() > (*cached)->confirmedMs);
    }

    void serverKilledWhileLive()
    {
        FaultProxy proxy(m_server.port());
        QVERIFY(proxy.listen());
        auto t = terminal(QStringLiteral("killed.db"), proxy.url());
        t->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        const qint64 liveSince = t->model.confirmedAtMs();

        m_server.kill();
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Offline, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Stale);
        QVERIFY(t->model.confirmedAtMs() >= liveSince);
        QVERIFY(t->model.hasShow()); // still browsable

        // The server comes back, but this terminal cannot reach it yet; seats sell meanwhile.
        QVERIFY(proxy.setRefusing(true));
        proxy.cutAll();
        QVERIFY2(m_server.restart(), qPrintable(m_server.output()));
        const QList<int> sold = nextSeats(3);
        QVERIFY(sellDirectly(sold));
        QVERIFY(allIn(*t, sold, SeatState::Available));
        QCOMPARE(t->sync->state(), State::Offline);

        QVERIFY(proxy.setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Live);
        QVERIFY(allIn(*t, sold, SeatState::Sold));
        // Versions continue from the server's database.
        QCOMPARE(t->model.version(), serverVersion());
    }

    void webSocketDroppedWhileHttpWorks()
    {
        FaultProxy proxy(m_server.port());
        QVERIFY(proxy.listen());
        auto t = terminal(QStringLiteral("dropped.db"), proxy.url());
        t->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(proxy.webSocketCount(), 1);

        proxy.setBlockWebSockets(true);
        proxy.cutWebSockets();
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Connecting, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Stale);

        // Without the channel, the reconnect attempts still catch up over HTTP.
        const QList<int> sold = nextSeats(2);
        QVERIFY(sellDirectly(sold));
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*t, sold, SeatState::Sold), kWaitMs);
        QVERIFY(t->sync->state() != State::Live);

        proxy.setBlockWebSockets(false);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(t->model.freshness(), Freshness::Live);
        QCOMPARE(proxy.webSocketCount(), 1);
        // And it follows live again.
        const QList<int> more = nextSeats(1);
        QVERIFY(sellDirectly(more));
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*t, more, SeatState::Sold), kWaitMs);
    }

    void versionGapFetchesFreshData()
    {
        FaultProxy proxy(m_server.port());
        QVERIFY(proxy.listen());
        auto t = terminal(QStringLiteral("gap.db"), proxy.url());
        t->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);

        // The delta of the first hold never arrives; the second one reveals the gap.
        proxy.dropNextServerFrame();
        const QList<int> first = nextSeats(1);
        QVERIFY(!holdDirectly(first).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(proxy.framesDropped(), 1, kWaitMs);
        QCOMPARE(t->status(first[0]), SeatState::Available);
        const QList<int> second = nextSeats(1);
        QVERIFY(!holdDirectly(second).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(t->status(second[0]), SeatState::Held, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(t->status(first[0]), SeatState::Held, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QCOMPARE(t->model.version(), serverVersion());
        QCOMPARE(proxy.webSocketCount(), 1); // caught up without reconnecting
    }

    void twoTerminalsSellingTheSameSeats()
    {
        auto a = terminal(QStringLiteral("terminal-a.db"));
        auto b = terminal(QStringLiteral("terminal-b.db"));
        a->sync->open(kShow);
        b->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(a->sync->state(), State::Live, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(b->sync->state(), State::Live, kWaitMs);

        const QList<int> seats = nextSeats(2);
        QList<Core::SeatId> seatIds;
        for (int seat : seats)
            seatIds.append(Core::SeatId(m_seats[seat]));
        auto held = awaitResult<HoldInfo>(
            [&](auto done) { a->client.placeHold(kShow, seatIds, 300, this, done); });
        QVERIFY2(held, describe(held));
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*b, seats, SeatState::Held), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*a, seats, SeatState::Held), kWaitMs);

        // B tries the same seats (and one free one): refused, naming exactly the taken ones.
        QList<Core::SeatId> wanted = seatIds;
        const QList<int> free = nextSeats(1);
        wanted.append(Core::SeatId(m_seats[free[0]]));
        auto refused = awaitResult<HoldInfo>(
            [&](auto done) { b->client.placeHold(kShow, wanted, 300, this, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::SeatUnavailable);
        QCOMPARE(sorted(stringList(refused.error().details.value(QStringLiteral("seatIds")))),
                 sorted(QStringList{seatIds[0].value(), seatIds[1].value()}));
        QCOMPARE(b->status(free[0]), SeatState::Available);

        auto order = awaitResult<OrderInfo>([&](auto done) {
            a->client.createOrder(held->id, {}, QStringLiteral("two-terminals"), this, done);
        });
        QVERIFY2(order, describe(order));
        auto paid = awaitResult<TenderResult>(
            [&](auto done) { a->client.payCash(order->id, order->amountCents, this, done); });
        QVERIFY2(paid, describe(paid));
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*b, seats, SeatState::Sold), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(allIn(*a, seats, SeatState::Sold), kWaitMs);

        auto again = awaitResult<HoldInfo>(
            [&](auto done) { b->client.placeHold(kShow, seatIds, 300, this, done); });
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::SeatUnavailable);
        QCOMPARE(b->model.version(), a->model.version());
        QVERIFY(a->model.statuses() == b->model.statuses());
    }

    void closeStopsFollowing()
    {
        auto t = terminal(QStringLiteral("closed.db"));
        t->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        t->sync->close();
        QCOMPARE(t->sync->state(), State::Closed);
        QCOMPARE(t->model.freshness(), Freshness::Stale);
        const qint64 version = t->model.version();
        QVERIFY(sellDirectly(nextSeats(1)));
        // The terminal that follows the show sees the sale; the closed one does not.
        auto other = terminal(QStringLiteral("closed-other.db"));
        other->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(other->sync->state(), State::Live, kWaitMs);
        QVERIFY(other->model.version() > version);
        QCOMPARE(t->model.version(), version);
    }

    void unknownShowFailsToOpen()
    {
        auto t = terminal(QStringLiteral("unknown.db"));
        QSignalSpy failed(t->sync.get(), &ShowSync::openFailed);
        t->sync->open(Core::ShowId(QStringLiteral("no-such-show")));
        QVERIFY(failed.wait(kWaitMs));
        QCOMPARE(failed.at(0).at(0).value<Core::Error>().code, ErrorCode::NotFound);
        QCOMPARE(t->sync->state(), State::Closed);
    }

    void restoredOlderDatabaseTakesSnapshot()
    {
        // A server of its own, whose data directory this test copies and restores.
        QTemporaryDir data;
        QTemporaryDir backup;
        QVERIFY(data.isValid() && backup.isValid());
        TestServer::Options options;
        options.dataDir = data.path();
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.output()));
        TestClient http(server.baseUrl());
        QCOMPARE(http.login(QStringLiteral("clerk"), kPassword).status, 201);
        auto t = std::make_unique<Terminal>(m_network, serverUrl(server.port()), http.token(),
                                            cacheFile(QStringLiteral("restore.db")));
        t->sync->open(kShow);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);

        // The backup is taken while the server is stopped, so the files are consistent.
        server.stop();
        for (const QString &name : QDir(data.path()).entryList(QDir::Files))
            QVERIFY(QFile::copy(data.filePath(name), backup.filePath(name)));
        QVERIFY2(server.restart(), qPrintable(server.output()));
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        const HttpReply hold = http.post(
            QStringLiteral("/shows/seagull-1/holds"),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray{m_seats[400], m_seats[401]}},
                        {QStringLiteral("holdSeconds"), 600}});
        QCOMPARE(hold.status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(t->status(400), SeatState::Held, kWaitMs);
        const qint64 newer = t->model.version();

        // The server comes back from the older copy: its versions are lower than the map's.
        server.stop();
        for (const QString &name : QDir(data.path()).entryList(QDir::Files))
            QVERIFY(QFile::remove(data.filePath(name)));
        for (const QString &name : QDir(backup.path()).entryList(QDir::Files))
            QVERIFY(QFile::copy(backup.filePath(name), data.filePath(name)));
        QVERIFY2(server.restart(), qPrintable(server.output()));
        QTRY_COMPARE_WITH_TIMEOUT(t->status(400), SeatState::Available, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(t->sync->state(), State::Live, kWaitMs);
        QVERIFY(t->model.version() < newer);
        QCOMPARE(t->status(401), SeatState::Available);
        QCOMPARE(t->model.version(),
                 http.get(QStringLiteral("/shows/seagull-1/seats?format=compact"))
                     .json.value(QStringLiteral("version"))
                     .toInteger());
    }

    void auditAfterwards()
    {
        m_server.stop();
        QString report;
        QCOMPARE(m_server.runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }
};

QTEST_GUILESS_MAIN(TestShowSync)
#include "tst_showsync.moc"
