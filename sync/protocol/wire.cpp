#include "sync/protocol/wire.h"

#include "core/common/clock.h"
#include "core/common/jsontext.h"
#include "core/venue/venuelayout.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>
#include <cstdio>

namespace Boxoffice::Sync {

using namespace Core;

namespace {

// Identifiers that reach SQL or logs come from a small alphabet; anything else is refused.
bool isPrintable(const QString &text)
{
    for (QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

Error badField(const QString &field, const QString &problem)
{
    return Error::make(ErrorCode::BadRequest, QStringLiteral("%1: %2").arg(field, problem),
                       QJsonObject{{QStringLiteral("field"), field}});
}

} // namespace

QByteArray errorBody(const Error &error)
{
    QJsonObject inner = error.details;
    inner.insert(QStringLiteral("code"), QLatin1StringView(errorCodeInfo(error.code).wireName));
    inner.insert(QStringLiteral("message"), error.message);
    return toJson(QJsonObject{{QStringLiteral("error"), inner}});
}

Error errorFromBody(int httpStatus, const QByteArray &body)
{
    const QJsonObject inner =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    if (inner.contains(QStringLiteral("code"))) {
        QJsonObject details = inner;
        details.remove(QStringLiteral("code"));
        details.remove(QStringLiteral("message"));
        return Error::make(errorCodeFromWireName(inner.value(QStringLiteral("code")).toString()),
                           inner.value(QStringLiteral("message")).toString(), details);
    }
    ErrorCode code = ErrorCode::Internal;
    switch (httpStatus) {
    case 400:
        code = ErrorCode::BadRequest;
        break;
    case 401:
        code = ErrorCode::Unauthenticated;
        break;
    case 403:
        code = ErrorCode::Forbidden;
        break;
    case 404:
        code = ErrorCode::NotFound;
        break;
    case 409:
        code = ErrorCode::Conflict;
        break;
    case 413:
        code = ErrorCode::PayloadTooLarge;
        break;
    case 429:
        code = ErrorCode::RateLimited;
        break;
    case 503:
        code = ErrorCode::Overloaded;
        break;
    default:
        break;
    }
    return Error::make(code, QStringLiteral("HTTP %1").arg(httpStatus));
}

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<QJsonObject> parseObject(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("the request needs a JSON object body"));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(ErrorCode::BadRequest, QStringLiteral("malformed JSON at byte %1: %2")
                                               .arg(error.offset)
                                               .arg(error.errorString()));
    if (!document.isObject())
        return fail(ErrorCode::BadRequest, QStringLiteral("the body must be a JSON object"));
    return document.object();
}

Result<QString> optionalString(const QJsonObject &object, const QString &field, int maxLength)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return std::unexpected(
            badField(field, QStringLiteral("expected a string, got %1").arg(typeName(value))));
    const QString text = value.toString();
    if (text.size() > maxLength)
        return std::unexpected(
            badField(field, QStringLiteral("longer than %1 characters").arg(maxLength)));
    if (!isPrintable(text))
        return std::unexpected(badField(field, QStringLiteral("contains control characters")));
    return text;
}

Result<QString> requiredString(const QJsonObject &object, const QString &field, int maxLength)
{
    if (!object.contains(field))
        return std::unexpected(badField(field, QStringLiteral("is required")));
    auto text = optionalString(object, field, maxLength);
    if (text && text->isEmpty())
        return std::unexpected(badField(field, QStringLiteral("must not be empty")));
    return text;
}

Result<std::optional<qint64>> optionalInteger(const QJsonObject &object, const QString &field,
                                              qint64 min, qint64 max)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull())
        return std::optional<qint64>();
    if (!value.isDouble())
        return std::unexpected(badField(
            field, QStringLiteral("expected a whole number, got %1").arg(typeName(value))));
    const double number = value.toDouble();
    if (!std::isfinite(number) || number != std::floor(number) || number < double(min) ||
        number > double(max))
        return std::unexpected(badField(
            field, QStringLiteral("expected a whole number from %1 to %2").arg(min).arg(max)));
    return std::optional<qint64>(static_cast<qint64>(number));
}

