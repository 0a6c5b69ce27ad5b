// The audit log's query and verify endpoints against a real server: filters by actor, action
// prefix, subject, terminal and time, pages back with beforeId, refuses bad parameters, is for
// supervisors and admins only; verify says intact, then finds a record changed on disk.

#include "testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>
#include <QTest>

#include <limits>
#include <memory>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

class TestAuditLog : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_supervisor;
    QDateTime m_started;

    QString password() const { return m_server.options().demoPassword; }

    QJsonArray records(const QString &query)
    {
        const HttpReply reply = m_supervisor->get(u"/audit"_s + query);
        if (reply.status != 200)
            qWarning().noquote() << reply.describe();
        return reply.json.value(u"records"_s).toArray();
    }

    static QSet<QString> field(const QJsonArray &list, const QString &name)
    {
        QSet<QString> values;
        for (const QJsonValue &record : list)
            values.insert(record[name].toString());
        return values;
    }

private slots:
    void initTestCase()
    {
        m_started = QDateTime::currentDateTimeUtc().addSecs(-1);
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_supervisor = std::make_unique<TestClient>(m_server.baseUrl());
        QCOMPARE(m_supervisor->login(u"supervisor"_s, password(), u"Office"_s).status, 201);
        for (const QString &terminal : {u"Window 1"_s, u"Window 2"_s, u"Window 1"_s}) {
            TestClient clerk(m_server.baseUrl());
            QCOMPARE(clerk.login(u"clerk"_s, password(), terminal).status, 201);
        }
        TestClient wrong(m_server.baseUrl());
        QCOMPARE(wrong.login(u"clerk"_s, u"not-the-password"_s, u"Window 2"_s).status, 401);
        // Six records: the supervisor's login, three clerk logins, one failure... and the
        // demo seeding writes none. Audit writes are asynchronous: wait for them.
        QTRY_VERIFY_WITH_TIMEOUT(records(u"?actor=clerk"_s).size() == 4, 10'000);
    }

    void newestFirstWithEveryField()
    {
        const QJsonArray all = records({});
        QVERIFY(all.size() >= 5);
        qint64 previous = std::numeric_limits<qint64>::max();
        for (const QJsonValue &record : all) {
            const qint64 id = record[u"id"_s].toInteger();
            QVERIFY(id < previous);
            previous = id;
            QVERIFY(!record[u"at"_s].toString().isEmpty());
            QVERIFY(!record[u"action"_s].toString().isEmpty());
            QVERIFY(record[u"detail"_s].isObject());
            QVERIFY(record.toObject().contains(u"terminal"_s));
        }
    }

    void filters()
    {
        QCOMPARE(field(records(u"?actor=clerk"_s), u"actor"_s), QSet<QString>{u"clerk"_s});
        // A prefix: "login" finds "login" and "login.failed".
        QCOMPARE(field(records(u"?actor=clerk&action=login"_s), u"action"_s),
                 (QSet<QString>{u"login"_s, u"login.failed"_s}));
        QCOMPARE(records(u"?action=login.f"_s).size(), 1);
        QCOMPARE(records(u"?terminal=Window%201"_s).size(), 2);
        QCOMPARE(field(records(u"?terminal=Window%202"_s), u"action"_s),
                 (QSet<QString>{u"login"_s, u"login.failed"_s}));
        QCOMPARE(records(u"?terminal=Office&actor=supervisor"_s).size(), 1);
        QCOMPARE(records(u"?subject=supervisor"_s).size(), 1);
        QCOMPARE(records(u"?actor=nobody"_s).size(), 0);

        const QString from = m_started.toString(Qt::ISODateWithMs);
        const QString later = QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate);
        const QString earlier = m_started.addSecs(-3600).toString(Qt::ISODate);
        QCOMPARE(records(u"?actor=clerk&from="_s + from + u"&to="_s + later).size(), 4);
        QCOMPARE(records(u"?from="_s + later).size(), 0);
        QCOMPARE(records(u"?to="_s + earlier).size(), 0);
    }

    void pagesBack()
    {
        const QJsonArray all = records(u"?limit=500"_s);
        QJsonArray paged;
        QString query = u"?limit=2"_s;
        for (int page = 0; page < 100; ++page) {
            const HttpReply reply = m_supervisor->get(u"/audit"_s + query);
            QCOMPARE(reply.status, 200);
            const QJsonArray part = reply.json.value(u"records"_s).toArray();
            QVERIFY(part.size() <= 2);
            for (const QJsonValue &record : part)
                paged.append(record);
            if (!reply.json.contains(u"nextBeforeId"_s))
                break;
            QCOMPARE(part.size(), 2);
            query = u"?limit=2&beforeId=%1"_s.arg(reply.json.value(u"nextBeforeId"_s).toInteger());
        }
        QCOMPARE(paged, all);
    }

    void badParameters_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("limit 0") << u"?limit=0"_s;
        QTest::newRow("limit 501") << u"?limit=501"_s;
        QTest::newRow("beforeId negative") << u"?beforeId=-1"_s;
        QTest::newRow("beforeId text") << u"?beforeId=last"_s;
        QTest::newRow("from garbage") << u"?from=yesterday"_s;
        QTest::newRow("to garbage") << u"?to=2026-99-99T00:00:00Z"_s;
        QTest::newRow("actor too long") << u"?actor="_s + QString(65, u'a');
    }

    void badParameters()
    {
        QFETCH(QString, query);
        const HttpReply reply = m_supervisor->get(u"/audit"_s + query);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), u"BAD_REQUEST"_s);
    }

    void verifyThenTamper()
    {
        const HttpReply intact = m_supervisor->get(u"/audit/verify"_s);
        QVERIFY2(intact.status == 200, qPrintable(intact.describe()));
        QCOMPARE(intact.json.value(u"intact"_s).toBool(), true);
        QVERIFY(intact.json.value(u"records"_s).toInt() >= 5);
        QVERIFY(!intact.json.contains(u"brokenAtId"_s));

        // A record with a terminal: its terminal is part of its hash.
        const QJsonArray window2 = records(u"?terminal=Window%202&action=login.failed"_s);
        QCOMPARE(window2.size(), 1);
        const qint64 id = window2.first()[u"id"_s].toInteger();
        QString why;
        QVERIFY2(
            m_server.sql(u"UPDATE audit_log SET terminal = 'Window 9' WHERE id = ?"_s, {id}, &why),
            qPrintable(why));
        const HttpReply broken = m_supervisor->get(u"/audit/verify"_s);
        QCOMPARE(broken.status, 200);
        QCOMPARE(broken.json.value(u"intact"_s).toBool(), false);
        QCOMPARE(broken.json.value(u"brokenAtId"_s).toInteger(), id);
        QVERIFY(!broken.json.value(u"problem"_s).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
