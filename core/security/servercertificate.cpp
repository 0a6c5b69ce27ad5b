#include "core/security/servercertificate.h"

#include "core/security/opensslutil.h"
#include "core/security/random.h"
#include "core/security/securitylogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

namespace Boxoffice::Core {

namespace {

using X509Ptr = std::unique_ptr<X509, OpenSsl::Deleter<X509, X509_free>>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, OpenSsl::Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSsl::Deleter<BIGNUM, BN_free>>;

constexpr qint64 kMaxPemFileSize = 1024 * 1024;
constexpr int kDigestLength = 32;
// Long enough that nobody has to renew a box office's certificate; pinning, not expiry, is what
// protects the terminals.
constexpr long kValiditySeconds = 20L * 365 * 24 * 3600;

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

// Drops private-key text from memory once it has been parsed or written.
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

Result<QByteArray> readSmallFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot read %1 %2: %3").arg(what, shown(path), file.errorString()));
    }
    if (file.size() > kMaxPemFileSize) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("%1 %2 is too large to be PEM").arg(what, shown(path)));
    }
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot read %1 %2: %3").arg(what, shown(path), file.errorString()));
    }
    return bytes;
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return QByteArray(data, length);
}

Result<QByteArray> certificateToDer(X509 *certificate)
{
    const int length = i2d_X509(certificate, nullptr);
    if (length <= 0) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot encode a certificate: %1").arg(OpenSsl::takeErrors()));
    }
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_X509(certificate, &out) != length) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot encode a certificate: %1").arg(OpenSsl::takeErrors()));
    }
    return der;
}

Result<QByteArray> certificateToPem(X509 *certificate)
{
    OpenSsl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot encode a certificate: %1").arg(OpenSsl::takeErrors()));
    }
    return bioContents(bio.get());
}

Result<QByteArray> privateKeyToPem(EVP_PKEY *key)
{
    OpenSsl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot encode a private key: %1").arg(OpenSsl::takeErrors()));
    }
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    QByteArray pem(data, length);
    OPENSSL_cleanse(data, size_t(length));
    return pem;
}

Result<X509Ptr> parseCertificate(const QByteArray &pem, const QString &path)
{
    OpenSsl::BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    X509Ptr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!certificate) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("certificate file %1 holds no PEM certificate (%2)")
                        .arg(shown(path), OpenSsl::takeErrors()));
    }
    return certificate;
}

Result<OpenSsl::PkeyPtr> parsePrivateKey(const QByteArray &pem, const QString &path)
{
    OpenSsl::BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    OpenSsl::PkeyPtr key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr) : nullptr);
    if (!key) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("key file %1 is not a readable unencrypted PEM private key (%2)")
                        .arg(shown(path), OpenSsl::takeErrors()));
    }
    return key;
}

// The key types both OpenSSL and Qt's TLS layer take for a server key.
Result<QString> keyTypeOf(EVP_PKEY *key, const QString &path)
{
    if (EVP_PKEY_is_a(key, "EC") == 1)
        return QStringLiteral("EC");
    if (EVP_PKEY_is_a(key, "RSA") == 1)
        return QStringLiteral("RSA");
    return fail(ErrorCode::Internal,
                QStringLiteral("key file %1 holds a %2 key; the server needs an ECDSA or RSA key")
                    .arg(shown(path), QString::fromLatin1(EVP_PKEY_get0_type_name(key))));
}

// Writes `bytes` to a private temporary file next to `path` created with `permissions`, then
// renames it into place: the file never appears half-written. QFile::rename does not overwrite:
// false with *exists set when another process got there first.
Result<> writeAtomically(const QString &path, const QByteArray &bytes,
                         QFileDevice::Permissions permissions, bool *exists)
{
    *exists = false;
    const QString tempPath = path + QStringLiteral(".tmp-") + randomToken(6);
    QFile temp(tempPath);
    if (!temp.open(QIODevice::WriteOnly | QIODevice::NewOnly, permissions)) {
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot create %1: %2").arg(shown(tempPath), temp.errorString()));
    }
    const bool written = temp.write(bytes) == bytes.size() && temp.flush();
    const QString writeError = temp.errorString();
    temp.close();
    if (!written) {
        QFile::remove(tempPath);
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot write %1: %2").arg(shown(tempPath), writeError));
    }
    if (!QFile::rename(tempPath, path)) {
        QFile::remove(tempPath);
        *exists = QFileInfo::exists(path);
        if (!*exists)
            return fail(ErrorCode::Internal,
                        QStringLiteral("cannot move %1 into place").arg(shown(path)));
    }
    return {};
}

