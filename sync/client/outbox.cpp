#include "sync/client/outbox.h"

#include "core/common/money.h"
#include "sync/client/answerreader.h"
#include "sync/client/clientlogging.h"
#include "sync/protocol/wire.h"

#include <QDateTime>

namespace Boxoffice::Sync {

using namespace Core;

namespace {

const QString kCreateOrder = QStringLiteral("createOrder");
const QString kPayCash = QStringLiteral("payCash");

// An answer that says nothing about the operation itself: try again later, same key.
bool isTransient(ErrorCode code)
{
    return code == ErrorCode::Unreachable || code == ErrorCode::Overloaded ||
           code == ErrorCode::IdempotencyInFlight;
}

// What the clerk's cash tender came to, as far as the order read back shows it.
TenderResult tenderFromOrder(const OrderInfo &order)
{
    TenderResult result;
    result.order = order.id;
    result.orderStatus = order.status;
    result.amountCents = order.amountCents;
    result.tickets = order.tickets;
    for (auto it = order.payments.crbegin(); it != order.payments.crend(); ++it) {
        if (it->status == QLatin1StringView("APPLIED")) {
            result.payment = it->id;
            result.result = it->status;
            result.tenderedCents = it->tenderedCents;
            result.changeCents = it->changeCents;
            break;
        }
    }
    return result;
}

} // namespace

Outbox::Outbox(TerminalCache &cache, ApiClient &client, QObject *parent)
    : QObject(parent)
    , m_cache(cache)
    , m_client(client)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &Outbox::sendWaiting);
    // The server is back: whatever waits goes now rather than at the end of its backoff.
    connect(&m_client, &ApiClient::reachabilityChanged, this, [this](bool reachable) {
        if (reachable && m_retryTimer.isActive())
            retryNow();
    });
}

void Outbox::setBackoff(int firstMs, int maxMs)
{
    m_firstBackoffMs = std::max(1, firstMs);
    m_maxBackoffMs = std::max(m_firstBackoffMs, maxMs);
    m_backoffMs = m_firstBackoffMs;
}

Result<qint64> Outbox::createOrder(const HoldId &hold, const Contact &contact,
                                   const QString &idempotencyKey)
{
    OutboxEntry entry;
    entry.kind = kCreateOrder;
    entry.idempotencyKey = idempotencyKey;
    entry.payload = toJson(QJsonObject{
        {QStringLiteral("holdId"), hold.value()},
        {QStringLiteral("contact"), QJsonObject{{QStringLiteral("name"), contact.name},
                                                {QStringLiteral("phone"), contact.phone}}}});
    entry.createdMs = QDateTime::currentMSecsSinceEpoch();
    auto id = m_cache.enqueue(entry);
    if (!id)
        return std::unexpected(id.error());
    entry.id = *id;
    announceCount();
    send(entry);
    return *id;
}

Result<qint64> Outbox::payCash(const OrderId &order, qint64 tenderedCents,
                               const QString &idempotencyKey)
{
    OutboxEntry entry;
    entry.kind = kPayCash;
    entry.idempotencyKey = idempotencyKey;
    entry.payload = toJson(QJsonObject{{QStringLiteral("orderId"), order.value()},
                                       {QStringLiteral("tenderedCents"), tenderedCents}});
    entry.createdMs = QDateTime::currentMSecsSinceEpoch();
    auto id = m_cache.enqueue(entry);
    if (!id)
        return std::unexpected(id.error());
    entry.id = *id;
    announceCount();
    send(entry);
    return *id;
}

void Outbox::resume()
{
    announceCount();
    retryNow();
}

void Outbox::retryNow()
{
    m_retryTimer.stop();
    sendWaiting();
}

int Outbox::pendingCount() const
{
    auto entries = m_cache.outbox();
    if (!entries) {
        qCWarning(lcClient).noquote() << "cannot read the outbox:" << entries.error().message;
        return int(m_inFlight.size());
    }
    return int(entries->size());
}

void Outbox::announceCount()
{
    const int count = pendingCount();
    if (count == m_lastCount)
        return;
    m_lastCount = count;
    emit pendingCountChanged(count);
}

void Outbox::sendWaiting()
{
    auto entries = m_cache.outbox();
    if (!entries) {
        qCWarning(lcClient).noquote() << "cannot read the outbox:" << entries.error().message;
        scheduleRetry();
        return;
    }
    for (const OutboxEntry &entry : *entries)
        send(entry);
}

void Outbox::scheduleRetry()
{
    if (m_retryTimer.isActive())
        return;
    m_retryTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, m_maxBackoffMs);
}

