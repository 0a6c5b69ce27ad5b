// The terminal's SQLite cache: every table round-trips, everything survives closing and
// reopening, the outbox keeps its order, and files that are not a cache (garbage, another
// program's database, a newer schema) or paths that cannot be written fail with StorageFailure.

#include "clientwait.h"

#include "sync/client/terminalcache.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;
using Core::ErrorCode;

namespace {

ShowSummary summary(const QString &id, int seats, qint64 version)
{
    ShowSummary show;
    show.id = Core::ShowId(id);
    show.title = QStringLiteral("Title of %1 — 海鸥").arg(id);
    show.venue = Core::VenueId(QStringLiteral("venue-") + id);
    show.venueName = QStringLiteral("Hall");
    show.city = QStringLiteral("Shanghai");
    show.startMs = 1'790'000'000'123LL;
    show.status = QStringLiteral("ON_SALE");
    show.currency = QStringLiteral("CNY");
    show.seatCount = seats;
    show.availableCount = seats - 3;
    show.version = version;
    return show;
}

void compareSummaries(const ShowSummary &a, const ShowSummary &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.title, b.title);
    QCOMPARE(a.venue, b.venue);
    QCOMPARE(a.venueName, b.venueName);
    QCOMPARE(a.city, b.city);
    QCOMPARE(a.startMs, b.startMs);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.currency, b.currency);
    QCOMPARE(a.seatCount, b.seatCount);
    QCOMPARE(a.availableCount, b.availableCount);
    QCOMPARE(a.version, b.version);
}

