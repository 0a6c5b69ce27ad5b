#pragma once

#include <QDateTime>

#include <atomic>

namespace Boxoffice::Core {

// The one source of "now" for rules that depend on time (hold expiry, payment windows,
// callback freshness, session expiry). Tests substitute ManualClock. Thread-safe.
class Clock
{
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch, UTC.
    [[nodiscard]] virtual qint64 nowMs() const = 0;
    [[nodiscard]] QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }
};

class SystemClock final : public Clock
{
public:
    [[nodiscard]] qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

// A clock that moves only when told to.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'790'000'000'000LL)
        : m_now(startMs)
    {}
    [[nodiscard]] qint64 nowMs() const override { return m_now.load(); }
    void setNowMs(qint64 ms) { m_now.store(ms); }
    void advanceMs(qint64 ms) { m_now.fetch_add(ms); }

private:
    std::atomic<qint64> m_now;
};

// ISO 8601 UTC with milliseconds, "2026-02-23T10:10:00.000Z", as used on the wire.
[[nodiscard]] QString isoUtc(qint64 msSinceEpoch);

} // namespace Boxoffice::Core
