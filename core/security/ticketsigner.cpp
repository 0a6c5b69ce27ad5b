#include "core/security/ticketsigner.h"

#include "core/security/opensslutil.h"
#include "core/security/random.h"
#include "core/security/securitylogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <algorithm>

namespace Boxoffice::Core {

namespace {

constexpr char kSeparator = '|';
constexpr int kFieldCount = 6;
constexpr qsizetype kPublicKeyLength = 32;
constexpr qsizetype kSignatureLength = 64;
constexpr qint64 kMaxKeyFileSize = 64 * 1024;
constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

std::shared_ptr<EVP_PKEY> share(OpenSsl::PkeyPtr key)
{
    return std::shared_ptr<EVP_PKEY>(key.release(), OpenSsl::Deleter<EVP_PKEY, EVP_PKEY_free>{});
}

// Strict base64url: the alphabet only, no padding, and canonical (unused trailing bits zero),
// so that exactly one text decodes to given bytes.
std::optional<QByteArray> decodeBase64Url(QByteArrayView text)
{
    const QByteArray encoded = text.toByteArray();
    auto decoded = QByteArray::fromBase64Encoding(
        encoded, kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(kBase64Url) != encoded)
        return std::nullopt;
    return std::move(decoded.decoded);
}

// Drops the private-key text from memory once it has been parsed or written.
struct CleansedBuffer
{
    QByteArray bytes;
    ~CleansedBuffer()
    {
        if (!bytes.isEmpty())
            OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    }
};

// No passphrase prompts: an encrypted key file is an error, never a read from the terminal.
int refusePassphrase(char *, int, int, void *)
{
    return -1;
}

Result<QByteArray> rawPublicKey(EVP_PKEY *key)
{
    size_t length = 0;
    if (EVP_PKEY_get_raw_public_key(key, nullptr, &length) != 1 ||
        length != size_t(kPublicKeyLength)) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot read the Ed25519 public key: %1").arg(OpenSsl::takeErrors()));
    }
    QByteArray out(kPublicKeyLength, Qt::Uninitialized);
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char *>(out.data()), &length) !=
        1) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot read the Ed25519 public key: %1").arg(OpenSsl::takeErrors()));
    }
    return out;
}

Result<OpenSsl::PkeyPtr> parsePrivateKeyPem(const QString &path, const QByteArray &pem)
{
    OpenSsl::BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return fail(ErrorCode::Internal, QStringLiteral("out of memory reading %1").arg(path));
    OpenSsl::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr));
    if (!key) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("ticket signing key file %1 is not a readable unencrypted PEM "
                                   "private key (%2)")
                        .arg(QDir::toNativeSeparators(path), OpenSsl::takeErrors()));
    }
    if (EVP_PKEY_is_a(key.get(), "ED25519") != 1) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("ticket signing key file %1 holds a %2 key, not an Ed25519 key")
                        .arg(QDir::toNativeSeparators(path),
                             QString::fromLatin1(EVP_PKEY_get0_type_name(key.get()))));
    }
    return key;
}

Result<TicketSigner> loadExisting(const QString &path, auto makeSigner)
{
    const QString shown = QDir::toNativeSeparators(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot read ticket signing key file %1: %2")
                        .arg(shown, file.errorString()));
    }
    if (file.size() > kMaxKeyFileSize) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("ticket signing key file %1 is too large to be a key").arg(shown));
    }
    if (file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)) {
        qCWarning(lcSecurity) << "ticket signing key file" << shown
                              << "is readable by other users; it should have permissions 0600";
    }
    CleansedBuffer pem{file.readAll()};
    if (file.error() != QFileDevice::NoError) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot read ticket signing key file %1: %2")
                        .arg(shown, file.errorString()));
    }
    auto key = parsePrivateKeyPem(path, pem.bytes);
    if (!key)
        return std::unexpected(std::move(key.error()));
    return makeSigner(std::move(*key));
}

} // namespace

TicketSigner::TicketSigner(std::shared_ptr<EVP_PKEY> key, QByteArray publicKey)
    : m_key(std::move(key))
    , m_publicKey(std::move(publicKey))
    , m_keyId(QString::fromLatin1(sha256(m_publicKey).toHex().left(8)))
{}

Result<TicketSigner> TicketSigner::generate()
{
    OpenSsl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot generate an Ed25519 key: %1").arg(OpenSsl::takeErrors()));
    }
    auto publicKey = rawPublicKey(key.get());
    if (!publicKey)
        return std::unexpected(std::move(publicKey.error()));
    return TicketSigner(share(std::move(key)), std::move(*publicKey));
}

