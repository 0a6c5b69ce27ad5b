#pragma once

#include "core/booking/statemachines.h"
#include "core/common/ids.h"
#include "core/common/money.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>

namespace Boxoffice::Core {

// Commands the booking engine accepts and what it answers. Plain values; the wire format
// (sync/protocol) converts them to and from JSON.

struct HoldCommand
{
    ShowId show;
    UserId user;
    QList<SeatId> seats;
    int holdSeconds = 0;
};

struct HoldConfirmation
{
    HoldId hold;
    ShowId show;
    QList<SeatId> seats;
    qint64 expiryMs = 0;
    Money total;
};

struct ReleaseCommand
{
    HoldId hold;
    UserId actor;
    bool mayReleaseAnyHold = false; // supervisors may release other users' holds
};

struct ReleaseOutcome
{
    HoldId hold;
    HoldState state = HoldState::Released; // RELEASED, or EXPIRED if it had already run out
    QList<SeatId> seats;
    UserId owner; // who placed the hold
};

struct OrderCommand
{
    HoldId hold;
    UserId user;
    QString idempotencyKey;
    QByteArray requestHash; // hash of the request body: the same key must come with the same body
    QString contactName;
    QString contactPhone;
    QString terminal; // the terminal of the creating session
    QString shiftId;  // the cash shift open for the creating session; "" for none
};

struct OrderCreated
{
    OrderId order;
    HoldId hold;
    Money amount;
    qint64 payByMs = 0;
    QByteArray responseJson; // the first answer, byte for byte, so a replay gets the same one
    bool replayed = false;
};

enum class PaymentMethod
{
    Cash,
    Card
};

struct TenderCommand
{
    OrderId order;
    UserId clerk;
    PaymentMethod method = PaymentMethod::Cash;
    qint64 tenderedCents = 0; // cash handed over; for card the order amount
    QString reference;        // card terminal slip / authorisation number
    QString terminal;         // the terminal of the recording session
    QString shiftId;          // its open cash shift; "" for none (the payment joins no shift)
};

struct CallbackCommand
{
    PaymentId payment;
    OrderId order;
    bool success = false;
    qint64 amountCents = 0;
};

struct TicketView
{
    TicketCode code;
    SeatId seat;
    QString qrPayload;
    QString status; // VALID, USED, REVOKED
};

// What became of a payment.
enum class PaymentResult
{
    Applied,         // the order is paid and ticketed
    Duplicate,       // this payment was seen before; nothing changed
    FailureRecorded, // the acquirer reported a failure; the order still awaits payment
    RefundRequired,  // money arrived for an order that can no longer be sold: hand it back
};

struct PaymentOutcome
{
    PaymentId payment;
    OrderId order;
    PaymentResult result = PaymentResult::Applied;
    OrderState orderStatus = OrderState::PendingPay;
    Money amount;
    qint64 tenderedCents = 0;
    qint64 changeCents = 0;
    QList<TicketView> tickets;
};

struct PaymentRecord
{
    PaymentId payment;
    QString source; // BOX_OFFICE or CALLBACK
    QString method; // CASH or CARD
    QString status; // APPLIED, FAILED, REFUND_REQUIRED
    qint64 amountCents = 0;
    qint64 tenderedCents = 0;
    qint64 changeCents = 0;
    qint64 receivedMs = 0;
};

struct OrderView
{
    OrderId order;
    HoldId hold;
    ShowId show;
    UserId user;
    OrderState status = OrderState::Init;
    Money amount;
    qint64 payByMs = 0;
    qint64 createdMs = 0;
    QString contactName;
    QString contactPhone;
    QString terminal;
    QString shiftId; // "" when the order was made outside a cash shift
    QList<SeatId> seats;
    QList<TicketView> tickets;
    QList<PaymentRecord> payments;
};

struct VerifyCommand
{
    TicketCode ticket;
    ShowId show;
    SeatId seat;
    OrderId order;
    UserId scanner;
};

enum class ScanResult
{
    Valid,
    AlreadyUsed,
    Revoked,
    Forged
};

struct VerifyOutcome
{
    ScanResult result = ScanResult::Forged;
    TicketCode ticket;
    ShowId show;
    SeatId seat;
    OrderId order;
    qint64 usedAtMs = 0;
    QString usedBy;
    QString reason;
};

template <class T> using Completion = std::function<void(Result<T>)>;

[[nodiscard]] QString wireName(PaymentResult result);
[[nodiscard]] QString wireName(ScanResult result);
[[nodiscard]] QString wireName(PaymentMethod method);

} // namespace Boxoffice::Core
