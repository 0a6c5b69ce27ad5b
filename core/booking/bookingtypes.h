#pragma once

#include "core/booking/statemachines.h"
#include "core/common/ids.h"
#include "core/common/money.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace Boxoffice::Core {

// Commands the booking engine accepts and what it answers. Plain values; the wire format
// (sync/protocol) converts them to and from JSON.

struct HoldCommand
{
    ShowId show;
    UserId user;
    QList<SeatId> seats;
    int holdSeconds = 0;
    // Kiosks: the most seats the user may have in ACTIVE holds (its unpaid orders' holds
    // included) once this hold is placed; 0: no limit. Over it: KioskSeatLimit.
    int maxSeatsOfUser = 0;
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
    UserId owner;          // who placed the hold
    ShowId show;           // its show
    qint64 totalCents = 0; // its price
    bool released = false; // this call released it (false: it had ended before)
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
    QString status;        // VALID, USED, REVOKED
    QString revokedReason; // REFUND, VOID, REPRINT, EXCHANGE; empty while not revoked
    qint64 revokedMs = 0;
    TicketCode reprintOf; // the ticket this one replaced, if it is a reprint
    int printCount = 1;   // 1: the original
    qint64 priceCents = 0;
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

// Money handed back (docs/supervisor-api.md, Refunds): a refund, a void or the balance of an
// exchange, in cash from the drawer or back to the card through the acquirer.
enum class RefundKind
{
    Refund,
    Void,
    Exchange
};
enum class RefundMethod
{
    Cash,
    Card
};
enum class RefundStatus
{
    Completed,
    CardPending,
    CardFailed
};

// Who asks for a money operation, from where; ends up in refund rows and audit records.
struct Requester
{
    UserId user;
    QString username;
    QString terminal;
    QString shiftId;      // the requesting session's open shift; empty: none
    QString authorizedBy; // the supervisor of an override; empty: none
};

struct RefundView
{
    RefundId refund;
    OrderId order;
    RefundKind kind = RefundKind::Refund;
    RefundMethod method = RefundMethod::Cash;
    RefundStatus status = RefundStatus::Completed;
    Money amount;
    QList<TicketCode> tickets;
    QList<SeatId> seats;
    QString reason;
    PaymentId payment; // the card payment paid back
    QString acquirerReference;
    OrderId exchangeOrder;
    QString requestedBy; // username
    QString authorizedBy;
    QString shiftId;
    QString terminal;
    qint64 createdMs = 0;
    OrderState orderStatus = OrderState::Ticketed; // the order after the refund
};

// An order's state before and after a money operation, for its audit record: order status,
// ticket and seat statuses, amounts paid and refunded.
struct AuditStates
{
    QJsonObject before;
    QJsonObject after;
};

struct RefundCommand
{
    OrderId order;
    QList<TicketCode> tickets; // empty: every VALID ticket of the order
    QString reason;
    std::optional<RefundMethod> method; // default: the tender of the order's payment
    Requester by;
};

struct RefundOutcome
{
    RefundView refund;
    AuditStates states;
};

// The acquirer's word on a card refund.
struct RefundCallbackCommand
{
    RefundId refund;
    PaymentId payment;
    QString acquirerReference;
    bool success = false;
    qint64 amountCents = 0;
};

struct RefundCallbackOutcome
{
    RefundView refund;
    bool changed = false; // false: a repeat; the stored state is answered
    RefundStatus before = RefundStatus::CardPending;
};

struct VoidCommand
{
    OrderId order;
    QString reason;
    Requester by;
};

struct VoidOutcome
{
    OrderId order;
    OrderState status = OrderState::Cancelled;
    std::optional<RefundView> refund; // none when nothing was paid
    AuditStates states;
};

struct ReprintCommand
{
    TicketCode ticket;
    QString reason;
    Requester by;
};

struct ReprintOutcome
{
    OrderId order;
    TicketCode revoked;
    TicketView ticket;
    AuditStates states;
};

struct ExchangeCommand
{
    OrderId order;
    QList<TicketCode> tickets;
    HoldId hold; // the new seats, held by the requesting user
    QString reason;
    std::optional<RefundMethod> method; // default: the tender of the order's payment
    qint64 tenderedCents = -1;          // cash handed over when the customer pays more
    QString reference;                  // card slip when the customer pays more by card
    Requester by;
};

struct ExchangeOutcome
{
    QString exchange;
    OrderId order;
    OrderId newOrder;
    QList<TicketCode> revoked;
    QList<TicketView> tickets;
    qint64 differenceCents = 0;
    qint64 changeCents = 0;
    std::optional<PaymentRecord> payment; // what the customer paid on top
    std::optional<RefundView> refund;     // what the customer got back
    AuditStates states;                   // of the old order; `after` also names the new one
};

// An ACTIVE hold, for the supervisor's list of stuck holds.
struct ActiveHold
{
    HoldId hold;
    ShowId show;
    UserId user;
    QString username;
    QList<SeatId> seats;
    qint64 createdMs = 0;
    qint64 expiryMs = 0;
    qint64 totalCents = 0;
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
    QList<RefundView> refunds;
};

struct VerifyOutcome;
// The JSON a scan was answered with, stored with the scan so a replayed upload gets it again.
using ScanAnswerFormat = std::function<QByteArray(const VerifyOutcome &)>;

// A scan at the door (docs/kiosk-and-door-api.md). The ticket fields are the signed claims of
// its QR payload; when the signature did not verify they are empty and forgedReason says why.
struct VerifyCommand
{
    TicketCode ticket;
    ShowId show;
    SeatId seat;
    OrderId order;
    UserId scanner;
    QString scannerName; // the user name a use is reported with; "" names the user by id
    ShowId doorShow;     // the show the door admits; empty: any show
    QString door;        // where the scan happened; stored with the use
    QString terminal;
    QString forgedReason;
    ScanAnswerFormat answer; // empty: the scan is recorded without its answer
    // An online verify: the door's own id for this scan, so that the same scan uploaded later
    // (the door gave up waiting and decided offline) is known as this one. Empty: the server
    // makes an id.
    QString scanId;
};

enum class ScanResult
{
    Valid,
    AlreadyUsed,
    Revoked,
    Forged,
    WrongShow
};

// The earlier use a flagged offline scan collided with.
struct ScanConflict
{
    qint64 usedAtMs = 0;
    QString usedDoor;
    QString usedBy;
};

struct VerifyOutcome
{
    ScanResult result = ScanResult::Forged;
    TicketCode ticket;
    ShowId show;
    SeatId seat;
    OrderId order;
    qint64 usedAtMs = 0;
    QString usedBy; // user name of the scan that used the ticket
    QString usedDoor;
    QString reason;
    qint64 revokedAtMs = 0;
    QString revokedReason;
    // Uploaded offline scans.
    QString scanId;
    bool flagged = false; // let in offline although the ticket was used by another scan or
                          // revoked; `conflict` is the earlier use
    std::optional<ScanConflict> conflict;
    bool replayed = false; // the scan id was seen before: storedAnswer is its answer
    QByteArray storedAnswer;
};

// A scan a door decided while it could not reach the server.
struct UploadedScan
{
    QString scanId;
    VerifyCommand verify; // door, doorShow and the claims (or forgedReason) of its payload
    qint64 scannedAtMs = 0;
    bool admittedOffline = false; // the door's own verdict was VALID
};

struct ScanUploadCommand
{
    QList<UploadedScan> scans;
};

// Cancelling an unpaid order (POST /orders/{id}/cancel).
struct CancelOrderCommand
{
    OrderId order;
    UserId actor;
    bool mayCancelAnyOrder = false; // false: only an order `actor` created
};

struct CancelOrderOutcome
{
    OrderId order;
    ShowId show;
    HoldId hold;
    QList<SeatId> seats;
    bool changed = false; // false: it was CANCELLED already
};

template <class T> using Completion = std::function<void(Result<T>)>;

[[nodiscard]] QString wireName(PaymentResult result);
[[nodiscard]] QString wireName(ScanResult result);
[[nodiscard]] std::optional<ScanResult> scanResultFromWireName(QStringView name);
[[nodiscard]] QString wireName(PaymentMethod method);
[[nodiscard]] QString wireName(RefundKind kind);
[[nodiscard]] QString wireName(RefundMethod method);
[[nodiscard]] QString wireName(RefundStatus status);
[[nodiscard]] std::optional<RefundKind> refundKindFromWireName(QStringView name);
[[nodiscard]] std::optional<RefundMethod> refundMethodFromWireName(QStringView name);
[[nodiscard]] std::optional<RefundStatus> refundStatusFromWireName(QStringView name);

} // namespace Boxoffice::Core
