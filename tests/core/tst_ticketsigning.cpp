#include "core/security/random.h"
#include "core/security/ticketsigner.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice::Core;

Q_DECLARE_METATYPE(ErrorCode)

namespace {

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

TicketClaims sampleClaims()
{
    TicketClaims claims;
    claims.show = ShowId(QStringLiteral("SHOW_20260223_01"));
    claims.seat = SeatId(QStringLiteral("A-1-01"));
    claims.order = OrderId(newId(u"ORD_"));
    claims.ticket = TicketCode(newId(u"TKT_"));
    claims.validUntilMs = 1'790'000'000'000LL;
    return claims;
}

QStringList payloadParts(const QString &payload)
{
    return payload.split(QLatin1Char('.'));
}

QByteArray decode(const QString &part)
{
    return QByteArray::fromBase64(part.toLatin1(), kBase64Url);
}

QString encode(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(kBase64Url));
}

// The payload with body field `index` replaced, keeping the original signature.
QString withField(const QString &payload, int index, const QByteArray &value)
{
    QStringList parts = payloadParts(payload);
    QList<QByteArray> fields = decode(parts[1]).split('|');
    fields[index] = value;
    parts[1] = encode(fields.join('|'));
    return parts.join(QLatin1Char('.'));
}

} // namespace

class TestTicketSigning : public QObject
{
    Q_OBJECT

private:
    std::optional<TicketSigner> m_signer;
    std::optional<TicketSigner> m_other;
    TicketVerifier m_verifier;

private slots:
    void initTestCase()
    {
        auto signer = TicketSigner::generate();
        QVERIFY2(signer, qPrintable(signer ? QString() : signer.error().message));
        auto other = TicketSigner::generate();
        QVERIFY(other);
        m_signer = *signer;
        m_other = *other;
        QVERIFY(m_signer->keyId() != m_other->keyId());
        m_verifier.addKey(m_signer->keyId(), m_signer->publicKey());
    }

    void keyShape()
    {
        QCOMPARE(m_signer->publicKey().size(), 32);
        QCOMPARE(m_signer->keyId().size(), 8);
        QCOMPARE(m_signer->keyId(),
                 QString::fromLatin1(sha256(m_signer->publicKey()).toHex().left(8)));
        const TicketSigner copy = *m_signer; // copies share the key
        QCOMPARE(copy.keyId(), m_signer->keyId());
        QVERIFY(copy.sign(sampleClaims()));
    }

    void roundTrip()
    {
        const TicketClaims claims = sampleClaims();
        const auto payload = m_signer->sign(claims);
        QVERIFY2(payload, qPrintable(payload ? QString() : payload.error().message));
        QVERIFY(payload->startsWith(QLatin1String("BX1.")));
        QCOMPARE(payloadParts(*payload).size(), 3);
        QVERIFY2(payload->size() <= 230, qPrintable(QString::number(payload->size())));
        for (const QChar c : *payload)
            QVERIFY(c.unicode() > 0x20 && c.unicode() < 0x7f);

        const auto verified = m_verifier.verify(*payload);
        QVERIFY2(verified, qPrintable(verified ? QString() : verified.error().message));
        TicketClaims expected = claims;
        expected.keyId = m_signer->keyId();
        QCOMPARE(*verified, expected);

        // A scanner's trailing newline does not matter.
        QVERIFY(m_verifier.verify(QString(*payload + QLatin1Char('\n'))));
    }

    void roundTripUnicode()
    {
        TicketClaims claims = sampleClaims();
        claims.show = ShowId(QStringLiteral("演出_2026"));
        claims.keyId = m_signer->keyId();
        const auto payload = m_signer->sign(claims);
        QVERIFY(payload);
        const auto verified = m_verifier.verify(*payload);
        QVERIFY(verified);
        QCOMPARE(*verified, claims);
    }

