// Refunds over HTTP against the real server (docs/supervisor-api.md, Refunds): a supervisor
// refunds a whole order or chosen tickets; the tickets are revoked (their QR scans REVOKED),
// the seats are AVAILABLE at once on every terminal (the live channel tells them) and sellable
// by another session; cash completes at once, card goes through a real boxoffice-paysim and
// its signed callback. Who may refund, and what cannot be refunded. The invariant audit holds
// after every scenario.

#include "moneydesk.h"
#include "paysimprocess.h"
#include "testserver.h"

#include "core/security/paymentsignature.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QWebSocket>

using namespace Boxoffice::Test;

namespace {

constexpr int kWaitMs = 30'000;

QStringList ticketCodes(const QList<QJsonObject> &tickets)
{
    QStringList codes;
    for (const QJsonObject &ticket : tickets)
        codes.append(ticket.value(QStringLiteral("ticketCode")).toString());
    return codes;
}

QJsonObject ticketByCode(const QJsonObject &order, const QString &code)
{
    for (const QJsonValue &ticket : order.value(QStringLiteral("tickets")).toArray()) {
        if (ticket[QStringLiteral("ticketCode")].toString() == code)
            return ticket.toObject();
    }
    return {};
}

// Seat ids a live subscriber was told became `status`.
QStringList announced(const QList<QJsonObject> &messages, const QString &status)
{
    QStringList seats;
    for (const QJsonObject &message : messages) {
        if (message.value(QStringLiteral("type")).toString() != QLatin1StringView("delta"))
            continue;
        for (const QJsonValue &change : message.value(QStringLiteral("changes")).toArray()) {
            if (change[QStringLiteral("status")].toString() == status)
                seats += stringList(change[QStringLiteral("seatIds")]);
        }
    }
    return seats;
}

} // namespace

