// The door scanner against the real server: the scan battery online (valid, used with door and
// time, revoked after a refund and after a void, forged signature, unsigned payload, another
// show's ticket, garbage, a typed ticket code), then offline through a FaultProxy that refuses
// connections: signature checks still answer, decisions come from the door's cache, scans are
// queued in the SQLite cache, survive a restart and go up when the server is back; refunds,
// voids and uses made elsewhere reach the door with its periodic refresh; the same
// ticket let in at two doors while offline is flagged on upload; a queue entry the server
// refuses does not hold back the rest.

#include "clientwait.h"
#include "faultproxy.h"
#include "moneydesk.h"
#include "testserver.h"

#include "core/common/clock.h"
#include "core/security/ticketsigner.h"
#include "sync/client/apiclient.h"
#include "sync/client/doorscanner.h"
#include "sync/client/terminalcache.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;

namespace {

const QString kShow = QStringLiteral("seagull-1");
const QString kOtherShow = QStringLiteral("seagull-2");
constexpr int kWaitMs = 30'000;

// One door: its own client, cache file and scanner, logged in as the clerk.
struct Door
{
    Door(QNetworkAccessManager &network, const QUrl &server, const QString &cacheFile,
         const QString &name)
        : client(&network)
    {
        client.setServer(server);
        client.setTimeoutMs(3'000);
        auto opened = TerminalCache::open(cacheFile);
        if (!opened)
            qFatal("%s", describe(opened.error()).constData());
        cache = std::move(*opened);
        scanner = std::make_unique<DoorScanner>(client, *cache, clock);
        scanner->setShow(Core::ShowId(kShow));
        scanner->setDoor(name);
        scanner->setRetryIntervalMs(100);
    }

    [[nodiscard]] bool login(const QString &password)
    {
        auto session = awaitResult<Session>(
            [&](auto done) { client.login(QStringLiteral("clerk"), password, nullptr, done); });
        return session.has_value();
    }

    // Starts the scanner and waits until it has the keys and the show's revocations.
    [[nodiscard]] bool startSynced()
    {
        QSignalSpy synced(scanner.get(), &DoorScanner::revocationsSynced);
        scanner->start();
        return QTest::qWaitFor([&] { return synced.count() > 0 && scanner->keyCount() > 0; },
                               kWaitMs);
    }

    [[nodiscard]] bool resync()
    {
        QSignalSpy synced(scanner.get(), &DoorScanner::revocationsSynced);
        scanner->refresh();
        return synced.wait(kWaitMs);
    }

    // Scans and waits for the answer to this very scan.
    [[nodiscard]] std::optional<ScanOutcome> scan(const QString &input)
    {
        QSignalSpy spy(scanner.get(), &DoorScanner::scanned);
        const int serial = scanner->scan(input);
        if (serial == 0)
            return std::nullopt;
        auto mine = [&]() -> std::optional<ScanOutcome> {
            for (const QList<QVariant> &args : spy) {
                const auto outcome = args.at(0).value<ScanOutcome>();
                if (outcome.serial == serial)
                    return outcome;
            }
            return std::nullopt;
        };
        (void)QTest::qWaitFor([&] { return mine().has_value(); }, kWaitMs);
        return mine();
    }

    Core::SystemClock clock;
    ApiClient client;
    std::unique_ptr<TerminalCache> cache;
    std::unique_ptr<DoorScanner> scanner;
};

QString payloadOf(const TestSale &sale, int index)
{
    return sale.tickets.at(index).value(QStringLiteral("qrPayload")).toString();
}

QString codeOf(const TestSale &sale, int index)
{
    return sale.tickets.at(index).value(QStringLiteral("ticketCode")).toString();
}

// The payload with one character of its signature changed.
QString withBadSignature(const QString &payload)
{
    QString forged = payload;
    const qsizetype at = forged.lastIndexOf(u'.') + 5;
    forged[at] = forged[at] == u'A' ? u'B' : u'A';
    return forged;
}

} // namespace

class TestDoorScanner : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<MoneyDesk> m_desk;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    std::unique_ptr<FaultProxy> m_proxy;
    QString m_password;

