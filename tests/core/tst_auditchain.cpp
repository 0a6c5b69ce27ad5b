// The audit log's hash chain: intact as written; a changed record, a deleted one or a blanked
// hash is found, at the right record.

#include "core/audit/auditlog.h"
#include "core/storage/database.h"
#include "core/storage/migrations.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

class TestAuditChain : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Connection> m_connection;
    ManualClock m_clock{1'790'000'000'000};
    std::unique_ptr<AuditLog> m_log;
    int m_run = 0;

    bool sql(const QString &statement) { return m_connection->execute(statement).has_value(); }

private slots:
    void init()
    {
        m_log.reset();
        m_connection.reset();
        const QString path = m_dir.filePath(u"audit-%1.db"_s.arg(++m_run));
        auto connection =
            Connection::open(DatabaseConfig{SqlDialect::Sqlite, path}, u"audit-chain"_s);
        QVERIFY(connection);
        m_connection = std::move(*connection);
        QVERIFY(migrateSchema(*m_connection, m_clock.nowMs()));
        m_log = std::make_unique<AuditLog>(
            [this]() -> Result<Connection *> { return m_connection.get(); }, m_clock);
        for (int i = 1; i <= 20; ++i) {
            m_clock.advanceMs(1'000);
            QVERIFY(m_log->record(u"clerk"_s, u"sale"_s, u"ORD_%1"_s.arg(i),
                                  QJsonObject{{u"amountCents"_s, i * 100}}));
        }
    }

    void intactAsWritten()
    {
        auto report = verifyAuditChain(*m_connection);
        QVERIFY(report);
        QVERIFY2(report->intact(), qPrintable(report->problem));
        QCOMPARE(report->records, 20);
    }

    void tampering_data()
    {
        QTest::addColumn<QString>("statement");
        QTest::addColumn<qint64>("brokenAt");
        QTest::newRow("amount changed")
            << u"UPDATE audit_log SET detail = '{\"amountCents\":1}' WHERE id = 7"_s << qint64(7);
        QTest::newRow("actor changed")
            << u"UPDATE audit_log SET actor = 'boss' WHERE id = 3"_s << qint64(3);
        QTest::newRow("time changed")
            << u"UPDATE audit_log SET at = at + 1 WHERE id = 15"_s << qint64(15);
        QTest::newRow("record deleted") << u"DELETE FROM audit_log WHERE id = 12"_s << qint64(13);
        QTest::newRow("first deleted") << u"DELETE FROM audit_log WHERE id = 1"_s << qint64(2);
        QTest::newRow("hash blanked")
            << u"UPDATE audit_log SET row_hash = '', prev_hash = '' WHERE id = 9"_s << qint64(9);
        QTest::newRow("hash recomputed without the chain")
            << u"UPDATE audit_log SET prev_hash = '' WHERE id = 5"_s << qint64(5);
    }

    void tampering()
    {
        QFETCH(QString, statement);
        QFETCH(qint64, brokenAt);
        QVERIFY(sql(statement));
        auto report = verifyAuditChain(*m_connection);
        QVERIFY(report);
        QVERIFY(!report->intact());
        QCOMPARE(report->brokenAtId, brokenAt);
        QVERIFY(!report->problem.isEmpty());
    }

    void recordsBeforeTheChainAreCountedNotBroken()
    {
        // A database from before schema 3 has records without hashes at its start.
        QVERIFY(sql(u"UPDATE audit_log SET row_hash = '', prev_hash = '' WHERE id <= 4"_s));
        QVERIFY(sql(u"UPDATE audit_log SET prev_hash = '' WHERE id = 5"_s));
        auto report = verifyAuditChain(*m_connection);
        QVERIFY(report);
        // Record 5's hash was made over record 4's hash, which is gone: found.
        QCOMPARE(report->brokenAtId, qint64(5));
        QCOMPARE(report->unchained, 4);
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"