Result<> addExtension(X509 *certificate, X509V3_CTX *context, int nid, const QByteArray &value)
{
    X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.constData()));
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot add certificate extension %1 = %2: %3")
                        .arg(QString::fromLatin1(OBJ_nid2sn(nid)), QString::fromLatin1(value),
                             OpenSsl::takeErrors()));
    }
    return {};
}

// "DNS:localhost,IP:127.0.0.1,IP:::1,..." without duplicates or unusable entries.
QByteArray subjectAltNames(const CertificateNames &names)
{
    static const QRegularExpression hostName(QStringLiteral(
        "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$"));
    QStringList entries{QStringLiteral("DNS:localhost"), QStringLiteral("IP:127.0.0.1"),
                        QStringLiteral("IP:::1")};
    for (const QString &name : names.dnsNames) {
        const QString entry = QStringLiteral("DNS:") + name.toLower();
        if (hostName.match(name).hasMatch() && name.size() <= 253 && !entries.contains(entry))
            entries.append(entry);
    }
    for (const QString &text : names.ipAddresses) {
        // OpenSSL's own parser decides what an address is; the any-addresses name no host.
        const QByteArray latin1 = text.trimmed().toLatin1();
        std::unique_ptr<ASN1_OCTET_STRING,
                        OpenSsl::Deleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>
            address(latin1.isEmpty() ? nullptr : a2i_IPADDRESS(latin1.constData()));
        if (!address) {
            (void)OpenSsl::takeErrors(); // expected failure: drop its errors
            continue;
        }
        const unsigned char *bytes = ASN1_STRING_get0_data(address.get());
        const int length = ASN1_STRING_length(address.get());
        if (std::all_of(bytes, bytes + length, [](unsigned char b) { return b == 0; }))
            continue;
        const QString entry = QStringLiteral("IP:") + QString::fromLatin1(latin1);
        if (!entries.contains(entry))
            entries.append(entry);
    }
    return entries.join(QLatin1Char(',')).toLatin1();
}

Result<X509Ptr> selfSignedCertificate(EVP_PKEY *key, const CertificateNames &names)
{
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot create a certificate: %1").arg(OpenSsl::takeErrors()));
    }
    // A random positive 127-bit serial: no two generated certificates share one.
    QByteArray serialBytes = randomBytes(16);
    serialBytes[0] = char(serialBytes[0] & 0x7f);
    BignumPtr serial(BN_bin2bn(reinterpret_cast<const unsigned char *>(serialBytes.constData()),
                               int(serialBytes.size()), nullptr));
    const QByteArray commonName = QStringLiteral("Boxoffice server %1")
                                      .arg(QString::fromLatin1(serialBytes.toHex().left(8)))
                                      .toUtf8();
    X509_NAME *name = X509_get_subject_name(certificate.get());
    const bool ok =
        serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) &&
        X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) &&
        X509_gmtime_adj(X509_getm_notAfter(certificate.get()), kValiditySeconds) &&
        X509_set_pubkey(certificate.get(), key) == 1 &&
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>("Boxoffice"), -1, -1,
                                   0) == 1 &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(commonName.constData()),
                                   -1, -1, 0) == 1 &&
        X509_set_issuer_name(certificate.get(), name) == 1;
    if (!ok) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot fill in a certificate: %1").arg(OpenSsl::takeErrors()));
    }
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    const std::pair<int, QByteArray> extensions[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_subject_alt_name, subjectAltNames(names)},
    };
    for (const auto &[nid, value] : extensions) {
        if (auto added = addExtension(certificate.get(), &context, nid, value); !added)
            return std::unexpected(added.error());
    }
    if (X509_sign(certificate.get(), key, EVP_sha256()) <= 0) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot sign the certificate: %1").arg(OpenSsl::takeErrors()));
    }
    return certificate;
}