ShowDetail detail(const QString &id)
{
    ShowDetail detail;
    detail.summary = summary(id, 409, 17);
    detail.sections = {{QStringLiteral("STALLS"), QStringLiteral("Stalls"), QStringLiteral("0")},
                       {QStringLiteral("BALC"), QStringLiteral("Balcony"), QStringLiteral("1")}};
    detail.tiers = {{QStringLiteral("A"), QStringLiteral("Premium"), 18'000},
                    {QStringLiteral("B"), QStringLiteral("Standard"), 9'500},
                    {QStringLiteral("C"), QStringLiteral("Restricted view"), 4'000}};
    return detail;
}

std::vector<quint8> randomStatuses(int count, quint32 seed)
{
    QRandomGenerator random(seed);
    std::vector<quint8> statuses(static_cast<std::size_t>(count));
    for (quint8 &status : statuses)
        status = quint8(random.bounded(4));
    return statuses;
}

OutboxEntry entry(const QString &key, const QString &kind = QStringLiteral("createOrder"))
{
    OutboxEntry entry;
    entry.kind = kind;
    entry.idempotencyKey = key;
    entry.payload = R"({"holdId":"HOLD_)" + key.toUtf8() + R"("})";
    entry.createdMs = 1'790'000'000'000LL;
    return entry;
}

} // namespace

class TestTerminalCache : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TerminalCache> m_cache;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        const QString file = path(
            QStringLiteral("cache-%1.db").arg(QLatin1StringView(QTest::currentTestFunction())));
        auto cache = TerminalCache::open(file);
        QVERIFY2(cache, describe(cache));
        m_cache = std::move(*cache);
        QCOMPARE(m_cache->path(), file);
    }

    void cleanup() { m_cache.reset(); }

    void emptyCache()
    {
        auto shows = m_cache->shows();
        QVERIFY2(shows, describe(shows));
        QVERIFY(shows->isEmpty());
        QCOMPARE(*m_cache->showsFetchedMs(), 0);
        QVERIFY(!m_cache->showDetail(Core::ShowId(QStringLiteral("x")))->has_value());
        QVERIFY(!m_cache->layout(Core::VenueId(QStringLiteral("x")))->has_value());
        QVERIFY(!m_cache->availability(Core::ShowId(QStringLiteral("x")))->has_value());
        QVERIFY(m_cache->outbox()->isEmpty());
        QVERIFY(!m_cache->sale()->has_value());
    }

    void showList()
    {
        QList<ShowSummary> first{summary(QStringLiteral("b-show"), 409, 3),
                                 summary(QStringLiteral("a-show"), 100'000, 0)};
        first[1].venueName = QString(); // empty texts are kept as empty, not refused
        first[1].city = QStringLiteral("");
        QVERIFY(m_cache->saveShows(first, 1234));
        auto shows = m_cache->shows();
        QVERIFY2(shows, describe(shows));
        QCOMPARE(shows->size(), 2);
        // The server's order, not the ids' order.
        compareSummaries(shows->at(0), first[0]);
        compareSummaries(shows->at(1), first[1]);
        QCOMPARE(*m_cache->showsFetchedMs(), 1234);

        // A new list replaces the old one entirely.
        QVERIFY(m_cache->saveShows({summary(QStringLiteral("c-show"), 10, 9)}, 5678));
        shows = m_cache->shows();
        QCOMPARE(shows->size(), 1);
        QCOMPARE(shows->at(0).id.value(), QStringLiteral("c-show"));
        QCOMPARE(*m_cache->showsFetchedMs(), 5678);
    }

    void showDetails()
    {
        const ShowDetail saved = detail(QStringLiteral("seagull-1"));
        QVERIFY(m_cache->saveShowDetail(saved));
        QVERIFY(m_cache->saveShowDetail(detail(QStringLiteral("other"))));
        auto read = m_cache->showDetail(saved.summary.id);
        QVERIFY2(read, describe(read));
        QVERIFY(read->has_value());
        const ShowDetail &got = **read;
        compareSummaries(got.summary, saved.summary);
        QCOMPARE(got.sections.size(), 2);
        QCOMPARE(got.sections[1].id, QStringLiteral("BALC"));
        QCOMPARE(got.sections[1].name, QStringLiteral("Balcony"));
        QCOMPARE(got.sections[1].level, QStringLiteral("1"));
        QCOMPARE(got.tiers.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(got.tiers[i].category, saved.tiers[i].category);
            QCOMPARE(got.tiers[i].name, saved.tiers[i].name);
            QCOMPARE(got.tiers[i].priceCents, saved.tiers[i].priceCents);
        }

        // Saving again replaces sections and tiers rather than adding to them.
        ShowDetail changed = saved;
        changed.tiers.removeLast();
        changed.summary.version = 99;
        QVERIFY(m_cache->saveShowDetail(changed));
        read = m_cache->showDetail(saved.summary.id);
        QCOMPARE((*read)->tiers.size(), 2);
        QCOMPARE((*read)->sections.size(), 2);
        QCOMPARE((*read)->summary.version, 99);
        QCOMPARE((*m_cache->showDetail(Core::ShowId(QStringLiteral("other"))))->tiers.size(), 3);
    }

    void layouts()
    {
        const Core::VenueId venue(QStringLiteral("theatre"));
        QFile file(QStringLiteral(BOXOFFICE_SOURCE_DIR "/resources/venues/theatre.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray json = file.readAll();
        QVERIFY(m_cache->saveLayout(venue, json));
        auto read = m_cache->layout(venue);
        QVERIFY2(read, describe(read));
        QCOMPARE(read->value(), json);
        QVERIFY(m_cache->saveLayout(venue, "{}"));
        QCOMPARE(m_cache->layout(venue)->value(), QByteArray("{}"));
    }

    void availability_data()
    {
        QTest::addColumn<int>("seats");
        QTest::newRow("one seat") << 1;
        QTest::newRow("four seats") << 4;
        QTest::newRow("five seats") << 5;
        QTest::newRow("theatre") << 409;
        QTest::newRow("arena") << 100'000;
    }

    void availability()
    {
        QFETCH(int, seats);
        const Core::ShowId show(QStringLiteral("show-%1").arg(seats));
        CachedAvailability saved{randomStatuses(seats, quint32(seats)), 42, 1'790'000'000'999LL};
        QVERIFY(m_cache->saveAvailability(show, saved));
        auto read = m_cache->availability(show);
        QVERIFY2(read, describe(read));
        QVERIFY(read->has_value());
        QCOMPARE((*read)->version, 42);
        QCOMPARE((*read)->confirmedMs, saved.confirmedMs);
        QVERIFY((*read)->statuses == saved.statuses);

        saved.statuses = randomStatuses(seats, 7);
        saved.version = 43;
        QVERIFY(m_cache->saveAvailability(show, saved));
        read = m_cache->availability(show);
        QCOMPARE((*read)->version, 43);
        QVERIFY((*read)->statuses == saved.statuses);
    }

    void outboxKeepsOrder()
    {
        QList<qint64> ids;
        for (const QString &key :
             {QStringLiteral("k3"), QStringLiteral("k1"), QStringLiteral("k2")}) {
            auto id = m_cache->enqueue(entry(key));
            QVERIFY2(id, describe(id));
            ids.append(*id);
        }
        QVERIFY(ids[0] < ids[1] && ids[1] < ids[2]);
        QVERIFY(m_cache->recordAttempt(ids[0], QStringLiteral("server down")));
        QVERIFY(m_cache->recordAttempt(ids[0], QStringLiteral("still down")));
        auto entries = m_cache->outbox();
        QVERIFY2(entries, describe(entries));
        QCOMPARE(entries->size(), 3);
        QCOMPARE(entries->at(0).idempotencyKey, QStringLiteral("k3"));
        QCOMPARE(entries->at(1).idempotencyKey, QStringLiteral("k1"));
        QCOMPARE(entries->at(2).idempotencyKey, QStringLiteral("k2"));
        QCOMPARE(entries->at(0).id, ids[0]);
        QCOMPARE(entries->at(0).attempts, 2);
        QCOMPARE(entries->at(0).lastError, QStringLiteral("still down"));
        QCOMPARE(entries->at(1).attempts, 0);
        QCOMPARE(entries->at(0).kind, QStringLiteral("createOrder"));
        QCOMPARE(entries->at(0).payload, entry(QStringLiteral("k3")).payload);
        QCOMPARE(entries->at(0).createdMs, 1'790'000'000'000LL);

        QVERIFY(m_cache->removeFromOutbox(ids[1]));
        entries = m_cache->outbox();
        QCOMPARE(entries->size(), 2);
        QCOMPARE(entries->at(1).idempotencyKey, QStringLiteral("k2"));

        // One entry per key; unknown ids are reported.
        auto again = m_cache->enqueue(entry(QStringLiteral("k2")));
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::Conflict);
        auto gone = m_cache->removeFromOutbox(ids[1]);
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
        QCOMPARE(m_cache->recordAttempt(12345, QString()).error().code, ErrorCode::NotFound);
        // A key freed by removal can be used again, and goes to the end.
        auto reused = m_cache->enqueue(entry(QStringLiteral("k1")));
        QVERIFY2(reused, describe(reused));
        QVERIFY(*reused > ids[2]);
    }

    void saleInProgress()
    {
        QVERIFY(!m_cache->sale()->has_value());
        QVERIFY(m_cache->saveSale(R"({"step":"hold","holdId":"HOLD_1"})"));
        QCOMPARE(m_cache->sale()->value(), QByteArray(R"({"step":"hold","holdId":"HOLD_1"})"));
        QVERIFY(m_cache->saveSale(R"({"step":"order"})"));
        QCOMPARE(m_cache->sale()->value(), QByteArray(R"({"step":"order"})"));
        QVERIFY(m_cache->clearSale());
        QVERIFY(!m_cache->sale()->has_value());
        QVERIFY(m_cache->clearSale());
    }

    void survivesReopen()
    {
        const QString file = m_cache->path();
        QVERIFY(m_cache->saveShows({summary(QStringLiteral("s1"), 409, 5)}, 77));
        QVERIFY(m_cache->saveShowDetail(detail(QStringLiteral("s1"))));
        QVERIFY(m_cache->saveLayout(Core::VenueId(QStringLiteral("v")), "{\"seats\":1}"));
        const auto statuses = randomStatuses(409, 3);
        QVERIFY(m_cache->saveAvailability(Core::ShowId(QStringLiteral("s1")),
                                          {statuses, 5, 1'790'000'000'555LL}));
        QVERIFY(m_cache->enqueue(entry(QStringLiteral("kept"))));
        QVERIFY(m_cache->saveSale("{\"open\":true}"));
        m_cache.reset();

        auto reopened = TerminalCache::open(file);
        QVERIFY2(reopened, describe(reopened));
        TerminalCache &cache = **reopened;
        QCOMPARE(cache.shows()->size(), 1);
        QCOMPARE(*cache.showsFetchedMs(), 77);
        QCOMPARE((*cache.showDetail(Core::ShowId(QStringLiteral("s1"))))->tiers.size(), 3);
        QCOMPARE(cache.layout(Core::VenueId(QStringLiteral("v")))->value(),
                 QByteArray("{\"seats\":1}"));
        auto availability = cache.availability(Core::ShowId(QStringLiteral("s1")));
        QVERIFY((*availability)->statuses == statuses);
        QCOMPARE((*availability)->confirmedMs, 1'790'000'000'555LL);
        QCOMPARE(cache.outbox()->size(), 1);
        QCOMPARE(cache.outbox()->at(0).idempotencyKey, QStringLiteral("kept"));
        QCOMPARE(cache.sale()->value(), QByteArray("{\"open\":true}"));
        reopened->reset();

        // The file is a WAL database with the schema version recorded.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inspect"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version")));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toInt(), TerminalCache::schemaVersion());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("inspect"));
    }

    void twoCachesAtOnce()
    {
        auto other = TerminalCache::open(path(QStringLiteral("second.db")));
        QVERIFY2(other, describe(other));
        QVERIFY(m_cache->saveSale("one"));
        QVERIFY((*other)->saveSale("two"));
        QCOMPARE(m_cache->sale()->value(), QByteArray("one"));
        QCOMPARE((*other)->sale()->value(), QByteArray("two"));
    }

    void createsFolder()
    {
        const QString file = path(QStringLiteral("deep/er/cache.db"));
        auto cache = TerminalCache::open(file);
        QVERIFY2(cache, describe(cache));
        QVERIFY(QFile::exists(file));
    }

    void garbageFileFails()
    {
        const QString file = path(QStringLiteral("garbage.db"));
        QFile garbage(file);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        QByteArray bytes(8192, '\0');
        QRandomGenerator random(11);
        for (char &c : bytes)
            c = char(random.bounded(256));
        garbage.write(bytes);
        garbage.close();
        auto cache = TerminalCache::open(file);
        QVERIFY(!cache);
        QCOMPARE(cache.error().code, ErrorCode::StorageFailure);
        QVERIFY2(cache.error().message.contains(QStringLiteral("garbage.db")),
                 describe(cache.error()));
        // Nothing was destroyed.
        QFile check(file);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), bytes);
    }

    void foreignDatabaseFails()
    {
        const QString file = path(QStringLiteral("foreign.db"));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE notes (text TEXT)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
        auto cache = TerminalCache::open(file);
        QVERIFY(!cache);
        QCOMPARE(cache.error().code, ErrorCode::StorageFailure);
        QVERIFY2(cache.error().message.contains(QStringLiteral("something else")),
                 describe(cache.error()));
    }

    void newerSchemaFails()
    {
        const QString file = m_cache->path();
        m_cache.reset();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        auto cache = TerminalCache::open(file);
        QVERIFY(!cache);
        QCOMPARE(cache.error().code, ErrorCode::StorageFailure);
        QVERIFY2(cache.error().message.contains(QStringLiteral("99")), describe(cache.error()));
    }

    void unwritablePathFails_data()
    {
        QTest::addColumn<QString>("where");
        QTest::newRow("under a file") << QStringLiteral("a-file/cache.db");
        QTest::newRow("a folder") << QStringLiteral("a-folder");
        QTest::newRow("empty") << QString();
    }

    void unwritablePathFails()
    {
        QFETCH(QString, where);
        QFile file(path(QStringLiteral("a-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("a-folder")));
        auto cache = TerminalCache::open(where.isEmpty() ? where : path(where));
        QVERIFY(!cache);
        QCOMPARE(cache.error().code, ErrorCode::StorageFailure);
        QVERIFY(!cache.error().message.isEmpty());
    }
    // --- Door scanning ------------------------------------------------------------------

    void migratesSchemaTwoCache()
    {
        // A cache as the build before door scanning left it: schema 2 with a pin and an outbox
        // entry, none of the door tables.
        const QString file = m_cache->path();
        QVERIFY(m_cache->savePin(QStringLiteral("https://box:8480"), QByteArray(32, 'p'), 5));
        QVERIFY(m_cache->enqueue(entry(QStringLiteral("before-door"))));
        m_cache.reset();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("older"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            for (const char *table :
                 {"ticket_key", "door_revoked", "door_used", "door_sync", "scan_queue"})
                QVERIFY(query.exec(QStringLiteral("DROP TABLE %1").arg(QLatin1StringView(table))));
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 2")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("older"));

        auto cache = TerminalCache::open(file);
        QVERIFY2(cache, describe(cache));
        QCOMPARE((*cache)->pins()->value(QStringLiteral("https://box:8480")), QByteArray(32, 'p'));
        QCOMPARE((*cache)->outbox()->size(), 1);
        QCOMPARE(*(*cache)->pendingScanCount(), 0);
        OfflineScan scan;
        scan.scanId = QStringLiteral("SCAN_after_migration");
        scan.qrPayload = QStringLiteral("BX1.x.y");
        scan.show = Core::ShowId(QStringLiteral("s1"));
        QVERIFY((*cache)->queueScan(scan));
        QCOMPARE(*(*cache)->pendingScanCount(), 1);
        cache->reset();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("migrated"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version")));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toInt(), 3);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("migrated"));
    }

    void doorRecordsRoundTrip()
    {
        const QString file = m_cache->path();
        const Core::ShowId show(QStringLiteral("s1"));
        const Core::TicketCode ticket(QStringLiteral("T1"));
        QVERIFY(m_cache->saveTicketKeys(
            {{QStringLiteral("k1"), QStringLiteral("Ed25519"), QByteArray(32, 'a')}}));
        QCOMPARE(*m_cache->revocationsAsOf(show), QString());
        TicketRevocations list;
        list.show = show;
        list.asOf = QStringLiteral("2026-02-23T19:05:00.000Z");
        list.revoked = {{Core::TicketCode(QStringLiteral("T2")), 100, QStringLiteral("REFUND")}};
        list.used = {{ticket, 300, QStringLiteral("North 1"), QString()}};
        QVERIFY(m_cache->applyRevocations(list));
        QVERIFY(m_cache->applyRevocations(list)); // entries may repeat
        // An earlier use wins over a later one; a later report does not move it.
        QVERIFY(m_cache->recordUse(show,
                                   {ticket, 200, QStringLiteral("South"), QStringLiteral("ann")}));
        QVERIFY(
            m_cache->recordUse(show, {ticket, 400, QStringLiteral("East"), QStringLiteral("bob")}));
        for (int i = 0; i < 3; ++i) {
            OfflineScan scan;
            scan.scanId = QStringLiteral("SCAN_%1_abcdefgh").arg(i);
            scan.qrPayload = QStringLiteral("BX1.payload.%1").arg(i);
            scan.show = show;
            scan.door = QStringLiteral("North 1");
            scan.scannedMs = 1'000 + i;
            scan.offlineVerdict = i == 1 ? ScanVerdict::AlreadyUsed : ScanVerdict::Valid;
            QVERIFY(m_cache->queueScan(scan));
        }
        OfflineScan duplicate;
        duplicate.scanId = QStringLiteral("SCAN_0_abcdefgh");
        QCOMPARE(m_cache->queueScan(duplicate).error().code, ErrorCode::Conflict);
        m_cache.reset();

        auto reopened = TerminalCache::open(file);
        QVERIFY2(reopened, describe(reopened));
        TerminalCache &cache = **reopened;
        QCOMPARE(cache.ticketKeys()->size(), 1);
        QCOMPARE(cache.ticketKeys()->at(0).publicKey, QByteArray(32, 'a'));
        QCOMPARE(*cache.revocationsAsOf(show), list.asOf);
        auto revoked = cache.revokedTicket(show, Core::TicketCode(QStringLiteral("T2")));
        QVERIFY(revoked && revoked->has_value());
        QCOMPARE((*revoked)->reason, QStringLiteral("REFUND"));
        QVERIFY(!cache.revokedTicket(show, ticket)->has_value());
        QVERIFY(!cache
                     .revokedTicket(Core::ShowId(QStringLiteral("s2")),
                                    Core::TicketCode(QStringLiteral("T2")))
                     ->has_value());
        auto used = cache.usedTicket(show, ticket);
        QVERIFY(used && used->has_value());
        QCOMPARE((*used)->usedMs, 200);
        QCOMPARE((*used)->usedDoor, QStringLiteral("South"));
        QCOMPARE((*used)->usedBy, QStringLiteral("ann"));

        QCOMPARE(*cache.pendingScanCount(), 3);
        auto part = cache.pendingScans(2);
        QVERIFY(part);
        QCOMPARE(part->size(), 2);
        QCOMPARE(part->at(0).scan.scanId, QStringLiteral("SCAN_0_abcdefgh"));
        QCOMPARE(part->at(1).scan.offlineVerdict, ScanVerdict::AlreadyUsed);
        QCOMPARE(part->at(1).scan.scannedMs, 1'001);
        QVERIFY(cache.refuseScan(QStringLiteral("SCAN_0_abcdefgh"), QStringLiteral("bad")));
        QVERIFY(
            cache.recordScanAttempt({QStringLiteral("SCAN_1_abcdefgh")}, QStringLiteral("down")));
        QCOMPARE(*cache.pendingScanCount(), 2);
        QCOMPARE(cache.pendingScans(10)->at(0).scan.scanId, QStringLiteral("SCAN_1_abcdefgh"));
        QCOMPARE(cache.pendingScans(10)->at(0).attempts, 1);
        QCOMPARE(cache.pendingScans(10)->at(0).lastError, QStringLiteral("down"));
        QVERIFY(cache.removeScans(
            {QStringLiteral("SCAN_1_abcdefgh"), QStringLiteral("SCAN_2_abcdefgh")}));
        QCOMPARE(*cache.pendingScanCount(), 0);
        auto all = cache.queuedScans();
        QCOMPARE(all->size(), 1);
        QCOMPARE(all->at(0).refused, true);
        QCOMPARE(all->at(0).lastError, QStringLiteral("bad"));
    }
};

QTEST_GUILESS_MAIN(TestTerminalCache)
#include "tst_terminalcache.moc"