void Outbox::send(const OutboxEntry &entry)
{
    if (m_inFlight.contains(entry.id))
        return;
    auto payload = parseAnswer(entry.payload, QStringLiteral("outbox entry %1").arg(entry.id));
    if (payload && entry.kind == kCreateOrder)
        return sendCreateOrder(entry, *payload);
    if (payload && entry.kind == kPayCash)
        return sendPayCash(entry, *payload);
    // Not something this build wrote: it can never be sent, so it is reported and dropped.
    const Error error = payload
                            ? Error::make(ErrorCode::BadRequest,
                                          QStringLiteral("outbox entry %1 has unknown kind \"%2\"")
                                              .arg(entry.id)
                                              .arg(entry.kind))
                            : payload.error();
    qCWarning(lcClient).noquote() << "dropping outbox entry:" << error.message;
    settle(entry);
    if (entry.kind == kPayCash)
        emit cashFailed(entry.idempotencyKey, error);
    else
        emit orderFailed(entry.idempotencyKey, error);
}

void Outbox::sendCreateOrder(const OutboxEntry &entry, const QJsonObject &payload)
{
    AnswerReader json(payload, QStringLiteral("outbox entry %1").arg(entry.id));
    const HoldId hold(json.string(QStringLiteral("holdId"), 64));
    AnswerReader contactJson = json.optionalObject(QStringLiteral("contact"));
    const Contact contact{contactJson.optionalString(QStringLiteral("name")),
                          contactJson.optionalString(QStringLiteral("phone"))};
    if (auto valid = json.result(); !valid) {
        settle(entry);
        emit orderFailed(entry.idempotencyKey, valid.error());
        return;
    }
    m_inFlight.append(entry.id);
    m_client.createOrder(hold, contact, entry.idempotencyKey, this,
                         [this, entry](const Result<OrderInfo> &order) {
                             m_inFlight.removeAll(entry.id);
                             if (!order && isTransient(order.error().code))
                                 return keep(entry, order.error());
                             settle(entry);
                             if (order)
                                 emit orderCreated(entry.idempotencyKey, *order);
                             else
                                 emit orderFailed(entry.idempotencyKey, order.error());
                         });
}

void Outbox::sendPayCash(const OutboxEntry &entry, const QJsonObject &payload)
{
    AnswerReader json(payload, QStringLiteral("outbox entry %1").arg(entry.id));
    const OrderId order(json.string(QStringLiteral("orderId"), 64));
    const qint64 tendered = json.integer(QStringLiteral("tenderedCents"), 0, kMaxMinorUnits);
    if (auto valid = json.result(); !valid) {
        settle(entry);
        emit cashFailed(entry.idempotencyKey, valid.error());
        return;
    }
    m_inFlight.append(entry.id);
    m_client.payCash(order, tendered, this, [this, entry, order](const Result<TenderResult> &paid) {
        if (!paid && isTransient(paid.error().code)) {
            m_inFlight.removeAll(entry.id);
            return keep(entry, paid.error());
        }
        if (paid || paid.error().code != ErrorCode::Conflict) {
            m_inFlight.removeAll(entry.id);
            settle(entry);
            if (paid)
                emit cashPaid(entry.idempotencyKey, *paid);
            else
                emit cashFailed(entry.idempotencyKey, paid.error());
            return;
        }
        // CONFLICT: most likely an earlier attempt was paid and its answer lost. The order
        // as the server has it decides; the entry stays until that read succeeds.
        const Error conflict = paid.error();
        m_client.order(order, this, [this, entry, conflict](const Result<OrderInfo> &view) {
            m_inFlight.removeAll(entry.id);
            if (!view && isTransient(view.error().code))
                return keep(entry, view.error());
            settle(entry);
            if (view && (view->status == OrderState::Paid || view->status == OrderState::Ticketed))
                emit cashPaid(entry.idempotencyKey, tenderFromOrder(*view));
            else
                emit cashFailed(entry.idempotencyKey, conflict);
        });
    });
}

void Outbox::settle(const OutboxEntry &entry)
{
    m_backoffMs = m_firstBackoffMs;
    if (auto removed = m_cache.removeFromOutbox(entry.id);
        !removed && removed.error().code != ErrorCode::NotFound)
        // It will be sent again on the next start; the server's idempotency absorbs that.
        qCWarning(lcClient).noquote() << "cannot remove outbox entry" << entry.id << "("
                                      << entry.idempotencyKey << "):" << removed.error().message;
    announceCount();
    // The server answers again: anything else waiting need not sit out its backoff.
    if (m_retryTimer.isActive())
        QTimer::singleShot(0, this, &Outbox::retryNow);
}

void Outbox::keep(const OutboxEntry &entry, const Error &error)
{
    if (auto recorded = m_cache.recordAttempt(entry.id, error.message); !recorded)
        qCWarning(lcClient).noquote() << "cannot record an attempt of outbox entry" << entry.id
                                      << ":" << recorded.error().message;
    qCInfo(lcClient).noquote() << entry.kind << entry.idempotencyKey
                               << "not answered, will retry:" << error.message;
    emit retrying(entry.idempotencyKey, error, entry.attempts + 1);
    scheduleRetry();
}

} // namespace Boxoffice::Sync
