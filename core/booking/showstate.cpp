#include "core/booking/showstate.h"

#include "core/common/logging.h"

namespace Boxoffice::Core {

namespace {

// How many seat entries of recent changes a show keeps for `?since=` deltas. A terminal that
// fell further behind gets a full snapshot (25 KB compact for the arena), so this only has to
// cover ordinary reconnects.
constexpr qint64 kMaxLoggedSeats = 200'000;

void count(SeatCounts &counts, quint8 status, int delta)
{
    switch (static_cast<SeatState>(status)) {
    case SeatState::Available:
        counts.available += delta;
        break;
    case SeatState::Held:
        counts.held += delta;
        break;
    case SeatState::Sold:
        counts.sold += delta;
        break;
    case SeatState::RefundPending:
        counts.refundPending += delta;
        break;
    }
}

} // namespace

QByteArray packStatuses(const std::vector<quint8> &statuses)
{
    QByteArray packed((static_cast<qsizetype>(statuses.size()) + 3) / 4, '\0');
    char *out = packed.data();
    for (std::size_t i = 0; i < statuses.size(); ++i)
        out[i / 4] = static_cast<char>(static_cast<quint8>(out[i / 4]) |
                                       ((statuses[i] & 0x3) << ((i % 4) * 2)));
    return packed;
}

ShowState::ShowState(ShowInfo info, std::shared_ptr<const VenueLayout> layout,
                     std::vector<quint8> statuses, std::vector<qint64> heldUntil,
                     std::vector<qint64> seatPrices, qint64 version)
    : m_info(std::move(info))
    , m_layout(std::move(layout))
    , m_prices(std::move(seatPrices))
    , m_statuses(std::move(statuses))
    , m_heldUntil(std::move(heldUntil))
    , m_version(version)
    , m_logStartVersion(version)
{
    for (quint8 status : m_statuses)
        count(m_counts, status, 1);
}

qint64 ShowState::version() const
{
    std::shared_lock lock(m_mutex);
    return m_version;
}

SeatCounts ShowState::counts() const
{
    std::shared_lock lock(m_mutex);
    return m_counts;
}

SeatState ShowState::status(int seatIndex) const
{
    std::shared_lock lock(m_mutex);
    return static_cast<SeatState>(m_statuses[seatIndex]);
}

void ShowState::snapshot(std::vector<quint8> *statuses, qint64 *version) const
{
    std::shared_lock lock(m_mutex);
    *statuses = m_statuses;
    *version = m_version;
}

QByteArray ShowState::compactStatuses(qint64 *version) const
{
    std::lock_guard compactLock(m_compactMutex);
    std::shared_lock lock(m_mutex);
    if (m_compactVersion != m_version) {
        m_compact = packStatuses(m_statuses);
        m_compactVersion = m_version;
    }
    *version = m_version;
    return m_compact;
}

std::optional<std::vector<SeatChange>> ShowState::changesSince(qint64 sinceVersion,
                                                               qint64 *version) const
{
    std::shared_lock lock(m_mutex);
    *version = m_version;
    if (sinceVersion > m_version || sinceVersion < m_logStartVersion)
        return std::nullopt;
    std::vector<SeatChange> changes;
    for (auto it = m_log.rbegin(); it != m_log.rend() && it->version > sinceVersion; ++it)
        changes.push_back(*it);
    std::reverse(changes.begin(), changes.end());
    return changes;
}

QList<int> ShowState::unavailableAmong(const QList<int> &seatIndexes, qint64 nowMs) const
{
    QList<int> taken;
    std::shared_lock lock(m_mutex);
    for (int index : seatIndexes) {
        const auto status = static_cast<SeatState>(m_statuses[index]);
        const bool runOut = status == SeatState::Held && m_heldUntil[index] <= nowMs;
        if (status != SeatState::Available && !runOut)
            taken.append(index);
    }
    return taken;
}

void ShowState::extendHeld(const std::vector<int> &seatIndexes, qint64 untilMs)
{
    std::unique_lock lock(m_mutex);
    for (int index : seatIndexes) {
        if (m_statuses[index] == static_cast<quint8>(SeatState::Held))
            m_heldUntil[index] = std::max(m_heldUntil[index], untilMs);
    }
}

void ShowState::apply(const SeatChange &change)
{
    std::unique_lock lock(m_mutex);
    if (change.version <= m_version)
        return;
    if (change.version != m_version + 1)
        qCWarning(lcCore) << "show" << m_info.id.value() << "jumped from version" << m_version
                          << "to" << change.version;
    const bool perSeat = change.heldUntilPerSeat.size() == change.seatIndexes.size();
    for (std::size_t k = 0; k < change.seatIndexes.size(); ++k) {
        const int index = change.seatIndexes[k];
        count(m_counts, m_statuses[index], -1);
        m_statuses[index] = static_cast<quint8>(change.status);
        m_heldUntil[index] = change.status != SeatState::Held ? 0
                             : perSeat                        ? change.heldUntilPerSeat[k]
                                                              : change.heldUntilMs;
        count(m_counts, m_statuses[index], 1);
    }
    m_version = change.version;
    m_log.push_back(change);
    m_loggedSeats += static_cast<qint64>(change.seatIndexes.size());
    while (m_loggedSeats > kMaxLoggedSeats && !m_log.empty()) {
        m_loggedSeats -= static_cast<qint64>(m_log.front().seatIndexes.size());
        m_logStartVersion = m_log.front().version;
        m_log.pop_front();
    }
}

} // namespace Boxoffice::Core
