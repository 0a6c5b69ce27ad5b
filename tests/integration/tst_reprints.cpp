// Reprints over HTTP against the real server (docs/supervisor-api.md, Reprints): the old ticket
// is revoked (its QR scans REVOKED), a new one with a fresh code and a new signed QR replaces it
// (VALID), counting prints and naming the ticket it replaced; the seat stays sold. Only a VALID
// ticket is reprinted, only by a supervisor.

#include "moneydesk.h"
#include "testserver.h"

#include <QJsonArray>
#include <QTest>

using namespace Boxoffice::Test;

namespace {

constexpr int kWaitMs = 30'000;

QJsonObject because()
{
    return QJsonObject{{QStringLiteral("reason"), QStringLiteral("printer jammed")}};
}

} // namespace

class TestReprints : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    MoneyDesk m_desk{m_server};

    HttpReply reprint(const QString &role, const QString &ticket,
                      const QJsonObject &body = because())
    {
        return m_desk.as(role).post(QStringLiteral("/tickets/%1/reprint").arg(ticket), body);
    }

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

    void reprintRevokesTheOldQrAndIssuesANewOne()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const QJsonObject &old = sale->tickets[0];
        const QString oldCode = old.value(QStringLiteral("ticketCode")).toString();
        QCOMPARE(old.value(QStringLiteral("printCount")).toInt(), 1);

        const HttpReply printed = reprint(QStringLiteral("supervisor"), oldCode);
        QVERIFY2(printed.status == 201, qPrintable(printed.describe()));
        QCOMPARE(printed.json.value(QStringLiteral("orderId")).toString(), sale->order);
        QCOMPARE(printed.json.value(QStringLiteral("revokedTicketCode")).toString(), oldCode);
        const QJsonObject fresh = printed.json.value(QStringLiteral("ticket")).toObject();
        const QString newCode = fresh.value(QStringLiteral("ticketCode")).toString();
        QVERIFY(!newCode.isEmpty());
        QVERIFY(newCode != oldCode);
        QCOMPARE(fresh.value(QStringLiteral("seatId")), old.value(QStringLiteral("seatId")));
        QCOMPARE(fresh.value(QStringLiteral("status")).toString(), QStringLiteral("VALID"));
        QCOMPARE(fresh.value(QStringLiteral("printCount")).toInt(), 2);
        QCOMPARE(fresh.value(QStringLiteral("reprintOf")).toString(), oldCode);
        QCOMPARE(fresh.value(QStringLiteral("priceCents")),
                 old.value(QStringLiteral("priceCents")));
        QVERIFY(fresh.value(QStringLiteral("qrPayload")) != old.value(QStringLiteral("qrPayload")));

        // The seat stays sold; the order now lists both tickets.
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("SOLD")));
        const QJsonObject order = m_desk.order(sale->order);
        QCOMPARE(order.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(order.value(QStringLiteral("tickets")).toArray().size(), 3);
        for (const QJsonValue &ticket : order.value(QStringLiteral("tickets")).toArray()) {
            if (ticket[QStringLiteral("ticketCode")].toString() == oldCode) {
                QCOMPARE(ticket[QStringLiteral("status")].toString(), QStringLiteral("REVOKED"));
                QCOMPARE(ticket[QStringLiteral("revokedReason")].toString(),
                         QStringLiteral("REPRINT"));
            }
        }

        QCOMPARE(m_desk.scan(old.value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("REVOKED"));
        QCOMPARE(m_desk.scan(fresh.value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("VALID"));

        QTRY_COMPARE_WITH_TIMEOUT(m_desk.auditDetails(QStringLiteral("reprint"), oldCode).size(), 1,
                                  kWaitMs);
        const QJsonObject detail = m_desk.auditDetails(QStringLiteral("reprint"), oldCode).first();
        QCOMPARE(detail.value(QStringLiteral("newTicketCode")).toString(), newCode);
        QCOMPARE(detail[QStringLiteral("before")][QStringLiteral("tickets")][oldCode].toString(),
                 QStringLiteral("VALID"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("tickets")][oldCode].toString(),
                 QStringLiteral("REVOKED"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("tickets")][newCode].toString(),
                 QStringLiteral("VALID"));
    }

    void aReprintCanBeReprintedAndRefunded()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply first =
            reprint(QStringLiteral("supervisor"),
                    sale->tickets[0].value(QStringLiteral("ticketCode")).toString());
        QCOMPARE(first.status, 201);
        const QString second =
            first.json[QStringLiteral("ticket")][QStringLiteral("ticketCode")].toString();
        const HttpReply third = reprint(QStringLiteral("supervisor"), second);
        QVERIFY2(third.status == 201, qPrintable(third.describe()));
        QCOMPARE(third.json[QStringLiteral("ticket")][QStringLiteral("printCount")].toInt(), 3);
        QCOMPARE(third.json[QStringLiteral("ticket")][QStringLiteral("reprintOf")].toString(),
                 second);

        const HttpReply refunded =
            m_desk.as(QStringLiteral("supervisor"))
                .post(QStringLiteral("/orders/%1/refunds").arg(sale->order), because());
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        QCOMPARE(
            stringList(refunded.json.value(QStringLiteral("ticketCodes"))),
            QStringList{
                third.json[QStringLiteral("ticket")][QStringLiteral("ticketCode")].toString()});
        QCOMPARE(refunded.json.value(QStringLiteral("amountCents")).toInteger(), sale->amountCents);
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("AVAILABLE")});
    }

    void onlyValidTicketsAreReprinted()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const QString code = sale->tickets[0].value(QStringLiteral("ticketCode")).toString();
        QCOMPARE(reprint(QStringLiteral("supervisor"), code).status, 201);
        const HttpReply revoked = reprint(QStringLiteral("supervisor"), code);
        QCOMPARE(revoked.status, 409);
        QCOMPARE(revoked.errorCode(), QStringLiteral("TICKET_NOT_VALID"));

        QCOMPARE(m_desk.scan(sale->tickets[1].value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("VALID"));
        const HttpReply used =
            reprint(QStringLiteral("supervisor"),
                    sale->tickets[1].value(QStringLiteral("ticketCode")).toString());
        QCOMPARE(used.status, 409);
        QCOMPARE(used.errorCode(), QStringLiteral("TICKET_NOT_VALID"));

        const HttpReply unknown =
            reprint(QStringLiteral("supervisor"), QStringLiteral("T_NOT_THERE"));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.errorCode(), QStringLiteral("TICKET_NOT_FOUND"));
    }

    void onlySupervisorsReprint_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<int>("status");
        QTest::newRow("clerk") << QStringLiteral("clerk") << 403;
        QTest::newRow("kiosk") << QStringLiteral("kiosk") << 403;
        QTest::newRow("admin") << QStringLiteral("admin") << 403;
        QTest::newRow("anonymous") << QStringLiteral("anonymous") << 401;
    }

    void onlySupervisorsReprint()
    {
        QFETCH(QString, role);
        QFETCH(int, status);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        QCOMPARE(
            reprint(role, sale->tickets[0].value(QStringLiteral("ticketCode")).toString()).status,
            status);
        QCOMPARE(m_desk.scan(sale->tickets[0].value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("VALID"));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty body") << QByteArray();
        QTest::newRow("not JSON") << QByteArray("reprint please");
        QTest::newRow("reason missing") << QByteArray("{}");
        QTest::newRow("reason an object") << QByteArray(R"({"reason":{}})");
        QTest::newRow("reason too long")
            << QByteArray(R"({"reason":")" + QByteArray(501, 'r') + R"("})");
        QTest::newRow("reason with a control character") << QByteArray(R"({"reason":"a\u0001b"})");
    }

    void badInput()
    {
        QFETCH(QByteArray, body);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const QString code = sale->tickets[0].value(QStringLiteral("ticketCode")).toString();
        const HttpReply reply =
            m_desk.as(QStringLiteral("supervisor"))
                .request("POST", QStringLiteral("/tickets/%1/reprint").arg(code), body,
                         {{"Content-Type", "application/json"}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), QStringLiteral("BAD_REQUEST"));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("tickets")).toArray().size(), 1);
        // A ticket code that is not one at all.
        const HttpReply odd =
            m_desk.as(QStringLiteral("supervisor"))
                .post(QStringLiteral("/tickets/%1/reprint").arg(QString(65, u'T')), because());
        QCOMPARE(odd.status, 404);
    }
};

QTEST_GUILESS_MAIN(TestReprints)
#include "tst_reprints.moc"
