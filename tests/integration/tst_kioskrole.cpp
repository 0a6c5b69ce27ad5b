// The kiosk role over HTTP against the real server (docs/kiosk-and-door-api.md, Kiosks): a kiosk
// holds, orders, reads and cancels only its own; everything else is refused; its seats at once
// are capped (holds and unpaid orders together) and its hold and order requests rate-limited;
// a supervisor unlocks it with a PIN that counts towards the supervisor's lockout. Cancelling
// an unpaid order follows the same rules for every seller.

#include "asynchttp.h"
#include "moneydesk.h"
#include "testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUuid>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30'000;
constexpr int kMaxSeats = 4;

TestServer::Options kioskOptions(int maxSeats, int rate)
{
    TestServer::Options options;
    options.kioskMaxSeats = maxSeats;
    options.kioskRate = rate;
    return options;
}

QList<QPair<QByteArray, QByteArray>> freshKey()
{
    return {{"X-Idempotency-Key", QUuid::createUuid().toByteArray(QUuid::Id128)}};
}

} // namespace

class TestKioskRole : public QObject
{
    Q_OBJECT

private:
    // No rate limit here: the rate has a server of its own (rateLimitAnswers429).
    TestServer m_server{kioskOptions(kMaxSeats, 0)};
    MoneyDesk m_desk{m_server};
    std::unique_ptr<TestClient> m_kiosk; // logged in at the terminal "Kiosk 1"

    // An order of `count` fresh seats of seagull-1 by `client`; its id, hold and seats.
    struct Sale
    {
        QString hold;
        QString order;
        QStringList seats;
    };
    std::optional<Sale> sell(TestClient &client, int count, QString *why)
    {
        Sale sale;
        sale.seats = m_desk.freeSeats(u"seagull-1"_s, count);
        const HttpReply hold = client.post(
            u"/shows/seagull-1/holds"_s, {{u"seatIds"_s, QJsonArray::fromStringList(sale.seats)}});
        if (hold.status != 201) {
            *why = u"hold: "_s + hold.describe();
            return std::nullopt;
        }
        sale.hold = hold.json[u"holdId"_s].toString();
        const HttpReply order = client.post(u"/orders"_s, {{u"holdId"_s, sale.hold}}, freshKey());
        if (order.status != 201) {
            *why = u"order: "_s + order.describe();
            return std::nullopt;
        }
        sale.order = order.json[u"orderId"_s].toString();
        return sale;
    }
    HttpReply cancel(TestClient &client, const QString &order)
    {
        return client.request("POST", u"/orders/%1/cancel"_s.arg(order), "{}");
    }
    HttpReply unlock(const QJsonObject &body) { return m_kiosk->post(u"/kiosk/unlock"_s, body); }
    int count(const QString &sql)
    {
        const auto rows = m_server.sql(sql);
        return rows && !rows->isEmpty() ? rows->first().first().toInt() : -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        QString why;
        QVERIFY2(m_desk.loginAll(&why), qPrintable(why));
        m_kiosk = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply login =
            m_kiosk->login(u"kiosk"_s, m_server.options().demoPassword, u"Kiosk 1"_s);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
        QCOMPARE(login.json[u"role"_s].toString(), u"kiosk"_s);
    }

    void cleanup()
    {
        QString report;
        QVERIFY2(m_server.runAudit(&report) == 0, qPrintable(report));
    }

