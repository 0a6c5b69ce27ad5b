#include "sync/client/salecontroller.h"

#include "core/security/random.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

namespace Boxoffice::Sync {

using Core::ErrorCode;
using Core::OrderState;
using Core::SeatId;

namespace {

Q_LOGGING_CATEGORY(lcSale, "boxoffice.sync.sale")

// How often an order is read back while a card payment or ticketing is pending, and how long
// before the clerk is told the acquirer has not answered yet.
constexpr int kPollMs = 400;
constexpr qint64 kCardPatienceMs = 45'000;
constexpr int kSaleFormat = 1;

QString stageName(SaleController::Stage stage)
{
    switch (stage) {
    case SaleController::Stage::Idle:
        return QStringLiteral("idle");
    case SaleController::Stage::Holding:
        return QStringLiteral("holding");
    case SaleController::Stage::Held:
        return QStringLiteral("held");
    case SaleController::Stage::Ordering:
        return QStringLiteral("ordering");
    case SaleController::Stage::AwaitingPayment:
        return QStringLiteral("awaitingPayment");
    case SaleController::Stage::Paying:
        return QStringLiteral("paying");
    case SaleController::Stage::CardPending:
        return QStringLiteral("cardPending");
    case SaleController::Stage::Completed:
        return QStringLiteral("completed");
    }
    return QStringLiteral("idle");
}

std::optional<SaleController::Stage> stageFromName(const QString &name)
{
    for (auto stage : {SaleController::Stage::Idle, SaleController::Stage::Holding,
                       SaleController::Stage::Held, SaleController::Stage::Ordering,
                       SaleController::Stage::AwaitingPayment, SaleController::Stage::Paying,
                       SaleController::Stage::CardPending, SaleController::Stage::Completed}) {
        if (stageName(stage) == name)
            return stage;
    }
    return std::nullopt;
}

} // namespace

SaleController::SaleController(ApiClient &client, Outbox &outbox, TerminalCache &cache,
                               CardAcquirer &acquirer, Core::SeatMapModel &model,
                               const Core::Clock &clock, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_outbox(outbox)
    , m_cache(cache)
    , m_acquirer(acquirer)
    , m_model(model)
    , m_clock(clock)
{
    m_tick.setInterval(250);
    connect(&m_tick, &QTimer::timeout, this, &SaleController::handleTick);
    m_poll.setInterval(kPollMs);
    m_poll.setSingleShot(true);
    connect(&m_poll, &QTimer::timeout, this, &SaleController::pollOrder);
    // A reloaded show (new layout or cache then server) forgets which seats are ours.
    connect(&m_model, &Core::SeatMapModel::modelReset, this, [this] {
        if (m_hold && m_model.show() == m_hold->show)
            m_model.setOwnSeats(seatIndexes(m_hold->seats));
    });
    connect(&m_outbox, &Outbox::orderCreated, this, &SaleController::handleOrderCreated);
    connect(&m_outbox, &Outbox::orderFailed, this, &SaleController::handleOrderFailed);
    connect(&m_outbox, &Outbox::cashPaid, this, &SaleController::handleCashPaid);
    connect(&m_outbox, &Outbox::cashFailed, this, &SaleController::handleCashFailed);
}

bool SaleController::isBusy() const
{
    return m_requestInFlight || m_stage == Stage::Holding || m_stage == Stage::Ordering ||
           m_stage == Stage::Paying || m_stage == Stage::CardPending;
}

qint64 SaleController::deadlineMs() const
{
    if (m_order && m_order->status == OrderState::PendingPay && m_order->payByMs > 0)
        return m_order->payByMs;
    if (m_hold && !m_order)
        return m_hold->expiryMs;
    return 0;
}

qint64 SaleController::secondsLeft() const
{
    const qint64 deadline = deadlineMs();
    if (deadline == 0)
        return 0;
    return std::max<qint64>(0, (deadline - m_clock.nowMs() + 999) / 1000);
}

void SaleController::setStage(Stage stage)
{
    if (m_stage == stage)
        return;
    qCInfo(lcSale).noquote() << "sale:" << stageName(m_stage) << "->" << stageName(stage);
    m_stage = stage;
    if (m_abandonPending && !m_requestInFlight && stage != Stage::Holding &&
        stage != Stage::Ordering) {
        // The answer abandon() waited for is in: give the seats back once the stage is told.
        // Once money was recorded (Paying, Completed) abandon() only forgets the request, so
        // that it cannot give back the next customer's hold.
        QMetaObject::invokeMethod(this, &SaleController::abandon, Qt::QueuedConnection);
    }
    const bool counting = deadlineMs() > 0 && stage != Stage::Completed && stage != Stage::Idle;
    if (counting && !m_tick.isActive())
        m_tick.start();
    else if (!counting)
        m_tick.stop();
    save();
    emit stageChanged(stage);
}

void SaleController::holdSelection()
{
    if (m_stage != Stage::Idle || m_requestInFlight)
        return;
    const std::vector<int> selection = m_model.selection();
    if (selection.empty()) {
        emit problem(tr("Select seats on the map first."));
        return;
    }
    QList<SeatId> seats;
    for (int index : selection)
        seats.append(m_model.layout().seats()[index].id);
    const Core::ShowId show = m_model.show();
    m_requestInFlight = true;
    setStage(Stage::Holding);
    m_client.placeHold(show, seats, kHoldSeconds, this,
                       [this, show, seats](Result<HoldInfo> answer) {
                           m_requestInFlight = false;
                           if (!answer) {
                               setStage(Stage::Idle);
                               const Core::Error &error = answer.error();
                               if (error.code == ErrorCode::SeatUnavailable) {
                                   QList<SeatId> taken;
                                   for (const QJsonValue &id :
                                        error.details.value(QStringLiteral("seatIds")).toArray())
                                       taken.append(SeatId(id.toString()));
                                   if (taken.isEmpty())
                                       taken = seats;
                                   m_model.markUnavailable(seatIndexes(taken));
                                   emit seatsTaken(taken);
                                   return;
                               }
                               emit problem(describe(error));
                               return;
                           }
                           if (m_model.show() != show) {
                               // The clerk switched shows while the hold was on its way: give it
                               // back.
                               m_client.releaseHold(answer->id, this, [](Result<>) {});
                               setStage(Stage::Idle);
                               return;
                           }
                           m_hold = *answer;
                           m_warned = false;
                           m_model.clearSelection();
                           m_model.setOwnSeats(seatIndexes(m_hold->seats));
                           setStage(Stage::Held);
                           handleTick();
                           emit holdPlaced(*m_hold);
                       });
}

void SaleController::cancel()
{
    if (m_requestInFlight)
        return;
    if (m_stage == Stage::CardPending) {
        stopWaitingForCard();
        return;
    }
    // Money may be moving, or the order request is on its way and would outlive the release:
    // the clerk waits for the answer.
    if (m_stage == Stage::Ordering || m_stage == Stage::Paying || m_stage == Stage::Completed)
        return;
    if (!m_hold) {
        m_model.clearSelection();
        return;
    }
    const Core::HoldId hold = m_hold->id;
    const qint64 expiry = deadlineMs();
    m_requestInFlight = true;
    m_client.releaseHold(hold, this, [this, expiry](Result<> answer) {
        m_requestInFlight = false;
        if (!answer && answer.error().code == ErrorCode::Unreachable) {
            emit problem(tr("The server did not answer; the seats will be released by themselves "
                            "at %1.")
                             .arg(QDateTime::fromMSecsSinceEpoch(expiry).toLocalTime().toString(
                                 QStringLiteral("HH:mm:ss"))));
        } else if (!answer && answer.error().code != ErrorCode::HoldExpired &&
                   answer.error().code != ErrorCode::HoldReleased) {
            emit problem(describe(answer.error()));
        }
        resetToIdle();
    });
}

void SaleController::stopWaitingForCard()
{
    // The charge may still arrive: the order is read back, and a later cash payment is checked
    // against it (handleCashPaid), so a customer never pays twice unnoticed.
    m_poll.stop();
    m_cardPayment = {};
    m_cardStartedMs = 0;
    setStage(Stage::AwaitingPayment);
    emit problem(tr("Stopped waiting for the card. If the card was charged after all, the order "
                    "shows it as paid as soon as the acquirer confirms."));
    readOrderBack();
}

void SaleController::readOrderBack()
{
    if (!m_order)
        return;
    m_client.order(m_order->id, this, [this](Result<OrderInfo> answer) {
        if (answer && m_stage == Stage::AwaitingPayment)
            applyOrder(*answer);
    });
}

void SaleController::checkout(const Contact &contact)
{
    if (m_stage != Stage::Held || !m_hold || m_requestInFlight)
        return;
    m_contact = contact;
    m_orderKey = Core::newId(u"ORD_KEY_");
    setStage(Stage::Ordering);
    if (auto queued = m_outbox.createOrder(m_hold->id, contact, m_orderKey); !queued) {
        setStage(Stage::Held);
        emit problem(describe(queued.error()));
    }
}

void SaleController::payCash(qint64 tenderedCents)
{
    if (m_stage != Stage::AwaitingPayment || !m_order || m_requestInFlight)
        return;
    if (tenderedCents < m_order->amountCents) {
        emit problem(tr("The amount tendered is less than the total."));
        return;
    }
    m_cashKey = Core::newId(u"CASH_KEY_");
    setStage(Stage::Paying);
    if (auto queued = m_outbox.payCash(m_order->id, tenderedCents, m_cashKey); !queued) {
        setStage(Stage::AwaitingPayment);
        emit problem(describe(queued.error()));
    }
}

void SaleController::payCard(const CardCharge &options)
{
    if (m_stage != Stage::AwaitingPayment || !m_order || m_requestInFlight)
        return;
    if (!m_acquirer.isConfigured()) {
        emit problem(tr("No card acquirer is configured for this terminal."));
        return;
    }
    CardCharge charge = options;
    charge.order = m_order->id;
    charge.amountCents = m_order->amountCents;
    charge.currency = m_order->currency;
    m_requestInFlight = true;
    setStage(Stage::CardPending);
    m_acquirer.charge(charge, this, [this](Core::Result<Core::PaymentId> answer) {
        m_requestInFlight = false;
        if (!answer) {
            setStage(Stage::AwaitingPayment);
            if (answer.error().code == ErrorCode::Unreachable) {
                // The acquirer may have taken the charge before the answer was lost.
                emit problem(tr("The card acquirer did not answer; the card may have been "
                                "charged. The order is read back and shows it if so."));
                readOrderBack();
                return;
            }
            emit problem(
                tr("The card payment could not be started: %1").arg(describe(answer.error())));
            return;
        }
        m_cardPayment = *answer;
        m_cardStartedMs = m_clock.nowMs();
        save();
        m_poll.start();
    });
}

void SaleController::finish()
{
    if (m_stage != Stage::Completed)
        return;
    resetToIdle();
}

void SaleController::abandon()
{
    if (m_requestInFlight && m_stage != Stage::Idle) {
        m_abandonPending = true;
        return;
    }
    switch (m_stage) {
    case Stage::Idle:
        m_abandonPending = false;
        m_model.clearSelection();
        emit abandoned();
        return;
    case Stage::Holding:
    case Stage::Ordering:
        m_abandonPending = true; // done when the hold or the order arrives (setStage)
        return;
    case Stage::Paying:
    case Stage::Completed:
        m_abandonPending = false;
        return; // money was recorded: the sale goes on
    case Stage::Held:
    case Stage::AwaitingPayment:
    case Stage::CardPending:
        giveBack();
        return;
    }
}

void SaleController::giveBack()
{
    m_abandonPending = false;
    m_poll.stop();
    if (!m_order && !m_hold) {
        resetToIdle();
        emit abandoned();
        return;
    }
    const qint64 expiry = deadlineMs();
    m_requestInFlight = true;
    const auto done = [this, expiry](Result<> answer) {
        m_requestInFlight = false;
        if (!answer && answer.error().code == ErrorCode::Conflict && m_order) {
            // The card payment reached the server before the cancel (an acquirer whose answer
            // was lost, say): the customer has paid, so the sale goes on to its tickets and
            // completed() follows instead of abandoned().
            qCWarning(lcSale).noquote()
                << "order" << m_order->id.value() << "was paid before it could be cancelled";
            setStage(Stage::Paying);
            pollOrder();
            return;
        }
        handleGivenBack(answer, expiry);
        resetToIdle();
        emit abandoned();
    };
    if (m_order)
        m_client.cancelOrder(m_order->id, this, done);
    else
        m_client.releaseHold(m_hold->id, this, done);
}

void SaleController::handleGivenBack(const Result<> &answer, qint64 expiryMs)
{
    if (answer)
        return;
    const ErrorCode code = answer.error().code;
    if (code == ErrorCode::HoldExpired || code == ErrorCode::HoldReleased ||
        code == ErrorCode::OrderExpired)
        return; // given back already
    if (code == ErrorCode::Unreachable && expiryMs > 0) {
        emit problem(tr("The server did not answer; the seats will be released by themselves "
                        "at %1.")
                         .arg(QDateTime::fromMSecsSinceEpoch(expiryMs).toLocalTime().toString(
                             QStringLiteral("HH:mm:ss"))));
        return;
    }
    qCWarning(lcSale).noquote() << "giving the seats back failed:" << answer.error().message;
    emit problem(describe(answer.error()));
}

void SaleController::abandonSavedSale()
{
    auto saved = m_cache.sale();
    if (!saved) {
        emit problem(describe(saved.error()));
        return;
    }
    if (!*saved)
        return;
    const QJsonObject json = QJsonDocument::fromJson(**saved).object();
    const QJsonObject hold = json.value(QStringLiteral("hold")).toObject();
    const Core::HoldId holdId(hold.value(QStringLiteral("holdId")).toString());
    const Core::OrderId orderId(json.value(QStringLiteral("orderId")).toString());
    const qint64 expiry = hold.value(QStringLiteral("expiryMs")).toInteger();
    qCInfo(lcSale).noquote() << "giving back the sale left by the last run: hold" << holdId.value()
                             << "order" << orderId.value();
    const auto done = [this, expiry, orderId](Result<> answer) {
        if (!answer && answer.error().code == ErrorCode::Conflict) {
            // Paid before the crash: the customer is gone, and maybe without the tickets.
            qCCritical(lcSale).noquote()
                << QStringLiteral("order %1 of the last run was paid (%2): if its tickets did "
                                  "not come out, the box office can print them")
                       .arg(orderId.value(),
                            answer.error().details.value(QStringLiteral("status")).toString());
        } else {
            handleGivenBack(answer, expiry);
        }
        if (auto cleared = m_cache.clearSale(); !cleared)
            qCWarning(lcSale).noquote()
                << "could not clear the saved sale:" << cleared.error().message;
        emit abandoned();
    };
    if (!orderId.isEmpty())
        m_client.cancelOrder(orderId, this, done);
    else if (!holdId.isEmpty())
        m_client.releaseHold(holdId, this, done);
    else
        done({});
}

void SaleController::resetToIdle()
{
    m_poll.stop();
    m_hold.reset();
    m_order.reset();
    m_tender.reset();
    m_contact = {};
    m_orderKey.clear();
    m_cashKey.clear();
    m_cardPayment = {};
    m_warned = false;
    m_model.setOwnSeats({});
    setStage(Stage::Idle);
    if (auto cleared = m_cache.clearSale(); !cleared)
        qCWarning(lcSale).noquote() << "could not clear the saved sale:" << cleared.error().message;
}

void SaleController::handleOrderCreated(const QString &key, const OrderInfo &order)
{
    if (key != m_orderKey)
        return;
    // The creation answer names the order, its amount and payment window; the rest is ours.
    OrderInfo full = order;
    if (m_hold) {
        if (full.show.isEmpty())
            full.show = m_hold->show;
        if (full.hold.isEmpty())
            full.hold = m_hold->id;
        if (full.seats.isEmpty())
            full.seats = m_hold->seats;
    }
    m_warned = false;
    applyOrder(full);
}

void SaleController::handleOrderFailed(const QString &key, const Core::Error &error)
{
    if (key != m_orderKey)
        return;
    m_orderKey.clear();
    if (error.code == ErrorCode::HoldExpired || error.code == ErrorCode::HoldReleased) {
        loseSeats(tr("The hold ran out before the order was placed; the seats were released."));
        return;
    }
    setStage(Stage::Held);
    emit problem(describe(error));
}

void SaleController::handleCashPaid(const QString &key, const TenderResult &result)
{
    if (key != m_cashKey)
        return;
    // A retried tender that found the order already paid reports the order's payment: when
    // that was the card (its confirmation came late), the cash goes back to the customer.
    if (result.tenderedCents < result.amountCents)
        emit problem(tr("The order was already paid by card: give the customer the cash back."));
    m_tender = result;
    if (!m_order)
        return;
    m_order->status = result.orderStatus;
    if (!result.tickets.isEmpty())
        m_order->tickets = result.tickets;
    applyOrder(*m_order);
}

void SaleController::handleCashFailed(const QString &key, const Core::Error &error)
{
    if (key != m_cashKey)
        return;
    m_cashKey.clear();
    if (error.code == ErrorCode::OrderExpired) {
        loseSeats(tr("The payment window closed before the cash was recorded; the seats were "
                     "released. Give the customer their money back."));
        return;
    }
    setStage(Stage::AwaitingPayment);
    emit problem(describe(error));
}

void SaleController::applyOrder(const OrderInfo &order)
{
    m_order = order;
    emit orderChanged(order);
    switch (order.status) {
    case OrderState::Init:
    case OrderState::PendingPay: {
        if (m_stage == Stage::CardPending) {
            for (const PaymentInfo &payment : order.payments) {
                if (payment.id != m_cardPayment || payment.status == QLatin1StringView("APPLIED"))
                    continue;
                m_cardPayment = {};
                setStage(Stage::AwaitingPayment);
                emit problem(
                    payment.status == QLatin1StringView("FAILED")
                        ? tr("The card was declined. Try again or take cash.")
                        : tr("The card payment was not applied (%1).").arg(payment.status));
                return;
            }
            if (m_cardStartedMs > 0 && m_clock.nowMs() - m_cardStartedMs > kCardPatienceMs) {
                m_cardStartedMs = m_clock.nowMs(); // ask once per patience period
                askAcquirer();
            }
            m_poll.start();
            return;
        }
        if (m_stage != Stage::Paying)
            setStage(Stage::AwaitingPayment);
        else
            save();
        return;
    }
    case OrderState::Paid:
        // Tickets are issued in the same transaction in this server; read it back until they
        // are there.
        if (m_stage != Stage::CardPending && m_stage != Stage::Paying)
            setStage(Stage::Paying);
        m_poll.start();
        return;
    case OrderState::Ticketed:
        // A tender's answer carries the tickets but not the payments the receipt shows: read
        // the whole order back once.
        if (order.payments.isEmpty()) {
            if (m_stage != Stage::CardPending && m_stage != Stage::Paying)
                setStage(Stage::Paying);
            pollOrder();
            return;
        }
        m_poll.stop();
        setStage(Stage::Completed);
        emit completed(order);
        return;
    case OrderState::Cancelled:
    case OrderState::Refunded:
        loseSeats(tr("The order was cancelled by the server (payment window closed); the seats "
                     "were released."));
        return;
    }
}

void SaleController::askAcquirer()
{
    if (m_cardPayment.isEmpty())
        return;
    m_acquirer.chargeStatus(m_cardPayment, this, [this](Result<CardChargeStatus> status) {
        if (m_stage != Stage::CardPending)
            return;
        if (status && status->state == CardChargeState::Processing) {
            emit problem(tr("The card acquirer has not confirmed the payment yet. Still waiting "
                            "(Ctrl+Delete stops waiting)."));
            return;
        }
        if (status && status->state == CardChargeState::Approved)
            return; // the order read back shows it next
        if (!status && status.error().code == ErrorCode::Unreachable)
            return; // ask again after the next patience period
        // Declined without a recorded failure, refused by the server, or unknown to the
        // acquirer: this payment will not come.
        m_poll.stop();
        m_cardPayment = {};
        setStage(Stage::AwaitingPayment);
        const QString why = !status                 ? describe(status.error())
                            : status->callbackError ? status->callbackError->message
                                                    : tr("declined");
        emit problem(
            tr("The card payment did not go through (%1). Try again or take cash.").arg(why));
    });
}

void SaleController::pollOrder()
{
    if (!m_order)
        return;
    m_client.order(m_order->id, this, [this](Result<OrderInfo> answer) {
        if (!answer) {
            if (answer.error().code == ErrorCode::Unauthenticated) {
                emit problem(describe(answer.error()));
                return; // asking again with an ended session cannot help
            }
            if (answer.error().code != ErrorCode::Unreachable &&
                answer.error().code != ErrorCode::Overloaded)
                emit problem(describe(answer.error()));
            m_poll.start();
            return;
        }
        if (m_stage == Stage::Paying || m_stage == Stage::CardPending ||
            m_stage == Stage::AwaitingPayment)
            applyOrder(*answer);
    });
}

void SaleController::handleTick()
{
    const qint64 left = secondsLeft();
    emit countdown(left);
    if (deadlineMs() == 0)
        return;
    if (left <= kWarnSeconds && !m_warned) {
        m_warned = true;
        emit deadlineNear(int(left));
    }
    // While money is moving, the server decides: a late payment is refunded, never sold.
    if (left == 0 && (m_stage == Stage::Held || m_stage == Stage::AwaitingPayment)) {
        loseSeats(m_stage == Stage::Held
                      ? tr("The hold ran out and the seats were released. Select seats again.")
                      : tr("The payment window closed and the seats were released."));
    }
}

void SaleController::loseSeats(const QString &message)
{
    resetToIdle();
    emit holdExpired();
    emit problem(message);
}

bool SaleController::isInOutbox(const QString &key) const
{
    if (key.isEmpty())
        return false;
    auto entries = m_cache.outbox();
    if (!entries)
        return true; // cannot tell: let the outbox answer rather than sending twice
    for (const OutboxEntry &entry : *entries) {
        if (entry.idempotencyKey == key)
            return true;
    }
    return false;
}

std::vector<int> SaleController::seatIndexes(const QList<SeatId> &seats) const
{
    std::vector<int> indexes;
    for (const SeatId &seat : seats) {
        const int index = m_model.layout().indexOf(seat);
        if (index >= 0)
            indexes.push_back(index);
    }
    return indexes;
}

QString SaleController::describe(const Core::Error &error) const
{
    switch (error.code) {
    case ErrorCode::Unreachable:
        return tr("The server is unreachable. Nothing was changed; try again when it is back.");
    case ErrorCode::Unauthenticated:
        return tr("The session has ended. Log in again.");
    case ErrorCode::Forbidden:
        return tr("This user may not do that.");
    case ErrorCode::KioskSeatLimit: {
        const int most = error.details.value(QStringLiteral("maxSeats")).toInt();
        return most > 0 ? tr("This kiosk sells at most %1 seats at a time. Please choose fewer "
                             "seats, or ask at the box office.")
                              .arg(most)
                        : tr("This kiosk cannot hold that many seats at a time. Please choose "
                             "fewer seats, or ask at the box office.");
    }
    case ErrorCode::RateLimited: {
        const int wait = error.details.value(QStringLiteral("retryAfterSeconds")).toInt();
        return wait > 1 ? tr("Too many requests just now. Please wait %1 seconds and try again.")
                              .arg(wait)
                        : tr("Too many requests just now. Please wait a moment and try again.");
    }
    default:
        return error.message.isEmpty() ? QString::fromLatin1(errorCodeInfo(error.code).wireName)
                                       : error.message;
    }
}

void SaleController::save()
{
    if (m_stage == Stage::Idle || !m_hold) {
        return;
    }
    QJsonArray seats;
    for (const SeatId &seat : m_hold->seats)
        seats.append(seat.value());
    QJsonObject json{
        {QStringLiteral("format"), kSaleFormat},
        {QStringLiteral("stage"), stageName(m_stage)},
        {QStringLiteral("showId"), m_hold->show.value()},
        {QStringLiteral("hold"), QJsonObject{{QStringLiteral("holdId"), m_hold->id.value()},
                                             {QStringLiteral("seatIds"), seats},
                                             {QStringLiteral("expiryMs"), m_hold->expiryMs},
                                             {QStringLiteral("totalCents"), m_hold->totalCents},
                                             {QStringLiteral("currency"), m_hold->currency}}},
        {QStringLiteral("contact"), QJsonObject{{QStringLiteral("name"), m_contact.name},
                                                {QStringLiteral("phone"), m_contact.phone}}},
        {QStringLiteral("orderKey"), m_orderKey},
        {QStringLiteral("cashKey"), m_cashKey},
        {QStringLiteral("orderId"), m_order ? m_order->id.value() : QString()},
        {QStringLiteral("cardPaymentId"), m_cardPayment.value()},
    };
    if (auto saved = m_cache.saveSale(QJsonDocument(json).toJson(QJsonDocument::Compact)); !saved) {
        qCWarning(lcSale).noquote()
            << "could not save the sale in progress:" << saved.error().message;
        emit problem(tr("The sale could not be saved locally (%1); it still goes on.")
                         .arg(saved.error().message));
    }
}

std::optional<Core::ShowId> SaleController::savedSaleShow() const
{
    auto saved = m_cache.sale();
    if (!saved || !*saved)
        return std::nullopt;
    const QJsonObject json = QJsonDocument::fromJson(**saved).object();
    const QString show = json.value(QStringLiteral("showId")).toString();
    if (show.isEmpty())
        return std::nullopt;
    return Core::ShowId(show);
}

bool SaleController::restore()
{
    auto saved = m_cache.sale();
    if (!saved) {
        emit problem(describe(saved.error()));
        return false;
    }
    if (!*saved)
        return false;
    const QJsonObject json = QJsonDocument::fromJson(**saved).object();
    const auto stage = stageFromName(json.value(QStringLiteral("stage")).toString());
    const QJsonObject hold = json.value(QStringLiteral("hold")).toObject();
    if (json.value(QStringLiteral("format")).toInt() != kSaleFormat || !stage ||
        hold.value(QStringLiteral("holdId")).toString().isEmpty()) {
        qCWarning(lcSale) << "the saved sale is not readable; discarding it";
        (void)m_cache.clearSale();
        return false;
    }
    if (json.value(QStringLiteral("showId")).toString() != m_model.show().value())
        return false;

    HoldInfo info;
    info.id = Core::HoldId(hold.value(QStringLiteral("holdId")).toString());
    info.show = m_model.show();
    for (const QJsonValue &seat : hold.value(QStringLiteral("seatIds")).toArray())
        info.seats.append(SeatId(seat.toString()));
    info.expiryMs = hold.value(QStringLiteral("expiryMs")).toInteger();
    info.totalCents = hold.value(QStringLiteral("totalCents")).toInteger();
    info.currency = hold.value(QStringLiteral("currency")).toString();
    m_hold = info;
    const QJsonObject contact = json.value(QStringLiteral("contact")).toObject();
    m_contact = {contact.value(QStringLiteral("name")).toString(),
                 contact.value(QStringLiteral("phone")).toString()};
    m_orderKey = json.value(QStringLiteral("orderKey")).toString();
    m_cashKey = json.value(QStringLiteral("cashKey")).toString();
    m_cardPayment = Core::PaymentId(json.value(QStringLiteral("cardPaymentId")).toString());
    m_model.setOwnSeats(seatIndexes(info.seats));
    const QString orderId = json.value(QStringLiteral("orderId")).toString();
    qCInfo(lcSale).noquote() << "restoring the sale of hold" << info.id.value() << "at stage"
                             << stageName(*stage);

    if (orderId.isEmpty()) {
        if (*stage == Stage::Ordering && !m_orderKey.isEmpty()) {
            // The outbox answers for this key when it resumes. If the terminal stopped before
            // the request was queued, it is queued again with the same key: the server creates
            // the order once, or answers that the hold ran out.
            m_stage = Stage::Ordering;
            emit stageChanged(m_stage);
            if (!isInOutbox(m_orderKey)) {
                if (auto queued = m_outbox.createOrder(info.id, m_contact, m_orderKey); !queued)
                    emit problem(describe(queued.error()));
            }
            return true;
        }
        if (info.expiryMs <= m_clock.nowMs()) {
            loseSeats(tr("The hold from before the restart ran out; the seats were released."));
            return true;
        }
        m_stage = Stage::Idle;
        setStage(Stage::Held);
        handleTick();
        emit holdPlaced(info);
        return true;
    }

    OrderInfo order;
    order.id = Core::OrderId(orderId);
    order.hold = info.id;
    order.show = info.show;
    order.seats = info.seats;
    order.amountCents = info.totalCents;
    order.currency = info.currency;
    order.contact = m_contact;
    m_order = order;
    // Until the server has told us, show the stage the sale had; the order read back decides.
    // A payment that can no longer be answered (its request never queued, a card charge
    // without its id) leaves the order awaiting payment.
    m_stage = *stage == Stage::Completed ? Stage::Paying : *stage;
    if (m_stage == Stage::Held || m_stage == Stage::Holding || m_stage == Stage::Ordering ||
        (m_stage == Stage::Paying && *stage != Stage::Completed && !isInOutbox(m_cashKey)) ||
        (m_stage == Stage::CardPending && m_cardPayment.isEmpty()))
        m_stage = Stage::AwaitingPayment;
    emit stageChanged(m_stage);
    m_client.order(order.id, this, [this](Result<OrderInfo> answer) {
        if (!answer) {
            if (answer.error().code == ErrorCode::NotFound) {
                loseSeats(tr("The server does not know the order from before the restart."));
                return;
            }
            emit problem(describe(answer.error()));
            m_poll.start();
            return;
        }
        m_warned = false;
        applyOrder(*answer);
        if (m_stage == Stage::CardPending)
            m_cardStartedMs = m_clock.nowMs();
        if (deadlineMs() > 0 && m_stage != Stage::Completed)
            m_tick.start();
    });
    return true;
}

} // namespace Boxoffice::Sync
