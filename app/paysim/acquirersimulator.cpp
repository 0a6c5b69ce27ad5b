#include "acquirersimulator.h"

#include "core/common/clock.h"
#include "core/common/money.h"
#include "core/security/paymentsignature.h"
#include "core/security/random.h"
#include "sync/protocol/wire.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpSocket>
#include <QTimer>

namespace Boxoffice::App {

namespace {

Q_LOGGING_CATEGORY(lcPaysim, "boxoffice.paysim")

using Core::Error;
using Core::ErrorCode;

using Method = QHttpServerRequest::Method;

// A server answer larger than this is not kept (its status still is).
constexpr qsizetype kMaxKeptAnswerBytes = 64 * 1024;

// The order ids the server hands out: letters, digits, '-', '_' and '.'.
bool isValidId(QStringView id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (QChar c : id) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_' && c != u'.')
            return false;
    }
    return true;
}

bool isCurrencyCode(QStringView code)
{
    if (code.size() != 3)
        return false;
    for (QChar c : code) {
        if (c < u'A' || c > u'Z')
            return false;
    }
    return true;
}

Error badField(const QString &field, const QString &problem)
{
    return Error::make(ErrorCode::BadRequest, QStringLiteral("%1: %2").arg(field, problem),
                       QJsonObject{{QStringLiteral("field"), field}});
}

// Refuses a body with a field outside `known` (listed in the message).
Core::Result<> onlyKnownFields(const QJsonObject &body, const QStringList &known)
{
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return std::unexpected(
                badField(it.key().left(64),
                         QStringLiteral("unknown field (known: %1)").arg(known.join(u", "))));
    }
    return {};
}

// A required id field: letters, digits, '-', '_' or '.'.
Core::Result<QString> idField(const QJsonObject &body, const QString &name)
{
    auto id = Sync::requiredString(body, name, 64);
    if (!id)
        return std::unexpected(id.error());
    if (!isValidId(*id))
        return std::unexpected(
            badField(name, QStringLiteral("must be letters, digits, '-', '_' or '.'")));
    return id;
}

Core::Result<PaymentInstructions> readPaymentInstructions(const QJsonObject &body)
{
    PaymentInstructions read;
    auto amount =
        Sync::requiredInteger(body, QStringLiteral("amountCents"), 1, Core::kMaxMinorUnits);
    if (!amount)
        return std::unexpected(amount.error());
    read.amountCents = *amount;
    auto currency = Sync::requiredString(body, QStringLiteral("currency"), 3);
    if (!currency)
        return std::unexpected(currency.error());
    if (!isCurrencyCode(*currency))
        return std::unexpected(badField(QStringLiteral("currency"),
                                        QStringLiteral("must be three capital letters, e.g. CNY")));
    read.currency = *currency;
    auto outcome = Sync::optionalString(body, QStringLiteral("outcome"), 16);
    if (!outcome)
        return std::unexpected(outcome.error());
    if (!outcome->isEmpty() && *outcome != QLatin1StringView("approve") &&
        *outcome != QLatin1StringView("decline"))
        return std::unexpected(badField(QStringLiteral("outcome"),
                                        QStringLiteral("must be \"approve\" or \"decline\"")));
    read.outcome = *outcome;
    auto delay = Sync::optionalInteger(body, QStringLiteral("delayMs"), 0, kMaxChargeDelayMs);
    if (!delay)
        return std::unexpected(delay.error());
    read.delayMs = *delay;
    auto deliveries = Sync::optionalInteger(body, QStringLiteral("deliveries"), 1, kMaxDeliveries);
    if (!deliveries)
        return std::unexpected(deliveries.error());
    read.deliveries = *deliveries;
    return read;
}

// What the server said, for the log: its result and order status, or its error.
QString describeAnswer(int httpStatus, const QJsonObject &answer, const QString &networkError)
{
    if (httpStatus == 0)
        return QStringLiteral("no answer (%1)").arg(networkError);
    const QJsonObject error = answer.value(QStringLiteral("error")).toObject();
    if (!error.isEmpty())
        return QStringLiteral("HTTP %1 %2: %3")
            .arg(httpStatus)
            .arg(error.value(QStringLiteral("code")).toString(),
                 error.value(QStringLiteral("message")).toString());
    if (answer.contains(QStringLiteral("refundId")))
        return QStringLiteral("HTTP %1 refund %2")
            .arg(httpStatus)
            .arg(answer.value(QStringLiteral("status")).toString());
    return QStringLiteral("HTTP %1 %2, order %3")
        .arg(httpStatus)
        .arg(answer.value(QStringLiteral("result")).toString(),
             answer.value(QStringLiteral("status")).toString());
}

} // namespace

