// Stuck holds (docs/supervisor-api.md): supervisors and admins list the ACTIVE holds of a show,
// oldest first; a supervisor releases another user's hold, which frees its seats at once and is
// audited as hold.release.forced. A user's own release is not a forced one.

#include "moneydesk.h"
#include "testserver.h"

#include <QJsonArray>
#include <QTest>

using namespace Boxoffice::Test;

namespace {

constexpr int kWaitMs = 30'000;

QJsonObject holdIn(const HttpReply &list, const QString &hold)
{
    for (const QJsonValue &entry : list.json.value(QStringLiteral("holds")).toArray()) {
        if (entry[QStringLiteral("holdId")].toString() == hold)
            return entry.toObject();
    }
    return {};
}

} // namespace

class TestStuckHolds : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    MoneyDesk m_desk{m_server};

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        QString why;
        QVERIFY2(m_desk.loginAll(&why), qPrintable(why));
    }

    void cleanup()
    {
        QString report;
        QVERIFY2(m_server.runAudit(&report) == 0, qPrintable(report));
    }

    void supervisorListsAndReleasesAStuckHold()
    {
        const QStringList seats = m_desk.freeSeats(QStringLiteral("seagull-2"), 2);
        QCOMPARE(seats.size(), 2);
        QString why;
        const QString hold =
            m_desk.hold(QStringLiteral("clerk"), QStringLiteral("seagull-2"), seats, &why);
        QVERIFY2(!hold.isEmpty(), qPrintable(why));

        for (const QString role : {QStringLiteral("supervisor"), QStringLiteral("admin")}) {
            const HttpReply list = m_desk.as(role).get(QStringLiteral("/holds?showId=seagull-2"));
            QVERIFY2(list.status == 200, qPrintable(list.describe()));
            const QJsonObject entry = holdIn(list, hold);
            QVERIFY2(!entry.isEmpty(), qPrintable(list.describe()));
            QCOMPARE(entry.value(QStringLiteral("showId")).toString(), QStringLiteral("seagull-2"));
            QCOMPARE(entry.value(QStringLiteral("username")).toString(), QStringLiteral("clerk"));
            QVERIFY(!entry.value(QStringLiteral("userId")).toString().isEmpty());
            QCOMPARE(sorted(stringList(entry.value(QStringLiteral("seatIds")))), sorted(seats));
            QVERIFY(entry.value(QStringLiteral("totalPriceCents")).toInteger() > 0);
            QVERIFY(!entry.value(QStringLiteral("createdAt")).toString().isEmpty());
            QVERIFY(!entry.value(QStringLiteral("expiryTime")).toString().isEmpty());
        }
        // Not older than an hour yet.
        const HttpReply old =
            m_desk.as(QStringLiteral("supervisor"))
                .get(QStringLiteral("/holds?showId=seagull-2&olderThanSeconds=3600"));
        QCOMPARE(old.status, 200);
        QVERIFY(holdIn(old, hold).isEmpty());
        // Other shows' holds are not listed.
        const HttpReply other =
            m_desk.as(QStringLiteral("supervisor")).get(QStringLiteral("/holds?showId=seagull-1"));
        QVERIFY(holdIn(other, hold).isEmpty());

        const HttpReply released = m_desk.as(QStringLiteral("supervisor"))
                                       .request("DELETE", QStringLiteral("/holds/") + hold);
        QVERIFY2(released.status == 200, qPrintable(released.describe()));
        QCOMPARE(released.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("RELEASED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-2"), seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        QVERIFY(holdIn(m_desk.as(QStringLiteral("supervisor"))
                           .get(QStringLiteral("/holds?showId=seagull-2")),
                       hold)
                    .isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(
            m_desk.auditDetails(QStringLiteral("hold.release.forced"), hold).size(), 1, kWaitMs);
        const QJsonObject detail =
            m_desk.auditDetails(QStringLiteral("hold.release.forced"), hold).first();
        QCOMPARE(detail[QStringLiteral("before")][QStringLiteral("holdStatus")].toString(),
                 QStringLiteral("ACTIVE"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("holdStatus")].toString(),
                 QStringLiteral("RELEASED"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("seatStatus")].toString(),
                 QStringLiteral("AVAILABLE"));
        // The seats are sellable again.
        const QString again =
            m_desk.hold(QStringLiteral("kiosk"), QStringLiteral("seagull-2"), seats, &why);
        QVERIFY2(!again.isEmpty(), qPrintable(why));
        QCOMPARE(m_desk.as(QStringLiteral("kiosk"))
                     .request("DELETE", QStringLiteral("/holds/") + again)
                     .status,
                 200);
    }

    void ownReleaseIsNotForced()
    {
        const QStringList seats = m_desk.freeSeats(QStringLiteral("seagull-2"), 1);
        QString why;
        const QString hold =
            m_desk.hold(QStringLiteral("supervisor"), QStringLiteral("seagull-2"), seats, &why);
        QVERIFY2(!hold.isEmpty(), qPrintable(why));
        QCOMPARE(m_desk.as(QStringLiteral("supervisor"))
                     .request("DELETE", QStringLiteral("/holds/") + hold)
                     .status,
                 200);
        // A forced release of another hold afterwards proves the audit writer caught up.
        const QStringList more = m_desk.freeSeats(QStringLiteral("seagull-2"), 1);
        const QString other =
            m_desk.hold(QStringLiteral("clerk"), QStringLiteral("seagull-2"), more, &why);
        QVERIFY2(!other.isEmpty(), qPrintable(why));
        QCOMPARE(m_desk.as(QStringLiteral("supervisor"))
                     .request("DELETE", QStringLiteral("/holds/") + other)
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_desk.auditDetails(QStringLiteral("hold.release.forced"), other).size(), 1, kWaitMs);
        QVERIFY(m_desk.auditDetails(QStringLiteral("hold.release.forced"), hold).isEmpty());
    }

    void clerksCannotReleaseOthersHolds()
    {
        const QStringList seats = m_desk.freeSeats(QStringLiteral("seagull-2"), 1);
        QString why;
        const QString hold =
            m_desk.hold(QStringLiteral("kiosk"), QStringLiteral("seagull-2"), seats, &why);
        QVERIFY2(!hold.isEmpty(), qPrintable(why));
        QCOMPARE(m_desk.as(QStringLiteral("clerk"))
                     .request("DELETE", QStringLiteral("/holds/") + hold)
                     .status,
                 403);
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-2"), seats),
                 QStringList{QStringLiteral("HELD")});
        QCOMPARE(m_desk.as(QStringLiteral("kiosk"))
                     .request("DELETE", QStringLiteral("/holds/") + hold)
                     .status,
                 200);
    }

    void listing_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::newRow("clerk") << QStringLiteral("clerk") << QStringLiteral("?showId=seagull-2")
                               << 403;
        QTest::newRow("kiosk") << QStringLiteral("kiosk") << QStringLiteral("?showId=seagull-2")
                               << 403;
        QTest::newRow("anonymous")
            << QStringLiteral("anonymous") << QStringLiteral("?showId=seagull-2") << 401;
        QTest::newRow("no showId") << QStringLiteral("supervisor") << QString() << 400;
        QTest::newRow("empty showId")
            << QStringLiteral("supervisor") << QStringLiteral("?showId=") << 400;
        QTest::newRow("odd showId")
            << QStringLiteral("supervisor") << QStringLiteral("?showId=a%27b") << 400;
        QTest::newRow("showId too long") << QStringLiteral("supervisor")
                                         << QStringLiteral("?showId=") + QString(65, u's') << 400;
        QTest::newRow("unknown show")
            << QStringLiteral("supervisor") << QStringLiteral("?showId=no-such-show") << 404;
        QTest::newRow("age not a number")
            << QStringLiteral("supervisor")
            << QStringLiteral("?showId=seagull-2&olderThanSeconds=old") << 400;
        QTest::newRow("age negative")
            << QStringLiteral("supervisor")
            << QStringLiteral("?showId=seagull-2&olderThanSeconds=-1") << 400;
        QTest::newRow("age huge") << QStringLiteral("supervisor")
                                  << QStringLiteral(
                                         "?showId=seagull-2&olderThanSeconds=99999999999999999999")
                                  << 400;
        QTest::newRow("admin") << QStringLiteral("admin")
                               << QStringLiteral("?showId=seagull-2&olderThanSeconds=0") << 200;
    }

    void listing()
    {
        QFETCH(QString, role);
        QFETCH(QString, query);
        QFETCH(int, status);
        const HttpReply reply = m_desk.as(role).get(QStringLiteral("/holds") + query);
        QVERIFY2(reply.status == status, qPrintable(reply.describe()));
        if (status == 200)
            QVERIFY(reply.json.value(QStringLiteral("holds")).isArray());
        else
            QVERIFY(!reply.errorCode().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStuckHolds)
#include "tst_stuckholds.moc"
