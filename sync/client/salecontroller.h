#pragma once

#include "core/common/clock.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/cardacquirer.h"
#include "sync/client/outbox.h"
#include "sync/client/terminalcache.h"

#include <QObject>
#include <QTimer>

#include <optional>

namespace Boxoffice::Sync {

// One sale at the window, from the clerk's selection to the tickets (DESIGN.md §4):
//
//   Idle -> Holding -> Held -> Ordering -> AwaitingPayment -> Paying / CardPending -> Completed
//
// Every step is confirmed by the server; nothing is sold locally. The sale in progress is
// written to the terminal cache at each step, so a terminal that is killed restarts into its
// open hold or order (restore()). Order creation and cash go through the outbox, which retries
// with the same idempotency keys.
//
// Lives on the GUI thread. Does not own its collaborators.
class SaleController : public QObject
{
    Q_OBJECT
public:
    enum class Stage
    {
        Idle,            // nothing held; the clerk picks seats
        Holding,         // the hold request is on its way
        Held,            // seats held; countdown running
        Ordering,        // the order is being created
        AwaitingPayment, // order PENDING_PAY; take cash or card
        Paying,          // cash tender on its way
        CardPending,     // card charge accepted by the acquirer; waiting for the callback
        Completed,       // paid and ticketed; print, then finish()
    };
    Q_ENUM(Stage)

    // The hold length asked of the server.
    static constexpr int kHoldSeconds = 480;
    // The countdown warns this long before the hold (or payment window) closes.
    static constexpr int kWarnSeconds = 60;

    SaleController(ApiClient &client, Outbox &outbox, TerminalCache &cache, CardAcquirer &acquirer,
                   Core::SeatMapModel &model, const Core::Clock &clock, QObject *parent = nullptr);

    [[nodiscard]] Stage stage() const { return m_stage; }
    [[nodiscard]] bool isBusy() const; // a request is on its way
    [[nodiscard]] const std::optional<HoldInfo> &hold() const { return m_hold; }
    [[nodiscard]] const std::optional<OrderInfo> &order() const { return m_order; }
    [[nodiscard]] const std::optional<TenderResult> &lastTender() const { return m_tender; }
    // When the seats stop being ours: the hold's expiry, then the order's payment window.
    // 0 when nothing is held.
    [[nodiscard]] qint64 deadlineMs() const;
    [[nodiscard]] qint64 secondsLeft() const;
    [[nodiscard]] const Contact &contact() const { return m_contact; }

    // Holds the model's selection on the server. Seats another terminal took in the meantime
    // are marked taken on the map and reported by seatsTaken(); the rest stay selected.
    void holdSelection();
    // Releases the hold (or abandons the unpaid order's hold) and returns to Idle. While a card
    // payment is pending it stops waiting for it instead (back to AwaitingPayment). Ignored
    // while the order or a cash payment is on its way.
    void cancel();
    void checkout(const Contact &contact);
    void payCash(qint64 tenderedCents);
    void payCard(const CardCharge &options);
    // After the tickets are printed: back to Idle for the next customer.
    void finish();
    // Picks up a sale left by an earlier run of the terminal for the model's show; returns
    // whether there was one.
    bool restore();
    // The show of a sale saved by an earlier run, if any (the terminal opens it first).
    [[nodiscard]] std::optional<Core::ShowId> savedSaleShow() const;

    // Gives the seats back at once for a customer who walked away (the self-service kiosk):
    // the unpaid order is cancelled on the server (its hold with it), or the hold released,
    // and the sale returns to Idle; abandoned() follows the server's answer. While the hold
    // or the order is on its way, this happens as soon as it arrives. While a card charge is
    // pending the order is cancelled too: a charge approved after that is refunded by the
    // server, never sold. Ignored once money was recorded (Paying, Completed). When the
    // server finds the order paid already (CONFLICT), the sale goes on as paid: Paying, then
    // completed() with the tickets, and no abandoned().
    void abandon();
    // Gives back the seats of a sale saved by an earlier run without resuming it (a kiosk
    // that restarts after a crash has lost its customer): cancels the saved order or
    // releases the saved hold, then forgets the sale; an order the server finds paid stays
    // paid and is logged for the box office. abandoned() follows; nothing happens
    // (and nothing is emitted) when no sale was saved.
    void abandonSavedSale();

signals:
    void stageChanged(Stage stage);
    void holdPlaced(const Sync::HoldInfo &hold);
    // The server refused these seats: another terminal has them.
    void seatsTaken(const QList<Core::SeatId> &seats);
    // Once per hold, kWarnSeconds before the deadline.
    void deadlineNear(int secondsLeft);
    // The seats were lost because time ran out; the cart is empty again.
    void holdExpired();
    void orderChanged(const Sync::OrderInfo &order);
    void completed(const Sync::OrderInfo &order);
    // Something the clerk must read: why a step failed, what happens next.
    void problem(const QString &message);
    // Ticks once a second while something is held.
    void countdown(qint64 secondsLeft);
    // abandon() or abandonSavedSale() is done: the seats are given back (or, when the server
    // could not be reached, problem() said when they are released by themselves).
    void abandoned();

private:
    void setStage(Stage stage);
    void handleOrderCreated(const QString &key, const OrderInfo &order);
    void handleOrderFailed(const QString &key, const Core::Error &error);
    void handleCashPaid(const QString &key, const TenderResult &result);
    void handleCashFailed(const QString &key, const Core::Error &error);
    void handleTick();
    void pollOrder();
    void readOrderBack();
    void askAcquirer();
    void stopWaitingForCard();
    [[nodiscard]] bool isInOutbox(const QString &key) const;
    void applyOrder(const OrderInfo &order);
    void loseSeats(const QString &message);
    void resetToIdle();
    void giveBack();
    void handleGivenBack(const Result<> &answer, qint64 expiryMs);
    void save();
    [[nodiscard]] std::vector<int> seatIndexes(const QList<Core::SeatId> &seats) const;
    [[nodiscard]] QString describe(const Core::Error &error) const;

    ApiClient &m_client;
    Outbox &m_outbox;
    TerminalCache &m_cache;
    CardAcquirer &m_acquirer;
    Core::SeatMapModel &m_model;
    const Core::Clock &m_clock;

    Stage m_stage = Stage::Idle;
    bool m_requestInFlight = false;
    std::optional<HoldInfo> m_hold;
    std::optional<OrderInfo> m_order;
    std::optional<TenderResult> m_tender;
    Contact m_contact;
    QString m_orderKey;
    QString m_cashKey;
    Core::PaymentId m_cardPayment;
    qint64 m_cardStartedMs = 0;
    bool m_warned = false;
    // abandon() was asked while a request was on its way.
    bool m_abandonPending = false;
    QTimer m_tick;
    QTimer m_poll;
};

} // namespace Boxoffice::Sync