AcquirerSimulator::AcquirerSimulator(SimulatorOptions options, QNetworkAccessManager *network,
                                     QObject *parent)
    : QAbstractHttpServer(parent)
    , m_options(std::move(options))
    , m_network(network)
{
    m_callbackUrl = m_options.server;
    m_callbackUrl.setPath(QStringLiteral("/api/v1/payments/callback"));
    m_refundCallbackUrl = m_options.server;
    m_refundCallbackUrl.setPath(QStringLiteral("/api/v1/refunds/callback"));
    if (!m_options.serverPin.isEmpty()) {
        if (auto pinned =
                m_trust.trust(Sync::ServerTrust::originOf(m_options.server), m_options.serverPin);
            !pinned)
            qCWarning(lcPaysim).noquote() << pinned.error().message;
    }
}

QString AcquirerSimulator::chargeKey(const QString &payment)
{
    return QStringLiteral("charge/") + payment;
}

QString AcquirerSimulator::refundKey(const QString &refund)
{
    return QStringLiteral("refund/") + refund;
}

bool AcquirerSimulator::approves(const QString &outcome) const
{
    if (!outcome.isEmpty())
        return outcome == QLatin1StringView("approve");
    if (m_options.declineAll)
        return false;
    return QRandomGenerator::global()->generateDouble() >= m_options.declineRate;
}

AcquirerSimulator::Charge AcquirerSimulator::prepared(const PaymentInstructions &instructions,
                                                      qint64 nowMs) const
{
    Charge charge;
    charge.amountCents = instructions.amountCents;
    charge.currency = instructions.currency;
    charge.approve = approves(instructions.outcome);
    charge.delayMs = int(instructions.delayMs.value_or(m_options.delayMs));
    charge.deliveries = int(instructions.deliveries.value_or(m_options.deliveries));
    charge.createdMs = nowMs;
    return charge;
}

AcquirerSimulator::~AcquirerSimulator()
{
    if (m_pending > 0)
        qCWarning(lcPaysim) << "stopping with" << m_pending
                            << "charges whose callbacks are not all delivered";
}

Core::Result<quint16> AcquirerSimulator::start(const QHostAddress &address, quint16 port)
{
    if (m_options.secret.isEmpty())
        return Core::fail(ErrorCode::Internal,
                          QStringLiteral("no payment callback secret is configured"));
    auto *tcp = new Sync::GuardedTcpServer(m_options.limits, this);
    connect(tcp, &Sync::GuardedTcpServer::connectionRejected, this,
            [](const QHostAddress &peer, const QString &reason) {
                qCInfo(lcPaysim).noquote()
                    << "connection from" << peer.toString() << "refused:" << reason;
            });
    if (!tcp->listen(address, port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return Core::fail(ErrorCode::Internal, QStringLiteral("cannot listen on %1:%2: %3")
                                                   .arg(address.toString())
                                                   .arg(port)
                                                   .arg(why));
    }
    bind(tcp);
    return tcp->serverPort();
}

void AcquirerSimulator::reply(const QHttpServerRequest &request, QTcpSocket *socket, int status,
                              const QByteArray &body)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    const bool close = socket->property(Sync::kCloseAfterResponseProperty).toBool();
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"),
                          QByteArrayLiteral("application/json; charset=utf-8"));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()));
    responder.writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    if (close)
        responder.writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    responder.writeBody(body);
    if (close)
        socket->disconnectFromHost();
}

void AcquirerSimulator::replyError(const QHttpServerRequest &request, QTcpSocket *socket,
                                   const Error &error)
{
    reply(request, socket, Core::errorCodeInfo(error.code).httpStatus, Sync::errorBody(error));
}

void AcquirerSimulator::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    replyError(request, socket,
               Error::make(ErrorCode::NotFound, QStringLiteral("no such resource")));
}

