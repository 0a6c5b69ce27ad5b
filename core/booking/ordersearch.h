#pragma once

#include "core/booking/statemachines.h"
#include "core/common/ids.h"
#include "core/common/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace Boxoffice::Core {

class Connection;

// How a search text found its orders, in the order the kinds are tried.
enum class OrderMatch
{
    OrderId,
    TicketCode,
    Qr,
    Phone,
    Name,
    None
};

[[nodiscard]] QString wireName(OrderMatch match);

struct OrderSearch
{
    QString text; // what the clerk typed or scanned, 1–512 characters
    // The ticket code of `text` when it is a QR payload whose signature verified.
    std::optional<TicketCode> qrTicket;
    ShowId show; // empty: every show
    int limit = 50;
};

struct OrderSummary
{
    OrderId order;
    ShowId show;
    QString showTitle;
    qint64 showStartMs = 0;
    OrderState status = OrderState::Init;
    qint64 amountCents = 0;
    QString currency;
    qint64 createdMs = 0;
    QString contactName;
    QString contactPhone;
    int seatCount = 0;
    int validTicketCount = 0;
    QString terminal;
    UserId user;
};

struct OrderSearchResult
{
    QList<OrderSummary> orders; // newest first
    OrderMatch matchedBy = OrderMatch::None;
};

// Finds orders at the box office: by order id, ticket code, scanned QR (its ticket code), phone
// number (the digits of the text as a substring of the stored number's digits, at least 4) or
// customer name (case-insensitive substring, at least 2 characters; SQLite folds ASCII letters
// only). The first kind that finds anything wins. Read-only and portable SQL.
[[nodiscard]] Result<OrderSearchResult> searchOrders(Connection &connection,
                                                     const OrderSearch &search);

// The digits of a phone number as typed ("+49 (170) 123-45" -> "4917012345"), or "" when the
// text holds anything but digits and the usual separators.
[[nodiscard]] QString phoneDigits(const QString &text);

} // namespace Boxoffice::Core
