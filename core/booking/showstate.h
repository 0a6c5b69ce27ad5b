#pragma once

#include "core/booking/statemachines.h"
#include "core/common/ids.h"
#include "core/common/money.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

namespace Boxoffice::Core {

class VenueLayout;

struct PriceTier
{
    QString category; // a category id of the venue layout
    QString name;
    qint64 priceCents = 0;
};

// What a show is, apart from its seats. A value; copied freely.
struct ShowInfo
{
    ShowId id;
    QString title;
    VenueId venue;
    QString venueName;
    QString city;
    qint64 startMs = 0;
    qint64 saleStartMs = 0;
    qint64 saleEndMs = 0;
    int status = 1; // 1 on sale, 2 offline (seed §5.1)
    QString currency;
    QList<PriceTier> tiers;
};

// One committed change of the seat map: the seats that moved to `status` at show `version`.
struct SeatChange
{
    qint64 version = 0;
    SeatState status = SeatState::Available;
    std::vector<int> seatIndexes;
    // For HELD: when the hold runs out (not sent on the wire). heldUntilPerSeat, when not
    // empty, gives it per seat (parallel to seatIndexes) and overrides heldUntilMs.
    qint64 heldUntilMs = 0;
    std::vector<qint64> heldUntilPerSeat;
};

struct SeatCounts
{
    int available = 0;
    int held = 0;
    int sold = 0;
    int refundPending = 0;
    [[nodiscard]] int total() const { return available + held + sold + refundPending; }
};

// The in-memory seat map of one show: a cache of the database, never the truth (DESIGN.md
// §3.2). It answers reads and rejects obviously unavailable seats before they reach the writer.
// Thread-safe: any thread reads; the booking writer applies committed changes in version order.
class ShowState
{
public:
    // `heldUntil` gives the hold expiry of every HELD seat (0 elsewhere).
    ShowState(ShowInfo info, std::shared_ptr<const VenueLayout> layout,
              std::vector<quint8> statuses, std::vector<qint64> heldUntil,
              std::vector<qint64> seatPrices, qint64 version);

    [[nodiscard]] const ShowInfo &info() const { return m_info; }
    [[nodiscard]] const VenueLayout &layout() const { return *m_layout; }
    [[nodiscard]] std::shared_ptr<const VenueLayout> sharedLayout() const { return m_layout; }
    [[nodiscard]] int seatCount() const { return static_cast<int>(m_prices.size()); }
    [[nodiscard]] qint64 priceCents(int seatIndex) const { return m_prices[seatIndex]; }

    [[nodiscard]] qint64 version() const;
    [[nodiscard]] SeatCounts counts() const;
    [[nodiscard]] SeatState status(int seatIndex) const;
    // The whole map at one version.
    void snapshot(std::vector<quint8> *statuses, qint64 *version) const;
    // Two bits per seat in layout order (first seat in the low bits of byte 0):
    // 0 AVAILABLE, 1 HELD, 2 SOLD, 3 REFUND_PENDING. 25,000 bytes for 100,000 seats.
    [[nodiscard]] QByteArray compactStatuses(qint64 *version) const;
    // The changes after `sinceVersion`, oldest first, or nullopt when they are no longer kept
    // (the caller then sends a full snapshot).
    [[nodiscard]] std::optional<std::vector<SeatChange>> changesSince(qint64 sinceVersion,
                                                                      qint64 *version) const;
    // Of the given seats, those that cannot be held at `nowMs`: not AVAILABLE, and not HELD by
    // a hold that has already run out (the writer expires such holds before it places new
    // ones, so they must not be refused here even if no timer has released them yet).
    [[nodiscard]] QList<int> unavailableAmong(const QList<int> &seatIndexes, qint64 nowMs) const;
    // An order awaiting payment keeps its hold longer: the seats stay HELD until `untilMs`.
    void extendHeld(const std::vector<int> &seatIndexes, qint64 untilMs);

    // Applies a committed change. Changes at or below the current version are ignored (a
    // reload may already contain them); a gap is a programming error and is logged.
    void apply(const SeatChange &change);

private:
    ShowInfo m_info;
    std::shared_ptr<const VenueLayout> m_layout;
    std::vector<qint64> m_prices;

    mutable std::shared_mutex m_mutex;
    std::vector<quint8> m_statuses;
    std::vector<qint64> m_heldUntil; // per seat; meaningful while HELD
    qint64 m_version = 0;
    SeatCounts m_counts;
    std::deque<SeatChange> m_log; // recent changes, bounded by kMaxLoggedSeats
    qint64 m_loggedSeats = 0;
    qint64 m_logStartVersion = 0; // changes after this version are all in m_log

    mutable std::mutex m_compactMutex;
    mutable QByteArray m_compact;
    mutable qint64 m_compactVersion = -1;
};

[[nodiscard]] QByteArray packStatuses(const std::vector<quint8> &statuses);

} // namespace Boxoffice::Core
