#pragma once

#include "core/booking/bookingtypes.h"
#include "core/booking/statemachines.h"
#include "core/common/ids.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

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
    QString terminal; // the terminal name the server stamps on this session's records
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
    QString status;             // "VALID", "USED", "REVOKED"
    QString revokedReason;      // "REFUND", "VOID", "REPRINT", "EXCHANGE"; empty while valid
    qint64 revokedMs = 0;       // 0 while valid
    Core::TicketCode reprintOf; // the ticket this one replaced; empty for an original
    int printCount = 1;         // 1: the original print
    qint64 priceCents = 0;
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

using RefundId = Core::StrongId<struct RefundIdTag>;
using ShiftId = Core::StrongId<struct ShiftIdTag>;

// A refund, void or exchange settlement (docs/supervisor-api.md, refundJson).
struct RefundInfo
{
    RefundId id;
    Core::OrderId order;
    QString kind;   // "REFUND", "VOID", "EXCHANGE"
    QString method; // "CASH", "CARD", "EXCHANGE"
    QString status; // "COMPLETED", "CARD_PENDING", "CARD_FAILED"
    qint64 amountCents = 0;
    QString currency;
    QList<Core::TicketCode> tickets;
    QList<Core::SeatId> seats;
    QString reason;
    Core::PaymentId payment; // the card payment paid back; empty for cash
    QString acquirerReference;
    Core::OrderId exchangeOrder;
    QString requestedBy;  // username
    QString authorizedBy; // the supervisor of an override; empty without one
    ShiftId shift;
    QString terminal;
    qint64 createdMs = 0;
    QString orderStatus; // the order's status after the refund
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
    QList<RefundInfo> refunds;
    QString terminal; // where the order was made
    ShiftId shift;    // the shift it belongs to; empty outside a shift
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

// One hit of GET /orders?q=.
struct OrderSearchHit
{
    Core::OrderId order;
    Core::ShowId show;
    QString showTitle;
    qint64 showStartMs = 0;
    Core::OrderState status = Core::OrderState::PendingPay;
    qint64 amountCents = 0;
    QString currency;
    qint64 createdMs = 0;
    Contact contact;
    int seatCount = 0;
    int validTicketCount = 0;
    QString terminal;
    Core::UserId user;
};

struct OrderSearch
{
    QList<OrderSearchHit> orders; // newest first
    QString matchedBy;            // "ORDER_ID", "TICKET_CODE", "QR", "PHONE", "NAME", "NONE"
};

// What a refund asks for: no tickets means every valid ticket of the order; an empty method
// means the order's original tender.
struct RefundRequest
{
    QList<Core::TicketCode> tickets;
    QString reason;
    QString method; // "", "CASH", "CARD"
};

struct VoidResult
{
    Core::OrderId order;
    Core::OrderState status = Core::OrderState::Cancelled;
    std::optional<RefundInfo> refund; // when money was taken and goes back
};

struct ReprintResult
{
    Core::OrderId order;
    Core::TicketCode revoked;
    TicketInfo ticket; // the new ticket, with its new QR
};

// An exchange of `tickets` for the seats of `hold` (held first by this session).
struct ExchangeRequest
{
    QList<Core::TicketCode> tickets;
    Core::HoldId hold;
    QString reason;
    QString method;            // "", "CASH", "CARD"
    qint64 tenderedCents = -1; // CASH when the customer pays more; -1: not sent
    QString reference;         // CARD slip when the customer pays more
};

struct ExchangePayment
{
    Core::PaymentId id;
    QString method;
    qint64 amountCents = 0;
};

struct ExchangeResult
{
    QString exchangeId;
    Core::OrderId order;    // the old order
    Core::OrderId newOrder; // TICKETED, with the new tickets
    QList<Core::TicketCode> revoked;
    QList<TicketInfo> tickets;
    qint64 differenceCents = 0; // > 0: the customer paid more; < 0: money went back
    qint64 changeCents = 0;
    std::optional<ExchangePayment> payment;
    std::optional<RefundInfo> refund;
};

// An ACTIVE hold as GET /holds lists it for a supervisor.
struct StuckHold
{
    Core::HoldId id;
    Core::ShowId show;
    Core::UserId user;
    QString username;
    QList<Core::SeatId> seats;
    qint64 createdMs = 0;
    qint64 expiryMs = 0;
    qint64 totalCents = 0;
};

// A supervisor's credentials for one action; exactly one of password and pin is set.
struct OverrideRequest
{
    QString supervisor;
    QString password;
    QString pin;
    QString action;  // "refund", "void", "exchange", "reprint", "release"
    QString subject; // the order id, ticket code or hold id the action is about
};

// The token authorises exactly one request (header X-Override-Token) for about 120 s.
struct OverrideGrant
{
    QString id;
    QString token;
    QString action;
    QString subject;
    QString supervisor;
    qint64 expiresMs = 0;
};

struct AuditFilter
{
    QString actor, action, subject, terminal; // empty: any; `action` matches a prefix
    qint64 fromMs = 0, toMs = 0;              // 0: open-ended
    qint64 beforeId = 0;                      // 0: the newest
    int limit = 0;                            // 0: the server's default
};

struct AuditRecord
{
    qint64 id = 0;
    qint64 atMs = 0;
    QString actor, terminal, action, subject;
    QJsonObject detail;
};

struct AuditPage
{
    QList<AuditRecord> records; // newest first
    qint64 nextBeforeId = 0;    // 0: no older records
};

struct AuditVerification
{
    bool intact = false;
    qint64 records = 0;
    qint64 unchained = 0;
    qint64 brokenAtId = 0; // 0 when intact
    QString problem;
};

struct ShiftInfo
{
    ShiftId id;
    Core::UserId user;
    QString username;
    QString terminal;
    QString status; // "OPEN", "CLOSED"
    qint64 floatCents = 0;
    qint64 openedMs = 0;
    qint64 closedMs = 0; // 0 while open
    std::optional<qint64> countedCents;
};

struct ShiftFilter
{
    Core::UserId user;
    QString terminal;
    qint64 fromMs = 0, toMs = 0;
    QString status; // "", "OPEN", "CLOSED"
};

struct MoneyTotals
{
    int count = 0;
    int tickets = 0;
    qint64 cashCents = 0;
    qint64 cardCents = 0;
    qint64 totalCents = 0;
};

struct ExchangeTotals
{
    int count = 0;
    qint64 cashInCents = 0;
    qint64 cashOutCents = 0;
    qint64 cardInCents = 0;
    qint64 cardOutCents = 0;
};

// An X report (the figures now) or a Z report (stored when the shift closed).
struct ShiftReport
{
    QString kind; // "X", "Z"
    ShiftInfo shift;
    MoneyTotals sales, refunds;
    ExchangeTotals exchanges;
    qint64 netCashCents = 0;
    qint64 floatCents = 0;
    qint64 expectedCashCents = 0; // float + cash sales - cash refunds (+ exchange cash)
    std::optional<qint64> countedCents;
    std::optional<qint64> differenceCents; // counted - expected
    qint64 generatedMs = 0;
};

// One line of the day report: one cashier's or one terminal's shifts summed.
struct DayReportLine
{
    QString label;     // the username or the terminal name
    Core::UserId user; // for cashier lines
    MoneyTotals sales, refunds;
    ExchangeTotals exchanges;
    qint64 netCashCents = 0;
    qint64 floatCents = 0;
    qint64 expectedCashCents = 0;
    std::optional<qint64> countedCents;
    std::optional<qint64> differenceCents;
};

struct DayReport
{
    QString date; // YYYY-MM-DD
    QList<DayReportLine> byCashier;
    QList<DayReportLine> byTerminal;
    DayReportLine total;
};

// --- Kiosks (docs/kiosk-and-door-api.md) ---------------------------------------------------

// A supervisor's unlock of a kiosk (POST /kiosk/unlock).
struct KioskUnlock
{
    QString supervisor;
    qint64 unlockedMs = 0;
};

// --- Door scanning (docs/kiosk-and-door-api.md) -----------------------------------------------

// What a door decides about a scanned ticket: the server's own result type, with its wire names
// (Core::wireName, Core::scanResultFromWireName).
using ScanVerdict = Core::ScanResult;

// The answer of POST /tickets/verify (and one entry of a scan upload's answer).
struct TicketVerification
{
    ScanVerdict verdict = ScanVerdict::Forged;
    Core::TicketCode ticket; // empty for garbage
    Core::ShowId show;       // the ticket's show
    Core::SeatId seat;
    Core::OrderId order;
    qint64 usedMs = 0; // ALREADY_USED (and VALID: now)
    QString usedDoor;
    QString usedBy;
    qint64 revokedMs = 0; // REVOKED
    QString revokedReason;
    QString reason; // FORGED: why
};

// A public key the server signs tickets with (GET /tickets/keys).
struct TicketKey
{
    QString keyId;
    QString algorithm;    // "Ed25519"
    QByteArray publicKey; // raw 32 bytes
};

struct RevokedTicket
{
    Core::TicketCode ticket;
    qint64 revokedMs = 0;
    QString reason; // "REFUND", "VOID", "REPRINT", "EXCHANGE"
};

struct UsedTicket
{
    Core::TicketCode ticket;
    qint64 usedMs = 0;
    QString usedDoor;
    QString usedBy; // known for the uses a door made itself; the server's list omits it
};

// A show's tickets revoked or used after `since` (GET /tickets/revocations).
struct TicketRevocations
{
    Core::ShowId show;
    QString asOf; // the server's time, passed back unchanged as the next `since`
    QList<RevokedTicket> revoked;
    QList<UsedTicket> used;
};

// A scan a door decided while it could not reach the server (POST /tickets/scans).
struct OfflineScan
{
    QString scanId; // client-made, 8-64 of [A-Za-z0-9_-]
    QString qrPayload;
    Core::ShowId show;
    QString door;
    qint64 scannedMs = 0;
    ScanVerdict offlineVerdict = ScanVerdict::Valid;
};

// The server's decision on one uploaded scan.
struct UploadedScanResult
{
    QString scanId;
    TicketVerification verification;
    bool flagged = false;      // the door let in a ticket that another scan had used before
    bool replayed = false;     // the scan id was uploaded before; the stored answer again
    qint64 conflictUsedMs = 0; // the earlier use of a flagged scan
    QString conflictDoor;
    QString conflictBy;
};

} // namespace Boxoffice::Sync
