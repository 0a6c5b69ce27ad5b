#include "core/booking/bookingengine.h"
#include "core/booking/catalog.h"
#include "core/booking/invariantaudit.h"
#include "core/common/clock.h"
#include "core/common/money.h"
#include "core/security/ticketsigner.h"
#include "core/storage/database.h"
#include "core/venue/venuelayout.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

namespace Boxoffice::Core {
// Readable QCOMPARE failures.
char *toString(const Money &money)
{
    return QTest::toString(money.toString());
}
} // namespace Boxoffice::Core

namespace {

constexpr qint64 kStartMs = 1'790'000'000'000LL;
constexpr qint64 kSecond = 1000;
constexpr qint64 kHour = 3600 * kSecond;
constexpr qint64 kFrontCents = 5000; // row A
constexpr qint64 kBackCents = 3000;  // row B

// 2 rows × 5 seats: MAIN-A-1 … MAIN-A-5 (category A, seat indexes 0–4), MAIN-B-1 … MAIN-B-5
// (category B, 5–9).
const QByteArray kLayoutJson = R"({
    "format": "boxoffice-venue/1", "id": "hall", "name": "Test Hall", "city": "Testville",
    "stage": {"x": -3, "y": -3, "width": 6, "height": 2},
    "categories": [{"id": "A", "name": "Front"}, {"id": "B", "name": "Back"}],
    "sections": [{"id": "MAIN", "name": "Main", "level": "Stalls", "category": "B",
                  "rows": [{"rowCount": 2, "seatsPerRow": 5, "origin": [0, 2],
                            "categoryBands": [{"rows": 1, "category": "A"}]}]}]
})";

const ShowId kShow(u"SHOW_1"_s);
const ShowId kLaterShow(u"SHOW_LATER"_s); // its sale starts in an hour

QString wire(ErrorCode code)
{
    return QString::fromLatin1(errorCodeInfo(code).wireName);
}

// "OK", or the wire name of the error (QCOMPARE prints it readably).
template <class T> QString codeOf(const Result<T> &result)
{
    return result ? u"OK"_s : wire(result.error().code);
}

template <class T> QByteArray describe(const Result<T> &result)
{
    if (result)
        return "ok";
    return (wire(result.error().code) + u": "_s + result.error().message).toUtf8();
}

// Evaluates `expr` once and fails the test with the error's code and message if it failed.
#define VERIFY_OK(expr)                                                                            \
    do {                                                                                           \
        const auto &verified_ = (expr);                                                            \
        QVERIFY2(verified_.has_value(), describe(verified_).constData());                          \
    } while (false)

// Issues one engine command and waits for its completion, which runs on the writer thread.
template <class T, class Issue> Result<T> await(Issue &&issue)
{
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    issue(Completion<T>([promise](Result<T> result) { promise->set_value(std::move(result)); }));
    if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
        return fail(ErrorCode::Internal, u"the engine did not answer within 60 s"_s);
    return future.get();
}

QStringList idsOf(const QList<SeatId> &seats)
{
    QStringList ids;
    for (const SeatId &seat : seats)
        ids << seat.value();
    return ids;
}

// A scan of a genuine ticket by `scanner`, at no particular door.
VerifyCommand scanOf(const TicketCode &ticket, const ShowId &show, const SeatId &seat,
                     const OrderId &order, const QString &scanner)
{
    VerifyCommand command;
    command.ticket = ticket;
    command.show = show;
    command.seat = seat;
    command.order = order;
    command.scanner = UserId(scanner);
    return command;
}

QList<SeatId> seatIds(const QStringList &ids)
{
    QList<SeatId> seats;
    for (const QString &id : ids)
        seats.append(SeatId(id));
    return seats;
}

} // namespace