bool AcquirerSimulator::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    const Method method = request.method();
    auto wrongMethod = [&](const char *allowed) {
        replyError(
            request, socket,
            Error::make(ErrorCode::MethodNotAllowed,
                        QStringLiteral("%1 takes %2 only").arg(path, QLatin1String(allowed))));
        return true;
    };
    if (path == QLatin1StringView("/health")) {
        if (method != Method::Get)
            return wrongMethod("GET");
        reply(request, socket, 200,
              Sync::toJson(
                  QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                              {QStringLiteral("service"), QStringLiteral("boxoffice-paysim")},
                              {QStringLiteral("pendingCharges"), m_pending}}));
        return true;
    }
    if (path == QLatin1StringView("/charges")) {
        if (method != Method::Post)
            return wrongMethod("POST");
        createCharge(request, socket);
        return true;
    }
    static const QString kChargePrefix = QStringLiteral("/charges/");
    if (path.startsWith(kChargePrefix) && path.size() > kChargePrefix.size() &&
        !path.mid(kChargePrefix.size()).contains(u'/')) {
        if (method != Method::Get)
            return wrongMethod("GET");
        showCharge(request, socket, path.mid(kChargePrefix.size()));
        return true;
    }
    if (path == QLatin1StringView("/refunds")) {
        if (method != Method::Post)
            return wrongMethod("POST");
        createRefund(request, socket);
        return true;
    }
    static const QString kRefundPrefix = QStringLiteral("/refunds/");
    if (path.startsWith(kRefundPrefix) && path.size() > kRefundPrefix.size() &&
        !path.mid(kRefundPrefix.size()).contains(u'/')) {
        if (method != Method::Get)
            return wrongMethod("GET");
        showRefund(request, socket, path.mid(kRefundPrefix.size()));
        return true;
    }
    replyError(
        request, socket,
        Error::make(ErrorCode::NotFound, QStringLiteral("no such resource; try POST /charges, "
                                                        "GET /charges/{paymentId}, POST /refunds, "
                                                        "GET /refunds/{refundId} or GET /health")));
    return true;
}

void AcquirerSimulator::createCharge(const QHttpServerRequest &request, QTcpSocket *socket)
{
    auto fail = [&](const Error &error) {
        qCInfo(lcPaysim).noquote() << "charge refused:" << error.message;
        replyError(request, socket, error);
    };
    auto body = Sync::parseObject(request.body());
    if (!body)
        return fail(body.error());
    if (auto known =
            onlyKnownFields(*body, {QStringLiteral("orderId"), QStringLiteral("amountCents"),
                                    QStringLiteral("currency"), QStringLiteral("outcome"),
                                    QStringLiteral("delayMs"), QStringLiteral("deliveries")});
        !known)
        return fail(known.error());
    auto order = idField(*body, QStringLiteral("orderId"));
    if (!order)
        return fail(order.error());
    auto instructions = readPaymentInstructions(*body);
    if (!instructions)
        return fail(instructions.error());
    if (m_pending >= m_options.maxPendingCharges)
        return fail(Error::make(ErrorCode::Overloaded,
                                QStringLiteral("%1 charges are waiting for their callbacks; "
                                               "try again later")
                                    .arg(m_pending)));

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Charge charge = prepared(*instructions, now);
    charge.payment = Core::PaymentId(Core::newSortableId(u"PAYSIM_", now));
    charge.order = Core::OrderId(*order);
    charge.callbackUrl = m_callbackUrl;
    charge.callbackBody = Sync::toJson(
        QJsonObject{{QStringLiteral("paymentId"), charge.payment.value()},
                    {QStringLiteral("orderId"), charge.order.value()},
                    {QStringLiteral("status"),
                     charge.approve ? QStringLiteral("SUCCESS") : QStringLiteral("FAILED")},
                    {QStringLiteral("amountCents"), charge.amountCents}});

    const QString payment = charge.payment.value();
    qCInfo(lcPaysim).noquote() << "charge" << payment << "for order" << charge.order.value()
                               << charge.amountCents << charge.currency
                               << (charge.approve ? "approved" : "declined") << "- callback in"
                               << charge.delayMs << "ms," << charge.deliveries
                               << (charge.deliveries == 1 ? "delivery" : "deliveries");
    const QString key = chargeKey(payment);
    m_charges.insert(key, charge);
    ++m_pending;
    QTimer::singleShot(charge.delayMs, this, [this, key] { deliver(key, 1, 1); });

    reply(request, socket, 202,
          Sync::toJson(QJsonObject{{QStringLiteral("paymentId"), payment},
                                   {QStringLiteral("status"), stateName(State::Processing)},
                                   {QStringLiteral("orderId"), charge.order.value()},
                                   {QStringLiteral("amountCents"), charge.amountCents},
                                   {QStringLiteral("currency"), charge.currency},
                                   {QStringLiteral("delayMs"), charge.delayMs},
                                   {QStringLiteral("deliveries"), charge.deliveries}}));
}

