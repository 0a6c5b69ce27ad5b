#pragma once

#include <QHash>
#include <QMetaType>
#include <QString>

namespace Boxoffice::Core {

// A string id that cannot be mixed up with another kind of id. Ids are opaque text on the
// wire (seed §6: "HOLD_...", "A-1-01"); the type only says what the text names.
template <class Tag> class StrongId
{
public:
    StrongId() = default;
    explicit StrongId(QString value)
        : m_value(std::move(value))
    {}

    [[nodiscard]] const QString &value() const { return m_value; }
    [[nodiscard]] bool isEmpty() const { return m_value.isEmpty(); }

    friend bool operator==(const StrongId &, const StrongId &) = default;
    friend bool operator<(const StrongId &a, const StrongId &b) { return a.m_value < b.m_value; }
    friend size_t qHash(const StrongId &id, size_t seed = 0) { return qHash(id.m_value, seed); }

private:
    QString m_value;
};

using ShowId = StrongId<struct ShowIdTag>;
using VenueId = StrongId<struct VenueIdTag>;
using SeatId = StrongId<struct SeatIdTag>;
using HoldId = StrongId<struct HoldIdTag>;
using OrderId = StrongId<struct OrderIdTag>;
using UserId = StrongId<struct UserIdTag>;
using PaymentId = StrongId<struct PaymentIdTag>;
using TicketCode = StrongId<struct TicketCodeTag>;
using RefundId = StrongId<struct RefundIdTag>;

} // namespace Boxoffice::Core