    void kioskSellsAndCancelsItsOwn()
    {
        QString why;
        const auto sale = sell(*m_kiosk, 2, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply mine = m_kiosk->get(u"/orders/"_s + sale->order);
        QVERIFY2(mine.status == 200, qPrintable(mine.describe()));
        QCOMPARE(mine.json[u"status"_s].toString(), u"PENDING_PAY"_s);
        QCOMPARE(m_desk.seatStatuses(u"seagull-1"_s, sale->seats), QStringList(2, u"HELD"_s));
        const qint64 version = m_kiosk->get(u"/shows/seagull-1"_s).json[u"version"_s].toInteger();

        const HttpReply cancelled = cancel(*m_kiosk, sale->order);
        QVERIFY2(cancelled.status == 200, qPrintable(cancelled.describe()));
        QCOMPARE(cancelled.json[u"orderId"_s].toString(), sale->order);
        QCOMPARE(cancelled.json[u"status"_s].toString(), u"CANCELLED"_s);
        // The seats are for sale again at once, and the show's version moved for subscribers.
        QCOMPARE(m_desk.seatStatuses(u"seagull-1"_s, sale->seats), QStringList(2, u"AVAILABLE"_s));
        QVERIFY(m_kiosk->get(u"/shows/seagull-1"_s).json[u"version"_s].toInteger() > version);
        QCOMPARE(m_desk.order(sale->order)[u"status"_s].toString(), u"CANCELLED"_s);
        // Again: the same answer, nothing more happens.
        const HttpReply again = cancel(*m_kiosk, sale->order);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, cancelled.body);
        // An empty body is fine too.
        QCOMPARE(m_kiosk->request("POST", u"/orders/%1/cancel"_s.arg(sale->order)).status, 200);

        QTRY_COMPARE_WITH_TIMEOUT(m_desk.auditDetails(u"order.cancel"_s, sale->order).size(), 1,
                                  kWaitMs);
        const QJsonObject detail = m_desk.auditDetails(u"order.cancel"_s, sale->order).first();
        QCOMPARE(detail[u"before"_s][u"status"_s].toString(), u"PENDING_PAY"_s);
        QCOMPARE(detail[u"after"_s][u"status"_s].toString(), u"CANCELLED"_s);
        QCOMPARE(sorted(stringList(detail[u"seatIds"_s])), sorted(sale->seats));
        const auto terminal = m_server.sql(
            u"SELECT terminal FROM audit_log WHERE action = 'order.cancel' AND subject = ?"_s,
            {sale->order});
        QVERIFY(terminal && !terminal->isEmpty());
        QCOMPARE(terminal->first().first().toString(), u"Kiosk 1"_s);
    }