Result<TicketSigner> TicketSigner::loadOrCreate(const QString &pemPath)
{
    auto makeSigner = [](OpenSsl::PkeyPtr key) -> Result<TicketSigner> {
        auto publicKey = rawPublicKey(key.get());
        if (!publicKey)
            return std::unexpected(std::move(publicKey.error()));
        return TicketSigner(share(std::move(key)), std::move(*publicKey));
    };
    const QString shown = QDir::toNativeSeparators(pemPath);
    if (pemPath.isEmpty())
        return fail(ErrorCode::Internal, QStringLiteral("no ticket signing key file configured"));
    if (QFileInfo::exists(pemPath))
        return loadExisting(pemPath, makeSigner);

    auto signer = generate();
    if (!signer)
        return signer;

    CleansedBuffer pem;
    {
        OpenSsl::BioPtr bio(BIO_new(BIO_s_mem()));
        if (!bio || PEM_write_bio_PrivateKey(bio.get(), signer->m_key.get(), nullptr, nullptr, 0,
                                             nullptr, nullptr) != 1) {
            return fail(ErrorCode::Internal,
                        QStringLiteral("cannot encode the new ticket signing key for %1: %2")
                            .arg(shown, OpenSsl::takeErrors()));
        }
        char *data = nullptr;
        const long length = BIO_get_mem_data(bio.get(), &data);
        pem.bytes = QByteArray(data, length);
        OPENSSL_cleanse(data, size_t(length));
    }

    // Write a private temporary file created with 0600 from the start, then rename it into
    // place: the key is never visible half-written or with wider permissions, and QFile::rename
    // does not overwrite, so of two processes starting at once one key wins and the other
    // process loads it.
    const QFileInfo info(pemPath);
    if (!QDir().mkpath(info.absolutePath())) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot create the folder for ticket signing key file %1").arg(shown));
    }
    const QString tempPath = pemPath + QStringLiteral(".tmp-") + randomToken(6);
    QFile temp(tempPath);
    if (!temp.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot create ticket signing key file %1: %2")
                        .arg(QDir::toNativeSeparators(tempPath), temp.errorString()));
    }
    const bool written = temp.write(pem.bytes) == pem.bytes.size() && temp.flush();
    const QString writeError = temp.errorString();
    temp.close();
    if (!written) {
        QFile::remove(tempPath);
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot write ticket signing key file %1: %2")
                        .arg(QDir::toNativeSeparators(tempPath), writeError));
    }
    if (!QFile::rename(tempPath, pemPath)) {
        QFile::remove(tempPath);
        if (QFileInfo::exists(pemPath))
            return loadExisting(pemPath, makeSigner);
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot move the new ticket signing key into %1").arg(shown));
    }
    qCInfo(lcSecurity) << "created ticket signing key" << signer->keyId() << "in" << shown;
    return signer;
}

Result<QString> TicketSigner::sign(const TicketClaims &claims) const
{
    if (!claims.keyId.isEmpty() && claims.keyId != m_keyId) {
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("ticket claims name key %1 but the signer's key is %2")
                        .arg(claims.keyId, m_keyId));
    }
    const std::pair<const char *, const QString *> fields[] = {
        {"show", &claims.show.value()},
        {"seat", &claims.seat.value()},
        {"order", &claims.order.value()},
        {"ticket", &claims.ticket.value()},
    };
    for (const auto &[name, value] : fields) {
        if (value->isEmpty()) {
            return fail(
                ErrorCode::BadRequest,
                QStringLiteral("cannot sign a ticket without a %1 id").arg(QLatin1String(name)));
        }
        if (value->contains(QLatin1Char(kSeparator))) {
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("cannot sign a ticket whose %1 id \"%2\" contains '|'")
                            .arg(QLatin1String(name), *value));
        }
    }
    if (claims.validUntilMs <= 0)
        return fail(ErrorCode::BadRequest, QStringLiteral("cannot sign a ticket without validity"));

    const QByteArray body = QStringList{m_keyId,
                                        claims.show.value(),
                                        claims.seat.value(),
                                        claims.order.value(),
                                        claims.ticket.value(),
                                        QString::number(claims.validUntilMs)}
                                .join(QLatin1Char(kSeparator))
                                .toUtf8();
    const QByteArray signedPart =
        QByteArray(kTicketPayloadVersion.data(), kTicketPayloadVersion.size()) + '.' +
        body.toBase64(kBase64Url);

    OpenSsl::MdCtxPtr ctx(EVP_MD_CTX_new());
    QByteArray signature(kSignatureLength, Qt::Uninitialized);
    size_t signatureLength = size_t(signature.size());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()),
                       &signatureLength,
                       reinterpret_cast<const unsigned char *>(signedPart.constData()),
                       size_t(signedPart.size())) != 1 ||
        signatureLength != size_t(kSignatureLength)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("Ed25519 signing failed: %1").arg(OpenSsl::takeErrors()));
    }
    return QString::fromLatin1(signedPart + '.' + signature.toBase64(kBase64Url));
}

