// boxoffice-paysim: the composition root of the card-acquirer simulator.

#include "acquirersimulator.h"
#include "paysimcommandline.h"
#include "terminationsignals.h"

#include "core/security/servercertificate.h"

#include <QCoreApplication>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTextStream>

using namespace Boxoffice;

namespace {

// A secret file holds one line; anything much longer is not one.
constexpr qint64 kMaxSecretFileBytes = 4096;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

Core::Result<QByteArray> readSecretFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Core::fail(Core::ErrorCode::BadRequest,
                          QStringLiteral("cannot read the payment secret from %1: %2 "
                                         "(boxoffice-server creates DATA_DIR/payment-secret on its "
                                         "first start: start the server first)")
                              .arg(path, file.errorString()));
    }
    const QByteArray secret = file.read(kMaxSecretFileBytes + 1).trimmed();
    if (secret.size() > kMaxSecretFileBytes)
        return Core::fail(Core::ErrorCode::BadRequest,
                          QStringLiteral("%1 is too long to be a payment secret").arg(path));
    if (secret.isEmpty())
        return Core::fail(Core::ErrorCode::BadRequest,
                          QStringLiteral("the payment secret file %1 is empty").arg(path));
    return secret;
}

// The secret the server checks callbacks with: --secret-file, else BOXOFFICE_PAYMENT_SECRET,
// else BOXOFFICE_PAYMENT_SECRET_FILE. There is no default: a made-up secret would only produce
// callbacks the server refuses.
Core::Result<QByteArray> paymentSecret(const App::PaysimSettings &settings)
{
    if (!settings.secretFile.isEmpty())
        return readSecretFile(settings.secretFile);
    const QByteArray fromEnvironment = qgetenv("BOXOFFICE_PAYMENT_SECRET").trimmed();
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString file = qEnvironmentVariable("BOXOFFICE_PAYMENT_SECRET_FILE");
    if (!file.isEmpty())
        return readSecretFile(file);
    return Core::fail(Core::ErrorCode::BadRequest,
                      QStringLiteral("no payment secret: pass --secret-file FILE (the server's "
                                     "DATA_DIR/payment-secret or its --payment-secret-file) or set "
                                     "BOXOFFICE_PAYMENT_SECRET to the server's secret"));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("boxoffice-paysim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BOXOFFICE_VERSION));
    auto settings = App::parsePaysimCommandLine(app.arguments().mid(1));
    if (!settings) {
        err() << "boxoffice-paysim: " << settings.error().message << "\n\n" << App::paysimUsage();
        return 2;
    }
    switch (settings->action) {
    case App::PaysimAction::Help:
        out() << App::paysimUsage();
        return 0;
    case App::PaysimAction::Version:
        out() << "boxoffice-paysim " << BOXOFFICE_VERSION << Qt::endl;
        return 0;
    case App::PaysimAction::Run:
        break;
    }
    auto secret = paymentSecret(*settings);
    if (!secret) {
        err() << "boxoffice-paysim: " << secret.error().message << Qt::endl;
        return 1;
    }

    App::SimulatorOptions options;
    if (!settings->serverCertFile.isEmpty()) {
        auto digest = Core::certificateFileDigest(settings->serverCertFile);
        if (!digest) {
            err() << "boxoffice-paysim: --server-cert: " << digest.error().message << Qt::endl;
            return 1;
        }
        options.serverPin = *digest;
    }
    if (!settings->serverFingerprint.isEmpty()) {
        auto digest = Core::parseFingerprint(settings->serverFingerprint);
        if (!digest) {
            err() << "boxoffice-paysim: --server-fingerprint: " << digest.error().message
                  << Qt::endl;
            return 1;
        }
        if (!options.serverPin.isEmpty() && options.serverPin != *digest) {
            err() << "boxoffice-paysim: --server-cert and --server-fingerprint name different "
                     "certificates"
                  << Qt::endl;
            return 1;
        }
        options.serverPin = *digest;
    }
    options.server = settings->server;
    options.secret = *secret;
    options.delayMs = settings->delayMs;
    options.declineAll = settings->declineAll;
    options.declineRate = settings->declineRate;
    options.deliveries = settings->deliveries;
    options.maxPendingCharges = settings->maxPending;

    QNetworkAccessManager network;
    App::AcquirerSimulator simulator(options, &network);
    auto port = simulator.start(settings->address, settings->port);
    if (!port) {
        err() << "boxoffice-paysim: " << port.error().message << Qt::endl;
        return 1;
    }
    const QString host = settings->address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(settings->address.toString())
                             : settings->address.toString();
    out() << "Boxoffice card-acquirer simulator listening on http://" << host << ':' << *port
          << " (callbacks to " << settings->server.toString()
          << "/api/v1/payments/callback and /api/v1/refunds/callback"
          << " after " << settings->delayMs << " ms, "
          << (settings->declineAll
                  ? QStringLiteral("declining every charge")
                  : QStringLiteral("declining %1% of charges").arg(settings->declineRate * 100.0))
          << ", " << settings->deliveries
          << (settings->deliveries == 1 ? " delivery" : " deliveries") << " each)" << Qt::endl;
    out() << "Try: curl http://" << host << ':' << *port << "/health" << Qt::endl;

    // SIGINT/SIGTERM end the event loop, so the simulator can say what it leaves undelivered.
    App::quitOnTerminationSignals(app);
    return app.exec();
}