    void signRefuses_data()
    {
        QTest::addColumn<int>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("empty show") << 0 << QString();
        QTest::newRow("empty seat") << 1 << QString();
        QTest::newRow("empty order") << 2 << QString();
        QTest::newRow("empty ticket") << 3 << QString();
        QTest::newRow("separator in show") << 0 << QStringLiteral("S|1");
        QTest::newRow("separator in seat") << 1 << QStringLiteral("A|1");
        QTest::newRow("separator in order") << 2 << QStringLiteral("|");
        QTest::newRow("separator in ticket") << 3 << QStringLiteral("T|");
        QTest::newRow("no validity") << 4 << QString();
        QTest::newRow("negative validity") << 5 << QString();
        QTest::newRow("foreign key id") << 6 << QStringLiteral("deadbeef");
    }
    void signRefuses()
    {
        QFETCH(int, field);
        QFETCH(QString, value);
        TicketClaims claims = sampleClaims();
        switch (field) {
        case 0:
            claims.show = ShowId(value);
            break;
        case 1:
            claims.seat = SeatId(value);
            break;
        case 2:
            claims.order = OrderId(value);
            break;
        case 3:
            claims.ticket = TicketCode(value);
            break;
        case 4:
            claims.validUntilMs = 0;
            break;
        case 5:
            claims.validUntilMs = -5;
            break;
        case 6:
            claims.keyId = value;
            break;
        }
        const auto payload = m_signer->sign(claims);
        QVERIFY(!payload);
        QCOMPARE(payload.error().code, ErrorCode::BadRequest);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("payload");
        QTest::addColumn<ErrorCode>("code");

        const QString good = *m_signer->sign(sampleClaims());
        const QStringList parts = payloadParts(good);
        const QByteArray signature = decode(parts[2]);
        const QByteArray body = decode(parts[1]);
        using E = ErrorCode;

        // Sanity: the helpers rebuild the original exactly.
        QCOMPARE(withField(good, 1, body.split('|')[1]), good);

        QTest::newRow("key id changed") << withField(good, 0, "00000000") << E::SignatureInvalid;
        QTest::newRow("show changed")
            << withField(good, 1, "SHOW_20260223_02") << E::SignatureInvalid;
        QTest::newRow("seat changed") << withField(good, 2, "A-1-02") << E::SignatureInvalid;
        QTest::newRow("order changed") << withField(good, 3, "ORD_X") << E::SignatureInvalid;
        QTest::newRow("ticket changed") << withField(good, 4, "TKT_X") << E::SignatureInvalid;
        QTest::newRow("validity changed")
            << withField(good, 5, "1790000000001") << E::SignatureInvalid;

        for (int bit : {0, 7, 100, 511}) {
            QByteArray flipped = signature;
            flipped[bit / 8] = char(flipped[bit / 8] ^ (1 << (bit % 8)));
            QTest::addRow("signature bit %d flipped", bit)
                << QStringList{parts[0], parts[1], encode(flipped)}.join(QLatin1Char('.'))
                << E::SignatureInvalid;
        }
        QByteArray bodyFlipped = body;
        bodyFlipped[20] = char(bodyFlipped[20] ^ 0x01);
        QTest::newRow("body bit flipped")
            << QStringList{parts[0], encode(bodyFlipped), parts[2]}.join(QLatin1Char('.'))
            << E::SignatureInvalid;

        // The same body signed by another key: its own key id is unknown here, and with our key
        // id the signature is the other key's.
        TicketClaims claims = sampleClaims();
        const QString foreign = *m_other->sign(claims);
        QTest::newRow("unknown key id") << foreign << E::SignatureInvalid;
        QTest::newRow("other key's signature")
            << QStringList{parts[0], parts[1], payloadParts(*m_other->sign(claims))[2]}.join(
                   QLatin1Char('.'))
            << E::SignatureInvalid;
        QTest::newRow("signature of another ticket")
            << QStringList{parts[0], parts[1], payloadParts(*m_signer->sign(claims))[2]}.join(
                   QLatin1Char('.'))
            << E::SignatureInvalid;

        QTest::newRow("empty") << QString() << E::BadRequest;
        QTest::newRow("whitespace") << QStringLiteral(" \n\t") << E::BadRequest;
        QTest::newRow("garbage") << QStringLiteral("hello world") << E::BadRequest;
        QTest::newRow("dots only") << QStringLiteral("..") << E::BadRequest;
        QTest::newRow("binary") << QString::fromLatin1(QByteArray("\x00\x01\xff\xfe BX1.\x80", 10))
                                << E::BadRequest;
        QTest::newRow("non-ascii") << QString(good).replace(10, 1, QChar(0x4e2d)) << E::BadRequest;
        QTest::newRow("huge") << QString(1 << 20, QLatin1Char('A')) << E::BadRequest;
        QTest::newRow("huge with prefix")
            << QString(good + QString(1 << 20, QLatin1Char('A'))) << E::BadRequest;
        QTest::newRow("truncated by one") << good.chopped(1) << E::BadRequest;
        QTest::newRow("truncated by four") << good.chopped(4) << E::BadRequest;
        QTest::newRow("truncated to half") << good.left(good.size() / 2) << E::BadRequest;
        QTest::newRow("unsigned") << QStringList{parts[0], parts[1]}.join(QLatin1Char('.'))
                                  << E::BadRequest;
        QTest::newRow("empty signature")
            << QString(parts[0] + QLatin1Char('.') + parts[1] + QLatin1Char('.')) << E::BadRequest;
        QTest::newRow("empty body")
            << QString(parts[0] + QStringLiteral("..") + parts[2]) << E::BadRequest;
        QTest::newRow("short signature")
            << QStringList{parts[0], parts[1], encode(signature.left(63))}.join(QLatin1Char('.'))
            << E::BadRequest;
        QTest::newRow("long signature")
            << QStringList{parts[0], parts[1], encode(signature + '\0')}.join(QLatin1Char('.'))
            << E::BadRequest;
        QTest::newRow("signature with padding")
            << QString(good + QStringLiteral("==")) << E::BadRequest;
        QTest::newRow("bad base64 in body")
            << QString(good).replace(6, 1, QLatin1Char('*')) << E::BadRequest;
        QTest::newRow("standard base64 alphabet")
            << QStringList{parts[0], parts[1], QString::fromLatin1(signature.toBase64())}.join(
                   QLatin1Char('.'))
            << E::BadRequest;
        QTest::newRow("wrong prefix")
            << QString(good).replace(0, 3, QStringLiteral("BX2")) << E::BadRequest;
        QTest::newRow("lowercase prefix")
            << QString(good).replace(0, 3, QStringLiteral("bx1")) << E::BadRequest;
        QTest::newRow("no prefix")
            << QStringList{parts[1], parts[2]}.join(QLatin1Char('.')) << E::BadRequest;
        QTest::newRow("extra part") << QString(good + QStringLiteral(".AAAA")) << E::BadRequest;
        QTest::newRow("trailing dot") << QString(good + QLatin1Char('.')) << E::BadRequest;
        QTest::newRow("extra field") << withField(good, 5, "1|2") << E::BadRequest;
        {
            QStringList fewer = parts;
            fewer[1] = encode(body.left(body.lastIndexOf('|')));
            QTest::newRow("missing field") << fewer.join(QLatin1Char('.')) << E::BadRequest;
        }
    }
    void rejects()
    {
        QFETCH(QString, payload);
        QFETCH(ErrorCode, code);
        const auto result = m_verifier.verify(payload);
        QVERIFY2(!result, qPrintable(payload.left(80)));
        QCOMPARE(result.error().code, code);
        QVERIFY(!result.error().message.isEmpty());
    }

