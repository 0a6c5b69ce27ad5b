// The race test of DESIGN.md §3.1: 200 concurrent clients fight over the same 50 seats, round
// after round. No seat may be granted to two holds, every refusal must be a fair 409
// SEAT_UNAVAILABLE naming seats someone else got, the seat map must agree with the answers, and
// after the last round the invariant audit must pass with exactly the seats paid for sold.
//
// BOXOFFICE_STRESS_SEED=<n> replays the random seat choices of an earlier run.

#include "asynchttp.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Boxoffice::Test;

namespace {

constexpr int kClients = 200;
constexpr int kContestedSeats = 50;
constexpr int kRounds = 6;
constexpr int kHoldSeconds = 300;
constexpr int kWaitMs = 60'000;
const QString kShow = QStringLiteral("seagull-1");

struct SeatMap
{
    QStringList ids; // layout order
    QHash<QString, QString> status;
};

} // namespace

class TestRace : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_reader;
    std::vector<std::unique_ptr<AsyncHttpClient>> m_clients;
    QList<AsyncHttpClient *> m_clientList;
    QRandomGenerator m_random;
    int m_seatCount = 0;

    // Totals over all rounds.
    qint64 m_requests = 0;
    qint64 m_holdsGranted = 0;
    qint64 m_conflicts = 0;
    qint64 m_seatsSold = 0;
    qint64 m_seatsReleased = 0;
    qint64 m_ordersPaid = 0;
    qint64 m_contentionMs = 0;

    SeatMap seatMap()
    {
        SeatMap map;
        const HttpReply seats = m_reader->get(QStringLiteral("/shows/%1/seats").arg(kShow));
        if (seats.status != 200)
            qWarning().noquote() << "seat map:" << seats.describe();
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray()) {
            const QString id = seat[QStringLiteral("seatId")].toString();
            map.ids.append(id);
            map.status.insert(id, seat[QStringLiteral("status")].toString());
        }
        return map;
    }

    // Every seat not in `changed` still has the status it had in `before`; those in `changed`
    // have the status given there. Empty when all agree, else the first disagreements.
    static QStringList disagreements(const SeatMap &before, const SeatMap &after,
                                     const QHash<QString, QString> &changed)
    {
        QStringList wrong;
        if (after.ids != before.ids)
            wrong.append(QStringLiteral("the seat list changed (%1 -> %2 seats)")
                             .arg(before.ids.size())
                             .arg(after.ids.size()));
        for (const QString &id : before.ids) {
            const QString want = changed.value(id, before.status.value(id));
            const QString got = after.status.value(id);
            if (got != want && wrong.size() < 10)
                wrong.append(QStringLiteral("%1 is %2, expected %3").arg(id, got, want));
        }
        return wrong;
    }

