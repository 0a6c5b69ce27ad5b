#include "core/booking/showstate.h"
#include "core/venue/venuelayout.h"

#include <QRegularExpression>
#include <QTest>

#include <memory>
#include <vector>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

namespace {

constexpr quint8 kA = quint8(SeatState::Available);
constexpr quint8 kH = quint8(SeatState::Held);
constexpr quint8 kS = quint8(SeatState::Sold);
constexpr quint8 kR = quint8(SeatState::RefundPending);

std::shared_ptr<const VenueLayout> layoutOf(int rows, int seatsPerRow)
{
    const QByteArray json = QStringLiteral(R"({
        "format": "boxoffice-venue/1", "id": "hall", "name": "Test Hall", "city": "Testville",
        "stage": {"x": -3, "y": -3, "width": 6, "height": 2},
        "categories": [{"id": "A", "name": "All"}],
        "sections": [{"id": "MAIN", "name": "Main", "level": "Stalls", "category": "A",
                      "rows": [{"rowCount": %1, "seatsPerRow": %2, "origin": [0, 2]}]}]
    })")
                                .arg(rows)
                                .arg(seatsPerRow)
                                .toUtf8();
    auto layout = parseVenueLayout(json, u"test.json"_s);
    Q_ASSERT(layout);
    return std::make_shared<const VenueLayout>(std::move(*layout));
}

// Far beyond any "now" of these tests: the holds of seats HELD from the start.
constexpr qint64 kFarMs = 4'000'000'000'000LL;
constexpr qint64 kNowMs = 1'790'000'000'000LL;

// A show of `statuses.size()` seats (one row per 10 seats), each seat priced 10.00. Seats HELD
// from the start are held until `heldUntilMs`.
std::unique_ptr<ShowState> makeState(std::vector<quint8> statuses, qint64 version = 0,
                                     qint64 heldUntilMs = kFarMs)
{
    const int seats = static_cast<int>(statuses.size());
    Q_ASSERT(seats % 10 == 0);
    ShowInfo info;
    info.id = ShowId(u"SHOW_1"_s);
    info.title = u"Test"_s;
    info.currency = u"EUR"_s;
    std::vector<qint64> heldUntil(statuses.size(), 0);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (statuses[i] == kH)
            heldUntil[i] = heldUntilMs;
    }
    std::vector<qint64> prices(statuses.size(), 1000);
    return std::make_unique<ShowState>(info, layoutOf(seats / 10, 10), std::move(statuses),
                                       std::move(heldUntil), std::move(prices), version);
}

SeatChange change(qint64 version, SeatState status, std::vector<int> seats,
                  qint64 heldUntilMs = kFarMs)
{
    return SeatChange{
        version, status, std::move(seats), status == SeatState::Held ? heldUntilMs : 0, {}};
}

std::vector<quint8> bytesToStatuses(const QByteArray &bytes)
{
    std::vector<quint8> statuses;
    for (char c : bytes)
        statuses.push_back(static_cast<quint8>(c));
    return statuses;
}

void verifyCounts(const SeatCounts &counts, int available, int held, int sold, int refundPending)
{
    QCOMPARE(counts.available, available);
    QCOMPARE(counts.held, held);
    QCOMPARE(counts.sold, sold);
    QCOMPARE(counts.refundPending, refundPending);
}

} // namespace

class TestShowState : public QObject
{
    Q_OBJECT

private slots:
    void packStatusesBitLayout_data()
    {
        QTest::addColumn<QByteArray>("statuses"); // one status per byte
        QTest::addColumn<QByteArray>("packed");

        QTest::newRow("no seats") << QByteArray() << QByteArray();
        QTest::newRow("first seat held: low bits")
            << QByteArray("\x01", 1) << QByteArray("\x01", 1);
        QTest::newRow("second seat held") << QByteArray("\x00\x01", 2) << QByteArray("\x04", 1);
        QTest::newRow("third seat held") << QByteArray("\x00\x00\x01", 3) << QByteArray("\x10", 1);
        QTest::newRow("fourth seat held: high bits")
            << QByteArray("\x00\x00\x00\x01", 4) << QByteArray("\x40", 1);
        QTest::newRow("all four states")
            << QByteArray("\x00\x01\x02\x03", 4) << QByteArray("\xE4", 1);
        QTest::newRow("fifth seat starts byte 1")
            << QByteArray("\x01\x02\x03\x00\x02", 5) << QByteArray("\x39\x02", 2);
        QTest::newRow("all refund pending, one sold after")
            << QByteArray("\x03\x03\x03\x03\x00\x00\x00\x02", 8) << QByteArray("\xFF\x80", 2);
    }