Result<qint64> requiredInteger(const QJsonObject &object, const QString &field, qint64 min,
                               qint64 max)
{
    auto number = optionalInteger(object, field, min, max);
    if (!number)
        return std::unexpected(number.error());
    if (!*number)
        return std::unexpected(badField(field, QStringLiteral("is required")));
    return **number;
}

Result<QStringList> requiredStringArray(const QJsonObject &object, const QString &field,
                                        int maxItems, int maxLength)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined())
        return std::unexpected(badField(field, QStringLiteral("is required")));
    if (!value.isArray())
        return std::unexpected(
            badField(field, QStringLiteral("expected an array, got %1").arg(typeName(value))));
    const QJsonArray array = value.toArray();
    if (array.isEmpty())
        return std::unexpected(badField(field, QStringLiteral("must not be empty")));
    if (array.size() > maxItems)
        return std::unexpected(
            badField(field, QStringLiteral("at most %1 entries are allowed").arg(maxItems)));
    QStringList items;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        const QString place = QStringLiteral("%1[%2]").arg(field).arg(i);
        if (!item.isString())
            return std::unexpected(
                badField(place, QStringLiteral("expected a string, got %1").arg(typeName(item))));
        const QString text = item.toString();
        if (text.isEmpty() || text.size() > maxLength || !isPrintable(text))
            return std::unexpected(badField(place, QStringLiteral("is not a valid id")));
        items.append(text);
    }
    return items;
}

// ---------------------------------------------------------------------------------------------

namespace {

QJsonObject countsJson(const SeatCounts &counts)
{
    return QJsonObject{{QStringLiteral("available"), counts.available},
                       {QStringLiteral("held"), counts.held},
                       {QStringLiteral("sold"), counts.sold},
                       {QStringLiteral("refundPending"), counts.refundPending}};
}

} // namespace

QJsonObject showSummaryJson(const ShowState &show)
{
    const ShowInfo &info = show.info();
    const SeatCounts counts = show.counts();
    return QJsonObject{
        {QStringLiteral("showId"), info.id.value()},
        {QStringLiteral("title"), info.title},
        {QStringLiteral("venueId"), info.venue.value()},
        {QStringLiteral("venueName"), info.venueName},
        {QStringLiteral("city"), info.city},
        {QStringLiteral("startTime"), isoUtc(info.startMs)},
        {QStringLiteral("saleStartTime"), isoUtc(info.saleStartMs)},
        {QStringLiteral("saleEndTime"), isoUtc(info.saleEndMs)},
        {QStringLiteral("status"),
         info.status == 1 ? QStringLiteral("ON_SALE") : QStringLiteral("OFFLINE")},
        {QStringLiteral("currency"), info.currency},
        {QStringLiteral("seatCount"), show.seatCount()},
        {QStringLiteral("availableCount"), counts.available},
        {QStringLiteral("version"), show.version()},
    };
}

QJsonObject showDetailJson(const ShowState &show)
{
    QJsonObject json = showSummaryJson(show);
    const VenueLayout &layout = show.layout();
    QJsonArray sections;
    for (const VenueSection &section : layout.sections())
        sections.append(QJsonObject{{QStringLiteral("sectionId"), section.id},
                                    {QStringLiteral("name"), section.name},
                                    {QStringLiteral("level"), section.level}});
    QJsonArray tiers;
    for (const PriceTier &tier : show.info().tiers)
        tiers.append(QJsonObject{{QStringLiteral("category"), tier.category},
                                 {QStringLiteral("name"), tier.name},
                                 {QStringLiteral("priceCents"), tier.priceCents}});
    const QRectF stage = layout.stage();
    json.insert(QStringLiteral("sections"), sections);
    json.insert(QStringLiteral("priceTiers"), tiers);
    json.insert(QStringLiteral("stage"), QJsonObject{{QStringLiteral("x"), stage.x()},
                                                     {QStringLiteral("y"), stage.y()},
                                                     {QStringLiteral("width"), stage.width()},
                                                     {QStringLiteral("height"), stage.height()}});
    json.insert(QStringLiteral("counts"), countsJson(show.counts()));
    return json;
}

