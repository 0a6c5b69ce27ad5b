#pragma once

#include "core/booking/statemachines.h"
#include "core/common/ids.h"

#include <QList>
#include <QString>

#include <variant>
#include <vector>

namespace Boxoffice::Sync {

// What the terminal reads from the server (DESIGN.md §3.4), as plain copyable values.
// Times are milliseconds since the epoch (UTC); money is integer minor units.

struct Session
{
    QString username;
    QString token;
    QString role; // "clerk", "supervisor", "kiosk", "admin"
    qint64 expiresMs = 0;
};

struct ShowSummary
{
    Core::ShowId id;
    QString title;
    Core::VenueId venue;
    QString venueName;
    QString city;
    qint64 startMs = 0;
    QString status; // "ON_SALE", "OFFLINE"
    QString currency;
    int seatCount = 0;
    int availableCount = 0;
    qint64 version = 0;
};

struct SectionInfo
{
    QString id;
    QString name;
    QString level;
};

struct PriceTierInfo
{
    QString category; // a category id of the venue layout
    QString name;
    qint64 priceCents = 0;
};

struct ShowDetail
{
    ShowSummary summary;
    QList<SectionInfo> sections;
    QList<PriceTierInfo> tiers;
};

// Every seat's status at `version`, in layout order (decoded from the compact form).
struct SeatSnapshot
{
    Core::ShowId show;
    qint64 version = 0;
    std::vector<quint8> statuses; // Core::SeatState values
};

// One committed change: `seatIndexes` moved to `status` at `version`.
struct SeatChangeInfo
{
    qint64 version = 0;
    Core::SeatState status = Core::SeatState::Available;
    std::vector<int> seatIndexes;
};

// The changes after `since`, oldest first, ending at `version`.
struct SeatDelta
{
    Core::ShowId show;
    qint64 since = 0;
    qint64 version = 0;
    QList<SeatChangeInfo> changes;
};

// GET .../seats?since=V answers with a delta, or a snapshot when V is too old.
using SeatsUpdate = std::variant<SeatSnapshot, SeatDelta>;

struct HoldInfo
{
    Core::HoldId id;
    Core::ShowId show;
    QList<Core::SeatId> seats;
    qint64 expiryMs = 0;
    qint64 totalCents = 0;
    QString currency;
};

struct Contact
{
    QString name;  // may be empty for a walk-in
    QString phone; // may be empty for a walk-in
};

struct TicketInfo
{
    Core::TicketCode code;
    Core::SeatId seat;
    QString qrPayload;
    QString status; // "VALID", "USED", "REVOKED"
};

struct PaymentInfo
{
    Core::PaymentId id;
    QString source; // "BOX_OFFICE" (tendered at a window), "CALLBACK" (card acquirer)
    QString method; // "CASH", "CARD"
    QString status; // "APPLIED", "FAILED", "REFUND_REQUIRED"
    qint64 amountCents = 0;
    qint64 tenderedCents = 0;
    qint64 changeCents = 0;
    qint64 receivedMs = 0;
};

struct OrderInfo
{
    Core::OrderId id;
    Core::HoldId hold;
    Core::ShowId show;
    Core::OrderState status = Core::OrderState::PendingPay;
    qint64 amountCents = 0;
    QString currency;
    qint64 payByMs = 0;
    qint64 createdMs = 0;
    Contact contact;
    QList<Core::SeatId> seats;
    QList<TicketInfo> tickets;
    QList<PaymentInfo> payments;
};

// The answer to a box-office tender (cash or card slip).
struct TenderResult
{
    Core::PaymentId payment;
    Core::OrderId order;
    QString result;                                              // payment record status
    Core::OrderState orderStatus = Core::OrderState::PendingPay; // after the payment
    qint64 amountCents = 0;
    qint64 tenderedCents = 0;
    qint64 changeCents = 0;
    QList<TicketInfo> tickets;
};

} // namespace Boxoffice::Sync