    void packStatusesBitLayout()
    {
        QFETCH(QByteArray, statuses);
        QFETCH(QByteArray, packed);
        QCOMPARE(packStatuses(bytesToStatuses(statuses)), packed);
    }

    void packStatusesOfTheArena()
    {
        std::vector<quint8> statuses(100'000, kA);
        QCOMPARE(packStatuses(statuses).size(), 25'000);
        QCOMPARE(packStatuses(statuses), QByteArray(25'000, '\0'));

        for (std::size_t i = 0; i < statuses.size(); ++i)
            statuses[i] = static_cast<quint8>(i % 4);
        QCOMPARE(packStatuses(statuses), QByteArray(25'000, '\xE4'));

        std::fill(statuses.begin(), statuses.end(), kA);
        statuses.back() = kS; // seat 99,999: the top bits of the last byte
        const QByteArray packed = packStatuses(statuses);
        QCOMPARE(packed.size(), 25'000);
        QCOMPARE(static_cast<quint8>(packed.back()), quint8(0x80));
        QCOMPARE(packed.count('\0'), 24'999);

        statuses.push_back(kH); // a partial last byte
        QCOMPARE(packStatuses(statuses).size(), 25'001);
        QCOMPARE(static_cast<quint8>(packStatuses(statuses).back()), quint8(0x01));
    }

    void compactStatusesFollowTheMap()
    {
        auto state = makeState(std::vector<quint8>(20, kA), 7);
        qint64 version = -1;
        QCOMPARE(state->compactStatuses(&version), QByteArray(5, '\0'));
        QCOMPARE(version, 7);

        state->apply(change(8, SeatState::Held, {0, 5}));
        state->apply(change(9, SeatState::Sold, {5}));
        const QByteArray compact = state->compactStatuses(&version);
        QCOMPARE(version, 9);
        std::vector<quint8> snapshot;
        qint64 snapshotVersion = -1;
        state->snapshot(&snapshot, &snapshotVersion);
        QCOMPARE(snapshotVersion, 9);
        QCOMPARE(compact, packStatuses(snapshot));
        QCOMPARE(static_cast<quint8>(compact[0]), quint8(0x01));
        QCOMPARE(static_cast<quint8>(compact[1]), quint8(0x02 << 2));
    }

    void countsFollowApply()
    {
        std::vector<quint8> initial(20, kA);
        initial[1] = kH;
        initial[2] = kS;
        initial[3] = kR;
        auto state = makeState(initial, 0);
        QCOMPARE(state->seatCount(), 20);
        verifyCounts(state->counts(), 17, 1, 1, 1);
        QCOMPARE(state->counts().total(), 20);

        state->apply(change(1, SeatState::Held, {0, 4, 5}));
        verifyCounts(state->counts(), 14, 4, 1, 1);
        QCOMPARE(state->status(4), SeatState::Held);

        state->apply(change(2, SeatState::Sold, {0, 1}));
        verifyCounts(state->counts(), 14, 2, 3, 1);

        state->apply(change(3, SeatState::Available, {4, 5, 3}));
        verifyCounts(state->counts(), 17, 0, 3, 0);

        state->apply(change(4, SeatState::RefundPending, {2}));
        verifyCounts(state->counts(), 17, 0, 2, 1);
        QCOMPARE(state->status(2), SeatState::RefundPending);
        QCOMPARE(state->status(3), SeatState::Available);
        QCOMPARE(state->version(), 4);
        QCOMPARE(state->counts().total(), 20);
    }

    void changesSinceInRange()
    {
        auto state = makeState(std::vector<quint8>(10, kA));
        state->apply(change(1, SeatState::Held, {0, 1}));
        state->apply(change(2, SeatState::Sold, {0, 1}));
        state->apply(change(3, SeatState::Held, {7}));

        qint64 version = -1;
        const auto all = state->changesSince(0, &version);
        QVERIFY(all);
        QCOMPARE(version, 3);
        QCOMPARE(all->size(), 3u);
        for (std::size_t i = 0; i < all->size(); ++i)
            QCOMPARE((*all)[i].version, qint64(i + 1));
        QCOMPARE((*all)[1].status, SeatState::Sold);
        QCOMPARE((*all)[1].seatIndexes, std::vector<int>({0, 1}));

        const auto recent = state->changesSince(1, &version);
        QVERIFY(recent);
        QCOMPARE(recent->size(), 2u);
        QCOMPARE(recent->front().version, 2);
        QCOMPARE(recent->back().seatIndexes, std::vector<int>({7}));

        version = -1;
        const auto none = state->changesSince(3, &version);
        QVERIFY(none); // up to date: nothing to send, but not "too old"
        QVERIFY(none->empty());
        QCOMPARE(version, 3);

        version = -1;
        QVERIFY(!state->changesSince(4, &version)); // a version the server never had
        QCOMPARE(version, 3);
        QVERIFY(!state->changesSince(1000, &version));
    }

    void changesSinceStartsAtTheLoadedVersion()
    {
        // A map loaded at version 5 knows nothing of the changes before it.
        auto state = makeState(std::vector<quint8>(10, kA), 5);
        qint64 version = -1;
        QVERIFY(!state->changesSince(4, &version));
        QCOMPARE(version, 5);
        QVERIFY(!state->changesSince(0, &version));
        const auto none = state->changesSince(5, &version);
        QVERIFY(none && none->empty());

        state->apply(change(6, SeatState::Held, {3}));
        const auto one = state->changesSince(5, &version);
        QVERIFY(one);
        QCOMPARE(one->size(), 1u);
        QCOMPARE(version, 6);
        QVERIFY(!state->changesSince(4, &version));
    }

    void changesSinceTooOldOnceTheLogIsFull()
    {
        // 1,000 seats changing at once, back and forth, until the oldest changes are dropped.
        auto state = makeState(std::vector<quint8>(1000, kA));
        std::vector<int> everySeat(1000);
        for (int i = 0; i < 1000; ++i)
            everySeat[static_cast<std::size_t>(i)] = i;
        qint64 version = 0;
        qint64 current = 0;
        while (state->changesSince(0, &current) && version < 2000) {
            ++version;
            state->apply(
                change(version, version % 2 ? SeatState::Held : SeatState::Available, everySeat));
        }
        QVERIFY2(version < 2000, "the change log is not bounded");
        QVERIFY(version > 10); // a few reconnects' worth is kept
        QCOMPARE(current, version);

        // The oldest version still answered gets every change after it; one older gets nullopt.
        qint64 oldest = 1;
        while (!state->changesSince(oldest, &current))
            ++oldest;
        QVERIFY(oldest > 0);
        const auto kept = state->changesSince(oldest, &current);
        QCOMPARE(qint64(kept->size()), version - oldest);
        QCOMPARE(kept->front().version, oldest + 1);
        QCOMPARE(kept->back().version, version);
        QVERIFY(!state->changesSince(oldest - 1, &current));
        const auto latest = state->changesSince(version - 1, &current);
        QVERIFY(latest);
        QCOMPARE(latest->size(), 1u);

        // The map itself is unaffected by the log's bound.
        const SeatCounts counts = state->counts();
        QCOMPARE(counts.held, version % 2 ? 1000 : 0);
        QCOMPARE(counts.total(), 1000);
    }

    void applyIgnoresOldVersions()
    {
        auto state = makeState(std::vector<quint8>(10, kA), 3);
        state->apply(change(3, SeatState::Sold, {0})); // what a reload already contains
        state->apply(change(1, SeatState::Sold, {1}));
        QCOMPARE(state->version(), 3);
        QCOMPARE(state->status(0), SeatState::Available);
        QCOMPARE(state->status(1), SeatState::Available);
        verifyCounts(state->counts(), 10, 0, 0, 0);

        state->apply(change(4, SeatState::Held, {2}));
        state->apply(change(4, SeatState::Sold, {2})); // a second delivery of version 4
        QCOMPARE(state->version(), 4);
        QCOMPARE(state->status(2), SeatState::Held);
        verifyCounts(state->counts(), 9, 1, 0, 0);
        qint64 version = -1;
        const auto changes = state->changesSince(3, &version);
        QVERIFY(changes);
        QCOMPARE(changes->size(), 1u);
        QCOMPARE(changes->front().status, SeatState::Held);
    }

    void applyLogsAGap()
    {
        auto state = makeState(std::vector<quint8>(10, kA), 1);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"jumped from version 1 to 3"_s));
        state->apply(change(3, SeatState::Held, {4}));
        QCOMPARE(state->version(), 3);
        QCOMPARE(state->status(4), SeatState::Held);
    }

    void unavailableAmong()
    {
        std::vector<quint8> initial(10, kA);
        initial[2] = kH;
        initial[5] = kS;
        initial[7] = kR;
        auto state = makeState(initial);
        QCOMPARE(state->unavailableAmong({}, kNowMs), QList<int>());
        QCOMPARE(state->unavailableAmong({0, 1, 3}, kNowMs), QList<int>());
        QCOMPARE(state->unavailableAmong({7, 0, 2, 5}, kNowMs), QList<int>({7, 2, 5}));

        state->apply(change(1, SeatState::Held, {0}));
        state->apply(change(2, SeatState::Available, {2}));
        QCOMPARE(state->unavailableAmong({0, 1, 2, 3}, kNowMs), QList<int>({0}));
    }

    // A HELD seat whose hold has run out can be asked for: the writer expires that hold before
    // it places new ones. SOLD and REFUND_PENDING seats never run out.
    void unavailableAmongLooksAtTheHoldExpiry()
    {
        std::vector<quint8> initial(10, kA);
        initial[1] = kH;
        initial[2] = kS;
        initial[3] = kR;
        auto state = makeState(initial, 0, kNowMs + 1000);
        const QList<int> seats{0, 1, 2, 3};
        QCOMPARE(state->unavailableAmong(seats, kNowMs), QList<int>({1, 2, 3}));
        QCOMPARE(state->unavailableAmong(seats, kNowMs + 999), QList<int>({1, 2, 3}));
        QCOMPARE(state->unavailableAmong(seats, kNowMs + 1000), QList<int>({2, 3}));
        QCOMPARE(state->unavailableAmong(seats, kFarMs), QList<int>({2, 3}));
        QCOMPARE(state->status(1), SeatState::Held); // only the answer changes, not the map
        verifyCounts(state->counts(), 7, 1, 1, 1);

        // A committed hold brings its own expiry; a change to another state forgets it.
        state->apply(change(1, SeatState::Held, {4, 5}, kNowMs + 30'000));
        QCOMPARE(state->unavailableAmong({4, 5}, kNowMs + 29'999), QList<int>({4, 5}));
        QCOMPARE(state->unavailableAmong({4, 5}, kNowMs + 30'000), QList<int>());
        state->apply(change(2, SeatState::Sold, {4}));
        QCOMPARE(state->unavailableAmong({4, 5}, kFarMs), QList<int>({4}));
        state->apply(change(3, SeatState::Available, {5}));
        state->apply(change(4, SeatState::Held, {5}, kNowMs + 60'000));
        QCOMPARE(state->unavailableAmong({5}, kNowMs + 59'999), QList<int>({5}));
        QCOMPARE(state->unavailableAmong({5}, kNowMs + 60'000), QList<int>());
    }

    void extendHeldKeepsTheLaterExpiry()
    {
        auto state = makeState(std::vector<quint8>(10, kA));
        state->apply(change(1, SeatState::Held, {0, 1}, kNowMs + 30'000));
        const qint64 version = state->version();

        state->extendHeld({0, 1, 2}, kNowMs + 600'000); // seat 2 is not HELD: left alone
        QCOMPARE(state->unavailableAmong({0, 1, 2}, kNowMs + 31'000), QList<int>({0, 1}));
        QCOMPARE(state->unavailableAmong({0, 1}, kNowMs + 600'000), QList<int>());
        QCOMPARE(state->status(2), SeatState::Available);
        QCOMPARE(state->version(), version); // not a change of the map
        verifyCounts(state->counts(), 8, 2, 0, 0);

        state->extendHeld({0}, kNowMs + 1000); // never shortens
        QCOMPARE(state->unavailableAmong({0}, kNowMs + 599'999), QList<int>({0}));

        // Once the seat is held again by a new hold, the old extension is gone.
        state->apply(change(2, SeatState::Available, {0}));
        state->apply(change(3, SeatState::Held, {0}, kNowMs + 40'000));
        QCOMPARE(state->unavailableAmong({0}, kNowMs + 40'000), QList<int>());
    }
};

QTEST_APPLESS_MAIN(TestShowState)
#include "tst_showstate.moc"
