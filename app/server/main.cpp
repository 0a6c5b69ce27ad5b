// boxoffice-server: the composition root of the booking server.

#include "servercommandline.h"
#include "terminationsignals.h"

#include "core/audit/auditlog.h"
#include "core/auth/accountstore.h"
#include "core/auth/overridestore.h"
#include "core/booking/bookingengine.h"
#include "core/booking/demodata.h"
#include "core/booking/invariantaudit.h"
#include "core/cash/shiftstore.h"
#include "core/common/clock.h"
#include "core/security/random.h"
#include "core/security/servercertificate.h"
#include "core/security/ticketsigner.h"
#include "core/storage/database.h"
#include "core/storage/migrations.h"
#include "sync/server/apiserver.h"
#include "sync/server/servertls.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QSysInfo>
#include <QTextStream>

using namespace Boxoffice;

namespace {

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

int failWith(const Core::Error &error)
{
    err() << "boxoffice-server: " << error.message << Qt::endl;
    return 1;
}

// Reads a secret from `path`, or creates it there (owner-only) with fresh random content.
Core::Result<QByteArray> readOrCreateSecret(const QString &path, int randomBytes)
{
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return Core::fail(Core::ErrorCode::Internal,
                              QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        const QByteArray secret = file.readAll().trimmed();
        if (secret.isEmpty())
            return Core::fail(Core::ErrorCode::Internal, QStringLiteral("%1 is empty").arg(path));
        return secret;
    }
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Core::fail(Core::ErrorCode::Internal,
                          QStringLiteral("cannot create %1: %2").arg(path, file.errorString()));
    const QByteArray secret = Core::randomToken(randomBytes).toLatin1();
    file.write(secret + '\n');
    if (!file.flush())
        return Core::fail(Core::ErrorCode::Internal, QStringLiteral("cannot write %1").arg(path));
    return secret;
}

Core::DatabaseConfig databaseIn(const QString &dataDir)
{
    return Core::DatabaseConfig{Core::SqlDialect::Sqlite,
                                dataDir + QStringLiteral("/boxoffice.db")};
}

// The configured certificate and key, or the data directory's (generated on first use).
Core::Result<Core::ServerIdentity> serverIdentity(const App::ServerSettings &settings)
{
    if (!settings.tlsCertificateFile.isEmpty())
        return Core::loadServerIdentity(settings.tlsCertificateFile, settings.tlsKeyFile);
    Core::CertificateNames names;
    names.dnsNames.append(QSysInfo::machineHostName());
    names.ipAddresses.append(settings.address.toString());
    return Core::loadOrCreateServerIdentity(settings.dataDir, names);
}

int runFingerprint(const App::ServerSettings &settings)
{
    auto identity = serverIdentity(settings);
    if (!identity)
        return failWith(identity.error());
    out() << identity->fingerprint() << Qt::endl;
    return 0;
}

void warnInsecure()
{
    err() << "\n"
             "**********************************************************************\n"
             "*  INSECURE: plain HTTP, passwords and tokens travel in clear;       *\n"
             "*  development only. Started with --insecure-http: never use this    *\n"
             "*  at a box office. Without the flag the server speaks TLS.          *\n"
             "**********************************************************************\n"
          << Qt::endl;
}

int runAudit(const App::ServerSettings &settings)
{
    Core::SystemClock clock;
    auto connection = Core::Connection::open(databaseIn(settings.dataDir), QStringLiteral("audit"));
    if (!connection)
        return failWith(connection.error());
    if (auto migrated = Core::migrateSchema(**connection, clock.nowMs()); !migrated)
        return failWith(migrated.error());
    auto report = Core::auditInvariants(**connection);
    if (!report)
        return failWith(report.error());
    for (auto it = report->countsByShow.cbegin(); it != report->countsByShow.cend(); ++it)
        out() << it.key() << ": available " << it->available << ", held " << it->held << ", sold "
              << it->sold << ", refund pending " << it->refundPending << ", total " << it->total()
              << Qt::endl;
    for (const QString &violation : report->violations)
        out() << "VIOLATION " << violation << Qt::endl;
    out() << (report->ok() ? "all invariants hold" : "invariants violated") << Qt::endl;
    auto chain = Core::verifyAuditChain(**connection);
    if (!chain)
        return failWith(chain.error());
    if (chain->intact())
        out() << "audit log: " << chain->records << " records, hash chain intact" << Qt::endl;
    else
        out() << "AUDIT LOG BROKEN at record " << chain->brokenAtId << ": " << chain->problem
              << Qt::endl;
    return report->ok() && chain->intact() ? 0 : 2;
}

int runAddUser(const App::ServerSettings &settings)
{
    const auto role = Core::roleFromWireName(settings.role);
    if (!role)
        return failWith(
            Core::Error::make(Core::ErrorCode::BadRequest,
                              QStringLiteral("unknown role '%1' (clerk, supervisor, kiosk, admin)")
                                  .arg(settings.role)));
    Core::SystemClock clock;
    auto connection = Core::Connection::open(databaseIn(settings.dataDir), QStringLiteral("users"));
    if (!connection)
        return failWith(connection.error());
    if (auto migrated = Core::migrateSchema(**connection, clock.nowMs()); !migrated)
        return failWith(migrated.error());
    QTextStream in(stdin);
    const QString password = in.readLine();
    Core::AccountStore accounts(
        [&]() -> Core::Result<Core::Connection *> { return connection->get(); }, clock);
    auto account = accounts.addUser(settings.username, *role, password);
    if (!account)
        return failWith(account.error());
    out() << "added " << account->username << " (" << Core::wireName(account->role) << ", id "
          << account->id.value() << ")" << Qt::endl;
    return 0;
}

int runSetPin(const App::ServerSettings &settings)
{
    Core::SystemClock clock;
    auto connection = Core::Connection::open(databaseIn(settings.dataDir), QStringLiteral("users"));
    if (!connection)
        return failWith(connection.error());
    if (auto migrated = Core::migrateSchema(**connection, clock.nowMs()); !migrated)
        return failWith(migrated.error());
    QString pin = qEnvironmentVariable("BOXOFFICE_PIN");
    if (pin.isEmpty()) {
        QTextStream in(stdin);
        pin = in.readLine().trimmed();
    }
    Core::AccountStore accounts(
        [&]() -> Core::Result<Core::Connection *> { return connection->get(); }, clock);
    if (auto set = accounts.setPin(settings.username, pin); !set)
        return failWith(set.error());
    out() << "set the PIN of " << settings.username << Qt::endl;
    return 0;
}

// A random PIN of `digits` decimal digits.
QString randomPin(int digits)
{
    QString pin;
    while (pin.size() < digits) {
        // Bytes of 250 and more are skipped, so every digit is equally likely.
        for (char byte : Core::randomBytes(digits)) {
            const auto value = static_cast<unsigned char>(byte);
            if (value < 250 && pin.size() < digits)
                pin.append(QChar(u'0' + value % 10));
        }
    }
    return pin;
}

// The demo supervisor's PIN: BOXOFFICE_DEMO_PIN, else DATA_DIR/demo-pin (created once).
Core::Result<QString> demoPin(const QString &dataDir)
{
    const QString fromEnvironment = qEnvironmentVariable("BOXOFFICE_DEMO_PIN");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString path = dataDir + QStringLiteral("/demo-pin");
    QFile file(path);
    if (file.open(QIODevice::ReadOnly))
        return QString::fromLatin1(file.readAll().trimmed());
    const QString pin = randomPin(6);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(pin.toLatin1() + '\n') < 0 || !file.flush())
        return Core::fail(Core::ErrorCode::Internal,
                          QStringLiteral("cannot create %1: %2").arg(path, file.errorString()));
    return pin;
}