    void verifierKeys()
    {
        const QString payload = *m_other->sign(sampleClaims());
        TicketVerifier verifier;
        QCOMPARE(verifier.verify(payload).error().code, ErrorCode::SignatureInvalid);
        // A broken key is not trusted.
        verifier.addKey(m_other->keyId(), QByteArray(5, 'x'));
        QVERIFY(!verifier.hasKey(m_other->keyId()));
        // The right key under the id the payload names.
        verifier.addKey(m_other->keyId(), m_other->publicKey());
        QVERIFY(verifier.verify(payload));
        // Another key registered under that id: the signature no longer verifies.
        verifier.addKey(m_other->keyId(), m_signer->publicKey());
        QCOMPARE(verifier.verify(payload).error().code, ErrorCode::SignatureInvalid);
    }

    void loadOrCreate()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("keys/ticket-signing.pem"));
        QVERIFY(!QFile::exists(path));

        const auto created = TicketSigner::loadOrCreate(path);
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        QVERIFY(QFile::exists(path));
        QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(QFile::permissions(path) &
                     (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                      QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther |
                      QFileDevice::ExeOwner),
                 QFileDevice::Permissions());
        QVERIFY(QDir(dir.filePath(QStringLiteral("keys"))).entryList(QDir::Files).size() == 1);

        const auto loaded = TicketSigner::loadOrCreate(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE(loaded->keyId(), created->keyId());
        QCOMPARE(loaded->publicKey(), created->publicKey());

        // Signed by the loaded key, verified with the created key's public half.
        TicketVerifier verifier;
        verifier.addKey(created->keyId(), created->publicKey());
        QVERIFY(verifier.verify(*loaded->sign(sampleClaims())));
    }

    void loadCorrupt_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("garbage") << QByteArray("not a key\n");
        QTest::newRow("truncated PEM")
            << QByteArray("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n");
        QTest::newRow("binary") << QByteArray("\x00\xff\x10\x80", 4);
    }
    void loadCorrupt()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("corrupt.pem"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();

        const auto result = TicketSigner::loadOrCreate(path);
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(QDir::toNativeSeparators(path)),
                 qPrintable(result.error().message));
        QCOMPARE(file.size(), content.size()); // never overwritten
    }

    void loadWrongKeyType()
    {
        // A valid PEM private key, but X25519 rather than Ed25519.
        const QByteArray x25519 =
            "-----BEGIN PRIVATE KEY-----\n"
            "MC4CAQAwBQYDK2VuBCIEIMAsv0vIEYtjT+qioyhpmbXGxNdypRKWLjxUb5j0EuxN\n"
            "-----END PRIVATE KEY-----\n";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x25519.pem"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(x25519);
        file.close();
        const auto result = TicketSigner::loadOrCreate(path);
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(path), qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(QLatin1String("Ed25519")),
                 qPrintable(result.error().message));
    }

    void loadUnreadable()
    {
        QTemporaryDir dir;
        // A folder where the key file should be: unreadable as a file, even for root.
        const QString folder = dir.filePath(QStringLiteral("folder.pem"));
        QVERIFY(QDir().mkpath(folder));
        const auto fromFolder = TicketSigner::loadOrCreate(folder);
        QVERIFY(!fromFolder);
        QVERIFY2(fromFolder.error().message.contains(folder),
                 qPrintable(fromFolder.error().message));

        const QString path = dir.filePath(QStringLiteral("unreadable.pem"));
        QVERIFY(TicketSigner::loadOrCreate(path));
        QVERIFY(QFile::setPermissions(path, QFileDevice::WriteOwner));
        QFile probe(path);
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("running as a user who can read any file (root)");
        const auto result = TicketSigner::loadOrCreate(path);
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(path), qPrintable(result.error().message));
    }
};

QTEST_APPLESS_MAIN(TestTicketSigning)
#include "tst_ticketsigning.moc"
