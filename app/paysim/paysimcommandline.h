#pragma once

#include "core/common/result.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Boxoffice::App {

enum class PaysimAction
{
    Run,
    Help,
    Version
};

// How boxoffice-paysim was asked to run. The defaults apply to every charge that does not
// say otherwise in its request.
struct PaysimSettings
{
    PaysimAction action = PaysimAction::Run;
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8490;
    QUrl server = QUrl(QStringLiteral("https://127.0.0.1:8480")); // scheme, host and port only
    QString secretFile;      // empty: BOXOFFICE_PAYMENT_SECRET(_FILE) from the environment
    int delayMs = 1500;      // before the first callback
    bool declineAll = false; // every charge fails
    double declineRate = 0;  // the share of charges that fail, 0..1
    int deliveries = 1;      // each callback is sent this many times
    int maxPending = 1000;   // charges waiting for their callbacks at once

    // For an https server: trust exactly the certificate in this PEM file and/or exactly the
    // certificate with this SHA-256 fingerprint.
    QString serverCertFile;
    QString serverFingerprint;
};

// Parses the arguments (without the program name). Errors name the offending option.
[[nodiscard]] Core::Result<PaysimSettings> parsePaysimCommandLine(const QStringList &arguments);
[[nodiscard]] QString paysimUsage();

} // namespace Boxoffice::App