class TestBookingEngine : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    ManualClock m_clock{kStartMs};
    std::optional<TicketSigner> m_signer;
    std::shared_ptr<const VenueLayout> m_layout;
    std::unique_ptr<BookingEngine> m_engine;
    int m_keys = 0;

    [[nodiscard]] QString dbPath() const { return m_dir->filePath(u"boxoffice.db"_s); }

    // (Re)creates the engine on the test's database. The previous engine is closed first.
    [[nodiscard]] bool reopen(EngineOptions options = {},
                              BookingEngine::ChangeListener listener = {})
    {
        m_engine.reset();
        options.database = DatabaseConfig{SqlDialect::Sqlite, dbPath()};
        m_engine = std::make_unique<BookingEngine>(options, m_clock, *m_signer);
        if (listener)
            m_engine->setChangeListener(std::move(listener));
        if (auto opened = m_engine->open(); !opened) {
            qWarning().noquote() << "open failed:" << opened.error().message;
            return false;
        }
        return true;
    }

    Connection &db()
    {
        auto connection = m_engine->readConnection();
        Q_ASSERT(connection);
        return **connection;
    }

    QVariant scalar(const QString &sql, const QVariantList &values = {})
    {
        QSqlQuery query(db().database());
        query.prepare(sql);
        for (int i = 0; i < values.size(); ++i)
            query.bindValue(i, values[i]);
        if (!query.exec() || !query.next())
            return QVariant();
        return query.value(0);
    }

    // --- commands, each waited for ---

    Result<HoldConfirmation> hold(const QStringList &seats, const QString &user = u"clerk1"_s,
                                  int holdSeconds = 30, const ShowId &show = kShow)
    {
        HoldCommand command{show, UserId(user), seatIds(seats), holdSeconds};
        return await<HoldConfirmation>([&](auto done) { m_engine->hold(command, done); });
    }

    Result<OrderCreated> order(const HoldId &hold, const QString &user = u"clerk1"_s,
                               QString key = {}, const QByteArray &hash = "hash")
    {
        if (key.isEmpty())
            key = u"key-%1"_s.arg(++m_keys);
        OrderCommand command{hold, UserId(user), key, hash, u"Ada"_s, u"+49 30 1234"_s, {}, {}};
        return await<OrderCreated>([&](auto done) { m_engine->createOrder(command, done); });
    }

    Result<PaymentOutcome> tender(const OrderId &order, PaymentMethod method, qint64 cents)
    {
        TenderCommand command{order, UserId(u"clerk1"_s), method, cents, u"slip-1"_s, {}, {}};
        return await<PaymentOutcome>([&](auto done) { m_engine->tender(command, done); });
    }

    Result<PaymentOutcome> callback(const QString &payment, const OrderId &order, bool success,
                                    qint64 cents)
    {
        CallbackCommand command{PaymentId(payment), order, success, cents};
        return await<PaymentOutcome>([&](auto done) { m_engine->paymentCallback(command, done); });
    }

    Result<ReleaseOutcome> release(const HoldId &hold, const QString &actor,
                                   bool mayReleaseAnyHold = false)
    {
        ReleaseCommand command{hold, UserId(actor), mayReleaseAnyHold};
        return await<ReleaseOutcome>([&](auto done) { m_engine->release(command, done); });
    }

    Result<VerifyOutcome> verify(const TicketView &ticket, const OrderId &order,
                                 const ShowId &show = kShow)
    {
        const VerifyCommand command = scanOf(ticket.code, show, ticket.seat, order, u"gate1"_s);
        return await<VerifyOutcome>([&](auto done) { m_engine->verifyTicket(command, done); });
    }

    Result<int> sweep()
    {
        return await<int>([&](auto done) { m_engine->sweepNow(done); });
    }

    // Sells `seats` to `user` at the box office; the outcome of the cash tender.
    Result<PaymentOutcome> sell(const QStringList &seats, const QString &user = u"clerk1"_s)
    {
        auto held = hold(seats, user);
        if (!held)
            return std::unexpected(held.error());
        auto created = order(held->hold, user);
        if (!created)
            return std::unexpected(created.error());
        return tender(created->order, PaymentMethod::Cash, created->amount.minorUnits());
    }

    // --- what the engine and the database say now ---

    std::shared_ptr<ShowState> state(const ShowId &show = kShow)
    {
        auto loaded = m_engine->showState(show);
        return loaded ? *loaded : nullptr;
    }

    QString seat(const QString &seatId, const ShowId &show = kShow)
    {
        const auto loaded = state(show);
        if (!loaded)
            return u"no show state"_s;
        const int index = loaded->layout().indexOf(SeatId(seatId));
        if (index < 0)
            return u"no seat "_s + seatId;
        return wireName(loaded->status(index));
    }

    QString holdStatus(const HoldId &hold)
    {
        const QVariant status =
            scalar(u"SELECT status FROM seat_hold WHERE hold_id = ?"_s, {hold.value()});
        if (!status.isValid())
            return u"no hold"_s;
        return wireName(holdStateFromInt(status.toInt()).value_or(HoldState::Active));
    }

    QString orderStatus(const OrderId &order)
    {
        const auto view = m_engine->order(order);
        return view ? wireName(view->status) : u"no order: "_s + view.error().message;
    }

    void verifyCounts(int available, int held, int sold, const ShowId &show = kShow)
    {
        const auto loaded = state(show);
        QVERIFY(loaded);
        const SeatCounts counts = loaded->counts();
        QCOMPARE(counts.available, available);
        QCOMPARE(counts.held, held);
        QCOMPARE(counts.sold, sold);
        QCOMPARE(counts.refundPending, 0);
    }

    // DESIGN.md §3.1 against the database, and the cached seat maps against the database.
    void audit()
    {
        const auto report = auditInvariants(db());
        VERIFY_OK(report);
        QVERIFY2(report->ok(), qPrintable(report->violations.join(u'\n')));
        for (const ShowId &show : {kShow, kLaterShow}) {
            const auto loaded = state(show);
            QVERIFY(loaded);
            const SeatCounts cached = loaded->counts();
            const SeatCounts stored = report->countsByShow.value(show.value());
            QCOMPARE(cached.available, stored.available);
            QCOMPARE(cached.held, stored.held);
            QCOMPARE(cached.sold, stored.sold);
            QCOMPARE(cached.refundPending, stored.refundPending);
            QCOMPARE(stored.total(), m_layout->seatCount());
            QCOMPARE(loaded->version(),
                     scalar(u"SELECT version FROM event_show WHERE show_id = ?"_s, {show.value()})
                         .toLongLong());
        }
    }