QByteArray seatsFullJson(const ShowState &show)
{
    std::vector<quint8> statuses;
    qint64 version = 0;
    show.snapshot(&statuses, &version);
    const VenueLayout &layout = show.layout();
    QByteArray out;
    out.reserve(static_cast<qsizetype>(statuses.size()) * 150 + 128);
    out.append("{\"showId\":");
    appendJsonString(out, show.info().id.value());
    out.append(",\"version\":").append(QByteArray::number(version));
    out.append(",\"delta\":false,\"seatCount\":").append(QByteArray::number(show.seatCount()));
    out.append(",\"seats\":[");
    const auto &seats = layout.seats();
    for (std::size_t i = 0; i < seats.size(); ++i) {
        const LayoutSeat &seat = seats[i];
        if (i > 0)
            out.append(',');
        out.append("{\"seatId\":");
        appendJsonString(out, seat.id.value());
        out.append(",\"seatIndex\":").append(QByteArray::number(qulonglong(i)));
        out.append(",\"section\":");
        appendJsonString(out, layout.sections()[seat.section].id);
        out.append(",\"row\":");
        appendJsonString(out, seat.row);
        out.append(",\"col\":").append(QByteArray::number(seat.number));
        out.append(",\"x\":").append(QByteArray::number(seat.x, 'g', 6));
        out.append(",\"y\":").append(QByteArray::number(seat.y, 'g', 6));
        out.append(",\"category\":");
        appendJsonString(out, layout.categories()[seat.category].id);
        out.append(",\"priceCents\":").append(QByteArray::number(show.priceCents(int(i))));
        out.append(",\"status\":\"")
            .append(wireName(static_cast<SeatState>(statuses[i])).toLatin1())
            .append('"');
        if (seat.flags & quint8(SeatFlag::Wheelchair))
            out.append(",\"wheelchair\":true");
        if (seat.flags & quint8(SeatFlag::Companion))
            out.append(",\"companion\":true");
        out.append('}');
    }
    out.append("]}");
    return out;
}

QByteArray seatsCompactJson(const ShowState &show)
{
    qint64 version = 0;
    const QByteArray packed = show.compactStatuses(&version);
    QByteArray out;
    out.reserve(packed.size() * 4 / 3 + 256);
    out.append("{\"showId\":");
    appendJsonString(out, show.info().id.value());
    out.append(",\"version\":").append(QByteArray::number(version));
    out.append(",\"delta\":false,\"seatCount\":").append(QByteArray::number(show.seatCount()));
    out.append(",\"encoding\":\"status2\",\"statuses\":\"");
    out.append(packed.toBase64());
    out.append("\"}");
    return out;
}

QJsonObject changeJson(const ShowState &show, const SeatChange &change)
{
    QJsonArray ids;
    QJsonArray indexes;
    const auto &seats = show.layout().seats();
    for (int index : change.seatIndexes) {
        ids.append(seats[static_cast<std::size_t>(index)].id.value());
        indexes.append(index);
    }
    return QJsonObject{{QStringLiteral("version"), change.version},
                       {QStringLiteral("status"), wireName(change.status)},
                       {QStringLiteral("seatIds"), ids},
                       {QStringLiteral("seatIndexes"), indexes}};
}

std::optional<QByteArray> seatsDeltaJson(const ShowState &show, qint64 since)
{
    qint64 version = 0;
    const auto changes = show.changesSince(since, &version);
    if (!changes)
        return std::nullopt;
    // Past an eighth of the venue, the compact snapshot is smaller than the delta.
    std::size_t seats = 0;
    for (const SeatChange &change : *changes)
        seats += change.seatIndexes.size();
    if (seats > static_cast<std::size_t>(show.seatCount()) / 8 + 64)
        return std::nullopt;
    QJsonArray list;
    for (const SeatChange &change : *changes)
        list.append(changeJson(show, change));
    return toJson(QJsonObject{{QStringLiteral("showId"), show.info().id.value()},
                              {QStringLiteral("version"), version},
                              {QStringLiteral("since"), since},
                              {QStringLiteral("delta"), true},
                              {QStringLiteral("changes"), list}});
}