    QUrl serverUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()));
    }

    // A door logged in as the clerk, or, given a token, one that keeps an earlier session
    // (a restart while the server is unreachable cannot log in).
    std::unique_ptr<Door> door(const QString &cache, const QString &name, const QUrl &server,
                               const QString &token = {})
    {
        auto d = std::make_unique<Door>(m_network, server, m_dir.filePath(cache), name);
        if (!token.isEmpty())
            d->client.setToken(token);
        else if (!d->login(m_password))
            qWarning("door login failed");
        return d;
    }

    std::optional<TestSale> sale(int count, const QString &show = kShow)
    {
        QString why;
        auto sold = m_desk->paidSale(count, show, &why);
        if (!sold)
            qWarning("sale failed: %s", qPrintable(why));
        return sold;
    }

    bool refund(const TestSale &sale)
    {
        const HttpReply reply =
            m_desk->as(QStringLiteral("supervisor"))
                .post(QStringLiteral("/orders/%1/refunds").arg(sale.order),
                      QJsonObject{{QStringLiteral("reason"), QStringLiteral("door test")}});
        return reply.status == 201;
    }

    bool voidSale(const TestSale &sale)
    {
        const HttpReply reply =
            m_desk->as(QStringLiteral("supervisor"))
                .post(QStringLiteral("/orders/%1/void").arg(sale.order),
                      QJsonObject{{QStringLiteral("reason"), QStringLiteral("door test")}});
        return reply.status == 200;
    }

    // What the server says about a ticket now (a supervisor verify without a door).
    QJsonObject serverView(const QString &payload)
    {
        return m_desk->as(QStringLiteral("supervisor"))
            .post(QStringLiteral("/tickets/verify"),
                  QJsonObject{{QStringLiteral("qrPayload"), payload}})
            .json;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_password = m_server.options().demoPassword;
        m_desk = std::make_unique<MoneyDesk>(m_server);
        QString why;
        QVERIFY2(m_desk->loginAll(&why), qPrintable(why));
        m_proxy = std::make_unique<FaultProxy>(m_server.port());
        QVERIFY(m_proxy->listen());
    }

    // A failed test must not leave the next one offline.
    void cleanup() { QVERIFY(m_proxy->setRefusing(false)); }

    void onlineBattery()
    {
        auto d = door(QStringLiteral("online.db"), QStringLiteral("North 1"), serverUrl());
        QVERIFY(d->startSynced());
        QVERIFY(d->scanner->isOnline());

        const auto sold = sale(2);
        QVERIFY(sold);
        const QString payload = payloadOf(*sold, 0);

        // Valid: let in, and the server now has the ticket used at this door.
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        auto valid = d->scan(payload + QStringLiteral("\n"));
        QVERIFY(valid);
        QVERIFY(valid->decided);
        QCOMPARE(valid->verification.verdict, ScanVerdict::Valid);
        QCOMPARE(valid->offline, false);
        QCOMPARE(valid->local, false);
        QCOMPARE(valid->verification.ticket.value(), codeOf(*sold, 0));
        QCOMPARE(valid->verification.seat.value(), sold->seats.at(0));
        QCOMPARE(serverView(payload).value(QStringLiteral("usedDoor")).toString(),
                 QStringLiteral("North 1"));

        // Used: when, where and by whom.
        auto used = d->scan(payload);
        QVERIFY(used);
        QCOMPARE(used->verification.verdict, ScanVerdict::AlreadyUsed);
        QCOMPARE(used->verification.usedDoor, QStringLiteral("North 1"));
        QCOMPARE(used->verification.usedBy, QStringLiteral("clerk"));
        QVERIFY(used->verification.usedMs >= before - 1'000);
        QVERIFY(used->verification.usedMs <= QDateTime::currentMSecsSinceEpoch() + 1'000);

        // Revoked after a refund and after a void, with the reason.
        const auto refunded = sale(1);
        QVERIFY(refunded);
        QVERIFY(refund(*refunded));
        auto revoked = d->scan(payloadOf(*refunded, 0));
        QVERIFY(revoked);
        QCOMPARE(revoked->verification.verdict, ScanVerdict::Revoked);
        QCOMPARE(revoked->verification.revokedReason, QStringLiteral("REFUND"));
        QVERIFY(revoked->verification.revokedMs > 0);
        const auto voided = sale(1);
        QVERIFY(voided);
        QVERIFY(voidSale(*voided));
        auto voidScan = d->scan(payloadOf(*voided, 0));
        QVERIFY(voidScan);
        QCOMPARE(voidScan->verification.verdict, ScanVerdict::Revoked);
        QCOMPARE(voidScan->verification.revokedReason, QStringLiteral("VOID"));

        // Local refusals answer before scan() returns, without the server.
        QSignalSpy spy(d->scanner.get(), &DoorScanner::scanned);
        const auto local = [&](const QString &input) {
            spy.clear();
            d->scanner->scan(input);
            return spy.count() == 1 ? spy.at(0).at(0).value<ScanOutcome>() : ScanOutcome{};
        };
        const QString other = sold->tickets.size() > 1 ? payloadOf(*sold, 1) : payload;
        ScanOutcome forged = local(withBadSignature(other));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(forged.verification.verdict, ScanVerdict::Forged);
        QCOMPARE(forged.local, true);
        QVERIFY2(forged.verification.reason.contains(QStringLiteral("signature")),
                 qPrintable(forged.verification.reason));

        ScanOutcome unsignedScan = local(other.left(other.lastIndexOf(u'.')));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(unsignedScan.verification.verdict, ScanVerdict::Forged);

        ScanOutcome garbage = local(QStringLiteral("hello world 12345"));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(garbage.verification.verdict, ScanVerdict::Forged);
        QVERIFY(garbage.decided);

        const auto elsewhere = sale(1, kOtherShow);
        QVERIFY(elsewhere);
        ScanOutcome wrongShow = local(payloadOf(*elsewhere, 0));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(wrongShow.verification.verdict, ScanVerdict::WrongShow);
        QCOMPARE(wrongShow.verification.show.value(), kOtherShow);
        QCOMPARE(wrongShow.local, true);
        // A refused ticket is not used up: at its own show's door it is still valid.
        QCOMPARE(serverView(payloadOf(*elsewhere, 0)).value(QStringLiteral("result")).toString(),
                 QStringLiteral("VALID"));

        // A key the door does not know: the server may have one the door has not fetched yet,
        // so it is asked; it does not know the key either.
        auto stranger = Core::TicketSigner::generate();
        QVERIFY(stranger);
        Core::TicketClaims claims;
        claims.show = Core::ShowId(kShow);
        claims.seat = Core::SeatId(sold->seats.at(0));
        claims.order = Core::OrderId(sold->order);
        claims.ticket = Core::TicketCode(codeOf(*sold, 0));
        claims.validUntilMs = QDateTime::currentMSecsSinceEpoch() + 86'400'000;
        auto foreign = d->scan(*stranger->sign(claims));
        QVERIFY(foreign);
        QCOMPARE(foreign->verification.verdict, ScanVerdict::Forged);
        QCOMPARE(foreign->offline, false);

        // Empty input is no scan.
        QCOMPARE(d->scanner->scan(QStringLiteral("  \n")), 0);

        // The second ticket was never admitted (its forged copy did not use it up).
        auto second = d->scan(other);
        QVERIFY(second);
        QCOMPARE(second->verification.verdict, ScanVerdict::Valid);

        // A ticket code typed from the print is looked up online.
        const auto typed = sale(1);
        QVERIFY(typed);
        auto byCode = d->scan(codeOf(*typed, 0).toLower());
        QVERIFY(byCode);
        QVERIFY2(byCode->decided, qPrintable(byCode->problem));
        QCOMPARE(byCode->verification.verdict, ScanVerdict::Valid);
        QCOMPARE(byCode->verification.ticket.value(), codeOf(*typed, 0));
        QCOMPARE(d->scanner->pendingScans(), 0);
    }

    void offlineDecisionsQueueAndUpload()
    {
        const QString cacheFile = QStringLiteral("offline.db");
        auto d = door(cacheFile, QStringLiteral("North 1"), m_proxy->url());
        const auto sold = sale(2);
        const auto refunded = sale(1);
        const auto elsewhere = sale(1, kOtherShow);
        QVERIFY(sold && refunded && elsewhere);
        QVERIFY(refund(*refunded));
        QVERIFY(d->startSynced()); // the refund is in the door's cache now

        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();

        // The first scan finds out the server is gone and still decides.
        auto valid = d->scan(payloadOf(*sold, 0));
        QVERIFY(valid);
        QCOMPARE(valid->verification.verdict, ScanVerdict::Valid);
        QCOMPARE(valid->offline, true);
        QCOMPARE(d->scanner->isOnline(), false);

        auto used = d->scan(payloadOf(*sold, 0));
        QVERIFY(used);
        QCOMPARE(used->verification.verdict, ScanVerdict::AlreadyUsed);
        QCOMPARE(used->offline, true);
        QCOMPARE(used->verification.usedDoor, QStringLiteral("North 1"));
        QCOMPARE(used->verification.usedMs, valid->scannedMs);
        QCOMPARE(used->verification.usedBy, QStringLiteral("clerk"));

        auto revoked = d->scan(payloadOf(*refunded, 0));
        QVERIFY(revoked);
        QCOMPARE(revoked->verification.verdict, ScanVerdict::Revoked);
        QCOMPARE(revoked->verification.revokedReason, QStringLiteral("REFUND"));

        // Signature and show checks need no server.
        auto forged = d->scan(withBadSignature(payloadOf(*sold, 1)));
        QVERIFY(forged);
        QCOMPARE(forged->verification.verdict, ScanVerdict::Forged);
        auto wrongShow = d->scan(payloadOf(*elsewhere, 0));
        QVERIFY(wrongShow);
        QCOMPARE(wrongShow->verification.verdict, ScanVerdict::WrongShow);
        // A typed code cannot be looked up.
        auto typed = d->scan(codeOf(*sold, 1));
        QVERIFY(typed);
        QCOMPARE(typed->decided, false);

        // Queued in the SQLite file: the three decisions about genuine tickets of this show.
        QCOMPARE(d->scanner->pendingScans(), 3);
        auto queued = d->cache->queuedScans();
        QVERIFY(queued);
        QCOMPARE(queued->size(), 3);
        QCOMPARE(queued->at(0).scan.offlineVerdict, ScanVerdict::Valid);
        QCOMPARE(queued->at(1).scan.offlineVerdict, ScanVerdict::AlreadyUsed);
        QCOMPARE(queued->at(2).scan.offlineVerdict, ScanVerdict::Revoked);
        QCOMPARE(queued->at(0).scan.door, QStringLiteral("North 1"));
        QCOMPARE(queued->at(0).scan.show.value(), kShow);
        QVERIFY(queued->at(0).scan.scanId.size() >= 8);

        // The server has not seen the door's use yet. This check itself uses the ticket (a
        // supervisor's verify at no door), so the door's VALID conflicts with it on upload.
        QCOMPARE(serverView(payloadOf(*sold, 0)).value(QStringLiteral("result")).toString(),
                 QStringLiteral("VALID"));

        // A restart (a crash of the terminal) loses nothing.
        const QString token = d->client.token();
        d.reset();
        auto again = door(cacheFile, QStringLiteral("North 1"), m_proxy->url(), token);
        QCOMPARE(again->cache->queuedScans()->size(), 3);
        again->scanner->start();
        QTRY_COMPARE_WITH_TIMEOUT(again->scanner->pendingScans(), 3, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(again->scanner->isOnline(), false, kWaitMs);
        // Still deciding from the cache after the restart.
        auto stillUsed = again->scan(payloadOf(*sold, 0));
        QVERIFY(stillUsed);
        QCOMPARE(stillUsed->verification.verdict, ScanVerdict::AlreadyUsed);
        QCOMPARE(again->scanner->pendingScans(), 4);

        // Back online: the queue goes up on its own.
        QSignalSpy conflicts(again->scanner.get(), &DoorScanner::conflictFound);
        QVERIFY(m_proxy->setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(again->scanner->pendingScans(), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(again->scanner->isOnline(), true, kWaitMs);
        QVERIFY(again->cache->queuedScans()->isEmpty());
        // The ticket was used by the supervisor's check above before the door's VALID went
        // up: the door had let someone in on a ticket used elsewhere, so it is flagged.
        QTRY_COMPARE_WITH_TIMEOUT(conflicts.count(), 1, kWaitMs);
        const auto conflict = conflicts.at(0).at(0).value<ScanConflict>();
        QCOMPARE(conflict.ticket.value(), codeOf(*sold, 0));
        QCOMPARE(conflict.door, QStringLiteral("North 1"));
        QCOMPARE(conflict.earlierBy, QStringLiteral("supervisor"));
    }

    void periodicRefreshLearnsRevocations()
    {
        auto d = door(QStringLiteral("refresh.db"), QStringLiteral("North 1"), m_proxy->url());
        const auto refunded = sale(1);
        const auto voided = sale(1);
        const auto used = sale(1);
        QVERIFY(refunded && voided && used);
        QVERIFY(d->startSynced());
        d->scanner->setRefreshIntervalMs(200);
        QSignalSpy synced(d->scanner.get(), &DoorScanner::revocationsSynced);
        QVERIFY(synced.wait(kWaitMs)); // the timer runs

        // Changes made elsewhere after the door started reach it with the next refresh.
        QVERIFY(refund(*refunded));
        QVERIFY(voidSale(*voided));
        QCOMPARE(m_desk->scan(payloadOf(*used, 0)), QStringLiteral("VALID")); // another door
        synced.clear();
        QVERIFY(synced.wait(kWaitMs));
        QVERIFY(synced.wait(kWaitMs)); // one whole refresh after the changes

        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();
        auto refundScan = d->scan(payloadOf(*refunded, 0));
        QVERIFY(refundScan);
        QCOMPARE(refundScan->offline, true);
        QCOMPARE(refundScan->verification.verdict, ScanVerdict::Revoked);
        QCOMPARE(refundScan->verification.revokedReason, QStringLiteral("REFUND"));
        auto voidScan = d->scan(payloadOf(*voided, 0));
        QVERIFY(voidScan);
        QCOMPARE(voidScan->verification.verdict, ScanVerdict::Revoked);
        QCOMPARE(voidScan->verification.revokedReason, QStringLiteral("VOID"));
        auto usedScan = d->scan(payloadOf(*used, 0));
        QVERIFY(usedScan);
        QCOMPARE(usedScan->verification.verdict, ScanVerdict::AlreadyUsed);
        QVERIFY(usedScan->verification.usedMs > 0);
        QVERIFY(m_proxy->setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(d->scanner->pendingScans(), 0, kWaitMs);
    }

    void revokedOnlineStaysRevokedOffline()
    {
        auto d = door(QStringLiteral("revoked.db"), QStringLiteral("North 1"), m_proxy->url());
        const auto sold = sale(1);
        QVERIFY(sold);
        QVERIFY(d->startSynced());
        // Refunded after the door's sync: only the online check knows.
        QVERIFY(refund(*sold));
        auto online = d->scan(payloadOf(*sold, 0));
        QVERIFY(online);
        QCOMPARE(online->offline, false);
        QCOMPARE(online->verification.verdict, ScanVerdict::Revoked);

        // The server goes away before the next sync; the holder tries again.
        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();
        auto offline = d->scan(payloadOf(*sold, 0));
        QVERIFY(offline);
        QCOMPARE(offline->offline, true);
        QCOMPARE(offline->verification.verdict, ScanVerdict::Revoked);
        QCOMPARE(offline->verification.revokedReason, QStringLiteral("REFUND"));
        QVERIFY(m_proxy->setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(d->scanner->pendingScans(), 0, kWaitMs);
    }

    void uploadMarksTicketsUsed()
    {
        auto d = door(QStringLiteral("upload.db"), QStringLiteral("East 3"), m_proxy->url());
        const auto sold = sale(1);
        QVERIFY(sold);
        QVERIFY(d->startSynced());
        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();
        auto valid = d->scan(payloadOf(*sold, 0));
        QVERIFY(valid);
        QCOMPARE(valid->verification.verdict, ScanVerdict::Valid);
        QCOMPARE(valid->offline, true);
        QCOMPARE(d->scanner->pendingScans(), 1);

        QSignalSpy conflicts(d->scanner.get(), &DoorScanner::conflictFound);
        QVERIFY(m_proxy->setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(d->scanner->pendingScans(), 0, kWaitMs);
        QCOMPARE(conflicts.count(), 0);
        // The server took the door's use with its time and place.
        const QJsonObject view = serverView(payloadOf(*sold, 0));
        QCOMPARE(view.value(QStringLiteral("result")).toString(), QStringLiteral("ALREADY_USED"));
        QCOMPARE(view.value(QStringLiteral("usedDoor")).toString(), QStringLiteral("East 3"));
        QCOMPARE(QDateTime::fromString(view.value(QStringLiteral("usedAt")).toString(),
                                       Qt::ISODateWithMs)
                     .toMSecsSinceEpoch(),
                 valid->scannedMs);
    }

    void sameTicketAtTwoDoorsOfflineIsFlagged()
    {
        auto north = door(QStringLiteral("north.db"), QStringLiteral("North 1"), m_proxy->url());
        auto south = door(QStringLiteral("south.db"), QStringLiteral("South 2"), m_proxy->url());
        const auto sold = sale(1);
        QVERIFY(sold);
        QVERIFY(north->startSynced());
        QVERIFY(south->startSynced());
        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();

        const QString payload = payloadOf(*sold, 0);
        auto atNorth = north->scan(payload);
        QVERIFY(atNorth);
        QTest::qWait(5);
        auto atSouth = south->scan(payload);
        QVERIFY(atSouth);
        // Neither door can know of the other: both let the holder in.
        QCOMPARE(atNorth->verification.verdict, ScanVerdict::Valid);
        QCOMPARE(atSouth->verification.verdict, ScanVerdict::Valid);
        QVERIFY(atNorth->offline && atSouth->offline);

        // North comes back first, then South.
        QSignalSpy northConflicts(north->scanner.get(), &DoorScanner::conflictFound);
        QSignalSpy southConflicts(south->scanner.get(), &DoorScanner::conflictFound);
        south->scanner->setRetryIntervalMs(60'000);
        QVERIFY(m_proxy->setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(north->scanner->pendingScans(), 0, kWaitMs);
        south->scanner->uploadQueue();
        QTRY_COMPARE_WITH_TIMEOUT(south->scanner->pendingScans(), 0, kWaitMs);
        QCOMPARE(northConflicts.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(southConflicts.count(), 1, kWaitMs);
        const auto conflict = southConflicts.at(0).at(0).value<ScanConflict>();
        QCOMPARE(conflict.ticket.value(), codeOf(*sold, 0));
        QCOMPARE(conflict.door, QStringLiteral("South 2"));
        QCOMPARE(conflict.earlierDoor, QStringLiteral("North 1"));
        QCOMPARE(conflict.earlierUsedMs, atNorth->scannedMs);
        QCOMPARE(conflict.scannedMs, atSouth->scannedMs);

        // The supervisor sees the flagged scan.
        const HttpReply flagged =
            m_desk->as(QStringLiteral("supervisor"))
                .get(QStringLiteral("/tickets/scans?showId=%1&flagged=true").arg(kShow));
        QCOMPARE(flagged.status, 200);
        bool found = false;
        for (const QJsonValue &scan : flagged.json.value(QStringLiteral("scans")).toArray()) {
            if (scan[QStringLiteral("scanId")].toString() == conflict.scanId) {
                found = true;
                QCOMPARE(scan[QStringLiteral("door")].toString(), QStringLiteral("South 2"));
                QCOMPARE(scan[QStringLiteral("flagged")].toBool(), true);
            }
        }
        QVERIFY(found);
    }

    // Refunded at the window while the door was cut off: the door lets the holder in, and the
    // upload flags it as a revoked ticket let in (not as a second use), so the box office knows.
    void revokedTicketLetInOfflineIsFlagged()
    {
        auto d = door(QStringLiteral("revokedin.db"), QStringLiteral("East 3"), m_proxy->url());
        const auto sold = sale(1);
        QVERIFY(sold);
        QVERIFY(d->startSynced());
        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();
        QVERIFY(refund(*sold));

        auto letIn = d->scan(payloadOf(*sold, 0));
        QVERIFY(letIn);
        QVERIFY(letIn->offline);
        QCOMPARE(letIn->verification.verdict, ScanVerdict::Valid);

        QSignalSpy conflicts(d->scanner.get(), &DoorScanner::conflictFound);
        QVERIFY(m_proxy->setRefusing(false));
        QTRY_COMPARE_WITH_TIMEOUT(d->scanner->pendingScans(), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(conflicts.count(), 1, kWaitMs);
        const auto conflict = conflicts.at(0).at(0).value<ScanConflict>();
        QCOMPARE(conflict.ticket.value(), codeOf(*sold, 0));
        QCOMPARE(conflict.door, QStringLiteral("East 3"));
        QCOMPARE(conflict.revokedReason, QStringLiteral("REFUND"));
        QVERIFY(conflict.revokedMs > 0);
        QCOMPARE(conflict.earlierUsedMs, 0);

        // The door now knows the revocation, also while offline again.
        QVERIFY(m_proxy->setRefusing(true));
        m_proxy->cutAll();
        auto again = d->scan(payloadOf(*sold, 0));
        QVERIFY(again);
        QCOMPARE(again->verification.verdict, ScanVerdict::Revoked);
    }

    void refusedEntryDoesNotBlockTheQueue()
    {
        auto d = door(QStringLiteral("refused.db"), QStringLiteral("West 4"), serverUrl());
        const auto sold = sale(1);
        QVERIFY(sold);
        // A damaged entry (an id the server refuses) ahead of a good one.
        OfflineScan bad;
        bad.scanId = QStringLiteral("no good!");
        bad.qrPayload = payloadOf(*sold, 0);
        bad.show = Core::ShowId(kShow);
        bad.door = QStringLiteral("West 4");
        bad.scannedMs = QDateTime::currentMSecsSinceEpoch() - 1'000;
        OfflineScan good = bad;
        good.scanId = QStringLiteral("SCAN_good_one_0001");
        good.scannedMs += 500;
        QVERIFY(d->cache->queueScan(bad));
        QVERIFY(d->cache->queueScan(good));

        QSignalSpy problems(d->scanner.get(), &DoorScanner::problem);
        QVERIFY(d->startSynced());
        QTRY_COMPARE_WITH_TIMEOUT(d->scanner->pendingScans(), 0, kWaitMs);
        auto left = d->cache->queuedScans();
        QVERIFY(left);
        QCOMPARE(left->size(), 1);
        QCOMPARE(left->at(0).scan.scanId, bad.scanId);
        QCOMPARE(left->at(0).refused, true);
        QVERIFY(!left->at(0).lastError.isEmpty());
        QVERIFY(problems.count() >= 1);
        QCOMPARE(serverView(good.qrPayload).value(QStringLiteral("usedDoor")).toString(),
                 QStringLiteral("West 4"));
    }

    void switchingShowSyncsItAtOnce()
    {
        auto d = door(QStringLiteral("switch.db"), QStringLiteral("North 1"), serverUrl());
        const auto refunded = sale(1, kOtherShow);
        QVERIFY(refunded);
        QVERIFY(refund(*refunded));
        // The first show's sync is on its way when the door is switched (as the main window
        // does for the show it opens); the refresh interval is the default 30 s.
        d->scanner->start();
        d->scanner->setShow(Core::ShowId(kOtherShow));
        d->scanner->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!d->cache->revocationsAsOf(Core::ShowId(kOtherShow))->isEmpty(),
                                 15'000);
        auto revoked = d->cache->revokedTicket(Core::ShowId(kOtherShow),
                                               Core::TicketCode(codeOf(*refunded, 0)));
        QVERIFY(revoked && revoked->has_value());
    }

    void endedSessionIsReported()
    {
        auto d = door(QStringLiteral("ended.db"), QStringLiteral("North 1"), serverUrl());
        const auto sold = sale(1);
        QVERIFY(sold);
        QVERIFY(d->startSynced());
        // The server ends the door's session (here: it is logged out elsewhere).
        ApiClient elsewhere(&m_network);
        elsewhere.setServer(serverUrl());
        elsewhere.setToken(d->client.token());
        QVERIFY(awaitResult<void>([&](auto done) { elsewhere.logout(nullptr, done); }));

        QSignalSpy problems(d->scanner.get(), &DoorScanner::problem);
        auto scan = d->scan(payloadOf(*sold, 0));
        QVERIFY(scan);
        // Still an answer from the door's records, and the staff are told to log in again.
        QCOMPARE(scan->verification.verdict, ScanVerdict::Valid);
        QCOMPARE(scan->offline, true);
        QCOMPARE(d->scanner->pendingScans(), 1);
        bool told = false;
        for (const QList<QVariant> &args : problems)
            told = told || args.at(0).toString().contains(QStringLiteral("log in again"));
        QVERIFY2(told, problems.isEmpty() ? "no problem reported"
                                          : qPrintable(problems.last().at(0).toString()));
    }

    void longQueueGoesUpInParts()
    {
        auto d = door(QStringLiteral("parts.db"), QStringLiteral("Gate 5"), serverUrl());
        const auto sold = sale(1);
        QVERIFY(sold);
        // More scans than one request may carry (500).
        const qint64 start = QDateTime::currentMSecsSinceEpoch() - 60'000;
        for (int i = 0; i < 501; ++i) {
            OfflineScan scan;
            scan.scanId = QStringLiteral("SCAN_parts_%1").arg(i, 4, 10, QLatin1Char('0'));
            scan.qrPayload = payloadOf(*sold, 0);
            scan.show = Core::ShowId(kShow);
            scan.door = QStringLiteral("Gate 5");
            scan.scannedMs = start + i;
            scan.offlineVerdict = i == 0 ? ScanVerdict::Valid : ScanVerdict::AlreadyUsed;
            QVERIFY(d->cache->queueScan(scan));
        }
        QVERIFY(d->startSynced());
        QTRY_COMPARE_WITH_TIMEOUT(d->scanner->pendingScans(), 0, kWaitMs);
        QVERIFY(d->cache->queuedScans()->isEmpty());
        QCOMPARE(serverView(payloadOf(*sold, 0)).value(QStringLiteral("usedDoor")).toString(),
                 QStringLiteral("Gate 5"));
    }
};

QTEST_GUILESS_MAIN(TestDoorScanner)
#include "tst_doorscanner.moc"
