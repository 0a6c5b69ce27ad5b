// Voids over HTTP against the real server (docs/supervisor-api.md, Voids): an unpaid order is
// cancelled and its seats freed with no money moving; a paid one within the void window is
// cancelled with all its money back (cash at once, card pending the acquirer), its tickets
// revoked; a used ticket, a closed window or a cancelled order refuse. Supervisors only.

#include "moneydesk.h"
#include "testserver.h"

#include <QJsonArray>
#include <QTest>

using namespace Boxoffice::Test;

namespace {

constexpr int kWaitMs = 30'000;

QJsonObject because()
{
    return QJsonObject{{QStringLiteral("reason"), QStringLiteral("wrong show sold")}};
}

} // namespace

class TestVoids : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    MoneyDesk m_desk{m_server};

    HttpReply voidOrder(const QString &role, const QString &order,
                        const QJsonObject &body = because())
    {
        return m_desk.as(role).post(QStringLiteral("/orders/%1/void").arg(order), body);
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

    void unpaidOrderIsCancelledWithNoMoney()
    {
        QString why;
        const auto sale = m_desk.unpaidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply voided = voidOrder(QStringLiteral("supervisor"), sale->order);
        QVERIFY2(voided.status == 200, qPrintable(voided.describe()));
        QCOMPARE(voided.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("CANCELLED"));
        QVERIFY(!voided.json.contains(QStringLiteral("refund")));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        const QJsonObject order = m_desk.order(sale->order);
        QCOMPARE(order.value(QStringLiteral("status")).toString(), QStringLiteral("CANCELLED"));
        QVERIFY(order.value(QStringLiteral("refunds")).toArray().isEmpty());
        // The order cannot be paid any more.
        const HttpReply pay =
            m_desk.as(QStringLiteral("clerk"))
                .post(QStringLiteral("/orders/%1/payments").arg(sale->order),
                      QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                  {QStringLiteral("amountTenderedCents"), sale->amountCents}});
        QCOMPARE(pay.status, 410);
        // Voiding again is refused.
        const HttpReply again = voidOrder(QStringLiteral("supervisor"), sale->order);
        QCOMPARE(again.status, 409);
        QCOMPARE(again.errorCode(), QStringLiteral("ORDER_NOT_VOIDABLE"));
        QTRY_COMPARE_WITH_TIMEOUT(m_desk.auditDetails(QStringLiteral("void"), sale->order).size(),
                                  1, kWaitMs);
        const QJsonObject detail = m_desk.auditDetails(QStringLiteral("void"), sale->order).first();
        QCOMPARE(detail[QStringLiteral("before")][QStringLiteral("orderStatus")].toString(),
                 QStringLiteral("PENDING_PAY"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("orderStatus")].toString(),
                 QStringLiteral("CANCELLED"));
        QCOMPARE(detail.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("wrong show sold"));
    }

    void paidOrderIsVoidedWithItsMoneyBack()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply voided = voidOrder(QStringLiteral("supervisor"), sale->order);
        QVERIFY2(voided.status == 200, qPrintable(voided.describe()));
        QCOMPARE(voided.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("CANCELLED"));
        const QJsonObject refund = voided.json.value(QStringLiteral("refund")).toObject();
        QCOMPARE(refund.value(QStringLiteral("kind")).toString(), QStringLiteral("VOID"));
        QCOMPARE(refund.value(QStringLiteral("method")).toString(), QStringLiteral("CASH"));
        QCOMPARE(refund.value(QStringLiteral("status")).toString(), QStringLiteral("COMPLETED"));
        QCOMPARE(refund.value(QStringLiteral("amountCents")).toInteger(), sale->amountCents);
        QCOMPARE(refund.value(QStringLiteral("orderStatus")).toString(),
                 QStringLiteral("CANCELLED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        for (const QJsonObject &ticket : sale->tickets)
            QCOMPARE(m_desk.scan(ticket.value(QStringLiteral("qrPayload")).toString()),
                     QStringLiteral("REVOKED"));
        const QJsonObject order = m_desk.order(sale->order);
        for (const QJsonValue &ticket : order.value(QStringLiteral("tickets")).toArray())
            QCOMPARE(ticket[QStringLiteral("revokedReason")].toString(), QStringLiteral("VOID"));
        QTRY_COMPARE_WITH_TIMEOUT(m_desk.auditDetails(QStringLiteral("void"), sale->order).size(),
                                  1, kWaitMs);
        QCOMPARE(m_desk.auditDetails(QStringLiteral("void"), sale->order)
                     .first()
                     .value(QStringLiteral("refundId")),
                 refund.value(QStringLiteral("refundId")));
    }

    void cardOrderIsVoidedBackToTheCard()
    {
        QString why;
        const auto sale = m_desk.unpaidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply paid =
            m_desk.as(QStringLiteral("clerk"))
                .post(QStringLiteral("/orders/%1/payments").arg(sale->order),
                      QJsonObject{{QStringLiteral("method"), QStringLiteral("CARD")},
                                  {QStringLiteral("reference"), QStringLiteral("SLIP-42")}});
        QVERIFY2(paid.status == 201, qPrintable(paid.describe()));
        const HttpReply voided = voidOrder(QStringLiteral("supervisor"), sale->order);
        QVERIFY2(voided.status == 200, qPrintable(voided.describe()));
        const QJsonObject refund = voided.json.value(QStringLiteral("refund")).toObject();
        QCOMPARE(refund.value(QStringLiteral("method")).toString(), QStringLiteral("CARD"));
        QCOMPARE(refund.value(QStringLiteral("status")).toString(), QStringLiteral("CARD_PENDING"));
        QCOMPARE(refund.value(QStringLiteral("paymentId")),
                 paid.json.value(QStringLiteral("paymentId")));
    }

    void usedTicketPreventsAVoid()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        QCOMPARE(m_desk.scan(sale->tickets[1].value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("VALID"));
        const HttpReply refused = voidOrder(QStringLiteral("supervisor"), sale->order);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), QStringLiteral("ORDER_NOT_VOIDABLE"));
        QVERIFY(refused.json[QStringLiteral("error")][QStringLiteral("reason")].toString().contains(
            QLatin1StringView("used")));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("SOLD")));
    }

    void refundedOrderIsNotVoided()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        QCOMPARE(m_desk.as(QStringLiteral("supervisor"))
                     .post(QStringLiteral("/orders/%1/refunds").arg(sale->order), because())
                     .status,
                 201);
        const HttpReply refused = voidOrder(QStringLiteral("supervisor"), sale->order);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), QStringLiteral("ORDER_NOT_VOIDABLE"));
    }

    void tooLateAfterTheWindow()
    {
        TestServer::Options options;
        options.extraArguments = {QStringLiteral("--void-window-minutes"), QStringLiteral("0")};
        TestServer strict(options);
        QVERIFY2(strict.start(), qPrintable(strict.output()));
        MoneyDesk desk(strict);
        QString why;
        QVERIFY2(desk.loginAll(&why), qPrintable(why));
        const auto sale = desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        // A window of 0 minutes is closed the moment the payment is applied.
        const HttpReply refused =
            desk.as(QStringLiteral("supervisor"))
                .post(QStringLiteral("/orders/%1/void").arg(sale->order), because());
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), QStringLiteral("ORDER_NOT_VOIDABLE"));
        QVERIFY(refused.json[QStringLiteral("error")][QStringLiteral("reason")].toString().contains(
            QLatin1StringView("window")));
        // A refund is still possible.
        QCOMPARE(desk.as(QStringLiteral("supervisor"))
                     .post(QStringLiteral("/orders/%1/refunds").arg(sale->order), because())
                     .status,
                 201);
        QString report;
        QVERIFY2(strict.runAudit(&report) == 0, qPrintable(report));
    }

    void onlySupervisorsVoid_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<int>("status");
        QTest::newRow("clerk") << QStringLiteral("clerk") << 403;
        QTest::newRow("kiosk") << QStringLiteral("kiosk") << 403;
        QTest::newRow("admin") << QStringLiteral("admin") << 403;
        QTest::newRow("anonymous") << QStringLiteral("anonymous") << 401;
    }

    void onlySupervisorsVoid()
    {
        QFETCH(QString, role);
        QFETCH(int, status);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        QCOMPARE(voidOrder(role, sale->order).status, status);
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("order");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("empty body") << QStringLiteral("ORDER") << QByteArray() << 400;
        QTest::newRow("not JSON") << QStringLiteral("ORDER") << QByteArray("{reason") << 400;
        QTest::newRow("reason missing") << QStringLiteral("ORDER") << QByteArray("{}") << 400;
        QTest::newRow("reason null")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":null})") << 400;
        QTest::newRow("reason too long")
            << QStringLiteral("ORDER")
            << QByteArray(R"({"reason":")" + QByteArray(501, 'v') + R"("})") << 400;
        QTest::newRow("unknown order")
            << QStringLiteral("ORD_NOT_THERE") << QByteArray(R"({"reason":"x"})") << 404;
        QTest::newRow("odd order id")
            << QStringLiteral("ORD%20X") << QByteArray(R"({"reason":"x"})") << 404;
    }

    void badInput()
    {
        QFETCH(QString, order);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        order.replace(QStringLiteral("ORDER"), sale->order);
        const HttpReply reply = m_desk.as(QStringLiteral("supervisor"))
                                    .request("POST", QStringLiteral("/orders/%1/void").arg(order),
                                             body, {{"Content-Type", "application/json"}});
        QVERIFY2(reply.status == status, qPrintable(reply.describe()));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
    }
};

QTEST_GUILESS_MAIN(TestVoids)
#include "tst_voids.moc"
