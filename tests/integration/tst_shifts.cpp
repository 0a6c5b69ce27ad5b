// Cash shifts against a real server: a clerk opens a shift with a float at a terminal, sells
// for cash (with change) and by card (a real boxoffice-paysim callback), reads an X report,
// and closes with counted cash: the Z report adds up to float + cash sales - cash refunds
// (exchange cash included) and difference = counted - expected, in exact cents. The refunds are
// real ones, made by the clerk with a supervisor's override, in cash and back to the card. A
// second cashier on a second terminal, and the day report sums both per cashier and per
// terminal.

#include "paysimprocess.h"
#include "testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <memory>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

namespace {

const QString kShow = u"seagull-1"_s;

struct Sale
{
    QString order;
    qint64 amountCents = 0;
    int seats = 0;
};

} // namespace

class TestShifts : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    PaysimProcess m_paysim;
    std::unique_ptr<TestClient> m_clerk;      // clerk at Till-1
    std::unique_ptr<TestClient> m_supervisor; // supervisor at Till-2
    int m_nextSeat = 0;
    int m_keys = 0;

    // Clerk shift state shared by the ordered test functions.
    QString m_shift;
    qint64 m_cashSales = 0;
    qint64 m_cardSales = 0;
    int m_tickets = 0;
    int m_salesCount = 0;
    QString m_firstOrder;
    QString m_onlineOrder; // paid by card through the acquirer
    qint64 m_cashRefund = 0;
    QJsonObject m_z;

    QString password() const { return m_server.options().demoPassword; }

    // Holds `seats` fresh seats with `client` and orders them; nullopt on failure (logged).
    std::optional<Sale> order(TestClient &client, int seats)
    {
        QJsonArray ids;
        for (int i = 0; i < seats; ++i)
            ids.append(u"STALLS-E-%1"_s.arg(++m_nextSeat));
        const HttpReply hold = client.post(u"/shows/%1/holds"_s.arg(kShow), {{u"seatIds"_s, ids}});
        if (hold.status != 201) {
            qWarning().noquote() << "hold:" << hold.describe();
            return std::nullopt;
        }
        const HttpReply made =
            client.post(u"/orders"_s, {{u"holdId"_s, hold.json.value(u"holdId"_s)}},
                        {{"X-Idempotency-Key", "shift-key-" + QByteArray::number(++m_keys)}});
        if (made.status != 201) {
            qWarning().noquote() << "order:" << made.describe();
            return std::nullopt;
        }
        return Sale{made.json.value(u"orderId"_s).toString(),
                    made.json.value(u"amountCents"_s).toInteger(), seats};
    }

    // A cash sale with `extraCents` handed over on top (change).
    std::optional<Sale> cashSale(TestClient &client, int seats, qint64 extraCents)
    {
        auto sale = order(client, seats);
        if (!sale)
            return std::nullopt;
        const HttpReply paid = client.post(
            u"/orders/%1/payments"_s.arg(sale->order),
            {{u"method"_s, u"CASH"_s}, {u"amountTenderedCents"_s, sale->amountCents + extraCents}});
        if (paid.status != 201 || paid.json.value(u"changeCents"_s).toInteger() != extraCents) {
            qWarning().noquote() << "cash payment:" << paid.describe();
            return std::nullopt;
        }
        return sale;
    }

    bool sql(const QString &statement, const QVariantList &values = {})
    {
        QString why;
        const bool ok = m_server.sql(statement, values, &why).has_value();
        if (!ok)
            qWarning().noquote() << statement << why;
        return ok;
    }

    // The clerk refunds the first ticket of `order` with a supervisor's override given on the
    // spot; the refund's answer, or an empty object (logged) on failure.
    QJsonObject refundFirstTicket(const QString &order, const QString &method)
    {
        const HttpReply granted =
            m_clerk->post(u"/overrides"_s, {{u"supervisor"_s, u"supervisor"_s},
                                            {u"password"_s, password()},
                                            {u"action"_s, u"refund"_s},
                                            {u"subject"_s, order}});
        if (granted.status != 201) {
            qWarning().noquote() << "override:" << granted.describe();
            return {};
        }
        const QJsonArray tickets = m_clerk->get(u"/orders/"_s + order).json[u"tickets"_s].toArray();
        if (tickets.isEmpty())
            return {};
        const HttpReply refunded = m_clerk->post(
            u"/orders/%1/refunds"_s.arg(order),
            {{u"ticketCodes"_s, QJsonArray{tickets.first()[u"ticketCode"_s]}},
             {u"reason"_s, u"customer cannot come"_s},
             {u"method"_s, method}},
            {{"X-Override-Token", granted.json.value(u"token"_s).toString().toLatin1()}});
        if (refunded.status != 201) {
            qWarning().noquote() << "refund:" << refunded.describe();
            return {};
        }
        return refunded.json;
    }

    static qint64 cents(const QJsonObject &report, const QString &section, const QString &field)
    {
        return report.value(section).toObject().value(field).toInteger();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerk = std::make_unique<TestClient>(m_server.baseUrl());
        QCOMPARE(m_clerk->login(u"clerk"_s, password(), u"Till-1"_s).status, 201);
        m_supervisor = std::make_unique<TestClient>(m_server.baseUrl());
        QCOMPARE(m_supervisor->login(u"supervisor"_s, password(), u"Till-2"_s).status, 201);
        QVERIFY2(m_paysim.start({u"--server"_s, u"http://127.0.0.1:%1"_s.arg(m_server.port()),
                                 u"--delay-ms"_s, u"20"_s},
                                m_server.options().paymentSecret),
                 qPrintable(m_paysim.output()));
    }

    void noShiftBeforeOpening()
    {
        const HttpReply current = m_clerk->get(u"/shifts/current"_s);
        QCOMPARE(current.status, 404);
        QCOMPARE(current.errorCode(), u"NO_OPEN_SHIFT"_s);
    }

    void openingNeedsATerminalAndAFloat_data()
    {
        QTest::addColumn<bool>("withTerminal");
        QTest::addColumn<QJsonObject>("body");
        QTest::newRow("no terminal") << false << QJsonObject{{u"floatCents"_s, 1000}};
        QTest::newRow("negative float") << true << QJsonObject{{u"floatCents"_s, -1}};
        QTest::newRow("fractional float") << true << QJsonObject{{u"floatCents"_s, 10.5}};
        QTest::newRow("float as text") << true << QJsonObject{{u"floatCents"_s, u"100"_s}};
        QTest::newRow("no float") << true << QJsonObject{};
    }

    void openingNeedsATerminalAndAFloat()
    {
        QFETCH(bool, withTerminal);
        QFETCH(QJsonObject, body);
        TestClient client(m_server.baseUrl());
        QCOMPARE(
            client.login(u"clerk"_s, password(), withTerminal ? u"Till-9"_s : QString()).status,
            201);
        const HttpReply opened = client.post(u"/shifts"_s, body);
        QCOMPARE(opened.status, 400);
        QCOMPARE(opened.errorCode(), u"BAD_REQUEST"_s);
    }

    void openWithFloat()
    {
        const HttpReply opened = m_clerk->post(u"/shifts"_s, {{u"floatCents"_s, 15000}});
        QVERIFY2(opened.status == 201, qPrintable(opened.describe()));
        m_shift = opened.json.value(u"shiftId"_s).toString();
        QVERIFY(!m_shift.isEmpty());
        QCOMPARE(opened.json.value(u"status"_s).toString(), u"OPEN"_s);
        QCOMPARE(opened.json.value(u"terminal"_s).toString(), u"Till-1"_s);
        QCOMPARE(opened.json.value(u"username"_s).toString(), u"clerk"_s);
        QCOMPARE(opened.json.value(u"floatCents"_s).toInteger(), 15000);
        QVERIFY(!opened.json.contains(u"closedAt"_s));
        const HttpReply current = m_clerk->get(u"/shifts/current"_s);
        QCOMPARE(current.status, 200);
        QCOMPARE(current.json.value(u"shiftId"_s).toString(), m_shift);
    }

    void oneOpenShiftPerUserAndPerTerminal()
    {
        // The same clerk at another terminal.
        TestClient elsewhere(m_server.baseUrl());
        QCOMPARE(elsewhere.login(u"clerk"_s, password(), u"Till-3"_s).status, 201);
        const HttpReply sameUser = elsewhere.post(u"/shifts"_s, {{u"floatCents"_s, 100}});
        QCOMPARE(sameUser.status, 409);
        QCOMPARE(sameUser.errorCode(), u"SHIFT_ALREADY_OPEN"_s);
        // Another cashier at the same terminal.
        TestClient sameTill(m_server.baseUrl());
        QCOMPARE(sameTill.login(u"supervisor"_s, password(), u"Till-1"_s).status, 201);
        const HttpReply sameTerminal = sameTill.post(u"/shifts"_s, {{u"floatCents"_s, 100}});
        QCOMPARE(sameTerminal.status, 409);
        QCOMPARE(sameTerminal.errorCode(), u"SHIFT_ALREADY_OPEN"_s);
    }

    void salesJoinTheShift()
    {
        // Cash with change: only the order's amount is the shift's.
        auto first = cashSale(*m_clerk, 2, 730);
        QVERIFY(first);
        auto second = cashSale(*m_clerk, 1, 0);
        QVERIFY(second);
        m_firstOrder = first->order;
        m_cashSales = first->amountCents + second->amountCents;
        m_tickets = 3;
        m_salesCount = 2;

        // A box-office card terminal payment.
        auto slip = order(*m_clerk, 1);
        QVERIFY(slip);
        const HttpReply card =
            m_clerk->post(u"/orders/%1/payments"_s.arg(slip->order),
                          {{u"method"_s, u"CARD"_s}, {u"reference"_s, u"SLIP-77"_s}});
        QVERIFY2(card.status == 201, qPrintable(card.describe()));
        m_cardSales += slip->amountCents;
        m_tickets += 1;
        m_salesCount += 1;

        // A card payment through the acquirer: the callback joins the order's shift.
        auto online = order(*m_clerk, 2);
        QVERIFY(online);
        TestClient acquirer(m_paysim.url().toString());
        const HttpReply charge =
            acquirer.post(u"/charges"_s, {{u"orderId"_s, online->order},
                                          {u"amountCents"_s, online->amountCents},
                                          {u"currency"_s, u"EUR"_s}});
        QVERIFY2(charge.status / 100 == 2, qPrintable(charge.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_clerk->get(u"/orders/"_s + online->order).json.value(u"status"_s).toString(),
            u"TICKETED"_s, 30'000);
        m_cardSales += online->amountCents;
        m_onlineOrder = online->order;
        m_tickets += 2;
        m_salesCount += 1;

        const HttpReply detail = m_clerk->get(u"/orders/"_s + online->order);
        QCOMPARE(detail.json.value(u"terminal"_s).toString(), u"Till-1"_s);
        QCOMPARE(detail.json.value(u"shiftId"_s).toString(), m_shift);
        auto stamped = m_server.sql(u"SELECT COUNT(*) FROM payment WHERE shift_id = ?"
                                    " AND status = 'APPLIED'"_s,
                                    {m_shift});
        QVERIFY(stamped && !stamped->isEmpty());
        QCOMPARE(stamped->first().value(0).toInt(), 4);

        // A sale from a session without a terminal is in no drawer.
        TestClient roaming(m_server.baseUrl());
        QCOMPARE(roaming.login(u"clerk"_s, password()).status, 201);
        auto outside = cashSale(roaming, 1, 0);
        QVERIFY(outside);
        QVERIFY(!roaming.get(u"/orders/"_s + outside->order).json.contains(u"shiftId"_s));
    }

    void xReportMidShift()
    {
        const HttpReply x = m_clerk->get(u"/shifts/%1/report"_s.arg(m_shift));
        QVERIFY2(x.status == 200, qPrintable(x.describe()));
        QCOMPARE(x.json.value(u"kind"_s).toString(), u"X"_s);
        QCOMPARE(x.json[u"shift"_s][u"status"_s].toString(), u"OPEN"_s);
        QCOMPARE(cents(x.json, u"sales"_s, u"count"_s), m_salesCount);
        QCOMPARE(cents(x.json, u"sales"_s, u"tickets"_s), m_tickets);
        QCOMPARE(cents(x.json, u"sales"_s, u"cashCents"_s), m_cashSales);
        QCOMPARE(cents(x.json, u"sales"_s, u"cardCents"_s), m_cardSales);
        QCOMPARE(cents(x.json, u"sales"_s, u"totalCents"_s), m_cashSales + m_cardSales);
        QCOMPARE(cents(x.json, u"refunds"_s, u"count"_s), 0);
        QCOMPARE(x.json.value(u"floatCents"_s).toInteger(), 15000);
        QCOMPARE(x.json.value(u"netCashCents"_s).toInteger(), m_cashSales);
        QCOMPARE(x.json.value(u"expectedCashCents"_s).toInteger(), 15000 + m_cashSales);
        QVERIFY(!x.json.contains(u"countedCents"_s));
        QVERIFY(!x.json.contains(u"differenceCents"_s));
        // The X report changes nothing.
        QCOMPARE(m_clerk->get(u"/shifts/current"_s).json.value(u"status"_s).toString(), u"OPEN"_s);
    }

    void zReportAddsUpWithSalesRefundsAndFloat()
    {
        // Money out of this drawer: one ticket back in cash, one back to the card. The card
        // refund counts while the acquirer still works on it (CARD_PENDING).
        const QJsonObject cash = refundFirstTicket(m_firstOrder, u"CASH"_s);
        QCOMPARE(cash.value(u"status"_s).toString(), u"COMPLETED"_s);
        QCOMPARE(cash.value(u"shiftId"_s).toString(), m_shift);
        QCOMPARE(cash.value(u"authorizedBy"_s).toString(), u"supervisor"_s);
        m_cashRefund = cash.value(u"amountCents"_s).toInteger();
        QVERIFY(m_cashRefund > 0);
        const QJsonObject card = refundFirstTicket(m_onlineOrder, u"CARD"_s);
        QCOMPARE(card.value(u"status"_s).toString(), u"CARD_PENDING"_s);
        const qint64 cardRefund = card.value(u"amountCents"_s).toInteger();
        QVERIFY(cardRefund > 0);
        // Another cashier's refund, outside this shift, stays out of this drawer.
        TestClient other(m_server.baseUrl());
        QCOMPARE(other.login(u"supervisor"_s, password(), u"Till-9"_s).status, 201);
        const QString secondCode = m_clerk->get(u"/orders/"_s + m_firstOrder)
                                       .json[u"tickets"_s][1][u"ticketCode"_s]
                                       .toString();
        const HttpReply elsewhere =
            other.post(u"/orders/%1/refunds"_s.arg(m_firstOrder),
                       {{u"ticketCodes"_s, QJsonArray{secondCode}}, {u"reason"_s, u"test"_s}});
        QVERIFY2(elsewhere.status == 201, qPrintable(elsewhere.describe()));
        QVERIFY(!elsewhere.json.contains(u"shiftId"_s) ||
                elsewhere.json.value(u"shiftId"_s).toString() != m_shift);

        const qint64 expected = 15000 + m_cashSales - m_cashRefund;
        const qint64 counted = expected - 45; // 45 cents short
        const HttpReply closed =
            m_clerk->post(u"/shifts/%1/close"_s.arg(m_shift), {{u"countedCents"_s, counted}});
        QVERIFY2(closed.status == 200, qPrintable(closed.describe()));
        m_z = closed.json;
        QCOMPARE(m_z.value(u"kind"_s).toString(), u"Z"_s);
        QCOMPARE(m_z[u"shift"_s][u"status"_s].toString(), u"CLOSED"_s);
        QCOMPARE(m_z[u"shift"_s][u"countedCents"_s].toInteger(), counted);
        QCOMPARE(cents(m_z, u"sales"_s, u"cashCents"_s), m_cashSales);
        QCOMPARE(cents(m_z, u"sales"_s, u"cardCents"_s), m_cardSales);
        QCOMPARE(cents(m_z, u"sales"_s, u"count"_s), m_salesCount);
        QCOMPARE(cents(m_z, u"refunds"_s, u"count"_s), 2);
        QCOMPARE(cents(m_z, u"refunds"_s, u"tickets"_s), 2);
        QCOMPARE(cents(m_z, u"refunds"_s, u"cashCents"_s), m_cashRefund);
        QCOMPARE(cents(m_z, u"refunds"_s, u"cardCents"_s), cardRefund);
        QCOMPARE(cents(m_z, u"refunds"_s, u"totalCents"_s), m_cashRefund + cardRefund);
        QCOMPARE(cents(m_z, u"exchanges"_s, u"count"_s), 0);
        QCOMPARE(m_z.value(u"floatCents"_s).toInteger(), 15000);
        QCOMPARE(m_z.value(u"netCashCents"_s).toInteger(), m_cashSales - m_cashRefund);
        QCOMPARE(m_z.value(u"expectedCashCents"_s).toInteger(), expected);
        QCOMPARE(m_z.value(u"countedCents"_s).toInteger(), counted);
        QCOMPARE(m_z.value(u"differenceCents"_s).toInteger(), -45);

        // Stored: the report of a closed shift is its Z report, byte for byte the same.
        const HttpReply again = m_clerk->get(u"/shifts/%1/report"_s.arg(m_shift));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json, m_z);
        auto stored = m_server.sql(u"SELECT status, counted_cents, z_report FROM cash_shift"
                                   " WHERE shift_id = ?"_s,
                                   {m_shift});
        QVERIFY(stored && stored->size() == 1);
        QCOMPARE(stored->first().value(0).toString(), u"CLOSED"_s);
        QCOMPARE(stored->first().value(1).toLongLong(), counted);
        QVERIFY(!stored->first().value(2).toString().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto rows =
                    m_server.sql(u"SELECT COUNT(*) FROM audit_log WHERE action ="
                                 " 'shift.closed' AND subject = ? AND terminal = 'Till-1'"_s,
                                 {m_shift});
                return rows && !rows->isEmpty() && rows->first().value(0).toInt() == 1;
            }(),
            10'000);
    }

    void aClosedShiftStaysClosed()
    {
        const HttpReply twice =
            m_clerk->post(u"/shifts/%1/close"_s.arg(m_shift), {{u"countedCents"_s, 1}});
        QCOMPARE(twice.status, 409);
        QCOMPARE(twice.errorCode(), u"SHIFT_CLOSED"_s);
        QCOMPARE(m_clerk->get(u"/shifts/current"_s).status, 404);
        // A sale after closing joins no shift, and the Z report does not move.
        auto late = cashSale(*m_clerk, 1, 0);
        QVERIFY(late);
        QVERIFY(!m_clerk->get(u"/orders/"_s + late->order).json.contains(u"shiftId"_s));
        QCOMPARE(m_clerk->get(u"/shifts/%1/report"_s.arg(m_shift)).json, m_z);
        const HttpReply unknown = m_clerk->get(u"/shifts/SHIFT_NONE/report"_s);
        QCOMPARE(unknown.status, 404);
    }

    void secondCashierOnSecondTerminalAndTheDayReport()
    {
        const HttpReply opened = m_supervisor->post(u"/shifts"_s, {{u"floatCents"_s, 5000}});
        QVERIFY2(opened.status == 201, qPrintable(opened.describe()));
        const QString shift = opened.json.value(u"shiftId"_s).toString();
        auto sale = cashSale(*m_supervisor, 3, 1);
        QVERIFY(sale);
        // A clerk may not read or close another cashier's shift.
        QCOMPARE(m_clerk->get(u"/shifts/%1/report"_s.arg(shift)).status, 403);
        QCOMPARE(m_clerk->post(u"/shifts/%1/close"_s.arg(shift), {{u"countedCents"_s, 0}}).status,
                 403);
        const qint64 expected = 5000 + sale->amountCents;
        const HttpReply closed = m_supervisor->post(u"/shifts/%1/close"_s.arg(shift),
                                                    {{u"countedCents"_s, expected + 10}});
        QVERIFY2(closed.status == 200, qPrintable(closed.describe()));
        QCOMPARE(closed.json.value(u"differenceCents"_s).toInteger(), 10);

        // Listing: supervisors see every shift.
        const HttpReply list = m_supervisor->get(u"/shifts?terminal=Till-2"_s);
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json.value(u"shifts"_s).toArray().size(), 1);
        QCOMPARE(
            m_supervisor->get(u"/shifts?status=CLOSED"_s).json.value(u"shifts"_s).toArray().size(),
            2);
        QCOMPARE(
            m_supervisor->get(u"/shifts?status=OPEN"_s).json.value(u"shifts"_s).toArray().size(),
            0);
        QCOMPARE(m_supervisor->get(u"/shifts?status=HALF"_s).status, 400);

        const QString today = QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
        const HttpReply day = m_supervisor->get(u"/reports/day?date="_s + today);
        QVERIFY2(day.status == 200, qPrintable(day.describe()));
        QCOMPARE(day.json.value(u"date"_s).toString(), today);
        const QJsonArray cashiers = day.json.value(u"byCashier"_s).toArray();
        const QJsonArray terminals = day.json.value(u"byTerminal"_s).toArray();
        QCOMPARE(cashiers.size(), 2);
        QCOMPARE(terminals.size(), 2);
        QHash<QString, QJsonObject> byTerminal;
        for (const QJsonValue &t : terminals)
            byTerminal.insert(t[u"terminal"_s].toString(), t.toObject());
        QCOMPARE(cents(byTerminal[u"Till-1"_s], u"sales"_s, u"cashCents"_s), m_cashSales);
        QCOMPARE(byTerminal[u"Till-1"_s].value(u"differenceCents"_s).toInteger(), -45);
        QCOMPARE(cents(byTerminal[u"Till-2"_s], u"sales"_s, u"cashCents"_s), sale->amountCents);
        QCOMPARE(byTerminal[u"Till-2"_s].value(u"differenceCents"_s).toInteger(), 10);
        QHash<QString, QJsonObject> byCashier;
        for (const QJsonValue &c : cashiers)
            byCashier.insert(c[u"username"_s].toString(), c.toObject());
        QCOMPARE(byCashier[u"clerk"_s].value(u"floatCents"_s).toInteger(), 15000);
        QCOMPARE(byCashier[u"supervisor"_s].value(u"floatCents"_s).toInteger(), 5000);
        const QJsonObject total = day.json.value(u"total"_s).toObject();
        QCOMPARE(total.value(u"shifts"_s).toInt(), 2);
        QCOMPARE(total.value(u"floatCents"_s).toInteger(), 20000);
        QCOMPARE(cents(total, u"sales"_s, u"cashCents"_s), m_cashSales + sale->amountCents);
        QCOMPARE(cents(total, u"sales"_s, u"cardCents"_s), m_cardSales);
        QCOMPARE(cents(total, u"refunds"_s, u"cashCents"_s), m_cashRefund);
        QCOMPARE(total.value(u"expectedCashCents"_s).toInteger(),
                 m_z.value(u"expectedCashCents"_s).toInteger() + expected);
        QCOMPARE(total.value(u"differenceCents"_s).toInteger(), -45 + 10);

        // Another day has nothing; a malformed date is refused.
        const HttpReply empty = m_supervisor->get(u"/reports/day?date=2001-01-01"_s);
        QCOMPARE(empty.status, 200);
        QCOMPARE(empty.json.value(u"byCashier"_s).toArray().size(), 0);
        QCOMPARE(empty.json[u"total"_s][u"shifts"_s].toInt(), 0);
        for (const QString &bad : {u"2026-13-01"_s, u"yesterday"_s, u""_s, u"2026-2-3"_s})
            QCOMPARE(m_supervisor->get(u"/reports/day?date="_s + bad).status, 400);
    }
};

QTEST_GUILESS_MAIN(TestShifts)
#include "tst_shifts.moc"