QJsonObject holdJson(const HoldConfirmation &hold)
{
    QJsonArray seats;
    for (const SeatId &seat : hold.seats)
        seats.append(seat.value());
    return QJsonObject{{QStringLiteral("holdId"), hold.hold.value()},
                       {QStringLiteral("showId"), hold.show.value()},
                       {QStringLiteral("seatIds"), seats},
                       {QStringLiteral("expiryTime"), isoUtc(hold.expiryMs)},
                       {QStringLiteral("totalPriceCents"), hold.total.minorUnits()},
                       {QStringLiteral("currency"), hold.total.currency()}};
}

QJsonObject releaseJson(const ReleaseOutcome &release)
{
    QJsonArray seats;
    for (const SeatId &seat : release.seats)
        seats.append(seat.value());
    return QJsonObject{{QStringLiteral("holdId"), release.hold.value()},
                       {QStringLiteral("status"), wireName(release.state)},
                       {QStringLiteral("seatIds"), seats}};
}

QJsonObject ticketJson(const TicketView &ticket)
{
    QJsonObject json{{QStringLiteral("ticketCode"), ticket.code.value()},
                     {QStringLiteral("seatId"), ticket.seat.value()},
                     {QStringLiteral("qrPayload"), ticket.qrPayload},
                     {QStringLiteral("status"), ticket.status},
                     {QStringLiteral("printCount"), ticket.printCount},
                     {QStringLiteral("priceCents"), ticket.priceCents}};
    if (!ticket.revokedReason.isEmpty()) {
        json.insert(QStringLiteral("revokedReason"), ticket.revokedReason);
        json.insert(QStringLiteral("revokedAt"), isoUtc(ticket.revokedMs));
    }
    if (!ticket.reprintOf.isEmpty())
        json.insert(QStringLiteral("reprintOf"), ticket.reprintOf.value());
    return json;
}

QJsonObject paymentJson(const PaymentOutcome &payment)
{
    QJsonArray tickets;
    for (const TicketView &ticket : payment.tickets)
        tickets.append(ticketJson(ticket));
    return QJsonObject{{QStringLiteral("paymentId"), payment.payment.value()},
                       {QStringLiteral("orderId"), payment.order.value()},
                       {QStringLiteral("result"), wireName(payment.result)},
                       {QStringLiteral("status"), wireName(payment.orderStatus)},
                       {QStringLiteral("amountCents"), payment.amount.minorUnits()},
                       {QStringLiteral("currency"), payment.amount.currency()},
                       {QStringLiteral("tenderedCents"), payment.tenderedCents},
                       {QStringLiteral("changeCents"), payment.changeCents},
                       {QStringLiteral("tickets"), tickets}};
}

