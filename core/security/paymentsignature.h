#pragma once

#include "core/common/result.h"

#include <QByteArray>
#include <QByteArrayView>

// The signature on card-acquirer payment callbacks (DESIGN.md §3.4):
//
//   X-Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>
//
// Several v1= entries may be present (the acquirer rotating its secret); any one matching is
// enough. Entries with other names are ignored, so a later scheme can be added alongside v1.
// Thread-safe.
namespace Boxoffice::Core {

inline constexpr char kPaymentSignatureHeader[] = "X-Payment-Signature";
inline constexpr int kPaymentSignatureToleranceSeconds = 300;

// The header value for `body` sent at `unixSeconds`, e.g. "t=1790000000,v1=5f2c...". For the
// payment simulator and tests. Returns an empty array, and logs a critical message, if the
// secret is empty or OpenSSL fails.
[[nodiscard]] QByteArray paymentSignatureHeader(const QByteArray &secret, qint64 unixSeconds,
                                                const QByteArray &body);

// Checks `headerValue` against `body` (the raw bytes as received). In order:
//   Internal          the secret is empty (server misconfiguration) or OpenSSL failed;
//   SignatureInvalid  "missing or malformed": empty/absent header, no or several t=, t not a
//                     decimal number, no v1=, a v1 that is not 64 hex digits;
//   SignatureInvalid  "does not match": no v1 equals the HMAC (compared in constant time);
//   SignatureInvalid  "timestamp": t is more than toleranceSeconds before or after nowMs
//                     (checked after the MAC, so it reports authentic but stale or early
//                     callbacks, e.g. replays or clock skew).
[[nodiscard]] Result<>
verifyPaymentSignature(const QByteArray &secret, QByteArrayView headerValue, const QByteArray &body,
                       qint64 nowMs, int toleranceSeconds = kPaymentSignatureToleranceSeconds);

} // namespace Boxoffice::Core
