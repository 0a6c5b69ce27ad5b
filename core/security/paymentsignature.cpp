#include "core/security/paymentsignature.h"

#include "core/security/opensslutil.h"
#include "core/security/random.h"
#include "core/security/securitylogging.h"

#include <QList>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <algorithm>
#include <initializer_list>

namespace Boxoffice::Core {

namespace {

constexpr int kMacLength = 32;
constexpr qsizetype kMaxHeaderLength = 4096;
constexpr qsizetype kMaxTimestampDigits = 15; // keeps t * 1000 far from overflow

Result<QByteArray> hmacSha256(const QByteArray &key, std::initializer_list<QByteArrayView> parts)
{
    OpenSsl::MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    OpenSsl::MacCtxPtr ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    bool ok =
        ctx && EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char *>(key.constData()),
                            size_t(key.size()), params) == 1;
    for (const QByteArrayView part : parts) {
        ok = ok && (part.isEmpty() ||
                    EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char *>(part.data()),
                                   size_t(part.size())) == 1);
    }
    QByteArray out(kMacLength, Qt::Uninitialized);
    size_t length = 0;
    ok = ok && EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &length,
                             size_t(out.size())) == 1;
    if (!ok || length != size_t(kMacLength)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("HMAC-SHA256 failed: %1").arg(OpenSsl::takeErrors()));
    }
    return out;
}

Result<QByteArray> callbackMac(const QByteArray &secret, QByteArrayView timestamp,
                               const QByteArray &body)
{
    return hmacSha256(secret, {timestamp, QByteArrayView("."), body});
}

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isHex(QByteArrayView text)
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

} // namespace

QByteArray paymentSignatureHeader(const QByteArray &secret, qint64 unixSeconds,
                                  const QByteArray &body)
{
    if (secret.isEmpty()) {
        qCCritical(lcSecurity) << "cannot sign a payment callback with an empty secret";
        return {};
    }
    const QByteArray timestamp = QByteArray::number(unixSeconds);
    const auto mac = callbackMac(secret, timestamp, body);
    if (!mac) {
        qCCritical(lcSecurity) << "cannot sign a payment callback:" << mac.error().message;
        return {};
    }
    return "t=" + timestamp + ",v1=" + mac->toHex();
}

Result<> verifyPaymentSignature(const QByteArray &secret, QByteArrayView headerValue,
                                const QByteArray &body, qint64 nowMs, int toleranceSeconds)
{
    if (secret.isEmpty()) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("the payment callback secret is not configured"));
    }
    auto malformed = [](const char *why) {
        return fail(ErrorCode::SignatureInvalid,
                    QStringLiteral("missing or malformed X-Payment-Signature header: ") +
                        QLatin1String(why));
    };
    const QByteArrayView header = headerValue.trimmed();
    if (header.isEmpty())
        return malformed("empty");
    if (header.size() > kMaxHeaderLength)
        return malformed("too long");

    QByteArray timestamp;
    int timestampCount = 0;
    QList<QByteArray> candidates;
    for (const QByteArray &rawItem : header.toByteArray().split(',')) {
        const QByteArray item = rawItem.trimmed();
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            return malformed("an entry is not name=value");
        const QByteArrayView name = QByteArrayView(item).first(eq);
        const QByteArrayView value = QByteArrayView(item).sliced(eq + 1);
        if (name == "t") {
            ++timestampCount;
            if (!isDigits(value) || value.size() > kMaxTimestampDigits)
                return malformed("t is not a Unix time in seconds");
            timestamp = value.toByteArray();
        } else if (name == "v1") {
            if (value.size() != kMacLength * 2 || !isHex(value))
                return malformed("v1 is not 64 hex digits");
            candidates.append(QByteArray::fromHex(value.toByteArray()));
        }
    }
    if (timestampCount != 1)
        return malformed(timestampCount == 0 ? "no t=" : "more than one t=");
    if (candidates.isEmpty())
        return malformed("no v1=");

    const auto expected = callbackMac(secret, timestamp, body);
    if (!expected)
        return std::unexpected(expected.error());
    bool matched = false;
    for (const QByteArray &candidate : candidates)
        matched |= constantTimeEquals(candidate, *expected); // no early exit: same time for all
    if (!matched) {
        return fail(ErrorCode::SignatureInvalid,
                    QStringLiteral("payment callback signature does not match the body"));
    }

    const qint64 skewMs = nowMs - timestamp.toLongLong() * 1000;
    if (skewMs > qint64(toleranceSeconds) * 1000 || -skewMs > qint64(toleranceSeconds) * 1000) {
        return fail(ErrorCode::SignatureInvalid,
                    QStringLiteral("payment callback timestamp is %1 s %2 the server's clock "
                                   "(tolerance %3 s)")
                        .arg(qAbs(skewMs) / 1000)
                        .arg(skewMs > 0 ? QStringLiteral("behind") : QStringLiteral("ahead of"))
                        .arg(toleranceSeconds));
    }
    return {};
}

} // namespace Boxoffice::Core