// Checks that the certificate and key belong together and builds the identity.
Result<ServerIdentity> makeIdentity(X509 *certificate, EVP_PKEY *key, QByteArray certificatePem,
                                    const QString &certificatePath, const QString &keyPath)
{
    auto keyType = keyTypeOf(key, keyPath);
    if (!keyType)
        return std::unexpected(keyType.error());
    if (X509_check_private_key(certificate, key) != 1) {
        (void)OpenSsl::takeErrors(); // expected failure: drop its errors
        return fail(ErrorCode::Internal,
                    QStringLiteral("the key in %1 does not belong to the certificate in %2")
                        .arg(shown(keyPath), shown(certificatePath)));
    }
    auto der = certificateToDer(certificate);
    if (!der)
        return std::unexpected(der.error());
    auto keyPem = privateKeyToPem(key);
    if (!keyPem)
        return std::unexpected(keyPem.error());
    ServerIdentity identity;
    identity.certificatePem = std::move(certificatePem);
    identity.privateKeyPem = std::move(*keyPem);
    identity.keyType = *keyType;
    identity.certificateDer = std::move(*der);
    identity.certificatePath = certificatePath;
    identity.privateKeyPath = keyPath;
    return identity;
}

Result<OpenSsl::PkeyPtr> loadPrivateKeyFile(const QString &keyPath)
{
    auto keyBytes = readSmallFile(keyPath, QStringLiteral("key file"));
    if (!keyBytes)
        return std::unexpected(keyBytes.error());
    CleansedBuffer keyPem{std::move(*keyBytes)};
    return parsePrivateKey(keyPem.bytes, keyPath);
}

// Generates a certificate for `key` (a fresh one when null) and writes what is new.
Result<ServerIdentity> createIdentity(const QString &certificatePath, const QString &keyPath,
                                      OpenSsl::PkeyPtr key, const CertificateNames &names)
{
    const bool newKey = !key;
    if (newKey) {
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        if (!key) {
            return fail(ErrorCode::Internal,
                        QStringLiteral("cannot generate an ECDSA P-256 key: %1")
                            .arg(OpenSsl::takeErrors()));
        }
    }
    auto certificate = selfSignedCertificate(key.get(), names);
    if (!certificate)
        return std::unexpected(certificate.error());
    auto certificatePem = certificateToPem(certificate->get());
    if (!certificatePem)
        return std::unexpected(certificatePem.error());
    auto identity =
        makeIdentity(certificate->get(), key.get(), *certificatePem, certificatePath, keyPath);
    if (!identity)
        return identity;

    // The key first: a certificate on disk always has its key next to it.
    bool exists = false;
    if (newKey) {
        auto written = writeAtomically(keyPath, identity->privateKeyPem,
                                       QFileDevice::ReadOwner | QFileDevice::WriteOwner, &exists);
        if (!written)
            return std::unexpected(written.error());
        if (exists) // another start won the race: use its files
            return loadServerIdentity(certificatePath, keyPath);
    }
    auto written = writeAtomically(certificatePath, identity->certificatePem,
                                   QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                       QFileDevice::ReadGroup | QFileDevice::ReadOther,
                                   &exists);
    if (!written)
        return std::unexpected(written.error());
    if (exists)
        return loadServerIdentity(certificatePath, keyPath);
    identity->created = true;
    qCInfo(lcSecurity).noquote() << "created a self-signed server certificate in"
                                 << shown(certificatePath);
    return identity;
}

} // namespace

QString ServerIdentity::fingerprint() const
{
    return formatFingerprint(certificateDigest(certificateDer));
}

QString defaultCertificatePath(const QString &dataDir)
{
    return dataDir + QStringLiteral("/server-cert.pem");
}

