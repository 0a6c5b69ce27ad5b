// The outbox against the real server: an order committed while the server is down is kept,
// retried with the same idempotency key and created exactly once when the server is back on
// the same port and data; a new Outbox on the same cache file (a restarted terminal) resumes
// it; definitive refusals (expired or released hold) remove the entry and are reported; a cash
// tender whose first answer was lost is reported from the order as the server has it.

#include "clientwait.h"
#include "testserver.h"

#include "sync/client/apiclient.h"
#include "sync/client/outbox.h"
#include "sync/client/terminalcache.h"

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

namespace {

const QString kPassword = QStringLiteral("demo-password-for-tests");
const Core::ShowId kShow(QStringLiteral("seagull-2"));

} // namespace

class TestOutbox : public QObject
{
    Q_OBJECT

private:
    TestServer m_server{[] {
        TestServer::Options options;
        options.extraArguments = {QStringLiteral("--min-hold-seconds"), QStringLiteral("1")};
        return options;
    }()};
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    std::unique_ptr<ApiClient> m_client;
    QStringList m_seats; // seagull-2 seat ids in layout order
    int m_nextSeat = 0;

    QUrl serverUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()));
    }

    std::unique_ptr<TerminalCache> openCache(const QString &name)
    {
        auto cache = TerminalCache::open(m_dir.filePath(name));
        if (!cache)
            qWarning("%s", describe(cache.error()).constData());
        return cache ? std::move(*cache) : nullptr;
    }

    Result<HoldInfo> hold(int count, int holdSeconds = 300)
    {
        QList<Core::SeatId> seats;
        for (int i = 0; i < count; ++i)
            seats.append(Core::SeatId(m_seats[m_nextSeat++]));
        return awaitResult<HoldInfo>(
            [&](auto done) { m_client->placeHold(kShow, seats, holdSeconds, this, done); });
    }

    // Orders of one hold: a second key for the same hold is refused once the first exists.
    ErrorCode orderWithOtherKey(const Core::HoldId &hold)
    {
        auto other = awaitResult<OrderInfo>([&](auto done) {
            m_client->createOrder(hold, {}, QStringLiteral("other-key-") + hold.value(), this,
                                  done);
        });
        return other ? ErrorCode::Internal : other.error().code;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_client = std::make_unique<ApiClient>(&m_network);
        m_client->setServer(serverUrl());
        m_client->setTimeoutMs(5000);
        auto session = awaitResult<Session>(
            [&](auto done) { m_client->login(QStringLiteral("clerk"), kPassword, this, done); });
        QVERIFY2(session, describe(session));
        TestClient http(m_server.baseUrl());
        http.setToken(session->token);
        const HttpReply seats = http.get(QStringLiteral("/shows/seagull-2/seats"));
        QCOMPARE(seats.status, 200);
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray())
            m_seats.append(seat[QStringLiteral("seatId")].toString());
        QCOMPARE(m_seats.size(), 409);
    }

    void sendsAtOnceWhenTheServerIsUp()
    {
        auto cache = openCache(QStringLiteral("up.db"));
        QVERIFY(cache);
        Outbox outbox(*cache, *m_client);
        QSignalSpy created(&outbox, &Outbox::orderCreated);
        QSignalSpy paid(&outbox, &Outbox::cashPaid);
        QSignalSpy count(&outbox, &Outbox::pendingCountChanged);
        auto held = hold(2);
        QVERIFY2(held, describe(held));

        auto id = outbox.createOrder(held->id, {QStringLiteral("Wang"), QString()},
                                     QStringLiteral("up-order"));
        QVERIFY2(id, describe(id));
        QCOMPARE(outbox.pendingCount(), 1);
        QVERIFY(created.wait(30'000));
        QCOMPARE(created.at(0).at(0).toString(), QStringLiteral("up-order"));
        const auto order = created.at(0).at(1).value<OrderInfo>();
        QCOMPARE(order.amountCents, held->totalCents);
        QCOMPARE(outbox.pendingCount(), 0);
        QCOMPARE(count.last().at(0).toInt(), 0);

        auto tender = outbox.payCash(order.id, held->totalCents + 500, QStringLiteral("up-cash"));
        QVERIFY2(tender, describe(tender));
        QVERIFY(paid.wait(30'000));
        const auto result = paid.at(0).at(1).value<TenderResult>();
        QCOMPARE(result.changeCents, 500);
        QCOMPARE(result.tickets.size(), 2);
        QCOMPARE(outbox.pendingCount(), 0);
        QVERIFY(cache->outbox()->isEmpty());
    }

    void retriesUntilTheServerIsBack()
    {
        auto cache = openCache(QStringLiteral("down.db"));
        QVERIFY(cache);
        Outbox outbox(*cache, *m_client);
        outbox.setBackoff(50, 200);
        QSignalSpy created(&outbox, &Outbox::orderCreated);
        QSignalSpy failed(&outbox, &Outbox::orderFailed);
        QSignalSpy retrying(&outbox, &Outbox::retrying);
        auto held = hold(2);
        QVERIFY2(held, describe(held));

        m_server.kill();
        const QString key = QStringLiteral("down-order");
        auto id = outbox.createOrder(held->id, {}, key);
        QVERIFY2(id, describe(id));
        QTRY_VERIFY_WITH_TIMEOUT(retrying.count() >= 3, 30'000);
        QCOMPARE(retrying.at(0).at(0).toString(), key);
        QCOMPARE(retrying.at(0).at(1).value<Core::Error>().code, ErrorCode::Unreachable);
        QCOMPARE(created.count(), 0);
        QCOMPARE(outbox.pendingCount(), 1);
        auto waiting = cache->outbox();
        QCOMPARE(waiting->size(), 1);
        QCOMPARE(waiting->at(0).idempotencyKey, key);
        QVERIFY(waiting->at(0).attempts >= 2);
        QVERIFY(!waiting->at(0).lastError.isEmpty());
        // The same key cannot be queued a second time meanwhile.
        auto twice = outbox.createOrder(held->id, {}, key);
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::Conflict);

        QVERIFY2(m_server.restart(), qPrintable(m_server.output()));
        QVERIFY(created.wait(30'000));
        QCOMPARE(created.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(created.at(0).at(0).toString(), key);
        const auto order = created.at(0).at(1).value<OrderInfo>();
        QCOMPARE(outbox.pendingCount(), 0);

        // Exactly one order: the key replays it, another key for the hold is refused.
        auto replay = awaitResult<OrderInfo>(
            [&](auto done) { m_client->createOrder(held->id, {}, key, this, done); });
        QVERIFY2(replay, describe(replay));
        QCOMPARE(replay->id, order.id);
        QCOMPARE(orderWithOtherKey(held->id), ErrorCode::Conflict);
        QVERIFY(cache->outbox()->isEmpty());
    }

    void newOutboxResumesAfterRestart()
    {
        const QString file = QStringLiteral("resume.db");
        const QString key = QStringLiteral("resume-order");
        auto held = hold(1);
        QVERIFY2(held, describe(held));
        {
            // A terminal killed right after committing to the order: the request is queued
            // and may or may not have reached the server.
            auto cache = openCache(file);
            QVERIFY(cache);
            ApiClient client(&m_network);
            client.setServer(serverUrl());
            client.setToken(m_client->token());
            Outbox outbox(*cache, client);
            QVERIFY(outbox.createOrder(held->id, {QStringLiteral("Zhao"), QString()}, key));
        }
        auto cache = openCache(file);
        QVERIFY(cache);
        QCOMPARE(cache->outbox()->size(), 1);
        Outbox outbox(*cache, *m_client);
        QSignalSpy created(&outbox, &Outbox::orderCreated);
        QSignalSpy count(&outbox, &Outbox::pendingCountChanged);
        outbox.resume();
        QCOMPARE(outbox.pendingCount(), 1);
        QVERIFY(created.wait(30'000));
        const auto order = created.at(0).at(1).value<OrderInfo>();
        QCOMPARE(created.at(0).at(0).toString(), key);
        QCOMPARE(order.contact.name, QStringLiteral("Zhao"));
        QCOMPARE(outbox.pendingCount(), 0);
        QVERIFY(cache->outbox()->isEmpty());

        auto replay = awaitResult<OrderInfo>([&](auto done) {
            m_client->createOrder(held->id, {QStringLiteral("Zhao"), QString()}, key, this, done);
        });
        QVERIFY2(replay, describe(replay));
        QCOMPARE(replay->id, order.id);
        QCOMPARE(orderWithOtherKey(held->id), ErrorCode::Conflict);
    }

    void definitiveRefusalsAreReported_data()
    {
        QTest::addColumn<bool>("expire");
        QTest::addColumn<ErrorCode>("code");
        QTest::newRow("released hold") << false << ErrorCode::HoldReleased;
        QTest::newRow("expired hold") << true << ErrorCode::HoldExpired;
    }

    void definitiveRefusalsAreReported()
    {
        QFETCH(bool, expire);
        QFETCH(ErrorCode, code);
        auto cache = openCache(QStringLiteral("refused-%1.db").arg(int(expire)));
        QVERIFY(cache);
        Outbox outbox(*cache, *m_client);
        outbox.setBackoff(50, 200);
        QSignalSpy created(&outbox, &Outbox::orderCreated);
        QSignalSpy failed(&outbox, &Outbox::orderFailed);
        QSignalSpy retrying(&outbox, &Outbox::retrying);
        auto held = hold(1, 1);
        QVERIFY2(held, describe(held));
        if (expire) {
            // The server runs on this machine's clock: wait until the hold has run out.
            QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > held->expiryMs + 100,
                                     10'000);
        } else {
            auto released =
                awaitResult<void>([&](auto done) { m_client->releaseHold(held->id, this, done); });
            QVERIFY2(released, describe(released));
        }
        const QString key = QStringLiteral("refused-%1").arg(int(expire));
        QVERIFY(outbox.createOrder(held->id, {}, key));
        QVERIFY(failed.wait(30'000));
        QCOMPARE(failed.at(0).at(0).toString(), key);
        const auto error = failed.at(0).at(1).value<Core::Error>();
        QVERIFY2(error.code == code, describe(error));
        QCOMPARE(created.count(), 0);
        QCOMPARE(retrying.count(), 0);
        QCOMPARE(outbox.pendingCount(), 0);
        QVERIFY(cache->outbox()->isEmpty());
    }

    void lostCashAnswerIsReadBack()
    {
        auto cache = openCache(QStringLiteral("cash.db"));
        QVERIFY(cache);
        Outbox outbox(*cache, *m_client);
        QSignalSpy paid(&outbox, &Outbox::cashPaid);
        QSignalSpy failed(&outbox, &Outbox::cashFailed);
        auto held = hold(2);
        QVERIFY2(held, describe(held));
        auto order = awaitResult<OrderInfo>([&](auto done) {
            m_client->createOrder(held->id, {}, QStringLiteral("cash-order"), this, done);
        });
        QVERIFY2(order, describe(order));
        // The first tender reached the server, but its answer never reached the terminal.
        auto first = awaitResult<TenderResult>(
            [&](auto done) { m_client->payCash(order->id, held->totalCents + 100, this, done); });
        QVERIFY2(first, describe(first));

        QVERIFY(outbox.payCash(order->id, held->totalCents + 100, QStringLiteral("cash-again")));
        QVERIFY(paid.wait(30'000));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(paid.at(0).at(0).toString(), QStringLiteral("cash-again"));
        const auto result = paid.at(0).at(1).value<TenderResult>();
        QCOMPARE(result.order, order->id);
        QCOMPARE(result.payment, first->payment);
        QCOMPARE(result.changeCents, 100);
        QCOMPARE(result.orderStatus, Core::OrderState::Ticketed);
        QCOMPARE(result.tickets.size(), 2);
        QCOMPARE(outbox.pendingCount(), 0);
    }

    void cashForAnUnpaidOrderConflictIsFinal()
    {
        auto cache = openCache(QStringLiteral("cash-bad.db"));
        QVERIFY(cache);
        Outbox outbox(*cache, *m_client);
        QSignalSpy paid(&outbox, &Outbox::cashPaid);
        QSignalSpy failed(&outbox, &Outbox::cashFailed);
        QVERIFY(outbox.payCash(Core::OrderId(QStringLiteral("ORD_none")), 100,
                               QStringLiteral("cash-unknown")));
        QVERIFY(failed.wait(30'000));
        QCOMPARE(failed.at(0).at(1).value<Core::Error>().code, ErrorCode::NotFound);
        QCOMPARE(paid.count(), 0);
        QCOMPARE(outbox.pendingCount(), 0);
    }

    void auditAfterwards()
    {
        m_client.reset();
        m_server.stop();
        QString report;
        QCOMPARE(m_server.runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