void AcquirerSimulator::showCharge(const QHttpServerRequest &request, QTcpSocket *socket,
                                   const QString &payment)
{
    const auto it = m_charges.constFind(chargeKey(payment));
    if (it == m_charges.cend())
        return replyError(request, socket,
                          Error::make(ErrorCode::NotFound,
                                      QStringLiteral("no charge %1 (charges are kept in memory; "
                                                     "the oldest finished ones are forgotten)")
                                          .arg(payment.left(64))));
    reply(request, socket, 200, Sync::toJson(chargeJson(*it)));
}

void AcquirerSimulator::createRefund(const QHttpServerRequest &request, QTcpSocket *socket)
{
    auto fail = [&](const Error &error) {
        qCInfo(lcPaysim).noquote() << "refund refused:" << error.message;
        replyError(request, socket, error);
    };
    auto body = Sync::parseObject(request.body());
    if (!body)
        return fail(body.error());
    if (auto known =
            onlyKnownFields(*body, {QStringLiteral("refundId"), QStringLiteral("paymentId"),
                                    QStringLiteral("amountCents"), QStringLiteral("currency"),
                                    QStringLiteral("outcome"), QStringLiteral("delayMs"),
                                    QStringLiteral("deliveries")});
        !known)
        return fail(known.error());
    auto refundId = idField(*body, QStringLiteral("refundId"));
    if (!refundId)
        return fail(refundId.error());
    auto payment = idField(*body, QStringLiteral("paymentId"));
    if (!payment)
        return fail(payment.error());
    auto instructions = readPaymentInstructions(*body);
    if (!instructions)
        return fail(instructions.error());
    const QString key = refundKey(*refundId);
    if (const auto known = m_charges.constFind(key);
        known != m_charges.cend() && known->deliveriesDone < known->deliveries)
        return fail(Error::make(ErrorCode::Conflict,
                                QStringLiteral("refund %1 is still pending").arg(*refundId)));
    if (m_pending >= m_options.maxPendingCharges)
        return fail(Error::make(ErrorCode::Overloaded,
                                QStringLiteral("%1 charges and refunds are waiting for their "
                                               "callbacks; try again later")
                                    .arg(m_pending)));

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Charge refund = prepared(*instructions, now);
    refund.refund = true;
    refund.refundId = *refundId;
    refund.acquirerRefundId = Core::newSortableId(u"PAYSIM_R_", now);
    refund.callbackUrl = m_refundCallbackUrl;
    refund.payment = Core::PaymentId(*payment);
    refund.callbackBody = Sync::toJson(
        QJsonObject{{QStringLiteral("refundId"), refund.refundId},
                    {QStringLiteral("paymentId"), refund.payment.value()},
                    {QStringLiteral("acquirerRefundId"), refund.acquirerRefundId},
                    {QStringLiteral("status"),
                     refund.approve ? QStringLiteral("SUCCEEDED") : QStringLiteral("FAILED")},
                    {QStringLiteral("amountCents"), refund.amountCents}});

    qCInfo(lcPaysim).noquote() << "refund" << refund.refundId << "of payment" << *payment
                               << refund.amountCents << refund.currency
                               << (refund.approve ? "approved" : "declined") << "- callback in"
                               << refund.delayMs << "ms";
    // A retry replaces the finished attempt before it.
    if (m_charges.contains(key))
        m_finished.erase(std::remove(m_finished.begin(), m_finished.end(), key), m_finished.end());
    m_charges.insert(key, refund);
    ++m_pending;
    QTimer::singleShot(refund.delayMs, this, [this, key] { deliver(key, 1, 1); });

    reply(request, socket, 202,
          Sync::toJson(QJsonObject{{QStringLiteral("refundId"), refund.refundId},
                                   {QStringLiteral("status"), stateName(State::Processing, true)},
                                   {QStringLiteral("paymentId"), refund.payment.value()},
                                   {QStringLiteral("amountCents"), refund.amountCents},
                                   {QStringLiteral("currency"), refund.currency},
                                   {QStringLiteral("delayMs"), refund.delayMs},
                                   {QStringLiteral("deliveries"), refund.deliveries}}));
}

