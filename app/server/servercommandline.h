#pragma once

#include "core/common/result.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace Boxoffice::App {

enum class ServerAction
{
    Serve,
    AddUser,
    SetPin,
    Audit,
    Fingerprint, // print the server certificate's SHA-256 fingerprint
    Help,
    Version
};

struct ServerSettings
{
    ServerAction action = ServerAction::Serve;
    QString dataDir;
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8480;
    bool demo = false;
    int minHoldSeconds = 30;
    int maxHoldSeconds = 1800;
    int maxSeatsPerHold = 10;
    int paymentWindowSeconds = 600;
    int voidWindowMinutes = 30;
    QString paymentSecretFile;
    int overrideSeconds = 120; // how long a supervisor override stays usable
    // TLS: both or neither; neither = DATA_DIR/server-cert.pem and server-key.pem, generated on
    // first start.
    QString tlsCertificateFile;
    QString tlsKeyFile;
    bool insecureHttp = false; // development only: plain HTTP
    int kioskMaxSeats = 6;     // seats one kiosk account may hold at once
    int kioskRate = 20;        // hold and order requests per kiosk account per minute (0: no limit)
    // user add, user set-pin
    QString username;
    QString role;
};

// Parses the arguments (without the program name). Errors name the offending option.
[[nodiscard]] Core::Result<ServerSettings> parseServerCommandLine(const QStringList &arguments);
[[nodiscard]] QString serverUsage();

} // namespace Boxoffice::App
