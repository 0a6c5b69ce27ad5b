#pragma once

#include "core/booking/bookingtypes.h"
#include "core/booking/showstate.h"
#include "core/common/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

namespace Boxoffice::Sync {

using Core::Error;
using Core::ErrorCode;
using Core::Result;

// The JSON of DESIGN.md §3.4, both directions. Field names are camelCase as in seed §6.

// {"error":{"code":"SEAT_UNAVAILABLE","message":"...", ...details}}
[[nodiscard]] QByteArray errorBody(const Error &error);
// Reads an error body back into an Error (the client side); `httpStatus` decides the code
// when the body is not one of ours.
[[nodiscard]] Error errorFromBody(int httpStatus, const QByteArray &body);

// A JSON object from a request body, or BadRequest saying what is wrong and where.
[[nodiscard]] Result<QJsonObject> parseObject(const QByteArray &body);

// Typed, bounded field access. Each names the field in its error.
[[nodiscard]] Result<QString> requiredString(const QJsonObject &object, const QString &field,
                                             int maxLength = 128);
[[nodiscard]] Result<QString> optionalString(const QJsonObject &object, const QString &field,
                                             int maxLength = 128);
// A whole number in [min, max]; JSON numbers with a fraction, out of range or not numbers are
// refused.
[[nodiscard]] Result<qint64> requiredInteger(const QJsonObject &object, const QString &field,
                                             qint64 min, qint64 max);
[[nodiscard]] Result<std::optional<qint64>>
optionalInteger(const QJsonObject &object, const QString &field, qint64 min, qint64 max);
[[nodiscard]] Result<QStringList> requiredStringArray(const QJsonObject &object,
                                                      const QString &field, int maxItems,
                                                      int maxLength = 64);

[[nodiscard]] QByteArray toJson(const QJsonObject &object);

[[nodiscard]] QJsonObject showSummaryJson(const Core::ShowState &show);
[[nodiscard]] QJsonObject showDetailJson(const Core::ShowState &show);
// Every seat with its place, category, price and status (a debugging and small-venue form).
[[nodiscard]] QByteArray seatsFullJson(const Core::ShowState &show);
// Statuses only, two bits per seat in layout order, base64: 33 KB of JSON for 100,000 seats.
[[nodiscard]] QByteArray seatsCompactJson(const Core::ShowState &show);
// Changes after `since`; nullopt when they are not kept any more or when they name so many
// seats that a snapshot is the smaller answer.
[[nodiscard]] std::optional<QByteArray> seatsDeltaJson(const Core::ShowState &show, qint64 since);
[[nodiscard]] QJsonObject changeJson(const Core::ShowState &show, const Core::SeatChange &change);

[[nodiscard]] QJsonObject holdJson(const Core::HoldConfirmation &hold);
[[nodiscard]] QJsonObject releaseJson(const Core::ReleaseOutcome &release);
[[nodiscard]] QJsonObject ticketJson(const Core::TicketView &ticket);
[[nodiscard]] QJsonObject paymentJson(const Core::PaymentOutcome &payment);
[[nodiscard]] QJsonObject orderJson(const Core::OrderView &order);
[[nodiscard]] QJsonObject verifyJson(const Core::VerifyOutcome &outcome);
// One entry of POST /tickets/scans: the verify fields plus scanId, flagged and conflict.
[[nodiscard]] QJsonObject scanResultJson(const Core::VerifyOutcome &outcome);

// Money operations (docs/supervisor-api.md).
[[nodiscard]] QJsonObject refundJson(const Core::RefundView &refund);
[[nodiscard]] QJsonObject voidJson(const Core::VoidOutcome &outcome);
[[nodiscard]] QJsonObject reprintJson(const Core::ReprintOutcome &outcome);
[[nodiscard]] QJsonObject exchangeJson(const Core::ExchangeOutcome &outcome);
[[nodiscard]] QJsonObject activeHoldsJson(const QList<Core::ActiveHold> &holds);

} // namespace Boxoffice::Sync