class TestRefunds : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    MoneyDesk m_desk{m_server};
    PaysimProcess m_paysim;

    HttpReply refund(const QString &role, const QString &order, const QJsonObject &body)
    {
        return m_desk.as(role).post(QStringLiteral("/orders/%1/refunds").arg(order), body);
    }
    static QJsonObject because(const QString &reason = QStringLiteral("customer cannot come"))
    {
        return QJsonObject{{QStringLiteral("reason"), reason}};
    }
    HttpReply refundCallback(const QJsonObject &body, const QByteArray &secret = {})
    {
        const QByteArray raw = QJsonDocument(body).toJson(QJsonDocument::Compact);
        const QByteArray signature = Boxoffice::Core::paymentSignatureHeader(
            secret.isEmpty() ? m_server.options().paymentSecret : secret,
            QDateTime::currentSecsSinceEpoch(), raw);
        return m_desk.as(QStringLiteral("anonymous"))
            .request("POST", QStringLiteral("/refunds/callback"), raw,
                     {{"Content-Type", "application/json"}, {"X-Payment-Signature", signature}});
    }
    // An order paid by card through the simulator.
    std::optional<TestSale> cardSale(int count, QString *why)
    {
        auto sale = m_desk.unpaidSale(count, QStringLiteral("seagull-1"), why);
        if (!sale)
            return std::nullopt;
        TestClient acquirer(m_paysim.url().toString());
        const HttpReply charged =
            acquirer.post(QStringLiteral("/charges"),
                          QJsonObject{{QStringLiteral("orderId"), sale->order},
                                      {QStringLiteral("amountCents"), sale->amountCents},
                                      {QStringLiteral("currency"), sale->currency},
                                      {QStringLiteral("outcome"), QStringLiteral("approve")}});
        if (charged.status != 202) {
            *why = QStringLiteral("charge: ") + charged.describe();
            return std::nullopt;
        }
        if (!QTest::qWaitFor(
                [&] {
                    return m_desk.order(sale->order).value(QStringLiteral("status")).toString() ==
                           QLatin1StringView("TICKETED");
                },
                kWaitMs)) {
            *why = QStringLiteral("the card payment never arrived");
            return std::nullopt;
        }
        for (const QJsonValue &ticket :
             m_desk.order(sale->order).value(QStringLiteral("tickets")).toArray())
            sale->tickets.append(ticket.toObject());
        return sale;
    }
    QString refundStatus(const QString &order, int index = 0)
    {
        return m_desk.order(order)
            .value(QStringLiteral("refunds"))[index][QStringLiteral("status")]
            .toString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        QString why;
        QVERIFY2(m_desk.loginAll(&why), qPrintable(why));
        QVERIFY2(m_paysim.start({QStringLiteral("--server"),
                                 QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                                 QStringLiteral("--delay-ms"), QStringLiteral("50")},
                                m_server.options().paymentSecret),
                 qPrintable(m_paysim.output()));
    }

    // Every scenario leaves the books balanced.
    void cleanup()
    {
        QString report;
        QVERIFY2(m_server.runAudit(&report) == 0, qPrintable(report));
        if (QTest::currentTestFailed())
            qWarning().noquote() << "server output (tail):\n" << m_server.output().right(4000);
    }

    void supervisorRefundsAWholeOrder()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));

        QWebSocket live;
        QList<QJsonObject> messages;
        connect(&live, &QWebSocket::textMessageReceived, this, [&messages](const QString &text) {
            messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        live.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/shows/seagull-1/live?token=%2")
                           .arg(m_server.port())
                           .arg(m_desk.as(QStringLiteral("clerk")).token())));
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, kWaitMs); // hello

        const HttpReply refunded = refund(QStringLiteral("supervisor"), sale->order, because());
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        const QJsonObject &r = refunded.json;
        QVERIFY(
            r.value(QStringLiteral("refundId")).toString().startsWith(QLatin1StringView("RFD_")));
        QCOMPARE(r.value(QStringLiteral("orderId")).toString(), sale->order);
        QCOMPARE(r.value(QStringLiteral("kind")).toString(), QStringLiteral("REFUND"));
        QCOMPARE(r.value(QStringLiteral("method")).toString(), QStringLiteral("CASH"));
        QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("COMPLETED"));
        QCOMPARE(r.value(QStringLiteral("amountCents")).toInteger(), sale->amountCents);
        QCOMPARE(r.value(QStringLiteral("currency")).toString(), sale->currency);
        QCOMPARE(sorted(stringList(r.value(QStringLiteral("ticketCodes")))),
                 sorted(ticketCodes(sale->tickets)));
        QCOMPARE(sorted(stringList(r.value(QStringLiteral("seatIds")))), sorted(sale->seats));
        QCOMPARE(r.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("customer cannot come"));
        QCOMPARE(r.value(QStringLiteral("requestedBy")).toString(), QStringLiteral("supervisor"));
        QCOMPARE(r.value(QStringLiteral("orderStatus")).toString(), QStringLiteral("REFUNDED"));

        // Sellable at once: the map says so, every subscriber is told, another session holds.
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        QTRY_VERIFY_WITH_TIMEOUT(sorted(announced(messages, QStringLiteral("AVAILABLE"))) ==
                                     sorted(sale->seats),
                                 kWaitMs);
        QString holdWhy;
        const QString resold = m_desk.hold(QStringLiteral("kiosk"), QStringLiteral("seagull-1"),
                                           sale->seats, &holdWhy);
        QVERIFY2(!resold.isEmpty(), qPrintable(holdWhy));
        QCOMPARE(m_desk.as(QStringLiteral("kiosk"))
                     .request("DELETE", QStringLiteral("/holds/") + resold)
                     .status,
                 200);

        for (const QJsonObject &ticket : sale->tickets)
            QCOMPARE(m_desk.scan(ticket.value(QStringLiteral("qrPayload")).toString()),
                     QStringLiteral("REVOKED"));
        const QJsonObject order = m_desk.order(sale->order);
        QCOMPARE(order.value(QStringLiteral("status")).toString(), QStringLiteral("REFUNDED"));
        for (const QJsonValue &ticket : order.value(QStringLiteral("tickets")).toArray()) {
            QCOMPARE(ticket[QStringLiteral("status")].toString(), QStringLiteral("REVOKED"));
            QCOMPARE(ticket[QStringLiteral("revokedReason")].toString(), QStringLiteral("REFUND"));
            QVERIFY(!ticket[QStringLiteral("revokedAt")].toString().isEmpty());
            QVERIFY(ticket[QStringLiteral("priceCents")].toInteger() > 0);
        }
        const QJsonArray refunds = order.value(QStringLiteral("refunds")).toArray();
        QCOMPARE(refunds.size(), 1);
        QCOMPARE(refunds[0][QStringLiteral("refundId")], r.value(QStringLiteral("refundId")));

        // On record: who, what, and the state before and after.
        QTRY_COMPARE_WITH_TIMEOUT(m_desk.auditDetails(QStringLiteral("refund"), sale->order).size(),
                                  1, kWaitMs);
        const QJsonObject detail =
            m_desk.auditDetails(QStringLiteral("refund"), sale->order).first();
        QCOMPARE(detail.value(QStringLiteral("refundId")), r.value(QStringLiteral("refundId")));
        QCOMPARE(detail.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("customer cannot come"));
        QCOMPARE(detail[QStringLiteral("before")][QStringLiteral("orderStatus")].toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("orderStatus")].toString(),
                 QStringLiteral("REFUNDED"));
        QCOMPARE(
            detail[QStringLiteral("before")][QStringLiteral("seats")][sale->seats[0]].toString(),
            QStringLiteral("SOLD"));
        QCOMPARE(
            detail[QStringLiteral("after")][QStringLiteral("seats")][sale->seats[0]].toString(),
            QStringLiteral("AVAILABLE"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("refundedCents")].toInteger(),
                 sale->amountCents);
    }

    void partialRefundTouchesOnlyTheChosenTickets()
    {
        QString why;
        const auto sale = m_desk.paidSale(3, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const QString first = sale->tickets[0].value(QStringLiteral("ticketCode")).toString();
        const QString firstSeat = sale->tickets[0].value(QStringLiteral("seatId")).toString();
        QJsonObject body = because();
        body.insert(QStringLiteral("ticketCodes"), QJsonArray{first});
        const HttpReply refunded = refund(QStringLiteral("supervisor"), sale->order, body);
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        QCOMPARE(stringList(refunded.json.value(QStringLiteral("ticketCodes"))),
                 QStringList{first});
        QCOMPARE(refunded.json.value(QStringLiteral("amountCents")).toInteger(),
                 sale->tickets[0].value(QStringLiteral("priceCents")).toInteger());
        QCOMPARE(refunded.json.value(QStringLiteral("orderStatus")).toString(),
                 QStringLiteral("TICKETED"));

        QStringList expected;
        for (const QJsonObject &ticket : sale->tickets)
            expected.append(ticket.value(QStringLiteral("seatId")).toString() == firstSeat
                                ? QStringLiteral("AVAILABLE")
                                : QStringLiteral("SOLD"));
        QStringList ticketSeats;
        for (const QJsonObject &ticket : sale->tickets)
            ticketSeats.append(ticket.value(QStringLiteral("seatId")).toString());
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), ticketSeats), expected);
        const QJsonObject order = m_desk.order(sale->order);
        QCOMPARE(order.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(ticketByCode(order, first).value(QStringLiteral("status")).toString(),
                 QStringLiteral("REVOKED"));
        const QString second = sale->tickets[1].value(QStringLiteral("ticketCode")).toString();
        QCOMPARE(ticketByCode(order, second).value(QStringLiteral("status")).toString(),
                 QStringLiteral("VALID"));

        // The same ticket twice: refused, nothing changes.
        const HttpReply twice = refund(QStringLiteral("supervisor"), sale->order, body);
        QCOMPARE(twice.status, 409);
        QCOMPARE(twice.errorCode(), QStringLiteral("ALREADY_REFUNDED"));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("refunds")).toArray().size(), 1);

        // The rest: the order is refunded.
        const HttpReply rest = refund(QStringLiteral("supervisor"), sale->order, because());
        QVERIFY2(rest.status == 201, qPrintable(rest.describe()));
        QCOMPARE(stringList(rest.json.value(QStringLiteral("ticketCodes"))).size(), 2);
        QCOMPARE(rest.json.value(QStringLiteral("orderStatus")).toString(),
                 QStringLiteral("REFUNDED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), ticketSeats),
                 QStringList(3, QStringLiteral("AVAILABLE")));
        // Nothing is left to refund.
        const HttpReply empty = refund(QStringLiteral("supervisor"), sale->order, because());
        QCOMPARE(empty.status, 409);
        QCOMPARE(empty.errorCode(), QStringLiteral("ORDER_NOT_REFUNDABLE"));
    }

    void onlySupervisorsRefund_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<int>("status");
        QTest::newRow("clerk") << QStringLiteral("clerk") << 403;
        QTest::newRow("kiosk") << QStringLiteral("kiosk") << 403;
        QTest::newRow("admin") << QStringLiteral("admin") << 403;
        QTest::newRow("anonymous") << QStringLiteral("anonymous") << 401;
    }

    void onlySupervisorsRefund()
    {
        QFETCH(QString, role);
        QFETCH(int, status);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply refused = refund(role, sale->order, because());
        QCOMPARE(refused.status, status);
        QCOMPARE(refused.errorCode(),
                 status == 401 ? QStringLiteral("UNAUTHENTICATED") : QStringLiteral("FORBIDDEN"));
        // Nothing happened: still sold, still valid.
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("SOLD")});
        const QJsonObject order = m_desk.order(sale->order);
        QCOMPARE(order.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QVERIFY(order.value(QStringLiteral("refunds")).toArray().isEmpty());
        // And the supervisor then can.
        const HttpReply done = refund(QStringLiteral("supervisor"), sale->order, because());
        QCOMPARE(done.status, 201);
        QCOMPARE(m_desk.scan(sale->tickets[0].value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("REVOKED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("AVAILABLE")});
    }

    void usedTicketIsNotRefunded()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        QCOMPARE(m_desk.scan(sale->tickets[0].value(QStringLiteral("qrPayload")).toString()),
                 QStringLiteral("VALID"));
        const QString used = sale->tickets[0].value(QStringLiteral("ticketCode")).toString();
        QJsonObject body = because();
        body.insert(QStringLiteral("ticketCodes"), QJsonArray{used});
        const HttpReply refused = refund(QStringLiteral("supervisor"), sale->order, body);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), QStringLiteral("TICKET_USED"));
        // Without codes: the valid one only; the order keeps its used ticket.
        const HttpReply rest = refund(QStringLiteral("supervisor"), sale->order, because());
        QVERIFY2(rest.status == 201, qPrintable(rest.describe()));
        QCOMPARE(stringList(rest.json.value(QStringLiteral("ticketCodes"))),
                 QStringList{sale->tickets[1].value(QStringLiteral("ticketCode")).toString()});
        QCOMPARE(rest.json.value(QStringLiteral("orderStatus")).toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"),
                                     {sale->tickets[0].value(QStringLiteral("seatId")).toString(),
                                      sale->tickets[1].value(QStringLiteral("seatId")).toString()}),
                 (QStringList{QStringLiteral("SOLD"), QStringLiteral("AVAILABLE")}));
    }

    void whatCannotBeRefunded()
    {
        QString why;
        const auto unpaid = m_desk.unpaidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(unpaid, qPrintable(why));
        const HttpReply notPaid = refund(QStringLiteral("supervisor"), unpaid->order, because());
        QCOMPARE(notPaid.status, 409);
        QCOMPARE(notPaid.errorCode(), QStringLiteral("ORDER_NOT_REFUNDABLE"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), unpaid->seats),
                 QStringList{QStringLiteral("HELD")});

        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply unknownOrder =
            refund(QStringLiteral("supervisor"), QStringLiteral("ORD_NOT_THERE"), because());
        QCOMPARE(unknownOrder.status, 404);
        QJsonObject body = because();
        body.insert(QStringLiteral("ticketCodes"), QJsonArray{QStringLiteral("T_NOT_THERE")});
        const HttpReply unknownTicket = refund(QStringLiteral("supervisor"), sale->order, body);
        QCOMPARE(unknownTicket.status, 404);
        QCOMPARE(unknownTicket.errorCode(), QStringLiteral("TICKET_NOT_FOUND"));
        // Another order's ticket is not this order's.
        const auto other = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(other, qPrintable(why));
        body.insert(QStringLiteral("ticketCodes"),
                    QJsonArray{other->tickets[0].value(QStringLiteral("ticketCode"))});
        QCOMPARE(refund(QStringLiteral("supervisor"), sale->order, body).errorCode(),
                 QStringLiteral("TICKET_NOT_FOUND"));
        QJsonObject card = because();
        card.insert(QStringLiteral("method"), QStringLiteral("CARD"));
        const HttpReply noCard = refund(QStringLiteral("supervisor"), sale->order, card);
        QCOMPARE(noCard.status, 409);
        QCOMPARE(noCard.errorCode(), QStringLiteral("NO_CARD_PAYMENT"));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("SOLD")});
    }

    void cardRefundThroughTheAcquirer()
    {
        QString why;
        const auto sale = cardSale(2, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply refunded = refund(QStringLiteral("supervisor"), sale->order, because());
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        QCOMPARE(refunded.json.value(QStringLiteral("method")).toString(), QStringLiteral("CARD"));
        QCOMPARE(refunded.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("CARD_PENDING"));
        const QString payment = refunded.json.value(QStringLiteral("paymentId")).toString();
        QVERIFY(payment.startsWith(QLatin1StringView("PAYSIM_")));
        // The seats do not wait for the money.
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));

        TestClient acquirer(m_paysim.url().toString());
        const HttpReply sent =
            acquirer.post(QStringLiteral("/refunds"),
                          QJsonObject{{QStringLiteral("refundId"),
                                       refunded.json.value(QStringLiteral("refundId"))},
                                      {QStringLiteral("paymentId"), payment},
                                      {QStringLiteral("amountCents"), sale->amountCents},
                                      {QStringLiteral("currency"), sale->currency}});
        QVERIFY2(sent.status == 202, qPrintable(sent.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(refundStatus(sale->order), QStringLiteral("COMPLETED"), kWaitMs);
        const QJsonObject stored =
            m_desk.order(sale->order).value(QStringLiteral("refunds"))[0].toObject();
        QVERIFY(stored.value(QStringLiteral("acquirerReference"))
                    .toString()
                    .startsWith(QLatin1StringView("PAYSIM_R_")));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_desk
                .auditDetails(QStringLiteral("refund.card"),
                              refunded.json.value(QStringLiteral("refundId")).toString())
                .size(),
            1, kWaitMs);
    }

    void declinedCardRefundCanBeRetried()
    {
        QString why;
        const auto sale = cardSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply refunded = refund(QStringLiteral("supervisor"), sale->order, because());
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        QJsonObject toAcquirer{
            {QStringLiteral("refundId"), refunded.json.value(QStringLiteral("refundId"))},
            {QStringLiteral("paymentId"), refunded.json.value(QStringLiteral("paymentId"))},
            {QStringLiteral("amountCents"), sale->amountCents},
            {QStringLiteral("currency"), sale->currency}};
        TestClient acquirer(m_paysim.url().toString());
        QJsonObject declined = toAcquirer;
        declined.insert(QStringLiteral("outcome"), QStringLiteral("decline"));
        QCOMPARE(acquirer.post(QStringLiteral("/refunds"), declined).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(refundStatus(sale->order), QStringLiteral("CARD_FAILED"),
                                  kWaitMs);
        QVERIFY(!m_desk.order(sale->order)
                     .value(QStringLiteral("refunds"))[0]
                     .toObject()
                     .contains(QStringLiteral("acquirerReference")));
        QTRY_COMPARE_WITH_TIMEOUT(acquirer
                                      .get(QStringLiteral("/refunds/") +
                                           toAcquirer.value(QStringLiteral("refundId")).toString())
                                      .json.value(QStringLiteral("status"))
                                      .toString(),
                                  QStringLiteral("FAILED"), kWaitMs);
        QCOMPARE(acquirer.post(QStringLiteral("/refunds"), toAcquirer).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(refundStatus(sale->order), QStringLiteral("COMPLETED"), kWaitMs);
    }

    void refundCallbacksAreChecked()
    {
        QString why;
        const auto sale = cardSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply refunded = refund(QStringLiteral("supervisor"), sale->order, because());
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        const QJsonObject good{
            {QStringLiteral("refundId"), refunded.json.value(QStringLiteral("refundId"))},
            {QStringLiteral("paymentId"), refunded.json.value(QStringLiteral("paymentId"))},
            {QStringLiteral("acquirerRefundId"), QStringLiteral("ACQ-1")},
            {QStringLiteral("status"), QStringLiteral("SUCCEEDED")},
            {QStringLiteral("amountCents"), sale->amountCents}};

        const HttpReply forged = refundCallback(good, "not-the-secret");
        QCOMPARE(forged.status, 401);
        QCOMPARE(forged.errorCode(), QStringLiteral("SIGNATURE_INVALID"));
        const HttpReply unsigned_ =
            m_desk.as(QStringLiteral("anonymous")).post(QStringLiteral("/refunds/callback"), good);
        QCOMPARE(unsigned_.status, 401);
        QJsonObject wrongAmount = good;
        wrongAmount.insert(QStringLiteral("amountCents"), sale->amountCents + 1);
        const HttpReply amount = refundCallback(wrongAmount);
        QCOMPARE(amount.status, 400);
        QCOMPARE(amount.errorCode(), QStringLiteral("AMOUNT_MISMATCH"));
        QJsonObject wrongPayment = good;
        wrongPayment.insert(QStringLiteral("paymentId"), QStringLiteral("PAYSIM_OTHER"));
        QCOMPARE(refundCallback(wrongPayment).status, 400);
        QJsonObject unknown = good;
        unknown.insert(QStringLiteral("refundId"), QStringLiteral("RFD_NOT_THERE"));
        QCOMPARE(refundCallback(unknown).status, 404);
        QJsonObject badStatus = good;
        badStatus.insert(QStringLiteral("status"), QStringLiteral("MAYBE"));
        QCOMPARE(refundCallback(badStatus).status, 400);
        QCOMPARE(refundStatus(sale->order), QStringLiteral("CARD_PENDING"));

        const HttpReply applied = refundCallback(good);
        QVERIFY2(applied.status == 200, qPrintable(applied.describe()));
        QCOMPARE(applied.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("COMPLETED"));
        QCOMPARE(applied.json.value(QStringLiteral("acquirerReference")).toString(),
                 QStringLiteral("ACQ-1"));
        // A repeat answers the stored state, also when it claims otherwise.
        const HttpReply repeat = refundCallback(good);
        QCOMPARE(repeat.status, 200);
        QCOMPARE(repeat.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("COMPLETED"));
        QJsonObject lateFailure = good;
        lateFailure.insert(QStringLiteral("status"), QStringLiteral("FAILED"));
        QCOMPARE(refundCallback(lateFailure).json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("COMPLETED"));
        QCOMPARE(refundStatus(sale->order), QStringLiteral("COMPLETED"));
        // A cash refund takes no callback.
        const auto cash = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(cash, qPrintable(why));
        const HttpReply cashRefund = refund(QStringLiteral("supervisor"), cash->order, because());
        QCOMPARE(cashRefund.status, 201);
        QJsonObject onCash = good;
        onCash.insert(QStringLiteral("refundId"),
                      cashRefund.json.value(QStringLiteral("refundId")));
        QCOMPARE(refundCallback(onCash).status, 409);
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_desk.auditDetails(QStringLiteral("refund.callback.rejected"), QStringLiteral("-"))
                 .isEmpty(),
            kWaitMs);
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("path"); // ORDER: a paid order
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("empty body") << QStringLiteral("ORDER") << QByteArray() << 400;
        QTest::newRow("not JSON") << QStringLiteral("ORDER") << QByteArray("reason=x") << 400;
        QTest::newRow("array") << QStringLiteral("ORDER") << QByteArray("[]") << 400;
        QTest::newRow("reason missing") << QStringLiteral("ORDER") << QByteArray("{}") << 400;
        QTest::newRow("reason empty")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":""})") << 400;
        QTest::newRow("reason a number")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":5})") << 400;
        QTest::newRow("reason too long")
            << QStringLiteral("ORDER")
            << QByteArray(R"({"reason":")" + QByteArray(501, 'x') + R"("})") << 400;
        QTest::newRow("ticketCodes not an array")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":"x","ticketCodes":"T1"})") << 400;
        QTest::newRow("ticketCodes empty")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":"x","ticketCodes":[]})") << 400;
        QTest::newRow("ticketCodes of numbers")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":"x","ticketCodes":[1]})") << 400;
        QTest::newRow("ticket code too long")
            << QStringLiteral("ORDER")
            << QByteArray(R"({"reason":"x","ticketCodes":[")" + QByteArray(65, 'T') + R"("]})")
            << 400;
        QTest::newRow("method unknown")
            << QStringLiteral("ORDER") << QByteArray(R"({"reason":"x","method":"GOLD"})") << 400;
        QTest::newRow("unknown order")
            << QStringLiteral("ORD_NOT_THERE") << QByteArray(R"({"reason":"x"})") << 404;
        QTest::newRow("order id too long")
            << QString(65, u'O') << QByteArray(R"({"reason":"x"})") << 404;
    }

    void badInput()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        path.replace(QStringLiteral("ORDER"), sale->order);
        const HttpReply reply = m_desk.as(QStringLiteral("supervisor"))
                                    .request("POST", QStringLiteral("/orders/%1/refunds").arg(path),
                                             body, {{"Content-Type", "application/json"}});
        QVERIFY2(reply.status == status, qPrintable(reply.describe()));
        QVERIFY(!reply.errorCode().isEmpty());
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("SOLD")});
    }
};

QTEST_GUILESS_MAIN(TestRefunds)
#include "tst_refunds.moc"
