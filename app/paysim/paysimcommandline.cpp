#include "paysimcommandline.h"

#include "commandlinevalues.h"

#include "acquirersimulator.h"

namespace Boxoffice::App {

using Core::ErrorCode;
using Core::fail;

QString paysimUsage()
{
    return QStringLiteral(
               "Usage: boxoffice-paysim [options]\n"
               "\n"
               "A card-acquirer simulator for development: it accepts card charges and refunds,\n"
               "then posts signed callbacks to boxoffice-server.\n"
               "\n"
               "Options:\n"
               "  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8490; port 0 = "
               "any)\n"
               "  --server URL          the booking server (default https://127.0.0.1:8480)\n"
               "  --server-cert FILE    trust exactly this certificate for https (e.g. the\n"
               "                        server's DATA_DIR/server-cert.pem)\n"
               "  --server-fingerprint HEX  or exactly the certificate with this SHA-256\n"
               "                        fingerprint (boxoffice-server fingerprint)\n"
               "  --secret-file FILE    the payment callback secret, e.g. the server's\n"
               "                        DATA_DIR/payment-secret (else BOXOFFICE_PAYMENT_SECRET,\n"
               "                        else BOXOFFICE_PAYMENT_SECRET_FILE; one is required)\n"
               "  --delay-ms N          wait before the callback, 0-%1 (default 1500)\n"
               "  --decline             every charge is declined\n"
               "  --decline-rate P      decline this share of charges, 0-1 (default 0)\n"
               "  --duplicate N         send each callback N times, 1-%2 (default 1)\n"
               "  --max-pending N       charges waiting for their callback at once (default "
               "1000)\n"
               "  --help, --version\n"
               "\n"
               "API (JSON):\n"
               "  POST /charges {orderId, amountCents, currency, outcome?: "
               "\"approve\"|\"decline\",\n"
               "                 delayMs?, deliveries?}  -> 202 {paymentId, status: "
               "\"PROCESSING\"}\n"
               "  GET  /charges/PAYMENT_ID  -> status PROCESSING, APPROVED, DECLINED or "
               "CALLBACK_FAILED\n"
               "                               with the server's answers\n"
               "  POST /refunds {refundId, paymentId, amountCents, currency, outcome?,\n"
               "                 delayMs?, deliveries?}  -> 202 {refundId, status: \"PENDING\"}\n"
               "  GET  /refunds/REFUND_ID   -> status PENDING, SUCCEEDED, FAILED or "
               "CALLBACK_FAILED\n"
               "  (--decline and --decline-rate apply to refunds as to charges)\n"
               "  GET  /health\n")
        .arg(kMaxChargeDelayMs)
        .arg(kMaxDeliveries);
}

namespace {

Core::Result<> parseListen(const QString &text, PaysimSettings &settings)
{
    auto listen = listenOption(text, 8490);
    if (!listen)
        return std::unexpected(listen.error());
    settings.address = listen->address;
    settings.port = listen->port;
    return {};
}

// The server's base address. A trailing /api/v1 is accepted and dropped: the callback path
// is always appended to the bare host.
Core::Result<QUrl> serverUrl(const QString &text)
{
    QUrl url(text, QUrl::StrictMode);
    const bool http =
        url.scheme() == QLatin1StringView("http") || url.scheme() == QLatin1StringView("https");
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path == QLatin1StringView("/api/v1"))
        path.clear();
    if (!url.isValid() || !http || url.host().isEmpty() || !path.isEmpty() || url.hasQuery() ||
        url.hasFragment())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("--server takes the server's address, e.g. "
                                   "https://127.0.0.1:8480, not '%1'")
                        .arg(text));
    url.setPath(QString());
    return url;
}

Core::Result<double> rateValue(const QString &text)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !(value >= 0.0 && value <= 1.0))
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("--decline-rate takes a share from 0 to 1 (0.25 declines one "
                                   "charge in four), not '%1'")
                        .arg(text));
    return value;
}

} // namespace

Core::Result<PaysimSettings> parsePaysimCommandLine(const QStringList &arguments)
{
    PaysimSettings settings;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments[i];
        auto next = [&]() -> Core::Result<QString> {
            if (i + 1 >= arguments.size())
                return fail(ErrorCode::BadRequest, QStringLiteral("%1 needs a value").arg(arg));
            return arguments[++i];
        };
        auto setInt = [&](int &field, int min, int max) -> Core::Result<> {
            auto text = next();
            if (!text)
                return std::unexpected(text.error());
            auto value = intOption(arg, *text, min, max);
            if (!value)
                return std::unexpected(value.error());
            field = *value;
            return {};
        };
        Core::Result<> step;
        if (arg == QLatin1StringView("--help") || arg == QLatin1StringView("-h")) {
            settings.action = PaysimAction::Help;
        } else if (arg == QLatin1StringView("--version")) {
            settings.action = PaysimAction::Version;
        } else if (arg == QLatin1StringView("--listen")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            step = parseListen(*value, settings);
        } else if (arg == QLatin1StringView("--server")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            auto url = serverUrl(*value);
            if (!url)
                return std::unexpected(url.error());
            settings.server = *url;
        } else if (arg == QLatin1StringView("--secret-file")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            if (value->isEmpty())
                return fail(ErrorCode::BadRequest, QStringLiteral("--secret-file needs a path"));
            settings.secretFile = *value;
        } else if (arg == QLatin1StringView("--server-cert")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.serverCertFile = *value;
        } else if (arg == QLatin1StringView("--server-fingerprint")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.serverFingerprint = *value;
        } else if (arg == QLatin1StringView("--delay-ms")) {
            step = setInt(settings.delayMs, 0, kMaxChargeDelayMs);
        } else if (arg == QLatin1StringView("--decline")) {
            settings.declineAll = true;
        } else if (arg == QLatin1StringView("--decline-rate")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            auto rate = rateValue(*value);
            if (!rate)
                return std::unexpected(rate.error());
            settings.declineRate = *rate;
        } else if (arg == QLatin1StringView("--duplicate")) {
            step = setInt(settings.deliveries, 1, kMaxDeliveries);
        } else if (arg == QLatin1StringView("--max-pending")) {
            step = setInt(settings.maxPending, 1, kMaxPendingChargesLimit);
        } else {
            return fail(ErrorCode::BadRequest, QStringLiteral("unknown option '%1'").arg(arg));
        }
        if (!step)
            return std::unexpected(step.error());
    }
    return settings;
}

} // namespace Boxoffice::App