void TicketVerifier::addKey(const QString &keyId, const QByteArray &rawPublicKey)
{
    OpenSsl::PkeyPtr key;
    if (rawPublicKey.size() == kPublicKeyLength) {
        key.reset(EVP_PKEY_new_raw_public_key(
            EVP_PKEY_ED25519, nullptr,
            reinterpret_cast<const unsigned char *>(rawPublicKey.constData()),
            size_t(rawPublicKey.size())));
    }
    if (!key || keyId.isEmpty() || keyId.contains(QLatin1Char(kSeparator))) {
        qCWarning(lcSecurity) << "ignoring invalid ticket verification key" << keyId << "of"
                              << rawPublicKey.size() << "bytes:" << OpenSsl::takeErrors();
        m_keys.remove(keyId);
        return;
    }
    m_keys.insert(keyId, share(std::move(key)));
}

Result<TicketClaims> TicketVerifier::verify(QStringView payload) const
{
    auto malformed = [](QString why) {
        return fail(ErrorCode::BadRequest, QStringLiteral("malformed ticket code: ") + why);
    };
    const QStringView trimmed = payload.trimmed();
    if (trimmed.isEmpty())
        return malformed(QStringLiteral("empty"));
    if (trimmed.size() > kTicketPayloadMaxLength)
        return malformed(QStringLiteral("too long (%1 characters)").arg(trimmed.size()));
    for (const QChar c : trimmed) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return malformed(QStringLiteral("not printable ASCII"));
    }
    const QByteArray text = trimmed.toLatin1();
    const QList<QByteArrayView> parts = [&] {
        QList<QByteArrayView> out;
        qsizetype start = 0;
        for (qsizetype dot; (dot = text.indexOf('.', start)) >= 0; start = dot + 1)
            out.append(QByteArrayView(text).sliced(start, dot - start));
        out.append(QByteArrayView(text).sliced(start));
        return out;
    }();
    if (parts.first() != QByteArrayView(kTicketPayloadVersion.data(), kTicketPayloadVersion.size()))
        return malformed(QStringLiteral("unknown version"));
    if (parts.size() != 3)
        return malformed(QStringLiteral("expected 3 parts, found %1").arg(parts.size()));

    const auto body = decodeBase64Url(parts[1]);
    if (!body || body->isEmpty())
        return malformed(QStringLiteral("bad body encoding"));
    const auto signature = decodeBase64Url(parts[2]);
    if (!signature || signature->size() != kSignatureLength)
        return malformed(QStringLiteral("bad signature encoding"));
    const QList<QByteArray> fields = body->split(kSeparator);
    if (fields.size() != kFieldCount)
        return malformed(
            QStringLiteral("expected %1 fields, found %2").arg(kFieldCount).arg(fields.size()));

    const QString keyId = QString::fromUtf8(fields[0]);
    const auto key = m_keys.constFind(keyId);
    if (key == m_keys.cend()) {
        return fail(ErrorCode::SignatureInvalid,
                    QStringLiteral("ticket signed with unknown key %1").arg(keyId));
    }
    const qsizetype signedLength = parts[0].size() + 1 + parts[1].size();
    OpenSsl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("Ed25519 verification failed to start: %1").arg(OpenSsl::takeErrors()));
    }
    const int verified = EVP_DigestVerify(
        ctx.get(), reinterpret_cast<const unsigned char *>(signature->constData()),
        size_t(signature->size()), reinterpret_cast<const unsigned char *>(text.constData()),
        size_t(signedLength));
    if (verified != 1) {
        (void)OpenSsl::takeErrors();
        return fail(ErrorCode::SignatureInvalid,
                    QStringLiteral("ticket signature does not verify with key %1").arg(keyId));
    }

    // Authentic from here on; still check the fields, which a buggy signer could have botched.
    TicketClaims claims;
    claims.keyId = keyId;
    claims.show = ShowId(QString::fromUtf8(fields[1]));
    claims.seat = SeatId(QString::fromUtf8(fields[2]));
    claims.order = OrderId(QString::fromUtf8(fields[3]));
    claims.ticket = TicketCode(QString::fromUtf8(fields[4]));
    const QByteArray &validity = fields[5];
    const bool digitsOnly =
        !validity.isEmpty() && validity.size() <= 18 &&
        std::all_of(validity.begin(), validity.end(), [](char c) { return c >= '0' && c <= '9'; });
    claims.validUntilMs = digitsOnly ? validity.toLongLong() : 0;
    if (claims.show.isEmpty() || claims.seat.isEmpty() || claims.order.isEmpty() ||
        claims.ticket.isEmpty() || claims.validUntilMs <= 0) {
        return malformed(QStringLiteral("empty or invalid field"));
    }
    return claims;
}

} // namespace Boxoffice::Core
