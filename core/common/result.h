#pragma once

#include <QJsonObject>
#include <QString>

#include <expected>

namespace Boxoffice::Core {

// Every failure in Boxoffice is one of these codes. Behaviour switches on the code, never on
// the message. Each code maps 1:1 to an HTTP status and a wire name (errorCodeInfo), so the
// server answers with it and the client turns the answer back into the same code.
enum class ErrorCode
{
    BadRequest,          // malformed input: JSON syntax, wrong types, missing fields
    Unauthenticated,     // no session, unknown or expired token
    InvalidCredentials,  // login refused
    SignatureInvalid,    // a payment callback whose signature or timestamp does not verify
    Forbidden,           // the role may not do this
    NotFound,            // unknown show, hold, order, route
    MethodNotAllowed,    // known path, other verb
    SeatUnavailable,     // a requested seat is not AVAILABLE
    Conflict,            // the target is in a state that does not allow the action
    IdempotencyInFlight, // the same idempotency key is still being processed
    HoldExpired,         // the hold ran out of time
    HoldReleased,        // the hold was released
    OrderExpired,        // the order's payment window closed
    PayloadTooLarge,     // request body over the limit
    IdempotencyMismatch, // idempotency key reused with another body
    AmountMismatch,      // payment amount differs from the order's
    // Money operations of supervisors (docs/supervisor-api.md).
    TicketNotFound,     // no such ticket (or not of this order)
    TicketUsed,         // the ticket was scanned at the door; it cannot be refunded
    AlreadyRefunded,    // the ticket was revoked before (refund, void, reprint, exchange)
    TicketNotValid,     // the ticket is not VALID (used or revoked) and cannot be reprinted
    OrderNotRefundable, // the order is not PAID or TICKETED
    OrderNotVoidable,   // too late, a ticket was used, or the order is already cancelled
    NoCardPayment,      // a card refund for an order that was not paid by card
    CurrencyMismatch,   // an exchange between shows sold in different currencies
    RateLimited,        // too many requests
    BadCredentials,     // a supervisor's password or PIN for an override is wrong
    OverrideRejected,   // an override token that is used, expired or for another action
    ShiftAlreadyOpen,   // the user or the terminal already has an open cash shift
    NoOpenShift,        // the user has no open cash shift
    ShiftClosed,        // the cash shift is closed already
    // Kiosks (docs/kiosk-and-door-api.md).
    KioskSeatLimit,     // a kiosk would hold more seats at once than the server allows
    Overloaded,         // the server is shedding load; try again
    Unreachable,        // client side: no answer from the server (down, network, timeout)
    UntrustedServer,    // client side: the server's certificate is not pinned yet
                        // (details: origin, fingerprint)
    CertificateChanged, // client side: the server presented another certificate than the
                        // pinned one (details: origin, fingerprint, pinned)
    StorageFailure,     // the database failed; a server fault, never caused by input
    Internal,           // any other server fault
};

struct ErrorCodeInfo
{
    const char *wireName; // SCREAMING_SNAKE_CASE, as sent in {"error":{"code":...}}
    int httpStatus;
};

[[nodiscard]] ErrorCodeInfo errorCodeInfo(ErrorCode code);
// The code for a wire name, or Internal for a name this build does not know.
[[nodiscard]] ErrorCode errorCodeFromWireName(QStringView name);

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QJsonObject details; // extra machine-readable fields, e.g. {"seatIds": [...]}

    [[nodiscard]] static Error make(ErrorCode code, QString message, QJsonObject details = {})
    {
        return Error{code, std::move(message), std::move(details)};
    }
};

template <class T = void> using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(ErrorCode code, QString message,
                                                 QJsonObject details = {})
{
    return std::unexpected(Error{code, std::move(message), std::move(details)});
}

} // namespace Boxoffice::Core
