#include "sync/client/cardacquirer.h"

#include "sync/protocol/wire.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace Boxoffice::Sync {

namespace {

Q_LOGGING_CATEGORY(lcAcquirer, "boxoffice.sync.acquirer")

// An acquirer's answer is a small JSON object; a larger one is not from the acquirer we know.
constexpr qint64 kMaxAnswerBytes = 256 * 1024;

Error malformedAnswer(const QString &what)
{
    return Error::make(ErrorCode::BadRequest,
                       QStringLiteral("the card acquirer's answer is malformed: %1").arg(what));
}

std::optional<CardChargeState> stateFromWireName(QStringView name)
{
    if (name == u"PROCESSING")
        return CardChargeState::Processing;
    if (name == u"APPROVED")
        return CardChargeState::Approved;
    if (name == u"DECLINED")
        return CardChargeState::Declined;
    if (name == u"CALLBACK_FAILED")
        return CardChargeState::CallbackFailed;
    return std::nullopt;
}

Result<CardChargeStatus> parseStatus(const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const auto state = stateFromWireName(json.value(QStringLiteral("status")).toString());
    const QString payment = json.value(QStringLiteral("paymentId")).toString();
    if (!state || payment.isEmpty())
        return std::unexpected(malformedAnswer(QStringLiteral("no paymentId or status")));
    CardChargeStatus status;
    status.payment = Core::PaymentId(payment);
    status.order = Core::OrderId(json.value(QStringLiteral("orderId")).toString());
    status.state = *state;
    status.amountCents = json.value(QStringLiteral("amountCents")).toInteger();
    status.currency = json.value(QStringLiteral("currency")).toString();
    status.deliveries = json.value(QStringLiteral("deliveries")).toInt(1);
    status.deliveriesDone = json.value(QStringLiteral("deliveriesDone")).toInt();

    const QJsonObject answer = json.value(QStringLiteral("serverAnswer")).toObject();
    status.serverHttpStatus = answer.value(QStringLiteral("httpStatus")).toInt();
    const QJsonObject answerBody = answer.value(QStringLiteral("body")).toObject();
    if (status.serverHttpStatus >= 200 && status.serverHttpStatus < 300) {
        status.serverResult = answerBody.value(QStringLiteral("result")).toString();
        status.orderStatus = answerBody.value(QStringLiteral("status")).toString();
    }
    if (status.state == CardChargeState::CallbackFailed) {
        if (status.serverHttpStatus == 0)
            status.callbackError = Error::make(
                ErrorCode::Unreachable,
                QStringLiteral("the booking server did not answer the payment callback: %1")
                    .arg(answer.value(QStringLiteral("networkError")).toString()));
        else
            status.callbackError = errorFromBody(status.serverHttpStatus, toJson(answerBody));
    }
    return status;
}

} // namespace