private slots:
    void initTestCase()
    {
        quint32 seed = QRandomGenerator::global()->generate();
        if (const QByteArray fixed = qgetenv("BOXOFFICE_STRESS_SEED"); !fixed.isEmpty())
            seed = fixed.toUInt();
        m_random.seed(seed);
        qInfo("random seed %u (set BOXOFFICE_STRESS_SEED to replay)", seed);

        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_reader = std::make_unique<TestClient>(m_server.baseUrl());

        // Logging in costs ~0.5 s of scrypt each: two sessions (both may take cash), shared.
        // The hold, its order and its release are always made with the same client's session.
        QStringList tokens;
        for (const QString &user : {QStringLiteral("clerk"), QStringLiteral("supervisor")}) {
            const HttpReply login = m_reader->login(user, m_server.options().demoPassword);
            QVERIFY2(login.status == 201, qPrintable(login.describe()));
            tokens.append(m_reader->token());
        }

        for (int i = 0; i < kClients; ++i) {
            auto client = std::make_unique<AsyncHttpClient>(m_server.baseUrl());
            client->setToken(tokens[i % tokens.size()]);
            client->setTimeoutMs(kWaitMs);
            m_clientList.append(client.get());
            m_clients.push_back(std::move(client));
        }
        // Open every connection up front, in waves that fit the listen backlog, so that the
        // contention phase starts with all 200 clients connected.
        auto failures = std::make_shared<QStringList>();
        for (int first = 0; first < kClients; first += 50) {
            for (int i = first; i < std::min(kClients, first + 50); ++i) {
                m_clients[std::size_t(i)]->get(QStringLiteral("/health"),
                                               [failures](const AsyncReply &reply) {
                                                   if (reply.status != 200)
                                                       failures->append(reply.describe());
                                               });
            }
            QVERIFY(waitUntilIdle(m_clientList, kWaitMs));
        }
        QVERIFY2(failures->isEmpty(), qPrintable(failures->join(u'\n')));

        const SeatMap map = seatMap();
        m_seatCount = int(map.ids.size());
        QCOMPARE(m_seatCount, 409);
        QCOMPARE(map.status.values().count(QStringLiteral("AVAILABLE")), m_seatCount);
    }

    void contendedRound_data()
    {
        QTest::addColumn<int>("round");
        for (int round = 1; round <= kRounds; ++round)
            QTest::addRow("round %d", round) << round;
    }

    void contendedRound()
    {
        QFETCH(int, round);

        // The 50 contested seats: a random sample of what is available now, so later rounds
        // reuse seats released earlier alongside fresh ones.
        const SeatMap before = seatMap();
        QStringList available;
        for (const QString &id : before.ids) {
            if (before.status.value(id) == QLatin1StringView("AVAILABLE"))
                available.append(id);
        }
        QVERIFY2(available.size() >= kContestedSeats,
                 qPrintable(QString::number(available.size())));
        std::shuffle(available.begin(), available.end(), m_random);
        const QStringList contested = available.first(kContestedSeats);
        const QSet<QString> contestedSet(contested.cbegin(), contested.cend());

        // --- Contention: every client asks for 1-3 of the contested seats, all at once. No
        // hold is released in this phase, so a seat may be granted at most once.
        struct Attempt
        {
            QStringList seats;
            AsyncReply reply;
            bool answered = false;
        };
        auto attempts = std::make_shared<std::vector<Attempt>>(kClients);
        for (int i = 0; i < kClients; ++i) {
            Attempt &attempt = (*attempts)[std::size_t(i)];
            const int count = 1 + int(m_random.bounded(3));
            while (attempt.seats.size() < count) {
                const QString seat = contested[int(m_random.bounded(kContestedSeats))];
                if (!attempt.seats.contains(seat))
                    attempt.seats.append(seat);
            }
        }
        QElapsedTimer contention;
        contention.start();
        for (int i = 0; i < kClients; ++i) {
            const Attempt &attempt = (*attempts)[std::size_t(i)];
            m_clients[std::size_t(i)]->post(
                QStringLiteral("/shows/%1/holds").arg(kShow),
                QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(attempt.seats)},
                            {QStringLiteral("holdSeconds"), kHoldSeconds}},
                [attempts, i](const AsyncReply &reply) {
                    (*attempts)[std::size_t(i)].reply = reply;
                    (*attempts)[std::size_t(i)].answered = true;
                });
        }
        QVERIFY(waitUntilIdle(m_clientList, kWaitMs));
        const qint64 contentionMs = contention.elapsed();

        struct Grant
        {
            int client = 0;
            QString holdId;
            QStringList seats;
            qint64 totalCents = 0;
        };
        std::vector<Grant> grants;
        QHash<QString, QString> holder; // seat -> hold granted it
        int conflicts = 0;
        qint64 maxLatencyMs = 0;
        for (int i = 0; i < kClients; ++i) {
            const Attempt &attempt = (*attempts)[std::size_t(i)];
            const AsyncReply &reply = attempt.reply;
            QVERIFY(attempt.answered);
            maxLatencyMs = std::max(maxLatencyMs, reply.elapsedMs);
            if (reply.status == 201) {
                Grant grant{i, reply.json.value(QStringLiteral("holdId")).toString(),
                            stringList(reply.json.value(QStringLiteral("seatIds"))),
                            reply.json.value(QStringLiteral("totalPriceCents")).toInteger()};
                QVERIFY2(!grant.holdId.isEmpty(), qPrintable(reply.describe()));
                QVERIFY2(grant.totalCents > 0, qPrintable(reply.describe()));
                QCOMPARE(sorted(grant.seats), sorted(attempt.seats));
                for (const QString &seat : std::as_const(grant.seats)) {
                    QVERIFY2(!holder.contains(seat),
                             qPrintable(QStringLiteral("OVERSELL: seat %1 granted to hold %2 and "
                                                       "hold %3 at the same time")
                                            .arg(seat, holder.value(seat), grant.holdId)));
                    holder.insert(seat, grant.holdId);
                }
                grants.push_back(std::move(grant));
            } else {
                QVERIFY2(reply.status == 409, qPrintable(reply.describe()));
                QCOMPARE(reply.errorCode(), QStringLiteral("SEAT_UNAVAILABLE"));
                ++conflicts;
            }
        }
        QVERIFY(holder.size() <= kContestedSeats);
        QVERIFY2(!grants.empty(), "200 clients and 50 free seats, yet no hold was granted");
        // A refusal is fair only if every seat it names went to a granted hold of this round
        // (all contested seats were free before and none was released since).
        for (const Attempt &attempt : std::as_const(*attempts)) {
            if (attempt.reply.status != 409)
                continue;
            const QStringList named = stringList(
                attempt.reply.json.value(QStringLiteral("error"))[QStringLiteral("seatIds")]);
            QVERIFY2(!named.isEmpty(), qPrintable(attempt.reply.describe()));
            for (const QString &seat : named) {
                QVERIFY2(attempt.seats.contains(seat), qPrintable(attempt.reply.describe()));
                QVERIFY2(holder.contains(seat),
                         qPrintable(QStringLiteral("seat %1 refused as unavailable, but no hold "
                                                   "got it: %2")
                                        .arg(seat, attempt.reply.describe())));
            }
        }
        {
            QHash<QString, QString> expected;
            for (const QString &seat : contested)
                expected.insert(seat, holder.contains(seat) ? QStringLiteral("HELD")
                                                            : QStringLiteral("AVAILABLE"));
            const QStringList wrong = disagreements(before, seatMap(), expected);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
        }

        // --- Resolution: about half the winners pay cash, the others release. Each payment is
        // tendered twice at once from two connections: exactly one may succeed.
        struct Outcome
        {
            bool pay = false;
            QString orderId;
            qint64 amountCents = 0;
            QList<AsyncReply> tenders;
            QStringList ticketSeats;
            bool released = false;
        };
        auto outcomes = std::make_shared<std::vector<Outcome>>(grants.size());
        auto errors = std::make_shared<QStringList>();
        QElapsedTimer resolution;
        resolution.start();
        for (std::size_t g = 0; g < grants.size(); ++g) {
            const Grant &grant = grants[g];
            (*outcomes)[g].pay = m_random.bounded(2) == 0;
            AsyncHttpClient *own = m_clients[std::size_t(grant.client)].get();
            AsyncHttpClient *other = m_clients[std::size_t((grant.client + 1) % kClients)].get();
            if (!(*outcomes)[g].pay) {
                own->remove(QStringLiteral("/holds/%1").arg(grant.holdId),
                            [outcomes, errors, g](const AsyncReply &reply) {
                                if (reply.status != 200 ||
                                    reply.json.value(QStringLiteral("status")).toString() !=
                                        QLatin1StringView("RELEASED"))
                                    errors->append(QStringLiteral("release: ") + reply.describe());
                                else
                                    (*outcomes)[g].released = true;
                            });
                continue;
            }
            const QByteArray key = QStringLiteral("race-%1-%2").arg(round).arg(g).toLatin1();
            own->post(
                QStringLiteral("/orders"), QJsonObject{{QStringLiteral("holdId"), grant.holdId}},
                [outcomes, errors, g, own, other,
                 total = grant.totalCents](const AsyncReply &reply) {
                    Outcome &outcome = (*outcomes)[g];
                    if (reply.status != 201 ||
                        reply.json.value(QStringLiteral("status")).toString() !=
                            QLatin1StringView("PENDING_PAY") ||
                        reply.json.value(QStringLiteral("amountCents")).toInteger() != total) {
                        errors->append(QStringLiteral("order: ") + reply.describe());
                        return;
                    }
                    outcome.orderId = reply.json.value(QStringLiteral("orderId")).toString();
                    outcome.amountCents = total;
                    const QString path = QStringLiteral("/orders/%1/payments").arg(outcome.orderId);
                    const QJsonObject cash{{QStringLiteral("method"), QStringLiteral("CASH")},
                                           {QStringLiteral("amountTenderedCents"), total + 500}};
                    auto record = [outcomes, g](const AsyncReply &tender) {
                        (*outcomes)[g].tenders.append(tender);
                    };
                    own->post(path, cash, record);
                    other->post(path, cash, record);
                },
                {{"X-Idempotency-Key", key}});
        }
        QVERIFY(waitUntilIdle(m_clientList, kWaitMs));
        QVERIFY2(errors->isEmpty(), qPrintable(errors->join(u'\n')));

        QHash<QString, QString> expected;
        for (const QString &seat : contested)
            expected.insert(seat, QStringLiteral("AVAILABLE"));
        int sold = 0;
        int released = 0;
        int releasedHolds = 0;
        int paid = 0;
        QStringList paidOrders;
        for (std::size_t g = 0; g < grants.size(); ++g) {
            const Grant &grant = grants[g];
            const Outcome &outcome = (*outcomes)[g];
            if (!outcome.pay) {
                QVERIFY(outcome.released);
                released += int(grant.seats.size());
                ++releasedHolds;
                continue;
            }
            QCOMPARE(outcome.tenders.size(), 2);
            const AsyncReply *accepted = nullptr;
            for (const AsyncReply &tender : outcome.tenders) {
                if (tender.status == 201) {
                    QVERIFY2(
                        !accepted,
                        qPrintable(QStringLiteral("order %1 was paid twice").arg(outcome.orderId)));
                    accepted = &tender;
                } else {
                    QVERIFY2(tender.status == 409, qPrintable(tender.describe()));
                }
            }
            QVERIFY2(accepted, qPrintable(outcome.tenders.first().describe() + u'\n' +
                                          outcome.tenders.last().describe()));
            QCOMPARE(accepted->json.value(QStringLiteral("status")).toString(),
                     QStringLiteral("TICKETED"));
            QCOMPARE(accepted->json.value(QStringLiteral("changeCents")).toInteger(), 500);
            QStringList ticketSeats;
            for (const QJsonValue &ticket :
                 accepted->json.value(QStringLiteral("tickets")).toArray())
                ticketSeats.append(ticket[QStringLiteral("seatId")].toString());
            QCOMPARE(sorted(ticketSeats), sorted(grant.seats));
            for (const QString &seat : grant.seats)
                expected.insert(seat, QStringLiteral("SOLD"));
            sold += int(grant.seats.size());
            ++paid;
            paidOrders.append(outcome.orderId);
        }
        const QStringList wrong = disagreements(before, seatMap(), expected);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));

        // The orders read back TICKETED with one ticket per seat.
        auto views = std::make_shared<QHash<QString, AsyncReply>>();
        for (qsizetype i = 0; i < paidOrders.size(); ++i) {
            const QString id = paidOrders[i];
            m_clients[std::size_t(i % kClients)]->get(
                QStringLiteral("/orders/%1").arg(id),
                [views, id](const AsyncReply &reply) { views->insert(id, reply); });
        }
        QVERIFY(waitUntilIdle(m_clientList, kWaitMs));
        for (std::size_t g = 0; g < grants.size(); ++g) {
            const Outcome &outcome = (*outcomes)[g];
            if (!outcome.pay)
                continue;
            const AsyncReply view = views->value(outcome.orderId);
            QVERIFY2(view.status == 200, qPrintable(view.describe()));
            QCOMPARE(view.json.value(QStringLiteral("status")).toString(),
                     QStringLiteral("TICKETED"));
            QCOMPARE(view.json.value(QStringLiteral("tickets")).toArray().size(),
                     grants[g].seats.size());
            QCOMPARE(view.json.value(QStringLiteral("amountCents")).toInteger(),
                     grants[g].totalCents);
        }
        const qint64 resolutionMs = resolution.elapsed();

        m_requests += kClients + releasedHolds + paid * 4; // order, 2 tenders, read back
        m_holdsGranted += qint64(grants.size());
        m_conflicts += conflicts;
        m_seatsSold += sold;
        m_seatsReleased += released;
        m_ordersPaid += paid;
        m_contentionMs += contentionMs;
        qInfo("round %d: %d hold requests in %lld ms (slowest %lld ms): %d granted (%lld seats), "
              "%d conflicts; then %d orders paid (%d seats), %d seats released in %lld ms",
              round, kClients, static_cast<long long>(contentionMs),
              static_cast<long long>(maxLatencyMs), int(grants.size()),
              static_cast<long long>(holder.size()), conflicts, paid, sold, released,
              static_cast<long long>(resolutionMs));
    }

    void auditAfterwards()
    {
        quint64 connections = 0;
        for (const AsyncHttpClient *client : std::as_const(m_clientList))
            connections += client->connectionsOpened();
        qInfo("totals: %lld requests, %lld holds granted, %lld conflicts, %lld orders paid "
              "(%lld seats sold), %lld seats released; contention phases took %lld ms; %llu TCP "
              "connections for %d clients",
              static_cast<long long>(m_requests), static_cast<long long>(m_holdsGranted),
              static_cast<long long>(m_conflicts), static_cast<long long>(m_ordersPaid),
              static_cast<long long>(m_seatsSold), static_cast<long long>(m_seatsReleased),
              static_cast<long long>(m_contentionMs), static_cast<unsigned long long>(connections),
              kClients);

        m_server.stop();
        QVERIFY(!m_server.isRunning());
        QString report;
        const int audit = m_server.runAudit(&report);
        QVERIFY2(audit == 0, qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
        QVERIFY2(!report.contains(QStringLiteral("VIOLATION")), qPrintable(report));

        const auto counts = TestServer::auditCounts(report, kShow);
        QVERIFY2(counts.has_value(), qPrintable(report));
        const int available = counts->available;
        const int held = counts->held;
        const int sold = counts->sold;
        const int refundPending = counts->refundPending;
        const int total = counts->total;
        QCOMPARE(total, m_seatCount);
        QCOMPARE(sold, int(m_seatsSold)); // zero oversell: sold == seats paid for
        QCOMPARE(held, 0);                // every hold was paid or released
        QCOMPARE(refundPending, 0);
        QCOMPARE(available + held + sold + refundPending, total);
    }
};

QTEST_GUILESS_MAIN(TestRace)
#include "tst_race.moc"
