#pragma once

#include "core/common/result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkReply;
class QSslCertificate;
class QWebSocket;

namespace Boxoffice::Sync {

class TerminalCache;

// The terminal's trust in servers (DESIGN.md §5): the SHA-256 of each server's certificate,
// pinned per origin ("https://host:port"; a wss:// address shares its https origin). A
// connection is allowed only when the certificate the server presents is exactly the pinned
// one; certificate authorities play no part (guarded connections trust none), so a pinned
// self-signed certificate works and any other certificate, CA-signed or not, is refused.
//
// guard() hooks a reply or WebSocket before it connects. The check runs during the TLS
// handshake, before any request byte (headers, body, password, token) is sent:
//  - no pin for the origin: refused with UntrustedServer, details {origin, fingerprint} (the
//    presented one, formatFingerprint style) — the user may compare and trust() it;
//  - another certificate than the pinned one: refused with CertificateChanged, details
//    {origin, fingerprint, pinned}. Nothing in this class trusts it implicitly; only an explicit
//    trust() (an administrator's decision) or forget() changes a pin.
// A refused connection fails like a handshake failure; refusal() then tells why, and
// refused() is emitted.
//
// Pins live in the terminal cache when one is given (persisted at once), else in memory.
// Lives on the GUI thread; does not own the cache.
class ServerTrust : public QObject
{
    Q_OBJECT

public:
    explicit ServerTrust(TerminalCache *store = nullptr, QObject *parent = nullptr);

    // Reads the stored pins; StorageFailure from the cache.
    [[nodiscard]] Core::Result<> load();

    // "https://host:port" for an http(s) or ws(s) address (default ports filled in).
    [[nodiscard]] static QString originOf(const QUrl &url);

    [[nodiscard]] std::optional<QByteArray> pin(const QString &origin) const;
    // Pins `sha256` (32 bytes) for `origin`, replacing any earlier pin.
    [[nodiscard]] Core::Result<> trust(const QString &origin, const QByteArray &sha256);
    // Drops the pin: the next connection asks again ("forget this server").
    [[nodiscard]] Core::Result<> forget(const QString &origin);

    // The TLS settings of a guarded connection: TLS 1.2 or later and no trusted authorities,
    // so that every handshake comes to the pin check.
    [[nodiscard]] static QSslConfiguration pinningConfiguration();

    // Checks the certificate of `reply` (created with pinningConfiguration()) for `url`'s origin
    // during its handshake and again when encrypted.
    void guard(QNetworkReply *reply);
    // The same for a WebSocket about to open `url`; sets its TLS configuration.
    void guard(QWebSocket *socket, const QUrl &url);

    // Why a guarded connection was refused, if it was.
    [[nodiscard]] static std::optional<Core::Error> refusal(const QObject *connection);

    // The verdict on `certificate` for `origin`: nothing when pinned, else the refusal.
    [[nodiscard]] std::optional<Core::Error> check(const QString &origin,
                                                   const QSslCertificate &certificate) const;

signals:
    // A guarded connection was refused (UntrustedServer or CertificateChanged).
    void refused(const Core::Error &error);
    // A pin was added, replaced or removed: connections kept open under the old pins must not
    // be reused.
    void pinsChanged();

private:
    void markRefused(QObject *connection, const Core::Error &error);

    TerminalCache *m_store;
    QHash<QString, QByteArray> m_pins;
};

} // namespace Boxoffice::Sync