void AcquirerSimulator::showRefund(const QHttpServerRequest &request, QTcpSocket *socket,
                                   const QString &refund)
{
    const auto it = m_charges.constFind(refundKey(refund));
    if (it == m_charges.cend())
        return replyError(request, socket,
                          Error::make(ErrorCode::NotFound,
                                      QStringLiteral("no refund %1 (refunds are kept in memory; "
                                                     "the oldest finished ones are forgotten)")
                                          .arg(refund.left(64))));
    reply(request, socket, 200, Sync::toJson(refundJson(*it)));
}

void AcquirerSimulator::deliver(const QString &key, int delivery, int attempt)
{
    const auto it = m_charges.constFind(key);
    if (it == m_charges.cend())
        return;
    const qint64 sentMs = QDateTime::currentMSecsSinceEpoch();
    const QByteArray signature =
        Core::paymentSignatureHeader(m_options.secret, sentMs / 1000, it->callbackBody);

    QNetworkRequest request(it->callbackUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(Core::kPaymentSignatureHeader, signature);
    request.setTransferTimeout(m_options.callbackTimeoutMs);
    const bool pinned =
        !m_options.serverPin.isEmpty() && m_callbackUrl.scheme() == QLatin1StringView("https");
    if (pinned)
        request.setSslConfiguration(Sync::ServerTrust::pinningConfiguration());
    QNetworkReply *answer = m_network->post(request, it->callbackBody);
    if (pinned)
        m_trust.guard(answer); // a server with another certificate never sees the callback
    connect(answer, &QNetworkReply::finished, this, [this, answer, key, delivery, attempt, sentMs] {
        answer->deleteLater();
        handleCallbackAnswer(answer, key, delivery, attempt, sentMs);
    });
}

void AcquirerSimulator::handleCallbackAnswer(QNetworkReply *answer, const QString &key,
                                             int delivery, int attempt, qint64 sentMs)
{
    const auto it = m_charges.find(key);
    if (it == m_charges.end())
        return;
    Charge &charge = *it;

    Attempt record;
    record.delivery = delivery;
    record.attempt = attempt;
    record.sentMs = sentMs;
    record.httpStatus = answer->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (const auto refusal = Sync::ServerTrust::refusal(answer)) {
        record.networkError = refusal->message;
    } else if (record.httpStatus == 0) {
        record.networkError = answer->errorString();
    } else {
        const QByteArray body = answer->read(kMaxKeptAnswerBytes + 1);
        if (body.size() <= kMaxKeptAnswerBytes)
            record.answer = QJsonDocument::fromJson(body).object();
    }
    charge.attempts.append(record);

    const QString what = describeAnswer(record.httpStatus, record.answer, record.networkError);
    const QString where = (charge.refund ? QStringLiteral("refund %1 (payment %2) delivery %3/%4"
                                                          " attempt %5:")
                                         : QStringLiteral("charge %1 (order %2) delivery %3/%4"
                                                          " attempt %5:"))
                              .arg(charge.refund ? charge.refundId : charge.payment.value(),
                                   charge.refund ? charge.payment.value() : charge.order.value())
                              .arg(delivery)
                              .arg(charge.deliveries)
                              .arg(attempt);
    const bool noAnswer = record.httpStatus == 0 || record.httpStatus >= 500;
    if (noAnswer && attempt <= m_options.retries) {
        const int backoffMs = m_options.retryBackoffMs << (attempt - 1);
        qCWarning(lcPaysim).noquote() << where << what << "- trying again in" << backoffMs << "ms";
        QTimer::singleShot(backoffMs, this,
                           [this, key, delivery, attempt] { deliver(key, delivery, attempt + 1); });
        return;
    }
    const bool acknowledged = record.httpStatus >= 200 && record.httpStatus < 300;
    if (acknowledged)
        qCInfo(lcPaysim).noquote() << where << what;
    else
        qCWarning(lcPaysim).noquote() << where << what;

    if (charge.state == State::Processing && acknowledged) {
        charge.state = charge.approve ? State::Approved : State::Declined;
        charge.deciding = charge.attempts.size() - 1;
    }
    ++charge.deliveriesDone;
    if (charge.deliveriesDone < charge.deliveries) {
        deliver(key, charge.deliveriesDone + 1, 1);
        return;
    }
    finishDelivery(charge);
}

void AcquirerSimulator::finishDelivery(Charge &charge)
{
    if (charge.state == State::Processing) {
        charge.state = State::CallbackFailed;
        charge.deciding = charge.attempts.size() - 1;
    }
    qCInfo(lcPaysim).noquote() << (charge.refund ? "refund" : "charge")
                               << (charge.refund ? charge.refundId : charge.payment.value())
                               << "finished:" << stateName(charge.state, charge.refund);
    --m_pending;
    m_finished.push_back(charge.refund ? refundKey(charge.refundId)
                                       : chargeKey(charge.payment.value()));
    forgetOldCharges();
}

void AcquirerSimulator::forgetOldCharges()
{
    while (m_finished.size() > std::size_t(std::max(0, m_options.maxFinishedKept))) {
        m_charges.remove(m_finished.front());
        m_finished.pop_front();
    }
}

QString AcquirerSimulator::stateName(State state, bool refund)
{
    switch (state) {
    case State::Processing:
        return refund ? QStringLiteral("PENDING") : QStringLiteral("PROCESSING");
    case State::Approved:
        return refund ? QStringLiteral("SUCCEEDED") : QStringLiteral("APPROVED");
    case State::Declined:
        return refund ? QStringLiteral("FAILED") : QStringLiteral("DECLINED");
    case State::CallbackFailed:
        return QStringLiteral("CALLBACK_FAILED");
    }
    return QStringLiteral("PROCESSING");
}

QJsonObject AcquirerSimulator::attemptJson(const Attempt &attempt)
{
    QJsonObject json{{QStringLiteral("delivery"), attempt.delivery},
                     {QStringLiteral("attempt"), attempt.attempt},
                     {QStringLiteral("sentAt"), Core::isoUtc(attempt.sentMs)},
                     {QStringLiteral("httpStatus"), attempt.httpStatus}};
    if (attempt.httpStatus == 0)
        json.insert(QStringLiteral("networkError"), attempt.networkError);
    else
        json.insert(QStringLiteral("body"), attempt.answer);
    return json;
}

QJsonObject AcquirerSimulator::chargeJson(const Charge &charge)
{
    QJsonArray attempts;
    for (const Attempt &attempt : charge.attempts)
        attempts.append(attemptJson(attempt));
    QJsonObject json{{QStringLiteral("paymentId"), charge.payment.value()},
                     {QStringLiteral("orderId"), charge.order.value()},
                     {QStringLiteral("amountCents"), charge.amountCents},
                     {QStringLiteral("currency"), charge.currency},
                     {QStringLiteral("outcome"),
                      charge.approve ? QStringLiteral("approve") : QStringLiteral("decline")},
                     {QStringLiteral("status"), stateName(charge.state)},
                     {QStringLiteral("delayMs"), charge.delayMs},
                     {QStringLiteral("deliveries"), charge.deliveries},
                     {QStringLiteral("deliveriesDone"), charge.deliveriesDone},
                     {QStringLiteral("createdAt"), Core::isoUtc(charge.createdMs)},
                     {QStringLiteral("attempts"), attempts}};
    if (charge.deciding >= 0)
        json.insert(QStringLiteral("serverAnswer"), attemptJson(charge.attempts[charge.deciding]));
    return json;
}

QJsonObject AcquirerSimulator::refundJson(const Charge &refund)
{
    QJsonArray attempts;
    for (const Attempt &attempt : refund.attempts)
        attempts.append(attemptJson(attempt));
    QJsonObject json{{QStringLiteral("refundId"), refund.refundId},
                     {QStringLiteral("paymentId"), refund.payment.value()},
                     {QStringLiteral("acquirerRefundId"), refund.acquirerRefundId},
                     {QStringLiteral("amountCents"), refund.amountCents},
                     {QStringLiteral("currency"), refund.currency},
                     {QStringLiteral("outcome"),
                      refund.approve ? QStringLiteral("approve") : QStringLiteral("decline")},
                     {QStringLiteral("status"), stateName(refund.state, true)},
                     {QStringLiteral("delayMs"), refund.delayMs},
                     {QStringLiteral("deliveries"), refund.deliveries},
                     {QStringLiteral("deliveriesDone"), refund.deliveriesDone},
                     {QStringLiteral("createdAt"), Core::isoUtc(refund.createdMs)},
                     {QStringLiteral("attempts"), attempts}};
    if (refund.deciding >= 0)
        json.insert(QStringLiteral("serverAnswer"), attemptJson(refund.attempts[refund.deciding]));
    return json;
}

} // namespace Boxoffice::App