int serve(QCoreApplication &app, const App::ServerSettings &settings)
{
    QElapsedTimer startup;
    startup.start();
    Core::SystemClock clock;

    QByteArray paymentSecret = qgetenv("BOXOFFICE_PAYMENT_SECRET");
    QString secretFile = settings.paymentSecretFile;
    if (secretFile.isEmpty())
        secretFile = qEnvironmentVariable("BOXOFFICE_PAYMENT_SECRET_FILE");
    if (paymentSecret.isEmpty()) {
        auto secret = readOrCreateSecret(secretFile.isEmpty()
                                             ? settings.dataDir + QStringLiteral("/payment-secret")
                                             : secretFile,
                                         32);
        if (!secret)
            return failWith(secret.error());
        paymentSecret = *secret;
    }

    auto signer = Core::TicketSigner::loadOrCreate(settings.dataDir +
                                                   QStringLiteral("/ticket-signing-key.pem"));
    if (!signer)
        return failWith(signer.error());
    Core::TicketVerifier verifier;
    verifier.addKey(signer->keyId(), signer->publicKey());

    Core::EngineOptions options;
    options.database = databaseIn(settings.dataDir);
    options.minHoldSeconds = settings.minHoldSeconds;
    options.maxHoldSeconds = std::max(settings.maxHoldSeconds, settings.minHoldSeconds);
    options.maxSeatsPerHold = settings.maxSeatsPerHold;
    options.paymentWindowSeconds = settings.paymentWindowSeconds;
    options.voidWindowSeconds = settings.voidWindowMinutes * 60;
    Core::BookingEngine engine(options, clock, *signer);
    auto connections = [&engine] { return engine.readConnection(); };
    Core::AccountStore accounts(connections, clock);
    Core::AuditLog audit(connections, clock);
    Core::ShiftStore shifts(connections, clock);
    Core::OverrideStore overrides(connections, clock, qint64(settings.overrideSeconds) * 1000);

    Sync::ServerConfig config;
    config.paymentSecret = paymentSecret;
    config.kioskMaxSeats = settings.kioskMaxSeats;
    config.kioskRatePerMinute = settings.kioskRate;
    QString fingerprint;
    if (settings.insecureHttp) {
        warnInsecure();
    } else {
        auto identity = serverIdentity(settings);
        if (!identity)
            return failWith(identity.error());
        auto tls = Sync::serverTlsConfiguration(*identity);
        if (!tls)
            return failWith(tls.error());
        config.tls = *tls;
        fingerprint = identity->fingerprint();
        if (identity->created)
            out() << "Created a self-signed server certificate: "
                  << QDir::toNativeSeparators(identity->certificatePath) << Qt::endl;
    }
    Sync::ApiServer server(engine, accounts, audit, shifts, overrides, verifier, config);
    engine.setChangeListener([&server](const Core::BookingEngine::CommittedChanges &changes) {
        server.publishChanges(changes);
    });
    // Whatever way serve() ends, the writer stops (delivering its last completions) while the
    // server it reports to still exists.
    const auto closeEngine = qScopeGuard([&engine] {
        engine.close();
        QCoreApplication::processEvents();
    });
    if (auto opened = engine.open(); !opened)
        return failWith(opened.error());

    if (settings.demo) {
        QString password = qEnvironmentVariable("BOXOFFICE_DEMO_PASSWORD");
        const bool fromEnvironment = !password.isEmpty();
        if (!fromEnvironment) {
            auto stored =
                readOrCreateSecret(settings.dataDir + QStringLiteral("/demo-password"), 9);
            if (!stored)
                return failWith(stored.error());
            password = QString::fromLatin1(*stored);
        }
        auto connection = engine.readConnection();
        if (!connection)
            return failWith(connection.error());
        const QStringList layouts{QStringLiteral(":/venues/theatre.json"),
                                  QStringLiteral(":/venues/concert-hall.json"),
                                  QStringLiteral(":/venues/arena.json")};
        auto report = Core::seedDemo(**connection, accounts, layouts, password, clock.nowMs());
        if (!report)
            return failWith(report.error());
        if (!report->showsAdded.isEmpty())
            out() << "Demo shows added: " << report->showsAdded.join(QStringLiteral(", "))
                  << Qt::endl;
        out() << "Demo users: clerk, supervisor, kiosk, admin — password: " << password
              << (fromEnvironment ? " (from BOXOFFICE_DEMO_PASSWORD)" : "") << Qt::endl;
        // The supervisor's override PIN, set once like the users themselves.
        auto pin = demoPin(settings.dataDir);
        if (!pin)
            return failWith(pin.error());
        auto hasPin = accounts.hasPin(QStringLiteral("supervisor"));
        if (!hasPin)
            return failWith(hasPin.error());
        if (!*hasPin) {
            if (auto set = accounts.setPin(QStringLiteral("supervisor"), *pin); !set)
                return failWith(set.error());
        }
        out() << "Demo supervisor PIN: " << *pin << Qt::endl;
    }

    auto port = server.start(settings.address, settings.port);
    if (!port)
        return failWith(port.error());
    const QString host = settings.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(settings.address.toString())
                             : settings.address.toString();
    const QString scheme = settings.insecureHttp ? QStringLiteral("http") : QStringLiteral("https");
    if (!settings.insecureHttp)
        out() << "TLS certificate SHA-256 fingerprint: " << fingerprint << Qt::endl
              << "  (terminals show it on first connection; compare before trusting)" << Qt::endl;
    out() << "Boxoffice server listening on " << scheme << "://" << host << ':' << *port
          << "/api/v1"
          << " (data in " << QDir::toNativeSeparators(settings.dataDir) << ", ready in "
          << startup.elapsed() << " ms)" << Qt::endl;
    out() << "Try: curl " << (settings.insecureHttp ? "" : "-k ") << scheme << "://" << host << ':'
          << *port << "/api/v1/health" << Qt::endl;
    if (settings.insecureHttp)
        err() << "INSECURE: plain HTTP, passwords and tokens travel in clear; development only"
              << Qt::endl;

    // SIGINT/SIGTERM end the event loop; queued commands finish before the engine closes.
    App::quitOnTerminationSignals(app);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("boxoffice-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BOXOFFICE_VERSION));
    auto settings = App::parseServerCommandLine(app.arguments().mid(1));
    if (!settings) {
        err() << "boxoffice-server: " << settings.error().message << "\n\n" << App::serverUsage();
        return 2;
    }
    switch (settings->action) {
    case App::ServerAction::Help:
        out() << App::serverUsage();
        return 0;
    case App::ServerAction::Version:
        out() << "boxoffice-server " << BOXOFFICE_VERSION << Qt::endl;
        return 0;
    default:
        break;
    }
    if (!QDir().mkpath(settings->dataDir)) {
        err() << "boxoffice-server: cannot create data directory " << settings->dataDir << Qt::endl;
        return 1;
    }
    switch (settings->action) {
    case App::ServerAction::AddUser:
        return runAddUser(*settings);
    case App::ServerAction::SetPin:
        return runSetPin(*settings);
    case App::ServerAction::Audit:
        return runAudit(*settings);
    case App::ServerAction::Fingerprint:
        return runFingerprint(*settings);
    default:
        return serve(app, *settings);
    }
}
