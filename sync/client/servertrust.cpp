#include "sync/client/servertrust.h"

#include "core/security/servercertificate.h"
#include "sync/client/clientlogging.h"
#include "sync/client/terminalcache.h"

#include <QDateTime>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslError>
#include <QWebSocket>

namespace Boxoffice::Sync {

using Core::Error;
using Core::ErrorCode;

namespace {

// Set on a refused reply or WebSocket: the refusal's code, message and details.
constexpr char kRefusalCode[] = "boxoffice.trust.code";
constexpr char kRefusalMessage[] = "boxoffice.trust.message";
constexpr char kRefusalDetails[] = "boxoffice.trust.details";

QSslCertificate presented(const QSslConfiguration &configuration, const QList<QSslError> &errors)
{
    QSslCertificate certificate = configuration.peerCertificate();
    if (certificate.isNull()) {
        for (const QSslError &error : errors) {
            if (!error.certificate().isNull())
                return error.certificate();
        }
    }
    return certificate;
}

} // namespace

ServerTrust::ServerTrust(TerminalCache *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{}

Core::Result<> ServerTrust::load()
{
    if (!m_store)
        return {};
    auto pins = m_store->pins();
    if (!pins)
        return std::unexpected(pins.error());
    m_pins = *pins;
    return {};
}

QString ServerTrust::originOf(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const bool secure = scheme == QLatin1StringView("https") || scheme == QLatin1StringView("wss");
    const QString host = url.host(QUrl::FullyEncoded).toLower();
    const int port = url.port(secure ? 443 : 80);
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return QStringLiteral("%1://%2:%3")
        .arg(secure ? QStringLiteral("https") : QStringLiteral("http"), shownHost)
        .arg(port);
}

std::optional<QByteArray> ServerTrust::pin(const QString &origin) const
{
    const auto it = m_pins.constFind(origin);
    if (it == m_pins.cend())
        return std::nullopt;
    return *it;
}

Core::Result<> ServerTrust::trust(const QString &origin, const QByteArray &sha256)
{
    if (sha256.size() != 32)
        return Core::fail(ErrorCode::BadRequest, QStringLiteral("a pin is a 32-byte SHA-256"));
    if (m_store) {
        if (auto saved = m_store->savePin(origin, sha256, QDateTime::currentMSecsSinceEpoch());
            !saved)
            return saved;
    }
    m_pins.insert(origin, sha256);
    qCInfo(lcClient).noquote() << "pinned" << origin << "to SHA-256"
                               << Core::formatFingerprint(sha256);
    emit pinsChanged();
    return {};
}

Core::Result<> ServerTrust::forget(const QString &origin)
{
    if (m_store) {
        if (auto removed = m_store->removePin(origin); !removed)
            return removed;
    }
    m_pins.remove(origin);
    qCInfo(lcClient).noquote() << "forgot the pinned certificate of" << origin;
    emit pinsChanged();
    return {};
}

QSslConfiguration ServerTrust::pinningConfiguration()
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setCaCertificates({}); // no authority can vouch for a server: only the pin
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return configuration;
}

std::optional<Error> ServerTrust::check(const QString &origin,
                                        const QSslCertificate &certificate) const
{
    if (certificate.isNull()) {
        return Error::make(ErrorCode::UntrustedServer,
                           tr("%1 presented no certificate.").arg(origin),
                           QJsonObject{{QStringLiteral("origin"), origin}});
    }
    const QByteArray digest = Core::certificateDigest(certificate.toDer());
    const QString fingerprint = Core::formatFingerprint(digest);
    const auto pinned = pin(origin);
    if (!pinned) {
        return Error::make(
            ErrorCode::UntrustedServer,
            tr("First connection to %1. Its certificate fingerprint is SHA-256 %2; compare it "
               "with the one the server printed. Trust it?")
                .arg(origin, fingerprint),
            QJsonObject{{QStringLiteral("origin"), origin},
                        {QStringLiteral("fingerprint"), fingerprint}});
    }
    if (*pinned != digest) {
        return Error::make(
            ErrorCode::CertificateChanged,
            tr("The server's certificate has changed: %1 now presents SHA-256 %2, but this "
               "terminal trusts SHA-256 %3. This may be an attack; nothing was sent. If the "
               "server was re-installed, an administrator must confirm the new fingerprint.")
                .arg(origin, fingerprint, Core::formatFingerprint(*pinned)),
            QJsonObject{{QStringLiteral("origin"), origin},
                        {QStringLiteral("fingerprint"), fingerprint},
                        {QStringLiteral("pinned"), Core::formatFingerprint(*pinned)}});
    }
    return std::nullopt;
}

void ServerTrust::markRefused(QObject *connection, const Error &error)
{
    if (connection->property(kRefusalCode).isValid())
        return; // reported once
    connection->setProperty(kRefusalCode, int(error.code));
    connection->setProperty(kRefusalMessage, error.message);
    connection->setProperty(kRefusalDetails, error.details.toVariantMap());
    qCWarning(lcClient).noquote() << "refused connection:" << error.message;
    emit refused(error);
}

std::optional<Error> ServerTrust::refusal(const QObject *connection)
{
    const QVariant code = connection ? connection->property(kRefusalCode) : QVariant();
    if (!code.isValid())
        return std::nullopt;
    return Error::make(ErrorCode(code.toInt()), connection->property(kRefusalMessage).toString(),
                       QJsonObject::fromVariantMap(connection->property(kRefusalDetails).toMap()));
}

void ServerTrust::guard(QNetworkReply *reply)
{
    const QString origin = originOf(reply->url());
    connect(reply, &QNetworkReply::sslErrors, this,
            [this, reply, origin](const QList<QSslError> &errors) {
                const auto verdict = check(origin, presented(reply->sslConfiguration(), errors));
                if (!verdict) {
                    // Exactly the pinned certificate: what the errors say about it (self-signed,
                    // no authority) is what pinning replaces.
                    reply->ignoreSslErrors(errors);
                    return;
                }
                // Not ignoring the errors fails the handshake: nothing is sent.
                markRefused(reply, *verdict);
            });
    // Also when the handshake passed without errors (it should not, as no authority is
    // trusted): before any request byte is written.
    connect(reply, &QNetworkReply::encrypted, this, [this, reply, origin] {
        if (const auto verdict = check(origin, reply->sslConfiguration().peerCertificate())) {
            markRefused(reply, *verdict);
            reply->abort();
        }
    });
}

void ServerTrust::guard(QWebSocket *socket, const QUrl &url)
{
    const QString origin = originOf(url);
    socket->setSslConfiguration(pinningConfiguration());
    connect(socket, &QWebSocket::sslErrors, this,
            [this, socket, origin](const QList<QSslError> &errors) {
                const auto verdict = check(origin, presented(socket->sslConfiguration(), errors));
                if (!verdict) {
                    socket->ignoreSslErrors();
                    return;
                }
                markRefused(socket, *verdict);
            });
    // The upgrade request has gone out by now; this only catches a handshake that somehow
    // passed without the check above, and drops it.
    const bool secure = url.scheme() == QLatin1StringView("wss");
    connect(socket, &QWebSocket::connected, this, [this, socket, origin, secure] {
        if (!secure)
            return;
        if (const auto verdict = check(origin, socket->sslConfiguration().peerCertificate())) {
            markRefused(socket, *verdict);
            socket->abort();
        }
    });
}

} // namespace Boxoffice::Sync
