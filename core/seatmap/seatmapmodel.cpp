#include "core/seatmap/seatmapmodel.h"

#include <algorithm>

namespace Boxoffice::Core {

namespace {

const VenueLayout &emptyLayout()
{
    static const VenueLayout empty;
    return empty;
}

// Adds or removes `seats` in the sorted list `list` and its per-seat flags.
bool updateSet(std::vector<int> &list, std::vector<quint8> &flags, const std::vector<int> &seats,
               bool on)
{
    bool changed = false;
    for (int seat : seats) {
        if (seat < 0 || seat >= int(flags.size()) || (flags[seat] != 0) == on)
            continue;
        flags[seat] = on ? 1 : 0;
        changed = true;
    }
    if (!changed)
        return false;
    list.clear();
    for (int i = 0; i < int(flags.size()); ++i) {
        if (flags[i])
            list.push_back(i);
    }
    return true;
}

} // namespace

SeatMapModel::SeatMapModel(QObject *parent)
    : QObject(parent)
{}

void SeatMapModel::setShow(ShowId show, std::shared_ptr<const VenueLayout> layout,
                           std::vector<qint64> categoryPriceCents, QString currency)
{
    m_show = std::move(show);
    m_layout = std::move(layout);
    m_categoryPrices = std::move(categoryPriceCents);
    m_currency = std::move(currency);
    const std::size_t n = m_layout ? m_layout->seats().size() : 0;
    m_statuses.assign(n, quint8(SeatState::Available));
    m_selectedFlags.assign(n, 0);
    m_ownFlags.assign(n, 0);
    m_selection.clear();
    m_own.clear();
    m_version = 0;
    m_freshness = Freshness::Empty;
    m_confirmedAtMs = 0;
    emit modelReset();
    emit selectionChanged();
    emit ownSeatsChanged();
    emit freshnessChanged();
}

void SeatMapModel::clear()
{
    setShow(ShowId(), nullptr, {}, QString());
}

const VenueLayout &SeatMapModel::layout() const
{
    return m_layout ? *m_layout : emptyLayout();
}

qint64 SeatMapModel::categoryPriceCents(int category) const
{
    if (category < 0 || category >= int(m_categoryPrices.size()))
        return -1;
    return m_categoryPrices[category];
}

qint64 SeatMapModel::priceCents(int seat) const
{
    return categoryPriceCents(m_layout->seats()[seat].category);
}

bool SeatMapModel::isSelectable(int seat) const
{
    return seat >= 0 && seat < seatCount() && m_statuses[seat] == quint8(SeatState::Available) &&
           !m_ownFlags[seat] && priceCents(seat) >= 0;
}

std::vector<quint8> SeatMapModel::selectableFlags() const
{
    std::vector<quint8> flags(m_statuses.size(), 0);
    for (int i = 0; i < seatCount(); ++i)
        flags[std::size_t(i)] = isSelectable(i) ? 1 : 0;
    return flags;
}

Result<> SeatMapModel::applySnapshot(std::vector<quint8> statuses, qint64 version)
{
    if (int(statuses.size()) != seatCount())
        return fail(ErrorCode::BadRequest, QStringLiteral("the snapshot has %1 seats, the venue %2")
                                               .arg(statuses.size())
                                               .arg(seatCount()));
    if (std::any_of(statuses.begin(), statuses.end(),
                    [](quint8 s) { return s > quint8(SeatState::RefundPending); }))
        return fail(ErrorCode::BadRequest, QStringLiteral("the snapshot has an unknown status"));
    m_statuses = std::move(statuses);
    m_version = version;
    emit modelReset();
    dropUnselectable();
    return {};
}

Result<> SeatMapModel::applyChange(SeatState status, const std::vector<int> &seats, qint64 version)
{
    for (int seat : seats) {
        if (seat < 0 || seat >= seatCount())
            return fail(
                ErrorCode::BadRequest,
                QStringLiteral("a change names seat index %1 of %2").arg(seat).arg(seatCount()));
    }
    QList<int> changed;
    changed.reserve(qsizetype(seats.size()));
    for (int seat : seats) {
        if (m_statuses[seat] != quint8(status)) {
            m_statuses[seat] = quint8(status);
            changed.append(seat);
        }
    }
    m_version = version;
    if (!changed.isEmpty()) {
        emit seatsChanged(changed);
        dropUnselectable();
    }
    return {};
}

void SeatMapModel::markUnavailable(const std::vector<int> &seats)
{
    QList<int> changed;
    for (int seat : seats) {
        if (seat >= 0 && seat < seatCount() && m_statuses[seat] == quint8(SeatState::Available)) {
            m_statuses[seat] = quint8(SeatState::Held);
            changed.append(seat);
        }
    }
    if (!changed.isEmpty()) {
        emit seatsChanged(changed);
        dropUnselectable();
    }
}

void SeatMapModel::setFreshness(Freshness freshness, qint64 confirmedAtMs)
{
    if (freshness == m_freshness && confirmedAtMs == m_confirmedAtMs)
        return;
    m_freshness = freshness;
    m_confirmedAtMs = confirmedAtMs;
    emit freshnessChanged();
}

void SeatMapModel::setSelected(const std::vector<int> &seats, bool selected)
{
    std::vector<int> wanted;
    wanted.reserve(seats.size());
    for (int seat : seats) {
        if (!selected || isSelectable(seat))
            wanted.push_back(seat);
    }
    if (updateSet(m_selection, m_selectedFlags, wanted, selected))
        emit selectionChanged();
}

void SeatMapModel::toggleSelected(int seat)
{
    if (seat < 0 || seat >= seatCount())
        return;
    setSelected({seat}, !isSelected(seat));
}

void SeatMapModel::setSelection(const std::vector<int> &seats)
{
    const std::vector<int> old = m_selection;
    bool changed = updateSet(m_selection, m_selectedFlags, old, false);
    std::vector<int> wanted;
    for (int seat : seats) {
        if (isSelectable(seat))
            wanted.push_back(seat);
    }
    changed = updateSet(m_selection, m_selectedFlags, wanted, true) || changed;
    if (changed && m_selection != old)
        emit selectionChanged();
}

void SeatMapModel::clearSelection()
{
    const std::vector<int> old = m_selection;
    if (updateSet(m_selection, m_selectedFlags, old, false))
        emit selectionChanged();
}

void SeatMapModel::setOwnSeats(const std::vector<int> &seats)
{
    const std::vector<int> old = m_own;
    bool changed = updateSet(m_own, m_ownFlags, old, false);
    changed = updateSet(m_own, m_ownFlags, seats, true) || changed;
    if (changed && m_own != old) {
        emit ownSeatsChanged();
        dropUnselectable();
    }
}

int SeatMapModel::countIn(SeatState state) const
{
    return int(std::count(m_statuses.begin(), m_statuses.end(), quint8(state)));
}

void SeatMapModel::dropUnselectable()
{
    std::vector<int> gone;
    for (int seat : m_selection) {
        if (!isSelectable(seat))
            gone.push_back(seat);
    }
    if (updateSet(m_selection, m_selectedFlags, gone, false))
        emit selectionChanged();
}

} // namespace Boxoffice::Core