private slots:
    void initTestCase()
    {
        auto signer = TicketSigner::generate();
        VERIFY_OK(signer);
        m_signer = *signer;
        auto layout = parseVenueLayout(kLayoutJson, u"hall.json"_s);
        VERIFY_OK(layout);
        m_layout = std::make_shared<const VenueLayout>(std::move(*layout));
        QCOMPARE(m_layout->seatCount(), 10);
        QCOMPARE(m_layout->indexOf(SeatId(u"MAIN-A-1"_s)), 0);
        QCOMPARE(m_layout->indexOf(SeatId(u"MAIN-B-5"_s)), 9);
    }

    void init()
    {
        m_clock.setNowMs(kStartMs);
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QVERIFY(reopen());

        const qint64 now = m_clock.nowMs();
        VERIFY_OK(addVenue(db(), *m_layout, kLayoutJson, now));
        const QList<PriceTier> tiers{{u"A"_s, u"Front"_s, kFrontCents},
                                     {u"B"_s, u"Back"_s, kBackCents}};
        ShowSpec show{kShow,       u"Hamlet"_s,          m_layout->id(), now + 7 * 24 * kHour,
                      now - kHour, now + 6 * 24 * kHour, u"EUR"_s,       tiers};
        VERIFY_OK(addShow(db(), show, *m_layout, now));
        ShowSpec later{kLaterShow,  u"Macbeth"_s,         m_layout->id(), now + 8 * 24 * kHour,
                       now + kHour, now + 7 * 24 * kHour, u"EUR"_s,       tiers};
        VERIFY_OK(addShow(db(), later, *m_layout, now));
    }

    void cleanup()
    {
        m_engine.reset();
        m_dir.reset();
    }

    void saleAtTheBoxOffice()
    {
        const auto held = hold({u"MAIN-A-2"_s, u"MAIN-A-1"_s}, u"clerk1"_s, 120);
        VERIFY_OK(held);
        QCOMPARE(idsOf(held->seats), QStringList({u"MAIN-A-1"_s, u"MAIN-A-2"_s}));
        QCOMPARE(held->show, kShow);
        QCOMPARE(held->total, *Money::fromMinor(2 * kFrontCents, u"EUR"_s));
        QCOMPARE(held->expiryMs, kStartMs + 120 * kSecond);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"HELD"_s);
        QCOMPARE(seat(u"MAIN-A-2"_s), u"HELD"_s);
        verifyCounts(8, 2, 0);

        const auto created = order(held->hold);
        VERIFY_OK(created);
        QVERIFY(!created->replayed);
        QCOMPARE(created->hold, held->hold);
        QCOMPARE(created->amount.minorUnits(), 2 * kFrontCents);
        QCOMPARE(created->payByMs, kStartMs + 600 * kSecond);
        const QJsonObject response = QJsonDocument::fromJson(created->responseJson).object();
        QCOMPARE(response.value(u"orderId"_s).toString(), created->order.value());
        QCOMPARE(response.value(u"status"_s).toString(), u"PENDING_PAY"_s);
        QCOMPARE(orderStatus(created->order), u"PENDING_PAY"_s);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"HELD"_s);

        m_clock.advanceMs(10 * kSecond);
        const auto paid = tender(created->order, PaymentMethod::Cash, 12'000);
        VERIFY_OK(paid);
        QCOMPARE(paid->result, PaymentResult::Applied);
        QCOMPARE(paid->orderStatus, OrderState::Ticketed);
        QCOMPARE(paid->amount.minorUnits(), 10'000);
        QCOMPARE(paid->tenderedCents, 12'000);
        QCOMPARE(paid->changeCents, 2'000);
        QCOMPARE(paid->tickets.size(), 2);
        QVERIFY(paid->tickets[0].code != paid->tickets[1].code);
        for (const TicketView &ticket : paid->tickets) {
            QCOMPARE(ticket.status, u"VALID"_s);
            QVERIFY(ticket.qrPayload.startsWith(u"BX1."_s));
        }

        QCOMPARE(seat(u"MAIN-A-1"_s), u"SOLD"_s);
        QCOMPARE(seat(u"MAIN-A-2"_s), u"SOLD"_s);
        verifyCounts(8, 0, 2);
        QCOMPARE(holdStatus(held->hold), u"CONFIRMED"_s);
        const auto view = m_engine->order(created->order);
        VERIFY_OK(view);
        QCOMPARE(view->status, OrderState::Ticketed);
        QCOMPARE(view->show, kShow);
        QCOMPARE(view->user, UserId(u"clerk1"_s));
        QCOMPARE(view->contactName, u"Ada"_s);
        QCOMPARE(idsOf(view->seats), QStringList({u"MAIN-A-1"_s, u"MAIN-A-2"_s}));
        QCOMPARE(view->tickets.size(), 2);
        QCOMPARE(view->payments.size(), 1);
        QCOMPARE(view->payments[0].method, u"CASH"_s);
        QCOMPARE(view->payments[0].status, u"APPLIED"_s);
        QCOMPARE(view->payments[0].changeCents, 2'000);

        // Each ticket lets one person in.
        const TicketView &first = paid->tickets[0];
        const auto entry = verify(first, created->order);
        VERIFY_OK(entry);
        QCOMPARE(entry->result, ScanResult::Valid);
        QCOMPARE(entry->usedBy, u"gate1"_s);
        QCOMPARE(entry->usedAtMs, m_clock.nowMs());
        m_clock.advanceMs(kSecond);
        const auto again = verify(first, created->order);
        VERIFY_OK(again);
        QCOMPARE(again->result, ScanResult::AlreadyUsed);
        QCOMPARE(again->usedAtMs, m_clock.nowMs() - kSecond);

        // A ticket presented for another seat, and a ticket never issued, are forged.
        TicketView otherSeat = paid->tickets[1];
        otherSeat.seat = SeatId(u"MAIN-B-1"_s);
        const auto mismatch = verify(otherSeat, created->order);
        VERIFY_OK(mismatch);
        QCOMPARE(mismatch->result, ScanResult::Forged);
        TicketView invented = paid->tickets[1];
        invented.code = TicketCode(u"TNOSUCHTICKET"_s);
        const auto inventedScan = verify(invented, created->order);
        VERIFY_OK(inventedScan);
        QCOMPARE(inventedScan->result, ScanResult::Forged);
        const auto second = verify(paid->tickets[1], created->order);
        VERIFY_OK(second);
        QCOMPARE(second->result, ScanResult::Valid); // the forged scans did not use it up

        // Paid once is paid.
        QCOMPARE(codeOf(tender(created->order, PaymentMethod::Cash, 12'000)),
                 wire(ErrorCode::Conflict));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk2"_s)), wire(ErrorCode::SeatUnavailable));
        audit();
    }

    void tenderMoney()
    {
        const auto held = hold({u"MAIN-A-3"_s, u"MAIN-B-3"_s});
        VERIFY_OK(held);
        const auto created = order(held->hold);
        VERIFY_OK(created);
        QCOMPARE(created->amount.minorUnits(), kFrontCents + kBackCents);

        const auto tooLittle =
            tender(created->order, PaymentMethod::Cash, kFrontCents + kBackCents - 1);
        QCOMPARE(codeOf(tooLittle), wire(ErrorCode::BadRequest));
        QCOMPARE(tooLittle.error().details.value(u"amountCents"_s).toInteger(),
                 kFrontCents + kBackCents);
        QCOMPARE(orderStatus(created->order), u"PENDING_PAY"_s);
        QCOMPARE(seat(u"MAIN-A-3"_s), u"HELD"_s);
        QVERIFY(m_engine->order(created->order)->payments.isEmpty());

        const auto card = tender(created->order, PaymentMethod::Card, 0);
        VERIFY_OK(card);
        QCOMPARE(card->result, PaymentResult::Applied);
        QCOMPARE(card->orderStatus, OrderState::Ticketed);
        QCOMPARE(card->tenderedCents, kFrontCents + kBackCents);
        QCOMPARE(card->changeCents, 0);
        QCOMPARE(card->tickets.size(), 2);
        QCOMPARE(seat(u"MAIN-A-3"_s), u"SOLD"_s);
        QCOMPARE(seat(u"MAIN-B-3"_s), u"SOLD"_s);
        const auto view = m_engine->order(created->order);
        QCOMPARE(view->payments.size(), 1);
        QCOMPARE(view->payments[0].method, u"CARD"_s);

        // Exact cash: no change.
        const auto exact = sell({u"MAIN-B-4"_s});
        VERIFY_OK(exact);
        QCOMPARE(exact->changeCents, 0);
        QCOMPARE(exact->tenderedCents, kBackCents);

        QCOMPARE(codeOf(tender(OrderId(u"ORD_NONE"_s), PaymentMethod::Cash, 100)),
                 wire(ErrorCode::NotFound));
        verifyCounts(7, 0, 3);
        audit();
    }

    void expiryByTheTimer()
    {
        const auto held = hold({u"MAIN-A-1"_s, u"MAIN-A-2"_s}, u"clerk1"_s, 30);
        VERIFY_OK(held);

        // Not yet: 29 s later the hold stands.
        m_clock.advanceMs(29 * kSecond);
        m_engine->wake();
        const auto early = sweep();
        VERIFY_OK(early);
        QCOMPARE(*early, 0);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"HELD"_s);
        QCOMPARE(holdStatus(held->hold), u"ACTIVE"_s);

        m_clock.advanceMs(2 * kSecond);
        m_engine->wake();
        QTRY_COMPARE(seat(u"MAIN-A-1"_s), u"AVAILABLE"_s);
        QTRY_COMPARE(seat(u"MAIN-A-2"_s), u"AVAILABLE"_s);
        QCOMPARE(holdStatus(held->hold), u"EXPIRED"_s);
        verifyCounts(10, 0, 0);

        QCOMPARE(codeOf(order(held->hold)), wire(ErrorCode::HoldExpired));
        const auto next = hold({u"MAIN-A-1"_s}, u"clerk2"_s);
        VERIFY_OK(next);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"HELD"_s);
        audit();
    }

    // A hold that came due is expired at the start of the batch, "before any command sees its
    // seats" (BookingEngine::runBatch): a hold for those seats in that same batch must succeed.
    void expiredSeatsCanBeHeldInTheBatchThatExpiresThem()
    {
        const auto held = hold({u"MAIN-A-1"_s}, u"clerk1"_s, 30);
        VERIFY_OK(held);
        m_clock.advanceMs(31 * kSecond);
        // No wake(): the writer sleeps on the real-time timer, so this hold is the command of
        // the batch that expires the first one.
        const auto next = hold({u"MAIN-A-1"_s}, u"clerk2"_s);
        QCOMPARE(holdStatus(held->hold), u"EXPIRED"_s);
        VERIFY_OK(next);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"HELD"_s);
        audit();
    }

    void expiryWithTheTimerStopped()
    {
        EngineOptions options;
        options.expiryTimerEnabled = false;
        options.sweepIntervalMs = 3'600'000;
        QVERIFY(reopen(options));

        const auto held = hold({u"MAIN-B-1"_s, u"MAIN-B-2"_s}, u"clerk1"_s, 30);
        VERIFY_OK(held);
        m_clock.advanceMs(31 * kSecond);

        // Nothing expired it yet; the order transaction checks the expiry itself. That check
        // refuses without changing anything: with the timer stopped the seats stay HELD until
        // the scan runs.
        QCOMPARE(codeOf(order(held->hold)), wire(ErrorCode::HoldExpired));
        QCOMPARE(
            scalar(u"SELECT COUNT(*) FROM ticket_order WHERE hold_id = ?"_s, {held->hold.value()})
                .toInt(),
            0);
        QCOMPARE(holdStatus(held->hold), u"ACTIVE"_s);
        QCOMPARE(seat(u"MAIN-B-1"_s), u"HELD"_s);

        // The compensating scan releases the seats.
        const auto swept = sweep();
        VERIFY_OK(swept);
        QCOMPARE(*swept, 1);
        QCOMPARE(holdStatus(held->hold), u"EXPIRED"_s);
        QCOMPARE(seat(u"MAIN-B-1"_s), u"AVAILABLE"_s);
        QCOMPARE(seat(u"MAIN-B-2"_s), u"AVAILABLE"_s);
        const auto again = sweep();
        VERIFY_OK(again);
        QCOMPARE(*again, 0);
        audit();
    }

    // A second server instance on the same database never scheduled this instance's holds:
    // there, only the check inside the order transaction and the scan stand between an expired
    // hold and a sale.
    void expiryIsCheckedInsideTheOrderTransaction()
    {
        EngineOptions options;
        options.database = DatabaseConfig{SqlDialect::Sqlite, dbPath()};
        options.expiryTimerEnabled = false;
        options.sweepIntervalMs = 3'600'000;
        auto second = std::make_unique<BookingEngine>(options, m_clock, *m_signer);
        VERIFY_OK(second->open()); // before the holds exist: it schedules none of them
        // Its start-up scan is done once a command queued after it has completed.
        VERIFY_OK(await<int>([&](auto done) { second->sweepNow(done); }));

        const auto held = hold({u"MAIN-B-1"_s}, u"clerk1"_s, 30);
        VERIFY_OK(held);
        const auto other = hold({u"MAIN-B-2"_s}, u"clerk1"_s, 30);
        VERIFY_OK(other);
        m_engine = std::move(second); // the first instance goes away; the second takes over

        m_clock.advanceMs(31 * kSecond);
        QCOMPARE(codeOf(order(held->hold)), wire(ErrorCode::HoldExpired));
        QCOMPARE(codeOf(order(other->hold)), wire(ErrorCode::HoldExpired));
        QCOMPARE(holdStatus(held->hold), u"ACTIVE"_s); // refused, nothing else changed
        QCOMPARE(scalar(u"SELECT COUNT(*) FROM ticket_order"_s).toInt(), 0);

        const auto swept = sweep();
        VERIFY_OK(swept);
        QCOMPARE(*swept, 2);
        QCOMPARE(holdStatus(held->hold), u"EXPIRED"_s);
        QCOMPARE(holdStatus(other->hold), u"EXPIRED"_s);
        QCOMPARE(seat(u"MAIN-B-1"_s), u"AVAILABLE"_s);
        QCOMPARE(seat(u"MAIN-B-2"_s), u"AVAILABLE"_s);
        audit();
    }

    void expiryAcrossRestart()
    {
        const auto due = hold({u"MAIN-A-1"_s, u"MAIN-A-2"_s}, u"clerk1"_s, 30);
        VERIFY_OK(due);
        const auto longer = hold({u"MAIN-B-1"_s}, u"clerk1"_s, 120);
        VERIFY_OK(longer);
        m_engine.reset(); // the server stops

        m_clock.advanceMs(31 * kSecond); // and is down while the first hold runs out
        QVERIFY(reopen());
        m_engine->wake();
        QTRY_COMPARE(seat(u"MAIN-A-1"_s), u"AVAILABLE"_s);
        QTRY_COMPARE(seat(u"MAIN-A-2"_s), u"AVAILABLE"_s);
        QCOMPARE(holdStatus(due->hold), u"EXPIRED"_s);
        QCOMPARE(codeOf(order(due->hold)), wire(ErrorCode::HoldExpired));

        // The hold still running was scheduled again and expires on time.
        QCOMPARE(seat(u"MAIN-B-1"_s), u"HELD"_s);
        QCOMPARE(holdStatus(longer->hold), u"ACTIVE"_s);
        m_clock.advanceMs(90 * kSecond);
        m_engine->wake();
        QTRY_COMPARE(seat(u"MAIN-B-1"_s), u"AVAILABLE"_s);
        QCOMPARE(holdStatus(longer->hold), u"EXPIRED"_s);

        VERIFY_OK(hold({u"MAIN-A-1"_s, u"MAIN-B-1"_s}, u"clerk2"_s));
        audit();
    }

    void paymentWindowKeepsTheHold()
    {
        EngineOptions options;
        options.paymentWindowSeconds = 600;
        QVERIFY(reopen(options));
        const qint64 t = m_clock.nowMs();

        const auto held = hold({u"MAIN-A-4"_s, u"MAIN-A-5"_s}, u"clerk1"_s, 30);
        VERIFY_OK(held);
        const auto created = order(held->hold);
        VERIFY_OK(created);
        QCOMPARE(created->payByMs, t + 600 * kSecond);

        m_clock.setNowMs(t + 31 * kSecond);
        m_engine->wake();
        const auto swept = sweep();
        VERIFY_OK(swept);
        QCOMPARE(*swept, 0);
        QCOMPARE(holdStatus(held->hold), u"ACTIVE"_s);
        QCOMPARE(orderStatus(created->order), u"PENDING_PAY"_s);
        QCOMPARE(seat(u"MAIN-A-4"_s), u"HELD"_s);
        QCOMPARE(seat(u"MAIN-A-5"_s), u"HELD"_s);
        // Past the hold's own 30 s the seats are still taken: the order extended the hold.
        QCOMPARE(codeOf(hold({u"MAIN-A-4"_s}, u"clerk2"_s)), wire(ErrorCode::SeatUnavailable));
        QCOMPARE(holdStatus(held->hold), u"ACTIVE"_s);

        m_clock.setNowMs(t + 599 * kSecond);
        m_engine->wake();
        const auto paid = tender(created->order, PaymentMethod::Card, 0);
        VERIFY_OK(paid);
        QCOMPARE(paid->orderStatus, OrderState::Ticketed);
        QCOMPARE(seat(u"MAIN-A-4"_s), u"SOLD"_s);
        QCOMPARE(holdStatus(held->hold), u"CONFIRMED"_s);

        // Nothing is left to expire when the window would have closed.
        m_clock.setNowMs(t + 601 * kSecond);
        m_engine->wake();
        const auto late = sweep();
        VERIFY_OK(late);
        QCOMPARE(*late, 0);
        QCOMPARE(seat(u"MAIN-A-4"_s), u"SOLD"_s);
        QCOMPARE(orderStatus(created->order), u"TICKETED"_s);
        audit();
    }

    void paymentWindowCloses()
    {
        EngineOptions options;
        options.paymentWindowSeconds = 600;
        QVERIFY(reopen(options));
        const qint64 t = m_clock.nowMs();

        const auto held = hold({u"MAIN-A-4"_s, u"MAIN-A-5"_s}, u"clerk1"_s, 30);
        VERIFY_OK(held);
        const auto created = order(held->hold);
        VERIFY_OK(created);

        m_clock.setNowMs(t + 601 * kSecond);
        m_engine->wake();
        QTRY_COMPARE(orderStatus(created->order), u"CANCELLED"_s);
        QCOMPARE(holdStatus(held->hold), u"EXPIRED"_s);
        QTRY_COMPARE(seat(u"MAIN-A-4"_s), u"AVAILABLE"_s);
        QCOMPARE(seat(u"MAIN-A-5"_s), u"AVAILABLE"_s);

        QCOMPARE(codeOf(tender(created->order, PaymentMethod::Cash, 1'000'000)),
                 wire(ErrorCode::OrderExpired));

        // The acquirer's money arrives late: it is flagged for refund, the seats are not sold.
        const qint64 versionBefore = state()->version();
        const auto late =
            callback(u"PAY_LATE"_s, created->order, true, created->amount.minorUnits());
        VERIFY_OK(late);
        QCOMPARE(late->result, PaymentResult::RefundRequired);
        QCOMPARE(late->orderStatus, OrderState::Cancelled);
        QVERIFY(late->tickets.isEmpty());
        QCOMPARE(seat(u"MAIN-A-4"_s), u"AVAILABLE"_s);
        QCOMPARE(seat(u"MAIN-A-5"_s), u"AVAILABLE"_s);
        QCOMPARE(state()->version(), versionBefore);
        QCOMPARE(orderStatus(created->order), u"CANCELLED"_s);
        const auto view = m_engine->order(created->order);
        VERIFY_OK(view);
        QCOMPARE(view->payments.size(), 1);
        QCOMPARE(view->payments[0].status, u"REFUND_REQUIRED"_s);
        QVERIFY(view->tickets.isEmpty());

        const auto again = hold({u"MAIN-A-4"_s, u"MAIN-A-5"_s}, u"clerk2"_s);
        VERIFY_OK(again);
        QCOMPARE(seat(u"MAIN-A-4"_s), u"HELD"_s);
        audit();
    }

    void paymentCallbacks()
    {
        const auto held = hold({u"MAIN-B-5"_s});
        VERIFY_OK(held);
        const auto created = order(held->hold);
        VERIFY_OK(created);
        const qint64 amount = created->amount.minorUnits();
        QCOMPARE(amount, kBackCents);

        const auto failed = callback(u"PAY_1"_s, created->order, false, amount);
        VERIFY_OK(failed);
        QCOMPARE(failed->result, PaymentResult::FailureRecorded);
        QCOMPARE(failed->orderStatus, OrderState::PendingPay);
        QCOMPARE(orderStatus(created->order), u"PENDING_PAY"_s);
        QCOMPARE(seat(u"MAIN-B-5"_s), u"HELD"_s);

        const auto wrongAmount = callback(u"PAY_2"_s, created->order, true, amount + 1);
        QCOMPARE(codeOf(wrongAmount), wire(ErrorCode::AmountMismatch));
        QCOMPARE(orderStatus(created->order), u"PENDING_PAY"_s);
        QCOMPARE(seat(u"MAIN-B-5"_s), u"HELD"_s);

        const auto paid = callback(u"PAY_3"_s, created->order, true, amount);
        VERIFY_OK(paid);
        QCOMPARE(paid->result, PaymentResult::Applied);
        QCOMPARE(paid->orderStatus, OrderState::Ticketed);
        QCOMPARE(paid->tickets.size(), 1);
        QCOMPARE(seat(u"MAIN-B-5"_s), u"SOLD"_s);

        const qint64 version = state()->version();
        const auto duplicate = callback(u"PAY_3"_s, created->order, true, amount);
        VERIFY_OK(duplicate);
        QCOMPARE(duplicate->result, PaymentResult::Duplicate);
        QCOMPARE(duplicate->orderStatus, OrderState::Ticketed);
        QCOMPARE(duplicate->tickets.size(), 1);
        QCOMPARE(duplicate->tickets[0].code, paid->tickets[0].code);
        const auto failedAgain = callback(u"PAY_1"_s, created->order, false, amount);
        VERIFY_OK(failedAgain);
        QCOMPARE(failedAgain->result, PaymentResult::Duplicate);
        QCOMPARE(state()->version(), version);
        const auto view = m_engine->order(created->order);
        VERIFY_OK(view);
        QCOMPARE(view->payments.size(), 2); // PAY_1 failed, PAY_3 applied; PAY_2 refused
        QCOMPARE(view->tickets.size(), 1);

        // A second, different payment for a paid order is money to give back, not a resale.
        const auto second = callback(u"PAY_4"_s, created->order, true, amount);
        VERIFY_OK(second);
        QCOMPARE(second->result, PaymentResult::RefundRequired);
        QCOMPARE(second->orderStatus, OrderState::Ticketed);
        QCOMPARE(seat(u"MAIN-B-5"_s), u"SOLD"_s);
        QCOMPARE(m_engine->order(created->order)->tickets.size(), 1);

        QCOMPARE(codeOf(callback(u"PAY_5"_s, OrderId(u"ORD_NONE"_s), true, amount)),
                 wire(ErrorCode::NotFound));
        audit();
    }

    void release()
    {
        // Another user's hold: only a supervisor may release it.
        const auto theirs = hold({u"MAIN-A-1"_s}, u"clerk1"_s);
        VERIFY_OK(theirs);
        QCOMPARE(codeOf(release(theirs->hold, u"clerk2"_s)), wire(ErrorCode::Forbidden));
        QCOMPARE(seat(u"MAIN-A-1"_s), u"HELD"_s);
        const auto bySupervisor = release(theirs->hold, u"supervisor"_s, true);
        VERIFY_OK(bySupervisor);
        QCOMPARE(bySupervisor->state, HoldState::Released);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"AVAILABLE"_s);

        // Own hold, twice.
        const auto own = hold({u"MAIN-A-2"_s, u"MAIN-A-3"_s}, u"clerk1"_s);
        VERIFY_OK(own);
        const auto released = release(own->hold, u"clerk1"_s);
        VERIFY_OK(released);
        QCOMPARE(released->state, HoldState::Released);
        QCOMPARE(idsOf(released->seats), QStringList({u"MAIN-A-2"_s, u"MAIN-A-3"_s}));
        QCOMPARE(seat(u"MAIN-A-2"_s), u"AVAILABLE"_s);
        QCOMPARE(seat(u"MAIN-A-3"_s), u"AVAILABLE"_s);
        const qint64 version = state()->version();
        const auto twice = release(own->hold, u"clerk1"_s);
        VERIFY_OK(twice);
        QCOMPARE(twice->state, HoldState::Released);
        QCOMPARE(state()->version(), version);
        QCOMPARE(holdStatus(own->hold), u"RELEASED"_s);
        QCOMPARE(codeOf(order(own->hold)), wire(ErrorCode::HoldReleased));

        // Releasing a hold with an order awaiting payment cancels the order.
        const auto pending = hold({u"MAIN-B-1"_s});
        VERIFY_OK(pending);
        const auto pendingOrder = order(pending->hold);
        VERIFY_OK(pendingOrder);
        VERIFY_OK(release(pending->hold, u"clerk1"_s));
        QCOMPARE(orderStatus(pendingOrder->order), u"CANCELLED"_s);
        QCOMPARE(seat(u"MAIN-B-1"_s), u"AVAILABLE"_s);
        QCOMPARE(codeOf(tender(pendingOrder->order, PaymentMethod::Card, 0)),
                 wire(ErrorCode::OrderExpired));

        // A paid hold cannot be released.
        const auto held = hold({u"MAIN-B-2"_s});
        VERIFY_OK(held);
        const auto created = order(held->hold);
        VERIFY_OK(created);
        VERIFY_OK(tender(created->order, PaymentMethod::Card, 0));
        QCOMPARE(codeOf(release(held->hold, u"clerk1"_s)), wire(ErrorCode::Conflict));
        QCOMPARE(codeOf(release(held->hold, u"supervisor"_s, true)), wire(ErrorCode::Conflict));
        QCOMPARE(seat(u"MAIN-B-2"_s), u"SOLD"_s);
        QCOMPARE(holdStatus(held->hold), u"CONFIRMED"_s);

        // An expired hold: releasing it is harmless and says so.
        const auto expiring = hold({u"MAIN-B-3"_s}, u"clerk1"_s, 30);
        VERIFY_OK(expiring);
        m_clock.advanceMs(31 * kSecond);
        m_engine->wake();
        QTRY_COMPARE(seat(u"MAIN-B-3"_s), u"AVAILABLE"_s);
        const auto late = release(expiring->hold, u"clerk1"_s);
        VERIFY_OK(late);
        QCOMPARE(late->state, HoldState::Expired);

        QCOMPARE(codeOf(release(HoldId(u"HOLD_NONE"_s), u"clerk1"_s)), wire(ErrorCode::NotFound));
        verifyCounts(9, 0, 1);
        audit();
    }

    void idempotency()
    {
        const auto held = hold({u"MAIN-A-1"_s, u"MAIN-B-1"_s});
        VERIFY_OK(held);
        const auto first = order(held->hold, u"clerk1"_s, u"K-1"_s, "H-1");
        VERIFY_OK(first);
        QVERIFY(!first->replayed);

        m_clock.advanceMs(5 * kSecond);
        const auto replay = order(held->hold, u"clerk1"_s, u"K-1"_s, "H-1");
        VERIFY_OK(replay);
        QVERIFY(replay->replayed);
        QCOMPARE(replay->order, first->order);
        QCOMPARE(replay->hold, first->hold);
        QCOMPARE(replay->responseJson, first->responseJson);
        QCOMPARE(replay->amount, first->amount);
        QCOMPARE(replay->payByMs, first->payByMs);

        QCOMPARE(codeOf(order(held->hold, u"clerk1"_s, u"K-1"_s, "H-2")),
                 wire(ErrorCode::IdempotencyMismatch));
        const auto secondKey = order(held->hold, u"clerk1"_s, u"K-2"_s, "H-1");
        QCOMPARE(codeOf(secondKey), wire(ErrorCode::Conflict));
        QCOMPARE(secondKey.error().details.value(u"orderId"_s).toString(), first->order.value());
        QCOMPARE(scalar(u"SELECT COUNT(*) FROM ticket_order"_s).toInt(), 1);

        // Another user may not order this user's hold.
        QCOMPARE(codeOf(order(held->hold, u"clerk2"_s, u"K-3"_s, "H-1")),
                 wire(ErrorCode::Forbidden));

        // After payment the replay still answers the same bytes.
        VERIFY_OK(tender(first->order, PaymentMethod::Card, 0));
        const auto afterPayment = order(held->hold, u"clerk1"_s, u"K-1"_s, "H-1");
        VERIFY_OK(afterPayment);
        QVERIFY(afterPayment->replayed);
        QCOMPARE(afterPayment->responseJson, first->responseJson);
        QCOMPARE(scalar(u"SELECT COUNT(*) FROM ticket_order"_s).toInt(), 1);
        audit();
    }

    void groupCommit()
    {
        constexpr int kHolds = 500;
        struct Request
        {
            QSet<int> seats;
            std::optional<Result<HoldConfirmation>> result;
        };
        // Shared with the writer thread, which may outlive this function on a failure.
        struct Shared
        {
            std::mutex mutex;
            std::vector<Request> requests{std::size_t(kHolds)};
            std::atomic<int> answered{0};
        };
        const auto shared = std::make_shared<Shared>();
        std::vector<Request> &requests = shared->requests;
        QRandomGenerator random(20260223);
        for (Request &request : requests) {
            const int count = 1 + int(random.bounded(3));
            while (request.seats.size() < count)
                request.seats.insert(int(random.bounded(10)));
        }

        for (int i = 0; i < kHolds; ++i) {
            HoldCommand command;
            command.show = kShow;
            command.user = UserId(u"U%1"_s.arg(i));
            command.holdSeconds = 300;
            for (int index : std::as_const(requests[std::size_t(i)].seats))
                command.seats.append(m_layout->seats()[std::size_t(index)].id);
            m_engine->hold(command, [shared, i](Result<HoldConfirmation> result) {
                {
                    std::lock_guard lock(shared->mutex);
                    shared->requests[std::size_t(i)].result = std::move(result);
                }
                ++shared->answered;
            });
        }
        QVERIFY(QTest::qWaitFor([&] { return shared->answered.load() == kHolds; }, 60'000));

        std::lock_guard lock(shared->mutex);
        QSet<int> granted;
        int grants = 0;
        for (const Request &request : requests) {
            QVERIFY(request.result);
            const Result<HoldConfirmation> &result = *request.result;
            if (result) {
                ++grants;
                QCOMPARE(result->seats.size(), request.seats.size());
                for (int index : request.seats) {
                    QVERIFY2(!granted.contains(index), "a seat was granted twice");
                    granted.insert(index);
                }
            } else {
                QCOMPARE(codeOf(result), wire(ErrorCode::SeatUnavailable));
                QVERIFY(!result.error().details.value(u"seatIds"_s).toArray().isEmpty());
            }
        }
        QVERIFY(grants >= 1);
        QVERIFY(grants < kHolds);

        const auto loaded = state();
        QVERIFY(loaded);
        for (int index = 0; index < loaded->seatCount(); ++index)
            QCOMPARE(loaded->status(index),
                     granted.contains(index) ? SeatState::Held : SeatState::Available);
        QCOMPARE(loaded->counts().held, int(granted.size()));
        // Holds committed in one batch share a version: the feed has one row per version, at
        // most one per granted hold, and together the rows name every granted seat once.
        const qint64 versions =
            scalar(u"SELECT COUNT(*) FROM seat_change WHERE show_id = ?"_s, {kShow.value()})
                .toLongLong();
        QCOMPARE(loaded->version(), versions);
        QVERIFY(versions >= 1 && versions <= qint64(grants));
        const QString fed =
            scalar(u"SELECT GROUP_CONCAT(seat_indexes) FROM seat_change WHERE show_id = ?"_s,
                   {kShow.value()})
                .toString();
        const QStringList fedIndexes = fed.split(u',');
        QSet<int> fedSeats;
        for (const QString &index : fedIndexes)
            fedSeats.insert(index.toInt());
        QCOMPARE(fedIndexes.size(), granted.size()); // no seat twice
        QCOMPARE(fedSeats, granted);
        QCOMPARE(scalar(u"SELECT COUNT(*) FROM seat_hold WHERE status = 0"_s).toInt(), grants);
        audit();
    }

    void changeListener()
    {
        // Shared with the writer thread, which may outlive this function on a failure.
        struct Seen
        {
            std::mutex mutex;
            BookingEngine::CommittedChanges changes;
        };
        const auto recorded = std::make_shared<Seen>();
        QVERIFY(reopen({}, [recorded](const BookingEngine::CommittedChanges &changes) {
            std::lock_guard lock(recorded->mutex);
            recorded->changes.insert(recorded->changes.end(), changes.begin(), changes.end());
        }));

        const auto sold = sell({u"MAIN-A-1"_s, u"MAIN-A-2"_s}); // HELD, SOLD
        VERIFY_OK(sold);
        const auto kept = hold({u"MAIN-B-1"_s}); // HELD
        VERIFY_OK(kept);
        VERIFY_OK(release(kept->hold, u"clerk1"_s));                                 // AVAILABLE
        const auto expiring = hold({u"MAIN-B-2"_s, u"MAIN-B-3"_s}, u"clerk2"_s, 30); // HELD
        VERIFY_OK(expiring);
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk3"_s)), wire(ErrorCode::SeatUnavailable));
        m_clock.advanceMs(31 * kSecond);
        m_engine->wake();
        QTRY_COMPARE(seat(u"MAIN-B-2"_s), u"AVAILABLE"_s);        // AVAILABLE by expiry
        VERIFY_OK(hold({u"MAIN-B-4"_s}, u"clerk1"_s, 60, kShow)); // HELD

        const auto loaded = state();
        QVERIFY(loaded);
        QCOMPARE(loaded->version(), 7);
        std::lock_guard lock(recorded->mutex);
        const BookingEngine::CommittedChanges &seen = recorded->changes;
        QCOMPARE(int(seen.size()), 7);
        std::vector<quint8> replayed(10, quint8(SeatState::Available));
        const std::vector<SeatState> expected{
            SeatState::Held, SeatState::Sold,      SeatState::Held, SeatState::Available,
            SeatState::Held, SeatState::Available, SeatState::Held};
        for (std::size_t i = 0; i < seen.size(); ++i) {
            const auto &[show, change] = seen[i];
            QCOMPARE(show, kShow);
            QCOMPARE(change.version, qint64(i + 1)); // consecutive, in commit order
            QCOMPARE(change.status, expected[i]);
            QVERIFY(!change.seatIndexes.empty());
            for (int index : change.seatIndexes)
                replayed[std::size_t(index)] = quint8(change.status);
        }
        QCOMPARE(seen[1].second.seatIndexes, std::vector<int>({0, 1}));
        std::vector<quint8> snapshot;
        qint64 version = 0;
        loaded->snapshot(&snapshot, &version);
        QCOMPARE(version, 7);
        QCOMPARE(replayed, snapshot);
        audit();
    }

    void validation()
    {
        EngineOptions options;
        options.maxSeatsPerHold = 3;
        QVERIFY(reopen(options));

        const auto unknown = hold({u"MAIN-A-1"_s, u"NOPE-1"_s, u"MAIN-Z-9"_s});
        QCOMPARE(codeOf(unknown), wire(ErrorCode::BadRequest));
        QCOMPARE(unknown.error().details.value(u"seatIds"_s).toArray(),
                 QJsonArray({u"NOPE-1"_s, u"MAIN-Z-9"_s}));
        QCOMPARE(seat(u"MAIN-A-1"_s), u"AVAILABLE"_s);

        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s, u"MAIN-A-2"_s, u"MAIN-A-1"_s})),
                 wire(ErrorCode::BadRequest));
        QCOMPARE(codeOf(hold({})), wire(ErrorCode::BadRequest));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s, u"MAIN-A-2"_s, u"MAIN-A-3"_s, u"MAIN-A-4"_s})),
                 wire(ErrorCode::BadRequest));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk1"_s, 29)), wire(ErrorCode::BadRequest));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk1"_s, 1801)), wire(ErrorCode::BadRequest));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk1"_s, 0)), wire(ErrorCode::BadRequest));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk1"_s, 30, kLaterShow)),
                 wire(ErrorCode::Conflict));
        QCOMPARE(codeOf(hold({u"MAIN-A-1"_s}, u"clerk1"_s, 30, ShowId(u"SHOW_NONE"_s))),
                 wire(ErrorCode::NotFound));
        QCOMPARE(codeOf(order(HoldId(u"HOLD_NONE"_s))), wire(ErrorCode::NotFound));
        verifyCounts(10, 0, 0);
        QCOMPARE(state()->version(), 0);

        // The limits themselves are fine.
        VERIFY_OK(hold({u"MAIN-A-1"_s, u"MAIN-A-2"_s, u"MAIN-A-3"_s}, u"clerk1"_s, 30));
        VERIFY_OK(hold({u"MAIN-B-1"_s}, u"clerk1"_s, 1800));
        verifyCounts(6, 4, 0);

        // Once the sale is over, nothing more is held.
        m_clock.advanceMs(6 * 24 * kHour);
        QCOMPARE(codeOf(hold({u"MAIN-B-5"_s})), wire(ErrorCode::Conflict));
        audit();
    }

    // Kiosks (docs/kiosk-and-door-api.md): the seat cap counts the kiosk's ACTIVE holds, those
    // of its unpaid orders included, and nobody else's.
    void kioskSeatCap()
    {
        auto capped = [&](const QStringList &seats) {
            HoldCommand command{kShow, UserId(u"kiosk1"_s), seatIds(seats), 60, 3};
            return await<HoldConfirmation>([&](auto done) { m_engine->hold(command, done); });
        };
        const auto first = capped({u"MAIN-A-1"_s, u"MAIN-A-2"_s});
        VERIFY_OK(first);
        const auto created = order(first->hold, u"kiosk1"_s);
        VERIFY_OK(created);
        const auto over = capped({u"MAIN-A-3"_s, u"MAIN-A-4"_s});
        QCOMPARE(codeOf(over), wire(ErrorCode::KioskSeatLimit));
        QCOMPARE(over.error().details.value(u"maxSeats"_s).toInt(), 3);
        QCOMPARE(over.error().details.value(u"seatsHeld"_s).toInt(), 2);
        QCOMPARE(over.error().details.value(u"seatsRequested"_s).toInt(), 2);
        QCOMPARE(seat(u"MAIN-A-3"_s), u"AVAILABLE"_s);
        VERIFY_OK(hold({u"MAIN-B-1"_s, u"MAIN-B-2"_s}, u"kiosk2"_s));
        VERIFY_OK(capped({u"MAIN-A-3"_s}));
        QCOMPARE(codeOf(capped({u"MAIN-A-4"_s})), wire(ErrorCode::KioskSeatLimit));

        // Cancelling its unpaid order gives the seats back at once.
        CancelOrderCommand cancel{created->order, UserId(u"kiosk1"_s), false};
        const auto cancelled =
            await<CancelOrderOutcome>([&](auto done) { m_engine->cancelOrder(cancel, done); });
        VERIFY_OK(cancelled);
        QVERIFY(cancelled->changed);
        QCOMPARE(orderStatus(created->order), u"CANCELLED"_s);
        QCOMPARE(seat(u"MAIN-A-1"_s), u"AVAILABLE"_s);
        VERIFY_OK(capped({u"MAIN-A-4"_s, u"MAIN-A-1"_s}));
        const auto again =
            await<CancelOrderOutcome>([&](auto done) { m_engine->cancelOrder(cancel, done); });
        VERIFY_OK(again);
        QVERIFY(!again->changed);
        audit();
    }

    // Offline scans: the first door's use stands, a second door that let the holder in is
    // flagged with it, a repeated scan id changes nothing.
    void offlineScanConflict()
    {
        const auto held = hold({u"MAIN-B-3"_s});
        VERIFY_OK(held);
        const auto created = order(held->hold);
        VERIFY_OK(created);
        const auto paid = tender(created->order, PaymentMethod::Cash, 5'000);
        VERIFY_OK(paid);
        const TicketView ticket = paid->tickets.first();
        auto scan = [&](const QString &id, const QString &door, qint64 at, bool admitted) {
            UploadedScan entry;
            entry.scanId = id;
            entry.verify = scanOf(ticket.code, kShow, ticket.seat, created->order, u"door-user"_s);
            entry.verify.door = door;
            entry.scannedAtMs = at;
            entry.admittedOffline = admitted;
            return entry;
        };
        auto upload = [&](QList<UploadedScan> scans) {
            ScanUploadCommand command{std::move(scans)};
            return await<QList<VerifyOutcome>>(
                [&](auto done) { m_engine->uploadScans(command, done); });
        };
        const qint64 northAt = m_clock.nowMs() - 60 * kSecond;
        const auto north = upload({scan(u"north-0001"_s, u"North"_s, northAt, true)});
        VERIFY_OK(north);
        QCOMPARE(north->first().result, ScanResult::Valid);
        QCOMPARE(north->first().usedAtMs, northAt);
        QCOMPARE(north->first().usedDoor, u"North"_s);
        QVERIFY(!north->first().flagged);

        const auto south = upload({scan(u"south-0001"_s, u"South"_s, northAt + kSecond, true),
                                   scan(u"south-0002"_s, u"South"_s, northAt + kSecond, false),
                                   scan(u"north-0001"_s, u"North"_s, northAt, true)});
        VERIFY_OK(south);
        QCOMPARE(south->size(), 3);
        QCOMPARE(south->at(0).result, ScanResult::AlreadyUsed);
        QVERIFY(south->at(0).flagged);
        QVERIFY(south->at(0).conflict.has_value());
        QCOMPARE(south->at(0).conflict->usedDoor, u"North"_s);
        QCOMPARE(south->at(0).conflict->usedAtMs, northAt);
        QCOMPARE(south->at(1).result, ScanResult::AlreadyUsed);
        QVERIFY(!south->at(1).flagged);
        QVERIFY(south->at(2).replayed);
        QCOMPARE(scalar(u"SELECT COUNT(*) FROM ticket_scan"_s).toInt(), 3);
        QCOMPARE(scalar(u"SELECT COUNT(*) FROM ticket_scan WHERE flagged = 1"_s).toInt(), 1);
        QCOMPARE(scalar(u"SELECT used_door FROM issued_ticket WHERE ticket_code = ?"_s,
                        {ticket.code.value()})
                     .toString(),
                 u"North"_s);

        // A door of another show: genuine but not admitted there, and not used up.
        const auto other = hold({u"MAIN-B-4"_s});
        VERIFY_OK(other);
        const auto otherOrder = order(other->hold);
        VERIFY_OK(otherOrder);
        const auto otherPaid = tender(otherOrder->order, PaymentMethod::Cash, 5'000);
        VERIFY_OK(otherPaid);
        VerifyCommand wrongDoor =
            scanOf(otherPaid->tickets.first().code, kShow, otherPaid->tickets.first().seat,
                   otherOrder->order, u"door-user"_s);
        wrongDoor.doorShow = kLaterShow;
        const auto wrong =
            await<VerifyOutcome>([&](auto done) { m_engine->verifyTicket(wrongDoor, done); });
        VERIFY_OK(wrong);
        QCOMPARE(wrong->result, ScanResult::WrongShow);
        QCOMPARE(scalar(u"SELECT status FROM issued_ticket WHERE ticket_code = ?"_s,
                        {otherPaid->tickets.first().code.value()})
                     .toInt(),
                 1);
        audit();
    }
};

QTEST_GUILESS_MAIN(TestBookingEngine)
#include "tst_bookingengine.moc"