    void kioskReachesNothingElse_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        const QString order = u"ORDER"_s; // a clerk's paid order, put in by the test
        const QList<QPair<QByteArray, QString>> refused{
            {"GET", u"/orders/"_s + order},
            {"POST", u"/orders/"_s + order + u"/cancel"_s},
            {"POST", u"/orders/"_s + order + u"/payments"_s},
            {"POST", u"/orders/"_s + order + u"/refunds"_s},
            {"POST", u"/orders/"_s + order + u"/void"_s},
            {"POST", u"/orders/"_s + order + u"/exchanges"_s},
            {"POST", u"/tickets/TICKET/reprint"_s},
            {"POST", u"/overrides"_s},
            {"GET", u"/audit"_s},
            {"GET", u"/audit/verify"_s},
            {"POST", u"/shifts"_s},
            {"GET", u"/shifts"_s},
            {"GET", u"/shifts/current"_s},
            {"GET", u"/reports/day?date=2026-01-01"_s},
            {"GET", u"/holds?showId=seagull-1"_s},
            {"GET", u"/orders?q=Nina"_s},
            {"POST", u"/tickets/verify"_s},
            {"POST", u"/tickets/scans"_s},
            {"GET", u"/tickets/scans?showId=seagull-1"_s},
            {"GET", u"/tickets/keys"_s},
            {"GET", u"/tickets/revocations?showId=seagull-1"_s},
        };
        for (const auto &[method, path] : refused)
            QTest::addRow("%s %s", method.constData(), qPrintable(path)) << method << path;
    }

    void kioskReachesNothingElse()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        static std::optional<TestSale> paid;
        if (!paid) {
            QString why;
            paid = m_desk.paidSale(1, u"seagull-2"_s, &why);
            QVERIFY2(paid, qPrintable(why));
        }
        path.replace(u"ORDER"_s, paid->order);
        path.replace(u"TICKET"_s, paid->tickets.first()[u"ticketCode"_s].toString());
        const QByteArray body = method == "GET" ? QByteArray()
                                                : QByteArray(R"({"reason":"x","method":"CASH",)"
                                                             R"("amountTenderedCents":100})");
        const HttpReply reply = m_kiosk->request(method, path, body, freshKey());
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.errorCode(), u"FORBIDDEN"_s);
        // Nothing happened to the clerk's order.
        QCOMPARE(m_desk.order(paid->order)[u"status"_s].toString(), u"TICKETED"_s);
    }

    void othersHoldsAreRefusedOnRecord()
    {
        QString why;
        const QString hold =
            m_desk.hold(u"clerk"_s, u"seagull-1"_s, m_desk.freeSeats(u"seagull-1"_s, 1), &why);
        QVERIFY2(!hold.isEmpty(), qPrintable(why));
        const QStringList paths{u"/api/v1/orders"_s, u"/api/v1/holds/"_s + hold};
        auto denials = [&](const QString &path) {
            return count(u"SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'"
                         " AND actor = 'kiosk' AND subject = '"_s +
                         path + u"'"_s);
        };
        const int ordersBefore = denials(paths[0]);
        const HttpReply order = m_kiosk->post(u"/orders"_s, {{u"holdId"_s, hold}}, freshKey());
        QCOMPARE(order.status, 403);
        QCOMPARE(order.errorCode(), u"FORBIDDEN"_s);
        const HttpReply release = m_kiosk->request("DELETE", u"/holds/"_s + hold);
        QCOMPARE(release.status, 403);
        QTRY_COMPARE_WITH_TIMEOUT(denials(paths[0]), ordersBefore + 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(denials(paths[1]), 1, kWaitMs);
        QCOMPARE(m_desk.as(u"clerk"_s).request("DELETE", u"/holds/"_s + hold).status, 200);
    }

    void seatCapCountsHoldsAndUnpaidOrders()
    {
        QString why;
        // Three seats in an unpaid order count as held.
        const auto sale = sell(*m_kiosk, 3, &why);
        QVERIFY2(sale, qPrintable(why));
        const QStringList two = m_desk.freeSeats(u"seagull-1"_s, 2);
        const HttpReply over = m_kiosk->post(u"/shows/seagull-1/holds"_s,
                                             {{u"seatIds"_s, QJsonArray::fromStringList(two)}});
        QCOMPARE(over.status, 403);
        QCOMPARE(over.errorCode(), u"KIOSK_SEAT_LIMIT"_s);
        const QJsonObject error = over.json[u"error"_s].toObject();
        QCOMPARE(error[u"maxSeats"_s].toInt(), kMaxSeats);
        QCOMPARE(error[u"seatsHeld"_s].toInt(), 3);
        QCOMPARE(error[u"seatsRequested"_s].toInt(), 2);
        QCOMPARE(m_desk.seatStatuses(u"seagull-1"_s, two), QStringList(2, u"AVAILABLE"_s));
        QTRY_VERIFY_WITH_TIMEOUT(!m_desk.auditDetails(u"kiosk.limit"_s, u"seagull-1"_s).isEmpty(),
                                 kWaitMs);
        QCOMPARE(
            m_desk.auditDetails(u"kiosk.limit"_s, u"seagull-1"_s).last()[u"seatsHeld"_s].toInt(),
            3);

        // Up to the cap is fine; one more is not.
        const HttpReply fourth =
            m_kiosk->post(u"/shows/seagull-1/holds"_s, {{u"seatIds"_s, QJsonArray{two.first()}}});
        QVERIFY2(fourth.status == 201, qPrintable(fourth.describe()));
        const HttpReply fifth =
            m_kiosk->post(u"/shows/seagull-1/holds"_s, {{u"seatIds"_s, QJsonArray{two.last()}}});
        QCOMPARE(fifth.errorCode(), u"KIOSK_SEAT_LIMIT"_s);

        // Cancelling and releasing give the seats back to the kiosk's allowance.
        QCOMPARE(cancel(*m_kiosk, sale->order).status, 200);
        QCOMPARE(
            m_kiosk->request("DELETE", u"/holds/"_s + fourth.json[u"holdId"_s].toString()).status,
            200);
        const HttpReply four = m_kiosk->post(
            u"/shows/seagull-1/holds"_s,
            {{u"seatIds"_s, QJsonArray::fromStringList(m_desk.freeSeats(u"seagull-1"_s, 4))}});
        QVERIFY2(four.status == 201, qPrintable(four.describe()));
        QCOMPARE(
            m_kiosk->request("DELETE", u"/holds/"_s + four.json[u"holdId"_s].toString()).status,
            200);

        // Staff have no cap.
        const HttpReply staff =
            m_desk.as(u"clerk"_s)
                .post(u"/shows/seagull-1/holds"_s,
                      {{u"seatIds"_s,
                        QJsonArray::fromStringList(m_desk.freeSeats(u"seagull-1"_s, 6))}});
        QVERIFY2(staff.status == 201, qPrintable(staff.describe()));
        QCOMPARE(m_desk.as(u"clerk"_s)
                     .request("DELETE", u"/holds/"_s + staff.json[u"holdId"_s].toString())
                     .status,
                 200);
    }

    // Holds sent at the same moment on separate connections: the cap is counted in the writer's
    // transaction, so no more than the cap's worth get through.
    void concurrentHoldsCannotPassTheCapTogether()
    {
        constexpr int kClients = 8;
        const QStringList seats = m_desk.freeSeats(u"seagull-1"_s, kClients);
        std::vector<std::unique_ptr<AsyncHttpClient>> clients;
        QStringList held;
        int refused = 0;
        int answered = 0;
        for (int i = 0; i < kClients; ++i) {
            clients.push_back(std::make_unique<AsyncHttpClient>(m_server.baseUrl()));
            clients.back()->setToken(m_kiosk->token());
        }
        for (int i = 0; i < kClients; ++i)
            clients[std::size_t(i)]->post(u"/shows/seagull-1/holds"_s,
                                          {{u"seatIds"_s, QJsonArray{seats[i]}}},
                                          [&](const AsyncReply &reply) {
                                              ++answered;
                                              if (reply.status == 201)
                                                  held.append(reply.json[u"holdId"_s].toString());
                                              else if (reply.errorCode() == u"KIOSK_SEAT_LIMIT"_s)
                                                  ++refused;
                                          });
        QTRY_COMPARE_WITH_TIMEOUT(answered, kClients, kWaitMs);
        QCOMPARE(held.size(), kMaxSeats);
        QCOMPARE(refused, kClients - kMaxSeats);
        for (const QString &hold : std::as_const(held))
            QCOMPARE(m_kiosk->request("DELETE", u"/holds/"_s + hold).status, 200);
    }

    void cancelRules()
    {
        QString why;
        TestClient &clerk = m_desk.as(u"clerk"_s);
        TestClient &supervisor = m_desk.as(u"supervisor"_s);
        // A clerk cancels its own; a supervisor anyone's; a clerk not a supervisor's.
        const auto own = sell(clerk, 1, &why);
        QVERIFY2(own, qPrintable(why));
        QCOMPARE(cancel(clerk, own->order).status, 200);
        const auto clerks = sell(clerk, 1, &why);
        QVERIFY2(clerks, qPrintable(why));
        const HttpReply notKiosks = cancel(*m_kiosk, clerks->order);
        QCOMPARE(notKiosks.status, 403);
        QCOMPARE(m_desk.order(clerks->order)[u"status"_s].toString(), u"PENDING_PAY"_s);
        QCOMPARE(cancel(supervisor, clerks->order).status, 200);
        const auto supervisors = sell(supervisor, 1, &why);
        QVERIFY2(supervisors, qPrintable(why));
        QCOMPARE(cancel(clerk, supervisors->order).status, 403);
        QCOMPARE(cancel(supervisor, supervisors->order).status, 200);

        // Paid orders are not cancelled.
        const auto paid = m_desk.paidSale(1, u"seagull-1"_s, &why);
        QVERIFY2(paid, qPrintable(why));
        const HttpReply refused = cancel(clerk, paid->order);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), u"CONFLICT"_s);
        QCOMPARE(refused.json[u"error"_s][u"status"_s].toString(), u"TICKETED"_s);
        QCOMPARE(m_desk.order(paid->order)[u"status"_s].toString(), u"TICKETED"_s);
        // Nor refunded ones.
        const HttpReply refund =
            supervisor.post(u"/orders/%1/refunds"_s.arg(paid->order),
                            {{u"reason"_s, u"gone"_s}, {u"method"_s, u"CASH"_s}});
        QVERIFY2(refund.status == 201, qPrintable(refund.describe()));
        QCOMPARE(cancel(supervisor, paid->order).json[u"error"_s][u"status"_s].toString(),
                 u"REFUNDED"_s);
        QCOMPARE(cancel(supervisor, u"ORD_NOT_THERE"_s).status, 404);
        QCOMPARE(clerk.request("POST", u"/orders/%1/cancel"_s.arg(own->order), "[1]").status, 400);
        QCOMPARE(m_desk.as(u"admin"_s)
                     .request("POST", u"/orders/%1/cancel"_s.arg(own->order), "{}")
                     .status,
                 403);
    }

    void unlockNeedsASupervisor()
    {
        const QString pin = m_server.options().demoPin;
        const HttpReply right = unlock({{u"supervisor"_s, u"supervisor"_s}, {u"pin"_s, pin}});
        QVERIFY2(right.status == 200, qPrintable(right.describe()));
        QCOMPARE(right.json[u"supervisor"_s].toString(), u"supervisor"_s);
        QVERIFY(QDateTime::fromString(right.json[u"unlockedAt"_s].toString(), Qt::ISODateWithMs)
                    .isValid());
        const HttpReply password = unlock(
            {{u"supervisor"_s, u"supervisor"_s}, {u"password"_s, m_server.options().demoPassword}});
        QCOMPARE(password.status, 200);

        // Wrong, unknown and not-a-supervisor are refused alike.
        const HttpReply wrong = unlock({{u"supervisor"_s, u"supervisor"_s}, {u"pin"_s, u"0000"_s}});
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.errorCode(), u"BAD_CREDENTIALS"_s);
        const HttpReply clerk = unlock(
            {{u"supervisor"_s, u"clerk"_s}, {u"password"_s, m_server.options().demoPassword}});
        QCOMPARE(clerk.status, 401);
        QCOMPARE(clerk.errorCode(), u"BAD_CREDENTIALS"_s);
        QCOMPARE(clerk.json[u"error"_s][u"message"_s].toString(),
                 u"wrong supervisor name or password"_s);
        const HttpReply nobody = unlock({{u"supervisor"_s, u"nobody"_s}, {u"pin"_s, pin}});
        QCOMPARE(nobody.errorCode(), u"BAD_CREDENTIALS"_s);
        QCOMPARE(nobody.json[u"error"_s][u"message"_s].toString(),
                 wrong.json[u"error"_s][u"message"_s].toString());
        QCOMPARE(unlock({{u"supervisor"_s, u"supervisor"_s}}).status, 400);
        QCOMPARE(
            unlock({{u"supervisor"_s, u"supervisor"_s}, {u"pin"_s, pin}, {u"password"_s, u"x"_s}})
                .status,
            400);
        QCOMPARE(
            m_desk.as(u"clerk"_s)
                .post(u"/kiosk/unlock"_s, {{u"supervisor"_s, u"supervisor"_s}, {u"pin"_s, pin}})
                .status,
            403);

        // Each attempt is on record with the kiosk's terminal.
        QTRY_COMPARE_WITH_TIMEOUT(count(u"SELECT COUNT(*) FROM audit_log WHERE action ="
                                        " 'kiosk.unlock' AND terminal = 'Kiosk 1'"_s),
                                  5, kWaitMs);
        const auto results = m_server.sql(
            u"SELECT detail FROM audit_log WHERE action = 'kiosk.unlock' ORDER BY id"_s);
        QVERIFY(results);
        QStringList outcomes;
        for (const QVariantList &row : *results)
            outcomes.append(QJsonDocument::fromJson(row.first().toString().toUtf8())
                                .object()[u"result"_s]
                                .toString());
        QCOMPARE(outcomes, (QStringList{u"UNLOCKED"_s, u"UNLOCKED"_s, u"REFUSED"_s, u"REFUSED"_s,
                                        u"REFUSED"_s}));
    }

    // The public at a kiosk names anyone: only a supervisor's secret is checked, so guesses at
    // a clerk, an admin or the kiosk itself lock nobody out and never answer differently.
    void unlockGuessesLockOutNoOneElse()
    {
        const QStringList names{u"clerk"_s, u"admin"_s, u"kiosk"_s, u"nobody"_s};
        for (const QString &name : names) {
            for (int i = 0; i < 12; ++i) {
                const QJsonObject body =
                    i % 2 ? QJsonObject{{u"supervisor"_s, name}, {u"pin"_s, u"1111"_s}}
                          : QJsonObject{{u"supervisor"_s, name}, {u"password"_s, u"guess"_s}};
                const HttpReply reply = unlock(body);
                QCOMPARE(reply.status, 401);
                QCOMPARE(reply.errorCode(), u"BAD_CREDENTIALS"_s);
            }
            // Even the right secret of someone who is not a supervisor unlocks nothing.
            QCOMPARE(
                unlock({{u"supervisor"_s, name}, {u"password"_s, m_server.options().demoPassword}})
                    .status,
                401);
        }
        QCOMPARE(
            count(u"SELECT COUNT(*) FROM app_user WHERE username IN ('clerk', 'admin', 'kiosk')"
                  " AND (failed_logins > 0 OR locked_until > 0)"_s),
            0);
        for (const QString &name : names.mid(0, 3)) {
            TestClient client(m_server.baseUrl());
            const HttpReply login = client.login(name, m_server.options().demoPassword);
            QVERIFY2(login.status == 201, qPrintable(login.describe()));
        }
    }

    // Last: it locks the supervisor out.
    void wrongPinsLockTheSupervisorOut()
    {
        int refused = 0;
        HttpReply last;
        for (int i = 0; i < 12; ++i) {
            last = unlock({{u"supervisor"_s, u"supervisor"_s}, {u"pin"_s, u"1111"_s}});
            if (last.status == 429)
                break;
            QCOMPARE(last.errorCode(), u"BAD_CREDENTIALS"_s);
            ++refused;
        }
        QCOMPARE(last.status, 429);
        QVERIFY2(refused <= 10, "the lockout comes after at most ten wrong secrets");
        // Locked: even the right PIN is refused now, at the kiosk and for an override alike.
        const HttpReply right =
            unlock({{u"supervisor"_s, u"supervisor"_s}, {u"pin"_s, m_server.options().demoPin}});
        QCOMPARE(right.status, 429);
        QCOMPARE(right.errorCode(), u"RATE_LIMITED"_s);
    }

    void badLimitsStopTheServerAtStart()
    {
        const QList<QStringList> refused{{u"--kiosk-max-seats"_s, u"0"_s},
                                         {u"--kiosk-max-seats"_s, u"many"_s},
                                         {u"--kiosk-rate"_s, u"-1"_s},
                                         {u"--kiosk-rate"_s}};
        for (const QStringList &arguments : refused) {
            TestServer::Options options;
            options.extraArguments = arguments;
            TestServer server(options);
            QVERIFY2(!server.start(20'000), qPrintable(arguments.join(u' ')));
            QVERIFY2(server.output().contains(arguments.first()), qPrintable(server.output()));
        }
    }

    void rateLimitAnswers429()
    {
        TestServer server(kioskOptions(-1, 3));
        QVERIFY2(server.start(), qPrintable(server.output()));
        TestClient kiosk(server.baseUrl());
        QCOMPARE(kiosk.login(u"kiosk"_s, server.options().demoPassword).status, 201);
        TestClient clerk(server.baseUrl());
        QCOMPARE(clerk.login(u"clerk"_s, server.options().demoPassword).status, 201);
        const QJsonObject noSeats{{u"seatIds"_s, QJsonArray{u"NO-SUCH-SEAT"_s}}};
        // Three requests (even refused ones) use the minute's budget; reads are not counted.
        QCOMPARE(kiosk.post(u"/shows/seagull-1/holds"_s, noSeats).status, 400);
        QCOMPARE(kiosk.post(u"/orders"_s, {{u"holdId"_s, u"HOLD_NOT_THERE"_s}}, freshKey()).status,
                 404);
        QCOMPARE(kiosk.get(u"/shows"_s).status, 200);
        QCOMPARE(kiosk.post(u"/shows/seagull-1/holds"_s, noSeats).status, 400);
        const HttpReply limited = kiosk.post(u"/shows/seagull-1/holds"_s, noSeats);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.errorCode(), u"RATE_LIMITED"_s);
        QByteArray retryAfter;
        for (const auto &[name, value] : limited.headers) {
            if (name.compare("Retry-After", Qt::CaseInsensitive) == 0)
                retryAfter = value;
        }
        bool ok = false;
        const int seconds = retryAfter.toInt(&ok);
        QVERIFY2(ok && seconds >= 1 && seconds <= 20, retryAfter.constData());
        QCOMPARE(limited.json[u"error"_s][u"retryAfterSeconds"_s].toInt(), seconds);
        QCOMPARE(kiosk.post(u"/orders"_s, {{u"holdId"_s, u"HOLD_NOT_THERE"_s}}, freshKey()).status,
                 429);
        // Staff are not limited.
        for (int i = 0; i < 6; ++i)
            QCOMPARE(clerk.post(u"/shows/seagull-1/holds"_s, noSeats).status, 400);
    }
};

QTEST_GUILESS_MAIN(TestKioskRole)
#include "tst_kioskrole.moc"
