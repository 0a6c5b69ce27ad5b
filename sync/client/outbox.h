#pragma once

#include "sync/client/apiclient.h"
#include "sync/client/terminalcache.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace Boxoffice::Sync {

// Sends the operations a clerk committed to (order creation, cash tender) so that none is lost
// and none happens twice. Each is written to the cache's outbox before it is sent. An answer
// from the server (success or a definitive error such as HOLD_EXPIRED) removes it and is
// reported; no answer (Unreachable, Overloaded, or IDEMPOTENCY_IN_FLIGHT: the server is still
// working on the same key) keeps it and retries with backoff (1 s doubling to 30 s) with the
// same idempotency key, also after a restart (resume()).
//
// Retrying a cash tender is safe: the server refuses to pay an order twice (CONFLICT), and the
// outbox then reports the order as the server has it.
//
// Lives on the GUI thread; uses the cache and client it is given (not owned).
class Outbox : public QObject
{
    Q_OBJECT
public:
    Outbox(TerminalCache &cache, ApiClient &client, QObject *parent = nullptr);

    // Queue and send. Return the entry id, or the cache's error (nothing was queued then).
    [[nodiscard]] Result<qint64> createOrder(const Core::HoldId &hold, const Contact &contact,
                                             const QString &idempotencyKey);
    [[nodiscard]] Result<qint64> payCash(const Core::OrderId &order, qint64 tenderedCents,
                                         const QString &idempotencyKey);
    // Sends every entry left from an earlier run.
    void resume();
    // Tries every waiting entry now (e.g. when the server is back).
    void retryNow();
    [[nodiscard]] int pendingCount() const;
    // Retry delays (for tests); defaults 1 s doubling to 30 s.
    void setBackoff(int firstMs, int maxMs);

signals:
    // The server created (or, for a replayed key, returned) the order of `idempotencyKey`.
    void orderCreated(const QString &idempotencyKey, const Sync::OrderInfo &order);
    // The server refused the order for good (e.g. HOLD_EXPIRED); the entry is gone.
    void orderFailed(const QString &idempotencyKey, const Core::Error &error);
    // The server took the cash. On CONFLICT (already paid, e.g. a retry after a lost answer)
    // the result is built from the order as read back from the server, with its tickets.
    void cashPaid(const QString &idempotencyKey, const Sync::TenderResult &result);
    void cashFailed(const QString &idempotencyKey, const Core::Error &error);
    void pendingCountChanged(int count);
    // A send failed without an answer; it will be retried.
    void retrying(const QString &idempotencyKey, const Core::Error &error, int attempts);

private:
    void send(const OutboxEntry &entry);
    void sendCreateOrder(const OutboxEntry &entry, const QJsonObject &payload);
    void sendPayCash(const OutboxEntry &entry, const QJsonObject &payload);
    // The server answered for good: the entry leaves the outbox.
    void settle(const OutboxEntry &entry);
    // No answer: the entry stays and is tried again later.
    void keep(const OutboxEntry &entry, const Core::Error &error);
    void sendWaiting();
    void scheduleRetry();
    void announceCount();

    TerminalCache &m_cache;
    ApiClient &m_client;
    QTimer m_retryTimer;
    int m_firstBackoffMs = 1000;
    int m_maxBackoffMs = 30'000;
    int m_backoffMs = 1000;
    QList<qint64> m_inFlight;
    int m_lastCount = -1;
};

} // namespace Boxoffice::Sync