QString defaultPrivateKeyPath(const QString &dataDir)
{
    return dataDir + QStringLiteral("/server-key.pem");
}

Result<ServerIdentity> loadOrCreateServerIdentity(const QString &dataDir,
                                                  const CertificateNames &names)
{
    const QString certificatePath = defaultCertificatePath(dataDir);
    const QString keyPath = defaultPrivateKeyPath(dataDir);
    const bool haveCertificate = QFileInfo::exists(certificatePath);
    const bool haveKey = QFileInfo::exists(keyPath);
    if (haveCertificate && haveKey)
        return loadServerIdentity(certificatePath, keyPath);
    if (haveCertificate) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("%1 exists but its key %2 is missing; restore the key, or "
                                   "remove the certificate to have a new one generated (the "
                                   "terminals will then have to confirm the new fingerprint)")
                        .arg(shown(certificatePath), shown(keyPath)));
    }
    if (!QDir().mkpath(dataDir)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot create the data directory %1").arg(shown(dataDir)));
    }
    OpenSsl::PkeyPtr key;
    if (haveKey) {
        auto loaded = loadPrivateKeyFile(keyPath);
        if (!loaded)
            return std::unexpected(loaded.error());
        key = std::move(*loaded);
    }
    return createIdentity(certificatePath, keyPath, std::move(key), names);
}

Result<ServerIdentity> loadServerIdentity(const QString &certificatePath,
                                          const QString &privateKeyPath)
{
    auto certificatePem = readSmallFile(certificatePath, QStringLiteral("certificate file"));
    if (!certificatePem)
        return std::unexpected(certificatePem.error());
    auto certificate = parseCertificate(*certificatePem, certificatePath);
    if (!certificate)
        return std::unexpected(certificate.error());
    QFile keyFile(privateKeyPath);
    if (keyFile.exists() &&
        (keyFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))) {
        qCWarning(lcSecurity).noquote() << "key file" << shown(privateKeyPath)
                                        << "is readable by other users; it should have "
                                           "permissions 0600";
    }
    auto key = loadPrivateKeyFile(privateKeyPath);
    if (!key)
        return std::unexpected(key.error());
    return makeIdentity(certificate->get(), key->get(), *certificatePem, certificatePath,
                        privateKeyPath);
}

QByteArray certificateDigest(const QByteArray &der)
{
    return sha256(der);
}

QString formatFingerprint(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

Result<QByteArray> parseFingerprint(const QString &text)
{
    QString hex = text.trimmed();
    for (const QLatin1StringView prefix :
         {QLatin1StringView("SHA-256"), QLatin1StringView("SHA256")}) {
        if (hex.startsWith(prefix, Qt::CaseInsensitive)) {
            hex = hex.mid(prefix.size()).trimmed();
            if (hex.startsWith(QLatin1Char(':')) || hex.startsWith(QLatin1Char('=')))
                hex = hex.mid(1).trimmed();
            break;
        }
    }
    hex.remove(QLatin1Char(':'));
    hex.remove(QLatin1Char(' '));
    static const QRegularExpression hexDigits(QStringLiteral("^[0-9A-Fa-f]{64}$"));
    if (!hexDigits.match(hex).hasMatch()) {
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("\"%1\" is not a SHA-256 fingerprint (64 hex digits, e.g. "
                                   "AB:CD:...)")
                        .arg(text.left(120)));
    }
    const QByteArray digest = QByteArray::fromHex(hex.toLatin1());
    Q_ASSERT(digest.size() == kDigestLength);
    return digest;
}

Result<QByteArray> certificateFileDigest(const QString &pemPath)
{
    auto pem = readSmallFile(pemPath, QStringLiteral("certificate file"));
    if (!pem)
        return std::unexpected(pem.error());
    auto certificate = parseCertificate(*pem, pemPath);
    if (!certificate)
        return std::unexpected(certificate.error());
    auto der = certificateToDer(certificate->get());
    if (!der)
        return std::unexpected(der.error());
    return certificateDigest(*der);
}

} // namespace Boxoffice::Core
