#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

// Cryptographic randomness and small hashing helpers. All functions are thread-safe and draw
// from OpenSSL's CSPRNG. They never fail silently: if the CSPRNG cannot deliver, the process
// stops with qFatal, because every caller (salts, tokens, ids, keys) would otherwise be unsafe.
namespace Boxoffice::Core {

// `count` random bytes. count <= 0 gives an empty array.
[[nodiscard]] QByteArray randomBytes(int count);

// `bytes` random bytes as base64url without padding (32 bytes -> 43 characters). For session
// tokens, idempotency keys and the like.
[[nodiscard]] QString randomToken(int bytes = 32);

// The raw 32-byte SHA-256 digest of `data`.
[[nodiscard]] QByteArray sha256(QByteArrayView data);

// `prefix` followed by 20 random characters of Crockford base32 (0-9, A-Z without I, L, O, U):
// newId(u"HOLD_") -> "HOLD_7Q2M0KX4ZB9T1VNE3RCA". 100 bits of randomness.
[[nodiscard]] QString newId(QStringView prefix);
// Like newId, but the first 9 characters after the prefix encode `nowMs`, so ids made later
// sort later: new rows land at the end of their index instead of on a random page. 60 bits of
// randomness follow. newSortableId(u"HOLD_", t) -> "HOLD_01KB3X7Q2M0KX4ZB9T1V".
[[nodiscard]] QString newSortableId(QStringView prefix, qint64 nowMs);

// True if a and b hold the same bytes. The time taken depends only on the length, never on
// where the first difference is; a length difference returns false at once (lengths of
// digests and MACs are public).
[[nodiscard]] bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace Boxoffice::Core
