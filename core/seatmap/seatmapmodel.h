#pragma once

#include "core/booking/statemachines.h"
#include "core/common/ids.h"
#include "core/venue/venuelayout.h"

#include <QList>
#include <QObject>

#include <memory>
#include <vector>

namespace Boxoffice::Core {

// How far the availability on the map can be trusted.
enum class Freshness
{
    Empty,  // no show loaded
    Cached, // read from the terminal's cache; the server has not confirmed it yet
    Live,   // confirmed by the server and following its changes
    Stale,  // the server is unreachable; shows what was last confirmed at confirmedAtMs()
};

// The seat map of the show a terminal is selling: the venue layout, each seat's status and
// price, the clerk's selection and the seats this terminal holds. The seat map widget draws
// and hit-tests it; the sync engine feeds it snapshots and changes. Flat arrays indexed by
// seat index (layout order), so a 100,000-seat arena costs a few hundred kilobytes here.
//
// Lives on the GUI thread. Signals are emitted synchronously from the mutating call.
class SeatMapModel : public QObject
{
    Q_OBJECT
public:
    explicit SeatMapModel(QObject *parent = nullptr);

    // Loads a show. `categoryPriceCents[c]` is the price of layout category c, or -1 when the
    // show does not sell that category (such seats are never selectable). Every seat starts
    // AVAILABLE at version 0 with Freshness::Empty until a snapshot arrives.
    void setShow(ShowId show, std::shared_ptr<const VenueLayout> layout,
                 std::vector<qint64> categoryPriceCents, QString currency);
    void clear();

    [[nodiscard]] const ShowId &show() const { return m_show; }
    [[nodiscard]] bool hasShow() const { return m_layout != nullptr; }
    // The layout of the loaded show; an empty layout when none is loaded.
    [[nodiscard]] const VenueLayout &layout() const;
    [[nodiscard]] std::shared_ptr<const VenueLayout> sharedLayout() const { return m_layout; }
    [[nodiscard]] int seatCount() const { return int(m_statuses.size()); }
    [[nodiscard]] SeatState status(int seat) const { return SeatState(m_statuses[seat]); }
    [[nodiscard]] const std::vector<quint8> &statuses() const { return m_statuses; }
    // -1 when the seat's category is not on sale for this show.
    [[nodiscard]] qint64 priceCents(int seat) const;
    [[nodiscard]] qint64 categoryPriceCents(int category) const;
    [[nodiscard]] const QString &currency() const { return m_currency; }
    [[nodiscard]] qint64 version() const { return m_version; }
    // AVAILABLE, on sale, and not already in this terminal's hold.
    [[nodiscard]] bool isSelectable(int seat) const;
    // isSelectable for every seat, in seat order: what "best available" may pick.
    [[nodiscard]] std::vector<quint8> selectableFlags() const;

    // Replaces every status (a snapshot at `version`). Fails with BadRequest, changing
    // nothing, when the size differs from the layout's seat count or a status is not a
    // SeatState. Selected seats that are no longer AVAILABLE leave the selection.
    [[nodiscard]] Result<> applySnapshot(std::vector<quint8> statuses, qint64 version);
    // Applies one committed change at `version` (the caller checks versions are consecutive).
    // Out-of-range indexes fail with BadRequest and change nothing.
    [[nodiscard]] Result<> applyChange(SeatState status, const std::vector<int> &seats,
                                       qint64 version);

    // The server refused these seats (another terminal took them) before the change reached
    // this terminal: show them HELD until the next snapshot or change says otherwise. The
    // version does not move.
    void markUnavailable(const std::vector<int> &seats);

    [[nodiscard]] Freshness freshness() const { return m_freshness; }
    // When the server last confirmed the statuses (ms since the epoch; 0 never).
    [[nodiscard]] qint64 confirmedAtMs() const { return m_confirmedAtMs; }
    void setFreshness(Freshness freshness, qint64 confirmedAtMs);

    // The seats the clerk picked and has not held yet, ascending.
    [[nodiscard]] const std::vector<int> &selection() const { return m_selection; }
    [[nodiscard]] bool isSelected(int seat) const { return m_selectedFlags[seat] != 0; }
    // Seats that cannot be selected are ignored.
    void setSelected(const std::vector<int> &seats, bool selected);
    void toggleSelected(int seat);
    void setSelection(const std::vector<int> &seats);
    void clearSelection();

    // The seats of this terminal's open hold or order (drawn as "yours").
    [[nodiscard]] const std::vector<int> &ownSeats() const { return m_own; }
    [[nodiscard]] bool isOwn(int seat) const { return m_ownFlags[seat] != 0; }
    void setOwnSeats(const std::vector<int> &seats);

    [[nodiscard]] int countIn(SeatState state) const;

signals:
    // A new show, or a snapshot replaced every status: redraw everything.
    void modelReset();
    // These seats changed status.
    void seatsChanged(const QList<int> &seats);
    void selectionChanged();
    void ownSeatsChanged();
    void freshnessChanged();

private:
    void dropUnselectable();

    ShowId m_show;
    std::shared_ptr<const VenueLayout> m_layout;
    std::vector<qint64> m_categoryPrices;
    QString m_currency;
    std::vector<quint8> m_statuses;
    std::vector<quint8> m_selectedFlags;
    std::vector<quint8> m_ownFlags;
    std::vector<int> m_selection;
    std::vector<int> m_own;
    qint64 m_version = 0;
    Freshness m_freshness = Freshness::Empty;
    qint64 m_confirmedAtMs = 0;
};

} // namespace Boxoffice::Core