QJsonObject orderJson(const OrderView &order)
{
    QJsonArray seats;
    for (const SeatId &seat : order.seats)
        seats.append(seat.value());
    QJsonArray tickets;
    for (const TicketView &ticket : order.tickets)
        tickets.append(ticketJson(ticket));
    QJsonArray payments;
    for (const PaymentRecord &p : order.payments)
        payments.append(QJsonObject{{QStringLiteral("paymentId"), p.payment.value()},
                                    {QStringLiteral("source"), p.source},
                                    {QStringLiteral("method"), p.method},
                                    {QStringLiteral("status"), p.status},
                                    {QStringLiteral("amountCents"), p.amountCents},
                                    {QStringLiteral("tenderedCents"), p.tenderedCents},
                                    {QStringLiteral("changeCents"), p.changeCents},
                                    {QStringLiteral("receivedAt"), isoUtc(p.receivedMs)}});
    QJsonArray refunds;
    for (const RefundView &refund : order.refunds)
        refunds.append(refundJson(refund));
    QJsonObject json{
        {QStringLiteral("orderId"), order.order.value()},
        {QStringLiteral("holdId"), order.hold.value()},
        {QStringLiteral("showId"), order.show.value()},
        {QStringLiteral("userId"), order.user.value()},
        {QStringLiteral("status"), wireName(order.status)},
        {QStringLiteral("amountCents"), order.amount.minorUnits()},
        {QStringLiteral("currency"), order.amount.currency()},
        {QStringLiteral("payBy"), isoUtc(order.payByMs)},
        {QStringLiteral("createdAt"), isoUtc(order.createdMs)},
        {QStringLiteral("contact"), QJsonObject{{QStringLiteral("name"), order.contactName},
                                                {QStringLiteral("phone"), order.contactPhone}}},
        {QStringLiteral("seatIds"), seats},
        {QStringLiteral("tickets"), tickets},
        {QStringLiteral("payments"), payments},
        {QStringLiteral("refunds"), refunds},
        {QStringLiteral("terminal"), order.terminal}};
    // Absent when the order was made outside a cash shift.
    if (!order.shiftId.isEmpty())
        json.insert(QStringLiteral("shiftId"), order.shiftId);
    return json;
}

QJsonObject verifyJson(const VerifyOutcome &outcome)
{
    QJsonObject json{{QStringLiteral("result"), wireName(outcome.result)}};
    if (!outcome.ticket.isEmpty()) {
        json.insert(QStringLiteral("ticketCode"), outcome.ticket.value());
        json.insert(QStringLiteral("showId"), outcome.show.value());
        json.insert(QStringLiteral("seatId"), outcome.seat.value());
        json.insert(QStringLiteral("orderId"), outcome.order.value());
    }
    if (outcome.usedAtMs > 0) {
        json.insert(QStringLiteral("usedAt"), isoUtc(outcome.usedAtMs));
        json.insert(QStringLiteral("usedBy"), outcome.usedBy);
        json.insert(QStringLiteral("usedDoor"), outcome.usedDoor);
    }
    if (outcome.result == ScanResult::Revoked) {
        if (outcome.revokedAtMs > 0)
            json.insert(QStringLiteral("revokedAt"), isoUtc(outcome.revokedAtMs));
        json.insert(QStringLiteral("revokedReason"), outcome.revokedReason);
    }
    if (!outcome.reason.isEmpty())
        json.insert(QStringLiteral("reason"), outcome.reason);
    return json;
}

QJsonObject scanResultJson(const VerifyOutcome &outcome)
{
    QJsonObject json = verifyJson(outcome);
    json.insert(QStringLiteral("scanId"), outcome.scanId);
    json.insert(QStringLiteral("flagged"), outcome.flagged);
    if (outcome.conflict)
        json.insert(QStringLiteral("conflict"),
                    QJsonObject{{QStringLiteral("usedAt"), isoUtc(outcome.conflict->usedAtMs)},
                                {QStringLiteral("usedDoor"), outcome.conflict->usedDoor},
                                {QStringLiteral("usedBy"), outcome.conflict->usedBy}});
    return json;
}

