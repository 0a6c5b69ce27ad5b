#pragma once

#include "core/common/ids.h"
#include "core/common/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringView>

#include <openssl/types.h>

#include <memory>

namespace Boxoffice::Core {

// What a ticket's QR code proves (DESIGN.md §3.5). The signature covers every field; expiry
// (validUntilMs) and revocation are checked by the caller, not by TicketVerifier.
struct TicketClaims
{
    QString keyId; // id of the signing key; filled in by TicketSigner::sign
    ShowId show;
    SeatId seat;
    OrderId order;
    TicketCode ticket;
    qint64 validUntilMs = 0; // milliseconds since the Unix epoch, UTC

    friend bool operator==(const TicketClaims &, const TicketClaims &) = default;
};

// The QR payload, version 1 — three parts joined by '.', all printable ASCII:
//
//   BX1.<body>.<signature>
//
//   body      = base64url, no padding, of the UTF-8 text
//               keyId|showId|seatId|orderId|ticketCode|validUntilMs   (validUntilMs in decimal)
//   signature = base64url, no padding, of the 64-byte Ed25519 signature over the exact ASCII
//               bytes "BX1.<body>" (version, dot and body as they appear in the payload)
//
// Base64 is canonical (re-encoding the decoded bytes gives the same text), so one ticket has
// exactly one valid payload. With ids like "SHOW_20260223_01", "A-1-01" and 24-character
// order/ticket ids a payload is about 220 characters: QR version 10 at ECC level M.
inline constexpr QLatin1String kTicketPayloadVersion{"BX1"};
inline constexpr qsizetype kTicketPayloadMaxLength = 1024;

// Signs tickets with an Ed25519 private key. Copies share the key. const methods are
// thread-safe.
class TicketSigner
{
public:
    // A fresh in-memory key (tests, demo servers). Internal if OpenSSL fails.
    [[nodiscard]] static Result<TicketSigner> generate();

    // Loads the PEM (PKCS#8) Ed25519 private key at pemPath, or, if no file is there, generates
    // one and writes it with permissions 0600 (the parent folder is created if needed; the file
    // appears atomically, so a concurrent starter either loads it or wins the race). Internal,
    // with a message naming the path, if the file is unreadable, not PEM, or not Ed25519.
    [[nodiscard]] static Result<TicketSigner> loadOrCreate(const QString &pemPath);

    // First 8 hex characters of sha256(publicKey()): names the key inside payloads.
    [[nodiscard]] const QString &keyId() const { return m_keyId; }
    // The raw 32-byte Ed25519 public key, for TicketVerifier::addKey on scanners.
    [[nodiscard]] const QByteArray &publicKey() const { return m_publicKey; }

    // The QR payload for `claims` (format above). claims.keyId may be empty or must equal
    // keyId(). BadRequest if show, seat, order or ticket is empty or contains '|', or if
    // validUntilMs is not positive. Internal if OpenSSL fails.
    [[nodiscard]] Result<QString> sign(const TicketClaims &claims) const;

private:
    TicketSigner(std::shared_ptr<EVP_PKEY> key, QByteArray publicKey);

    std::shared_ptr<EVP_PKEY> m_key;
    QByteArray m_publicKey;
    QString m_keyId;
};

// Checks QR payloads offline against a set of known public keys. Copyable; verify() is
// thread-safe once the keys are added.
class TicketVerifier
{
public:
    // Trusts `rawPublicKey` (32 bytes) for payloads naming `keyId`; replaces an earlier key of
    // that id. A key that is not a valid Ed25519 public key is not added (logged as a warning),
    // so payloads naming it fail as from an unknown key.
    void addKey(const QString &keyId, const QByteArray &rawPublicKey);
    [[nodiscard]] bool hasKey(const QString &keyId) const { return m_keys.contains(keyId); }

    // The signed claims of `payload` (surrounding whitespace, e.g. a scanner's newline, is
    // ignored). BadRequest if it is not a well-formed version-1 payload: empty, too long,
    // non-ASCII, wrong version, missing or extra parts, bad base64, wrong field count,
    // signature not 64 bytes. SignatureInvalid if it is well-formed but the key id is unknown
    // or the signature does not verify (forged or tampered). Never checks expiry.
    [[nodiscard]] Result<TicketClaims> verify(QStringView payload) const;

private:
    QHash<QString, std::shared_ptr<EVP_PKEY>> m_keys;
};

} // namespace Boxoffice::Core