CardAcquirer::CardAcquirer(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{}

void CardAcquirer::setEndpoint(const QUrl &endpoint)
{
    const bool http = endpoint.scheme() == QLatin1StringView("http") ||
                      endpoint.scheme() == QLatin1StringView("https");
    if (!endpoint.isEmpty() && (!endpoint.isValid() || !http || endpoint.host().isEmpty())) {
        qCWarning(lcAcquirer).noquote()
            << "ignoring card acquirer address" << endpoint.toString()
            << "- it must be http(s)://HOST:PORT; card payments stay unavailable";
        m_endpoint = QUrl();
        return;
    }
    m_endpoint = endpoint;
}

void CardAcquirer::charge(const CardCharge &charge, QObject *context,
                          std::function<void(Core::Result<Core::PaymentId>)> done)
{
    QJsonObject body{{QStringLiteral("orderId"), charge.order.value()},
                     {QStringLiteral("amountCents"), charge.amountCents},
                     {QStringLiteral("currency"), charge.currency}};
    if (!charge.outcome.isEmpty())
        body.insert(QStringLiteral("outcome"), charge.outcome);
    if (charge.delayMs >= 0)
        body.insert(QStringLiteral("delayMs"), charge.delayMs);
    if (charge.deliveries != 1)
        body.insert(QStringLiteral("deliveries"), charge.deliveries);
    const Core::OrderId order = charge.order;
    send("POST", QStringLiteral("/charges"), toJson(body), context,
         [done = std::move(done), order](Result<QByteArray> answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             const QString payment = QJsonDocument::fromJson(*answer)
                                         .object()
                                         .value(QStringLiteral("paymentId"))
                                         .toString();
             if (payment.isEmpty())
                 return done(std::unexpected(malformedAnswer(QStringLiteral("no paymentId"))));
             qCInfo(lcAcquirer).noquote()
                 << "card charge" << payment << "started for order" << order.value();
             done(Core::PaymentId(payment));
         });
}

void CardAcquirer::chargeStatus(const Core::PaymentId &payment, QObject *context,
                                std::function<void(Core::Result<CardChargeStatus>)> done)
{
    send("GET",
         QStringLiteral("/charges/") +
             QString::fromLatin1(QUrl::toPercentEncoding(payment.value())),
         {}, context, [done = std::move(done)](Result<QByteArray> answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             done(parseStatus(*answer));
         });
}

void CardAcquirer::refund(const CardRefund &refund, QObject *context,
                          std::function<void(Core::Result<QString>)> done)
{
    const QJsonObject body{{QStringLiteral("refundId"), refund.refundId},
                           {QStringLiteral("paymentId"), refund.payment.value()},
                           {QStringLiteral("amountCents"), refund.amountCents},
                           {QStringLiteral("currency"), refund.currency}};
    const QString id = refund.refundId;
    send("POST", QStringLiteral("/refunds"), toJson(body), context,
         [done = std::move(done), id](Result<QByteArray> answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             const QJsonObject json = QJsonDocument::fromJson(*answer).object();
             const QString status = json.value(QStringLiteral("status")).toString();
             if (status.isEmpty() || json.value(QStringLiteral("refundId")).toString() != id)
                 return done(std::unexpected(
                     malformedAnswer(QStringLiteral("no status or another refundId"))));
             qCInfo(lcAcquirer).noquote() << "card refund" << id << "sent:" << status;
             done(status);
         });
}

void CardAcquirer::refundStatus(const QString &refundId, QObject *context,
                                std::function<void(Core::Result<CardRefundStatus>)> done)
{
    send("GET",
         QStringLiteral("/refunds/") + QString::fromLatin1(QUrl::toPercentEncoding(refundId)), {},
         context, [done = std::move(done)](Result<QByteArray> answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             const QJsonObject json = QJsonDocument::fromJson(*answer).object();
             CardRefundStatus status;
             status.refundId = json.value(QStringLiteral("refundId")).toString();
             status.payment = Core::PaymentId(json.value(QStringLiteral("paymentId")).toString());
             status.status = json.value(QStringLiteral("status")).toString();
             status.amountCents = json.value(QStringLiteral("amountCents")).toInteger();
             status.serverHttpStatus = json.value(QStringLiteral("serverAnswer"))
                                           .toObject()
                                           .value(QStringLiteral("httpStatus"))
                                           .toInt();
             if (status.refundId.isEmpty() || status.status.isEmpty())
                 return done(
                     std::unexpected(malformedAnswer(QStringLiteral("no refundId or status"))));
             done(status);
         });
}

void CardAcquirer::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                        QObject *context, std::function<void(Result<QByteArray>)> done)
{
    if (!context)
        context = this;
    if (!isConfigured()) {
        // Answered from the event loop like every other outcome.
        QMetaObject::invokeMethod(
            context,
            [done = std::move(done)] {
                done(std::unexpected(Error::make(
                    ErrorCode::Unreachable, QStringLiteral("no card acquirer is configured"))));
            },
            Qt::QueuedConnection);
        return;
    }
    QUrl url = m_endpoint;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path, QUrl::TolerantMode);

    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    // The reply goes away with its answer even when nobody waits for it any more.
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    connect(reply, &QNetworkReply::finished, context, [reply, done = std::move(done)] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            qCWarning(lcAcquirer).noquote() << "card acquirer" << reply->url().toString()
                                            << "unreachable:" << reply->errorString();
            return done(std::unexpected(Error::make(
                ErrorCode::Unreachable,
                QStringLiteral("the card acquirer did not answer: %1").arg(reply->errorString()))));
        }
        const QByteArray answer = reply->read(kMaxAnswerBytes + 1);
        if (answer.size() > kMaxAnswerBytes)
            return done(std::unexpected(malformedAnswer(QStringLiteral("too large"))));
        if (status < 200 || status >= 300) {
            const Error error = errorFromBody(status, answer);
            qCWarning(lcAcquirer).noquote() << "card acquirer refused" << reply->url().path()
                                            << "with HTTP" << status << error.message;
            return done(std::unexpected(error));
        }
        done(answer);
    });
}

} // namespace Boxoffice::Sync
