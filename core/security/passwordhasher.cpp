#include "core/security/passwordhasher.h"

#include "core/security/opensslutil.h"
#include "core/security/random.h"
#include "core/security/securitylogging.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include <optional>

namespace Boxoffice::Core {

namespace {

constexpr int kSaltLength = 16;
constexpr int kHashLength = 32;
constexpr int kMinSaltLength = 16; // salts a stored string may carry; the hash is always 32 bytes
constexpr int kMaxSaltLength = 64;
constexpr int kMaxLogN = 24;
constexpr int kMaxR = 32;
constexpr int kMaxP = 16;
constexpr quint64 kMaxMemoryBytes = quint64(1) << 30;
constexpr auto kBase64 = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;

// scrypt needs 128·r·(N + p + 2) bytes (OpenSSL's own accounting); allow a little more.
quint64 memoryNeeded(const PasswordHashParams &params)
{
    return 128ULL * quint64(params.r) * ((quint64(1) << params.logN) + quint64(params.p) + 2);
}

bool paramsAcceptable(const PasswordHashParams &params)
{
    return params.logN >= 1 && params.logN <= kMaxLogN && params.r >= 1 && params.r <= kMaxR &&
           params.p >= 1 && params.p <= kMaxP && memoryNeeded(params) <= kMaxMemoryBytes;
}

struct StoredHash
{
    PasswordHashParams params;
    QByteArray salt;
    QByteArray hash;
};

std::optional<int> parseSmallInt(QStringView text)
{
    // Digits only, no sign, no leading zero, at most 3 digits: one spelling per value.
    if (text.isEmpty() || text.size() > 3 || (text.size() > 1 && text.front() == u'0'))
        return std::nullopt;
    int value = 0;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value;
}

std::optional<QByteArray> decodeBase64(QStringView text)
{
    for (const QChar c : text) {
        if (c.unicode() > 0x7f)
            return std::nullopt;
    }
    const QByteArray encoded = text.toLatin1();
    auto decoded =
        QByteArray::fromBase64Encoding(encoded, kBase64 | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(kBase64) != encoded)
        return std::nullopt;
    return std::move(decoded.decoded);
}

std::optional<StoredHash> parseStored(const QString &stored)
{
    if (stored.size() > 512)
        return std::nullopt;
    const QList<QStringView> parts = QStringView(stored).split(u'$');
    if (parts.size() != 5 || !parts[0].isEmpty() || parts[1] != u"scrypt")
        return std::nullopt;
    const QList<QStringView> settings = parts[2].split(u',');
    if (settings.size() != 3 || !settings[0].startsWith(u"ln=") || !settings[1].startsWith(u"r=") ||
        !settings[2].startsWith(u"p=")) {
        return std::nullopt;
    }
    const auto logN = parseSmallInt(settings[0].sliced(3));
    const auto r = parseSmallInt(settings[1].sliced(2));
    const auto p = parseSmallInt(settings[2].sliced(2));
    if (!logN || !r || !p)
        return std::nullopt;
    StoredHash out{PasswordHashParams{*logN, *r, *p}, {}, {}};
    if (!paramsAcceptable(out.params))
        return std::nullopt;
    auto salt = decodeBase64(parts[3]);
    auto hash = decodeBase64(parts[4]);
    // scrypt's output is a prefix of its longer output, so accepting shorter stored hashes
    // would let a truncated hash (down to a few bytes) still verify: only 32 bytes count.
    if (!salt || !hash || salt->size() < kMinSaltLength || salt->size() > kMaxSaltLength ||
        hash->size() != kHashLength) {
        return std::nullopt;
    }
    out.salt = std::move(*salt);
    out.hash = std::move(*hash);
    return out;
}

// The password bytes are wiped when they go out of scope.
struct PasswordBytes
{
    QByteArray bytes;
    explicit PasswordBytes(const QString &password)
        : bytes(password.normalized(QString::NormalizationForm_C).toUtf8())
    {}
    ~PasswordBytes()
    {
        if (!bytes.isEmpty())
            OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    }
};

Result<QByteArray> scrypt(const QByteArray &password, const QByteArray &salt,
                          const PasswordHashParams &params, int outputLength)
{
    OpenSsl::KdfPtr kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_SCRYPT, nullptr));
    OpenSsl::KdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    if (!ctx) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("scrypt is not available: %1").arg(OpenSsl::takeErrors()));
    }
    uint64_t n = uint64_t(1) << params.logN;
    uint32_t r = uint32_t(params.r);
    uint32_t p = uint32_t(params.p);
    uint64_t maxMemory = memoryNeeded(params) + (1u << 20);
    // OSSL_PARAM takes non-const pointers but only reads the input buffers.
    const OSSL_PARAM settings[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          const_cast<char *>(password.constData()),
                                          size_t(password.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char *>(salt.constData()),
                                          size_t(salt.size())),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMemory),
        OSSL_PARAM_construct_end(),
    };
    QByteArray out(outputLength, Qt::Uninitialized);
    if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()),
                       settings) != 1) {
        return fail(ErrorCode::Internal, QStringLiteral("scrypt failed (ln=%1,r=%2,p=%3): %4")
                                             .arg(params.logN)
                                             .arg(params.r)
                                             .arg(params.p)
                                             .arg(OpenSsl::takeErrors()));
    }
    return out;
}

} // namespace

Result<QString> hashPassword(const QString &password, PasswordHashParams params)
{
    if (password.isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("cannot hash an empty password"));
    if (!paramsAcceptable(params)) {
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("unacceptable scrypt parameters ln=%1,r=%2,p=%3")
                        .arg(params.logN)
                        .arg(params.r)
                        .arg(params.p));
    }
    const PasswordBytes bytes(password);
    const QByteArray salt = randomBytes(kSaltLength);
    auto hash = scrypt(bytes.bytes, salt, params, kHashLength);
    if (!hash)
        return std::unexpected(std::move(hash.error()));
    return QStringLiteral("$scrypt$ln=%1,r=%2,p=%3$%4$%5")
        .arg(params.logN)
        .arg(params.r)
        .arg(params.p)
        .arg(QString::fromLatin1(salt.toBase64(kBase64)),
             QString::fromLatin1(hash->toBase64(kBase64)));
}

bool verifyPassword(const QString &password, const QString &stored)
{
    const auto parsed = parseStored(stored);
    if (!parsed || password.isEmpty())
        return false;
    const PasswordBytes bytes(password);
    auto hash = scrypt(bytes.bytes, parsed->salt, parsed->params, kHashLength);
    if (!hash) {
        qCWarning(lcSecurity) << "password verification failed:" << hash.error().message;
        return false;
    }
    return constantTimeEquals(*hash, parsed->hash);
}

bool needsRehash(const QString &stored, PasswordHashParams current)
{
    const auto parsed = parseStored(stored);
    return !parsed || parsed->params != current || parsed->salt.size() != kSaltLength;
}

} // namespace Boxoffice::Core
