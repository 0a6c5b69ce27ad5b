#include "core/booking/statemachines.h"

#include <array>

namespace Boxoffice::Core {

namespace {

template <class State, class Event> struct Transition
{
    State from;
    Event event;
    State to;
};

// Seat (seed §3.1). SOLD is only reached from HELD; a refund passes through REFUND_PENDING.
constexpr std::array kSeatTable{
    Transition<SeatState, SeatEvent>{SeatState::Available, SeatEvent::Hold, SeatState::Held},
    Transition<SeatState, SeatEvent>{SeatState::Held, SeatEvent::Release, SeatState::Available},
    Transition<SeatState, SeatEvent>{SeatState::Held, SeatEvent::Expire, SeatState::Available},
    Transition<SeatState, SeatEvent>{SeatState::Held, SeatEvent::Sell, SeatState::Sold},
    Transition<SeatState, SeatEvent>{SeatState::Sold, SeatEvent::RequestRefund,
                                     SeatState::RefundPending},
    Transition<SeatState, SeatEvent>{SeatState::RefundPending, SeatEvent::CompleteRefund,
                                     SeatState::Available},
    Transition<SeatState, SeatEvent>{SeatState::RefundPending, SeatEvent::RejectRefund,
                                     SeatState::Sold},
    // Refunds, voids and exchanges revoke the ticket and free the seat in one transaction.
    Transition<SeatState, SeatEvent>{SeatState::Sold, SeatEvent::Revoke, SeatState::Available},
};

// Hold (seed §3.2). Only an ACTIVE hold moves; EXPIRED, CONFIRMED and RELEASED are final.
constexpr std::array kHoldTable{
    Transition<HoldState, HoldEvent>{HoldState::Active, HoldEvent::Expire, HoldState::Expired},
    Transition<HoldState, HoldEvent>{HoldState::Active, HoldEvent::Confirm, HoldState::Confirmed},
    Transition<HoldState, HoldEvent>{HoldState::Active, HoldEvent::Release, HoldState::Released},
};

// Order (seed §3.3). Payment is accepted only while PENDING_PAY; tickets only once PAID.
constexpr std::array kOrderTable{
    Transition<OrderState, OrderEvent>{OrderState::Init, OrderEvent::Submit,
                                       OrderState::PendingPay},
    Transition<OrderState, OrderEvent>{OrderState::Init, OrderEvent::Cancel, OrderState::Cancelled},
    Transition<OrderState, OrderEvent>{OrderState::PendingPay, OrderEvent::PaymentSucceeded,
                                       OrderState::Paid},
    Transition<OrderState, OrderEvent>{OrderState::PendingPay, OrderEvent::Cancel,
                                       OrderState::Cancelled},
    Transition<OrderState, OrderEvent>{OrderState::PendingPay, OrderEvent::PaymentWindowClosed,
                                       OrderState::Cancelled},
    Transition<OrderState, OrderEvent>{OrderState::Paid, OrderEvent::IssueTickets,
                                       OrderState::Ticketed},
    Transition<OrderState, OrderEvent>{OrderState::Paid, OrderEvent::Refund, OrderState::Refunded},
    Transition<OrderState, OrderEvent>{OrderState::Ticketed, OrderEvent::Refund,
                                       OrderState::Refunded},
    Transition<OrderState, OrderEvent>{OrderState::PendingPay, OrderEvent::Void,
                                       OrderState::Cancelled},
    Transition<OrderState, OrderEvent>{OrderState::Paid, OrderEvent::Void, OrderState::Cancelled},
    Transition<OrderState, OrderEvent>{OrderState::Ticketed, OrderEvent::Void,
                                       OrderState::Cancelled},
};

template <class State, class Event, std::size_t N>
std::optional<State> lookup(const std::array<Transition<State, Event>, N> &table, State from,
                            Event event)
{
    for (const auto &row : table) {
        if (row.from == from && row.event == event)
            return row.to;
    }
    return std::nullopt;
}

constexpr std::array kSeatNames{"AVAILABLE", "HELD", "SOLD", "REFUND_PENDING"};
constexpr std::array kHoldNames{"ACTIVE", "EXPIRED", "CONFIRMED", "RELEASED"};
constexpr std::array kOrderNames{"INIT",     "PENDING_PAY", "PAID",
                                 "TICKETED", "CANCELLED",   "REFUNDED"};

template <class State, std::size_t N>
std::optional<State> fromInt(int value, const std::array<const char *, N> &)
{
    if (value < 0 || value >= static_cast<int>(N))
        return std::nullopt;
    return static_cast<State>(value);
}

template <class State, std::size_t N>
std::optional<State> fromName(QStringView name, const std::array<const char *, N> &names)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1StringView(names[i]))
            return static_cast<State>(i);
    }
    return std::nullopt;
}

} // namespace

std::optional<SeatState> nextState(SeatState from, SeatEvent event)
{
    return lookup(kSeatTable, from, event);
}

std::optional<HoldState> nextState(HoldState from, HoldEvent event)
{
    return lookup(kHoldTable, from, event);
}

std::optional<OrderState> nextState(OrderState from, OrderEvent event)
{
    return lookup(kOrderTable, from, event);
}

QString wireName(SeatState state)
{
    return QLatin1StringView(kSeatNames[static_cast<std::size_t>(state)]);
}

QString wireName(HoldState state)
{
    return QLatin1StringView(kHoldNames[static_cast<std::size_t>(state)]);
}

QString wireName(OrderState state)
{
    return QLatin1StringView(kOrderNames[static_cast<std::size_t>(state)]);
}

std::optional<SeatState> seatStateFromWireName(QStringView name)
{
    return fromName<SeatState>(name, kSeatNames);
}

std::optional<HoldState> holdStateFromWireName(QStringView name)
{
    return fromName<HoldState>(name, kHoldNames);
}

std::optional<OrderState> orderStateFromWireName(QStringView name)
{
    return fromName<OrderState>(name, kOrderNames);
}

std::optional<SeatState> seatStateFromInt(int value)
{
    return fromInt<SeatState>(value, kSeatNames);
}

std::optional<HoldState> holdStateFromInt(int value)
{
    return fromInt<HoldState>(value, kHoldNames);
}

std::optional<OrderState> orderStateFromInt(int value)
{
    return fromInt<OrderState>(value, kOrderNames);
}

} // namespace Boxoffice::Core
