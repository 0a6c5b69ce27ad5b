#include "core/security/random.h"

#include "core/security/opensslutil.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace Boxoffice::Core {

namespace {
// Crockford's base32: no I, L, O, U, so ids survive being read aloud or retyped.
constexpr char kBase32Alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kIdRandomChars = 20;
} // namespace

QByteArray randomBytes(int count)
{
    Q_ASSERT(count >= 0);
    if (count <= 0)
        return {};
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1) {
        qFatal("Boxoffice: the OpenSSL random generator failed (%s); refusing to continue",
               qPrintable(OpenSsl::takeErrors()));
    }
    return out;
}

QString randomToken(int bytes)
{
    return QString::fromLatin1(randomBytes(bytes).toBase64(QByteArray::Base64UrlEncoding |
                                                           QByteArray::OmitTrailingEquals));
}

QByteArray sha256(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

namespace {

// Appends `count` base32 characters of randomness, drawn from a per-thread pool: ids are made
// on the booking writer's hot path, so RAND_bytes is called per block, not per id. 256 is a
// multiple of 32, so taking the low five bits of a random byte is unbiased; each byte is used
// once.
void appendRandomChars(QString &id, int count)
{
    thread_local QByteArray pool;
    thread_local qsizetype used = 0;
    if (pool.isEmpty() || used + count > pool.size()) {
        pool = randomBytes(4096);
        used = 0;
    }
    for (qsizetype i = 0; i < count; ++i)
        id.append(QLatin1Char(kBase32Alphabet[static_cast<unsigned char>(pool[used + i]) & 0x1f]));
    used += count;
}

} // namespace

QString newId(QStringView prefix)
{
    QString id;
    id.reserve(prefix.size() + kIdRandomChars);
    id.append(prefix);
    appendRandomChars(id, kIdRandomChars);
    return id;
}

QString newSortableId(QStringView prefix, qint64 nowMs)
{
    constexpr int kTimeChars = 9; // 45 bits of milliseconds: until the year 3084
    constexpr int kRandomChars = 12;
    QString id;
    id.reserve(prefix.size() + kTimeChars + kRandomChars);
    id.append(prefix);
    const quint64 time = static_cast<quint64>(std::max<qint64>(nowMs, 0));
    for (int i = kTimeChars - 1; i >= 0; --i)
        id.append(QLatin1Char(kBase32Alphabet[(time >> (5 * i)) & 0x1f]));
    appendRandomChars(id, kRandomChars);
    return id;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

} // namespace Boxoffice::Core