QJsonObject refundJson(const RefundView &refund)
{
    QJsonArray codes;
    for (const TicketCode &code : refund.tickets)
        codes.append(code.value());
    QJsonArray seats;
    for (const SeatId &seat : refund.seats)
        seats.append(seat.value());
    QJsonObject json{{QStringLiteral("refundId"), refund.refund.value()},
                     {QStringLiteral("orderId"), refund.order.value()},
                     {QStringLiteral("kind"), wireName(refund.kind)},
                     {QStringLiteral("method"), wireName(refund.method)},
                     {QStringLiteral("status"), wireName(refund.status)},
                     {QStringLiteral("amountCents"), refund.amount.minorUnits()},
                     {QStringLiteral("currency"), refund.amount.currency()},
                     {QStringLiteral("ticketCodes"), codes},
                     {QStringLiteral("seatIds"), seats},
                     {QStringLiteral("reason"), refund.reason},
                     {QStringLiteral("requestedBy"), refund.requestedBy},
                     {QStringLiteral("terminal"), refund.terminal},
                     {QStringLiteral("createdAt"), isoUtc(refund.createdMs)},
                     {QStringLiteral("orderStatus"), wireName(refund.orderStatus)}};
    if (!refund.payment.isEmpty())
        json.insert(QStringLiteral("paymentId"), refund.payment.value());
    if (!refund.acquirerReference.isEmpty())
        json.insert(QStringLiteral("acquirerReference"), refund.acquirerReference);
    if (!refund.exchangeOrder.isEmpty())
        json.insert(QStringLiteral("exchangeOrderId"), refund.exchangeOrder.value());
    if (!refund.authorizedBy.isEmpty())
        json.insert(QStringLiteral("authorizedBy"), refund.authorizedBy);
    if (!refund.shiftId.isEmpty())
        json.insert(QStringLiteral("shiftId"), refund.shiftId);
    return json;
}

QJsonObject voidJson(const VoidOutcome &outcome)
{
    QJsonObject json{{QStringLiteral("orderId"), outcome.order.value()},
                     {QStringLiteral("status"), wireName(outcome.status)}};
    if (outcome.refund)
        json.insert(QStringLiteral("refund"), refundJson(*outcome.refund));
    return json;
}

QJsonObject reprintJson(const ReprintOutcome &outcome)
{
    return QJsonObject{{QStringLiteral("orderId"), outcome.order.value()},
                       {QStringLiteral("revokedTicketCode"), outcome.revoked.value()},
                       {QStringLiteral("ticket"), ticketJson(outcome.ticket)}};
}

QJsonObject exchangeJson(const ExchangeOutcome &outcome)
{
    QJsonArray revoked;
    for (const TicketCode &code : outcome.revoked)
        revoked.append(code.value());
    QJsonArray tickets;
    for (const TicketView &ticket : outcome.tickets)
        tickets.append(ticketJson(ticket));
    QJsonObject json{{QStringLiteral("exchangeId"), outcome.exchange},
                     {QStringLiteral("orderId"), outcome.order.value()},
                     {QStringLiteral("newOrderId"), outcome.newOrder.value()},
                     {QStringLiteral("revokedTicketCodes"), revoked},
                     {QStringLiteral("tickets"), tickets},
                     {QStringLiteral("differenceCents"), outcome.differenceCents},
                     {QStringLiteral("changeCents"), outcome.changeCents}};
    if (outcome.payment)
        json.insert(QStringLiteral("payment"),
                    QJsonObject{{QStringLiteral("paymentId"), outcome.payment->payment.value()},
                                {QStringLiteral("method"), outcome.payment->method},
                                {QStringLiteral("amountCents"), outcome.payment->amountCents}});
    if (outcome.refund)
        json.insert(QStringLiteral("refund"), refundJson(*outcome.refund));
    return json;
}

QJsonObject activeHoldsJson(const QList<ActiveHold> &holds)
{
    QJsonArray list;
    for (const ActiveHold &hold : holds) {
        QJsonArray seats;
        for (const SeatId &seat : hold.seats)
            seats.append(seat.value());
        list.append(QJsonObject{{QStringLiteral("holdId"), hold.hold.value()},
                                {QStringLiteral("showId"), hold.show.value()},
                                {QStringLiteral("userId"), hold.user.value()},
                                {QStringLiteral("username"), hold.username},
                                {QStringLiteral("seatIds"), seats},
                                {QStringLiteral("createdAt"), isoUtc(hold.createdMs)},
                                {QStringLiteral("expiryTime"), isoUtc(hold.expiryMs)},
                                {QStringLiteral("totalPriceCents"), hold.totalCents}});
    }
    return QJsonObject{{QStringLiteral("holds"), list}};
}

} // namespace Boxoffice::Sync
