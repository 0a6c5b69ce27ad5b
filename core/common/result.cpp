#include "core/common/result.h"

#include <array>
#include <utility>

namespace Boxoffice::Core {

namespace {

struct Row
{
    ErrorCode code;
    ErrorCodeInfo info;
};

// Kept in enum order; errorCodeInfo() indexes by the enum value and a test walks every code.
constexpr std::array kCodes{
    Row{ErrorCode::BadRequest, {"BAD_REQUEST", 400}},
    Row{ErrorCode::Unauthenticated, {"UNAUTHENTICATED", 401}},
    Row{ErrorCode::InvalidCredentials, {"INVALID_CREDENTIALS", 401}},
    Row{ErrorCode::SignatureInvalid, {"SIGNATURE_INVALID", 401}},
    Row{ErrorCode::Forbidden, {"FORBIDDEN", 403}},
    Row{ErrorCode::NotFound, {"NOT_FOUND", 404}},
    Row{ErrorCode::MethodNotAllowed, {"METHOD_NOT_ALLOWED", 405}},
    Row{ErrorCode::SeatUnavailable, {"SEAT_UNAVAILABLE", 409}},
    Row{ErrorCode::Conflict, {"CONFLICT", 409}},
    Row{ErrorCode::IdempotencyInFlight, {"IDEMPOTENCY_KEY_IN_FLIGHT", 409}},
    Row{ErrorCode::HoldExpired, {"HOLD_EXPIRED", 410}},
    Row{ErrorCode::HoldReleased, {"HOLD_RELEASED", 410}},
    Row{ErrorCode::OrderExpired, {"ORDER_EXPIRED", 410}},
    Row{ErrorCode::PayloadTooLarge, {"PAYLOAD_TOO_LARGE", 413}},
    Row{ErrorCode::IdempotencyMismatch, {"IDEMPOTENCY_KEY_REUSED", 422}},
    Row{ErrorCode::AmountMismatch, {"AMOUNT_MISMATCH", 400}},
    Row{ErrorCode::TicketNotFound, {"TICKET_NOT_FOUND", 404}},
    Row{ErrorCode::TicketUsed, {"TICKET_USED", 409}},
    Row{ErrorCode::AlreadyRefunded, {"ALREADY_REFUNDED", 409}},
    Row{ErrorCode::TicketNotValid, {"TICKET_NOT_VALID", 409}},
    Row{ErrorCode::OrderNotRefundable, {"ORDER_NOT_REFUNDABLE", 409}},
    Row{ErrorCode::OrderNotVoidable, {"ORDER_NOT_VOIDABLE", 409}},
    Row{ErrorCode::NoCardPayment, {"NO_CARD_PAYMENT", 409}},
    Row{ErrorCode::CurrencyMismatch, {"CURRENCY_MISMATCH", 409}},
    Row{ErrorCode::RateLimited, {"RATE_LIMITED", 429}},
    Row{ErrorCode::BadCredentials, {"BAD_CREDENTIALS", 401}},
    Row{ErrorCode::OverrideRejected, {"OVERRIDE_REJECTED", 403}},
    Row{ErrorCode::ShiftAlreadyOpen, {"SHIFT_ALREADY_OPEN", 409}},
    Row{ErrorCode::NoOpenShift, {"NO_OPEN_SHIFT", 404}},
    Row{ErrorCode::ShiftClosed, {"SHIFT_CLOSED", 409}},
    Row{ErrorCode::KioskSeatLimit, {"KIOSK_SEAT_LIMIT", 403}},
    Row{ErrorCode::Overloaded, {"OVERLOADED", 503}},
    Row{ErrorCode::Unreachable, {"UNREACHABLE", 503}},
    Row{ErrorCode::UntrustedServer, {"UNTRUSTED_SERVER", 495}},
    Row{ErrorCode::CertificateChanged, {"CERTIFICATE_CHANGED", 495}},
    Row{ErrorCode::StorageFailure, {"STORAGE_FAILURE", 500}},
    Row{ErrorCode::Internal, {"INTERNAL", 500}},
};

constexpr bool tableIsInEnumOrder()
{
    for (std::size_t i = 0; i < kCodes.size(); ++i) {
        if (std::to_underlying(kCodes[i].code) != static_cast<int>(i))
            return false;
    }
    return true;
}
static_assert(tableIsInEnumOrder(), "kCodes must list ErrorCode values in declaration order");
static_assert(kCodes.size() == std::to_underlying(ErrorCode::Internal) + 1);

} // namespace

ErrorCodeInfo errorCodeInfo(ErrorCode code)
{
    return kCodes[static_cast<std::size_t>(std::to_underlying(code))].info;
}

ErrorCode errorCodeFromWireName(QStringView name)
{
    for (const Row &row : kCodes) {
        if (name == QLatin1StringView(row.info.wireName))
            return row.code;
    }
    return ErrorCode::Internal;
}

} // namespace Boxoffice::Core
