#pragma once

#include <QString>

#include <optional>

namespace Boxoffice::Core {

// The three state machines of the seed (§3). Each is one table (state × event → state) in
// statemachines.cpp; anything not in the table is an illegal transition. Numeric values are
// the ones stored in the database (seed §5) and must not change.

enum class SeatState : int
{
    Available = 0,
    Held = 1,
    Sold = 2,
    RefundPending = 3
};
enum class SeatEvent
{
    Hold,
    Release,
    Expire,
    Sell,
    RequestRefund,
    CompleteRefund,
    RejectRefund,
    // A supervisor's refund, void or exchange gives a sold seat back for sale at once.
    Revoke
};

enum class HoldState : int
{
    Active = 0,
    Expired = 1,
    Confirmed = 2,
    Released = 3
};
enum class HoldEvent
{
    Expire,
    Confirm,
    Release
};

enum class OrderState : int
{
    Init = 0,
    PendingPay = 1,
    Paid = 2,
    Ticketed = 3,
    Cancelled = 4,
    Refunded = 5
};
enum class OrderEvent
{
    Submit,
    PaymentSucceeded,
    IssueTickets,
    Cancel,
    PaymentWindowClosed,
    Refund,
    // A supervisor cancels the order: unpaid, or paid within the void window.
    Void
};

[[nodiscard]] std::optional<SeatState> nextState(SeatState from, SeatEvent event);
[[nodiscard]] std::optional<HoldState> nextState(HoldState from, HoldEvent event);
[[nodiscard]] std::optional<OrderState> nextState(OrderState from, OrderEvent event);

// Wire names (seed §3): "AVAILABLE", "HELD", "SOLD", "REFUND_PENDING", "ACTIVE", ... .
[[nodiscard]] QString wireName(SeatState state);
[[nodiscard]] QString wireName(HoldState state);
[[nodiscard]] QString wireName(OrderState state);
[[nodiscard]] std::optional<SeatState> seatStateFromWireName(QStringView name);
[[nodiscard]] std::optional<HoldState> holdStateFromWireName(QStringView name);
[[nodiscard]] std::optional<OrderState> orderStateFromWireName(QStringView name);

// Stored integers back to states; nullopt for a value that no state has.
[[nodiscard]] std::optional<SeatState> seatStateFromInt(int value);
[[nodiscard]] std::optional<HoldState> holdStateFromInt(int value);
[[nodiscard]] std::optional<OrderState> orderStateFromInt(int value);

} // namespace Boxoffice::Core
