#include "servercommandline.h"

#include "commandlinevalues.h"

#include <QStandardPaths>

namespace Boxoffice::App {

using Core::ErrorCode;
using Core::fail;

QString serverUsage()
{
    return QStringLiteral(
        "Usage:\n"
        "  boxoffice-server [options]                 serve the booking API\n"
        "  boxoffice-server user add NAME --role ROLE  add a user; the password is read from "
        "stdin\n"
        "  boxoffice-server user set-pin NAME         set a supervisor's override PIN (4-12 "
        "digits)\n"
        "                                             from stdin or BOXOFFICE_PIN\n"
        "  boxoffice-server audit                     check the booking invariants of the "
        "database\n"
        "  boxoffice-server fingerprint               print the SHA-256 fingerprint of the "
        "server\n"
        "                                             certificate (created if there is none yet)\n"
        "\n"
        "Options:\n"
        "  --data-dir DIR              where the database and keys live\n"
        "                              (default: the user's data directory)\n"
        "  --listen ADDR:PORT          address to listen on (default 127.0.0.1:8480; port 0 = "
        "any)\n"
        "  --demo                      seed the demo venues, shows and users\n"
        "  --min-hold-seconds N        shortest hold a client may ask for (default 30)\n"
        "  --max-seats-per-hold N      seats one hold may take (default 10)\n"
        "  --payment-window-seconds N  how long an order waits for payment (default 600)\n"
        "  --void-window-minutes N     how long after payment a supervisor may void an order\n"
        "                              (default 30; 0: paid orders are refunded, never voided)\n"
        "  --payment-secret-file FILE  the payment callback secret (else "
        "BOXOFFICE_PAYMENT_SECRET,\n"
        "                              else DATA_DIR/payment-secret, created on first start)\n"
        "  --override-seconds N        how long a supervisor override stays usable "
        "(default 120)\n"
        "  --tls-cert FILE             the server certificate (PEM; a chain may follow it)\n"
        "  --tls-key FILE              its private key (PEM, unencrypted, ECDSA or RSA)\n"
        "                              (both or neither; default DATA_DIR/server-cert.pem and\n"
        "                              DATA_DIR/server-key.pem, a self-signed certificate made on\n"
        "                              first start)\n"
        "  --insecure-http             DEVELOPMENT ONLY: plain HTTP without TLS; passwords and\n"
        "                              tokens travel in clear\n"
        "  --kiosk-max-seats N         seats one kiosk may hold at once, unpaid orders\n"
        "                              included (default 6)\n"
        "  --kiosk-rate N              hold and order requests one kiosk may make per minute\n"
        "                              (default 20; 0: no limit)\n"
        "  --help, --version\n"
        "\n"
        "Environment: BOXOFFICE_DEMO_PASSWORD sets the demo users' password, BOXOFFICE_DEMO_PIN\n"
        "the demo supervisor's PIN.\n");
}

namespace {

Core::Result<> parseListen(const QString &text, ServerSettings &settings)
{
    auto listen = listenOption(text, 8480);
    if (!listen)
        return std::unexpected(listen.error());
    settings.address = listen->address;
    settings.port = listen->port;
    return {};
}

} // namespace

Core::Result<ServerSettings> parseServerCommandLine(const QStringList &arguments)
{
    ServerSettings settings;
    QStringList args = arguments;
    if (!args.isEmpty() && args.first() == QLatin1StringView("user")) {
        if (args.size() < 3 ||
            (args[1] != QLatin1StringView("add") && args[1] != QLatin1StringView("set-pin")))
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("usage: user add NAME --role ROLE | user set-pin NAME"));
        settings.action =
            args[1] == QLatin1StringView("add") ? ServerAction::AddUser : ServerAction::SetPin;
        settings.username = args[2];
        args = args.mid(3);
    } else if (!args.isEmpty() && args.first() == QLatin1StringView("audit")) {
        settings.action = ServerAction::Audit;
        args = args.mid(1);
    } else if (!args.isEmpty() && args.first() == QLatin1StringView("fingerprint")) {
        settings.action = ServerAction::Fingerprint;
        args = args.mid(1);
    }

    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        auto next = [&]() -> Core::Result<QString> {
            if (i + 1 >= args.size())
                return fail(ErrorCode::BadRequest, QStringLiteral("%1 needs a value").arg(arg));
            return args[++i];
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
            settings.action = ServerAction::Help;
        } else if (arg == QLatin1StringView("--version")) {
            settings.action = ServerAction::Version;
        } else if (arg == QLatin1StringView("--demo")) {
            settings.demo = true;
        } else if (arg == QLatin1StringView("--data-dir")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.dataDir = *value;
        } else if (arg == QLatin1StringView("--listen")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            step = parseListen(*value, settings);
        } else if (arg == QLatin1StringView("--min-hold-seconds")) {
            step = setInt(settings.minHoldSeconds, 1, 1800);
        } else if (arg == QLatin1StringView("--max-seats-per-hold")) {
            step = setInt(settings.maxSeatsPerHold, 1, 100);
        } else if (arg == QLatin1StringView("--payment-window-seconds")) {
            step = setInt(settings.paymentWindowSeconds, 1, 86400);
        } else if (arg == QLatin1StringView("--override-seconds")) {
            step = setInt(settings.overrideSeconds, 0, 3600);
        } else if (arg == QLatin1StringView("--void-window-minutes")) {
            step = setInt(settings.voidWindowMinutes, 0, 7 * 24 * 60);
        } else if (arg == QLatin1StringView("--payment-secret-file")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.paymentSecretFile = *value;
        } else if (arg == QLatin1StringView("--tls-cert")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.tlsCertificateFile = *value;
        } else if (arg == QLatin1StringView("--tls-key")) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.tlsKeyFile = *value;
        } else if (arg == QLatin1StringView("--insecure-http")) {
            settings.insecureHttp = true;
        } else if (arg == QLatin1StringView("--kiosk-max-seats")) {
            step = setInt(settings.kioskMaxSeats, 1, 100);
        } else if (arg == QLatin1StringView("--kiosk-rate")) {
            step = setInt(settings.kioskRate, 0, 100'000);
        } else if (arg == QLatin1StringView("--role") && settings.action == ServerAction::AddUser) {
            auto value = next();
            if (!value)
                return std::unexpected(value.error());
            settings.role = *value;
        } else {
            return fail(ErrorCode::BadRequest, QStringLiteral("unknown option '%1'").arg(arg));
        }
        if (!step)
            return std::unexpected(step.error());
    }
    if (settings.action == ServerAction::AddUser && settings.role.isEmpty())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("user add needs --role clerk|supervisor|kiosk|admin"));
    if (settings.tlsCertificateFile.isEmpty() != settings.tlsKeyFile.isEmpty())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("--tls-cert and --tls-key go together: give both or neither"));
    if (settings.insecureHttp && !settings.tlsCertificateFile.isEmpty())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("--insecure-http contradicts --tls-cert/--tls-key"));
    if (settings.dataDir.isEmpty())
        settings.dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                           QStringLiteral("/boxoffice");
    return settings;
}

} // namespace Boxoffice::App
