// The audit log's hash chain: intact as written; a changed record, a deleted one or a blanked
// hash is found, at the right record.

#include "core/audit/auditlog.h"
#include "core/storage/database.h"
#include "core/storage/migrations.h"

#include <QCryptographicHash>
#include <QSqlQuery>
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

    void terminalsAreChained()
    {
        m_clock.advanceMs(1'000);
        QVERIFY(m_log->record(AuditEntry{u"clerk"_s, u"login"_s, u"clerk"_s, u"Window 1"_s, {}}));
        m_clock.advanceMs(1'000);
        QVERIFY(m_log->record(u"clerk"_s, u"sale"_s, u"ORD_21"_s));
        auto report = verifyAuditChain(*m_connection);
        QVERIFY(report);
        QVERIFY2(report->intact(), qPrintable(report->problem));
        QCOMPARE(report->records, 22);
        QVERIFY(sql(u"UPDATE audit_log SET terminal = 'Window 2' WHERE id = 21"_s));
        report = verifyAuditChain(*m_connection);
        QVERIFY(report);
        QCOMPARE(report->brokenAtId, qint64(21));
    }

    void recordsWithoutATerminalHashAsBefore()
    {
        // The hash of schema 3: previous hash and the five fields, length-prefixed.
        QSqlQuery q(m_connection->database());
        QVERIFY(q.exec(u"SELECT prev_hash, at, actor, action, subject, detail, row_hash"
                       " FROM audit_log WHERE id = 20"_s));
        QVERIFY(q.next());
        QByteArray input;
        for (int i = 0; i < 6; ++i) {
            const QByteArray bytes = q.value(i).toString().toUtf8();
            input.append(QByteArray::number(bytes.size())).append(':').append(bytes);
        }
        QCOMPARE(q.value(6).toString(),
                 QString::fromLatin1(
                     QCryptographicHash::hash(input, QCryptographicHash::Sha256).toHex()));
    }

    void find()
    {
        m_clock.advanceMs(1'000);
        const qint64 windowAt = m_clock.nowMs();
        QVERIFY(m_log->record(AuditEntry{u"sue"_s, u"refund.card"_s, u"ORD_3"_s, u"Window 1"_s,
                                         QJsonObject{{u"amountCents"_s, 300}}}));
        m_clock.advanceMs(1'000);
        QVERIFY(m_log->record(AuditEntry{u"sue"_s, u"refund"_s, u"ORD_4"_s, u"Window 2"_s, {}}));
        m_clock.advanceMs(1'000);
        QVERIFY(m_log->record(AuditEntry{u"sue"_s, u"refunds.other"_s, u"ORD_5"_s, {}, {}}));

        AuditQuery query;
        query.actionPrefix = u"refund"_s;
        auto page = m_log->find(query);
        QVERIFY(page);
        QCOMPARE(page->records.size(), 3);
        QCOMPARE(page->records.first().entry.action, u"refunds.other"_s); // newest first
        query.actionPrefix = u"refund."_s;
        QCOMPARE(m_log->find(query)->records.size(), 1);

        AuditQuery byTerminal;
        byTerminal.terminal = u"Window 1"_s;
        page = m_log->find(byTerminal);
        QVERIFY(page);
        QCOMPARE(page->records.size(), 1);
        QCOMPARE(page->records.first().entry.subject, u"ORD_3"_s);
        QCOMPARE(page->records.first().entry.detail.value(u"amountCents"_s).toInt(), 300);
        QCOMPARE(page->records.first().atMs, windowAt);

        AuditQuery window;
        window.fromMs = windowAt;
        window.toMs = windowAt + 1'000;
        QCOMPARE(m_log->find(window)->records.size(), 2);

        AuditQuery clerk;
        clerk.actor = u"clerk"_s;
        clerk.limit = 8;
        page = m_log->find(clerk);
        QVERIFY(page);
        QCOMPARE(page->records.size(), 8);
        QCOMPARE(page->records.first().id, qint64(20));
        QCOMPARE(page->nextBeforeId, qint64(13));
        clerk.beforeId = page->nextBeforeId;
        page = m_log->find(clerk);
        QCOMPARE(page->records.size(), 8);
        QCOMPARE(page->records.first().id, qint64(12));
        clerk.beforeId = page->nextBeforeId;
        page = m_log->find(clerk);
        QCOMPARE(page->records.size(), 4);
        QCOMPARE(page->nextBeforeId, qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"
