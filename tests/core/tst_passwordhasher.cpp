#include "core/security/passwordhasher.h"

#include <QTest>

using namespace Boxoffice::Core;

namespace {

// Cheap parameters keep the suite fast; one row uses the real defaults.
constexpr PasswordHashParams kFast{10, 8, 1};

QString hashOrFail(const QString &password, PasswordHashParams params = kFast)
{
    const auto hash = hashPassword(password, params);
    if (!hash)
        qWarning("hashPassword failed: %s", qPrintable(hash.error().message));
    return hash.value_or(QString());
}

} // namespace

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private slots:
    void hashAndVerify_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("wrong");
        QTest::addColumn<int>("logN");
        QTest::newRow("ascii") << QStringLiteral("correct horse battery staple")
                               << QStringLiteral("correct horse battery stapler") << 10;
        QTest::newRow("one character") << QStringLiteral("x") << QStringLiteral("y") << 10;
        QTest::newRow("case") << QStringLiteral("Secret") << QStringLiteral("secret") << 10;
        QTest::newRow("unicode") << QStringLiteral("密码-пароль-🔑") << QStringLiteral("密码-пароль")
                                 << 10;
        QTest::newRow("long") << QString(5000, QLatin1Char('p')) << QString(4999, QLatin1Char('p'))
                              << 10;
        QTest::newRow("embedded nul") << QStringLiteral("a\0b") << QStringLiteral("a\0c") << 10;
        QTest::newRow("default parameters")
            << QStringLiteral("clerk-2026!") << QStringLiteral("clerk-2026?") << 17;
    }
    void hashAndVerify()
    {
        QFETCH(QString, password);
        QFETCH(QString, wrong);
        QFETCH(int, logN);
        const PasswordHashParams params{logN, 8, 1};
        const QString stored = hashOrFail(password, params);
        QVERIFY(!stored.isEmpty());
        QVERIFY2(stored.startsWith(QStringLiteral("$scrypt$ln=%1,r=8,p=1$").arg(logN)),
                 qPrintable(stored));
        QVERIFY(verifyPassword(password, stored));
        QVERIFY(!verifyPassword(wrong, stored));
        QVERIFY(!verifyPassword(QString(), stored));
        QVERIFY(!needsRehash(stored, params));
    }

    void defaultsAreRecommended()
    {
        const PasswordHashParams defaults;
        QCOMPARE(defaults.logN, 17);
        QCOMPARE(defaults.r, 8);
        QCOMPARE(defaults.p, 1);
    }

    void storedShape()
    {
        const QString stored = hashOrFail(QStringLiteral("pw"));
        const QStringList parts = stored.split(QLatin1Char('$'));
        QCOMPARE(parts.size(), 5);
        QCOMPARE(parts[1], QStringLiteral("scrypt"));
        QCOMPARE(parts[2], QStringLiteral("ln=10,r=8,p=1"));
        QCOMPARE(QByteArray::fromBase64(parts[3].toLatin1()).size(), 16);
        QCOMPARE(QByteArray::fromBase64(parts[4].toLatin1()).size(), 32);
        QVERIFY(!parts[3].contains(QLatin1Char('=')));
    }

    void saltDiffers()
    {
        const QString a = hashOrFail(QStringLiteral("same password"));
        const QString b = hashOrFail(QStringLiteral("same password"));
        QVERIFY(a != b);
        QVERIFY(a.section(QLatin1Char('$'), 3, 3) != b.section(QLatin1Char('$'), 3, 3));
        QVERIFY(verifyPassword(QStringLiteral("same password"), a));
        QVERIFY(verifyPassword(QStringLiteral("same password"), b));
    }

    void normalization()
    {
        // "é" precomposed and decomposed are the same password.
        const QString composed = QStringLiteral("caf\u00e9");
        const QString decomposed = QStringLiteral("cafe\u0301");
        QVERIFY(composed != decomposed);
        QVERIFY(verifyPassword(decomposed, hashOrFail(composed)));
    }

    void knownVector()
    {
        // Fixed salt and hash, computed independently (Python hashlib.scrypt with
        // n=1024, r=8, p=1, dklen=32, password "password", salt bytes 0..15): pins the
        // encoding, so a change in normalisation or format cannot go unnoticed.
        const QString stored = QStringLiteral("$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$"
                                              "OnwHgqTb31Q6zXxSL+hT2bNKu4ryelxll0iM3yKBQLU");
        QVERIFY(verifyPassword(QStringLiteral("password"), stored));
        QVERIFY(!verifyPassword(QStringLiteral("Password"), stored));
    }

    void refusesToHash_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("logN");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("p");
        QTest::newRow("empty password") << QString() << 10 << 8 << 1;
        QTest::newRow("logN 0") << QStringLiteral("pw") << 0 << 8 << 1;
        QTest::newRow("logN 25") << QStringLiteral("pw") << 25 << 8 << 1;
        QTest::newRow("r 0") << QStringLiteral("pw") << 10 << 0 << 1;
        QTest::newRow("p 0") << QStringLiteral("pw") << 10 << 8 << 0;
        QTest::newRow("negative") << QStringLiteral("pw") << -1 << -8 << -1;
        QTest::newRow("over 1 GiB") << QStringLiteral("pw") << 20 << 16 << 1;
    }
    void refusesToHash()
    {
        QFETCH(QString, password);
        QFETCH(int, logN);
        QFETCH(int, r);
        QFETCH(int, p);
        const auto result = hashPassword(password, PasswordHashParams{logN, r, p});
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::BadRequest);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("stored");
        const QString good = hashOrFail(QStringLiteral("pw"));
        QVERIFY(verifyPassword(QStringLiteral("pw"), good));
        const QStringList p = good.split(QLatin1Char('$'));
        auto join = [](const QStringList &parts) { return parts.join(QLatin1Char('$')); };
        auto with = [&](int index, const QString &value) {
            QStringList copy = p;
            copy[index] = value;
            return join(copy);
        };

        QTest::newRow("empty") << QString();
        QTest::newRow("garbage") << QStringLiteral("garbage");
        QTest::newRow("plain text password") << QStringLiteral("pw");
        QTest::newRow("dollars only") << QStringLiteral("$$$$");
        QTest::newRow("prefix only") << QStringLiteral("$scrypt$");
        QTest::newRow("other algorithm") << with(1, QStringLiteral("argon2id"));
        QTest::newRow("uppercase algorithm") << with(1, QStringLiteral("SCRYPT"));
        QTest::newRow("no leading dollar") << good.mid(1);
        QTest::newRow("missing hash") << join(p.mid(0, 4));
        QTest::newRow("extra part") << good + QStringLiteral("$AAAA");
        QTest::newRow("trailing dollar") << good + QLatin1Char('$');
        QTest::newRow("empty hash") << with(4, QString());
        QTest::newRow("empty salt") << with(3, QString());
        QTest::newRow("bad base64 hash") << with(4, QStringLiteral("!!!!") + p[4].mid(4));
        QTest::newRow("bad base64 salt") << with(3, QStringLiteral("*") + p[3].mid(1));
        QTest::newRow("padded hash") << with(4, p[4] + QLatin1Char('='));
        QTest::newRow("non-ascii salt") << with(3, QStringLiteral("ü") + p[3].mid(1));
        QTest::newRow("short hash") << with(4, QStringLiteral("AAAA"));
        QTest::newRow("hash one byte short")
            << with(4, QString::fromLatin1(QByteArray::fromBase64(p[4].toLatin1())
                                               .chopped(1)
                                               .toBase64(QByteArray::OmitTrailingEquals)));
        QTest::newRow("hash too long") << with(4, QString(120, QLatin1Char('A')));
        QByteArray offByOneBit = QByteArray::fromBase64(p[4].toLatin1());
        offByOneBit[0] = char(offByOneBit[0] ^ 0x01);
        QTest::newRow("hash one bit off")
            << with(4, QString::fromLatin1(offByOneBit.toBase64(QByteArray::OmitTrailingEquals)));
        QTest::newRow("ln 0") << with(2, QStringLiteral("ln=0,r=8,p=1"));
        QTest::newRow("ln 99") << with(2, QStringLiteral("ln=99,r=8,p=1"));
        QTest::newRow("ln 64") << with(2, QStringLiteral("ln=64,r=8,p=1"));
        QTest::newRow("ln huge") << with(2, QStringLiteral("ln=99999999999,r=8,p=1"));
        QTest::newRow("ln negative") << with(2, QStringLiteral("ln=-10,r=8,p=1"));
        QTest::newRow("ln leading zero") << with(2, QStringLiteral("ln=010,r=8,p=1"));
        QTest::newRow("ln plus") << with(2, QStringLiteral("ln=+10,r=8,p=1"));
        QTest::newRow("memory bomb") << with(2, QStringLiteral("ln=24,r=32,p=16"));
        QTest::newRow("r 0") << with(2, QStringLiteral("ln=10,r=0,p=1"));
        QTest::newRow("p 0") << with(2, QStringLiteral("ln=10,r=8,p=0"));
        QTest::newRow("p huge") << with(2, QStringLiteral("ln=10,r=8,p=999"));
        QTest::newRow("missing p") << with(2, QStringLiteral("ln=10,r=8"));
        QTest::newRow("reordered") << with(2, QStringLiteral("r=8,ln=10,p=1"));
        QTest::newRow("spaces") << with(2, QStringLiteral("ln=10, r=8, p=1"));
        QTest::newRow("non-numeric") << with(2, QStringLiteral("ln=ten,r=8,p=1"));
        QTest::newRow("other ln, same hash") << with(2, QStringLiteral("ln=11,r=8,p=1"));
        QTest::newRow("huge") << QString(1 << 20, QLatin1Char('$'));
        QTest::newRow("binary") << QString::fromLatin1(QByteArray("\0\xff$scrypt\0", 10));
    }
    void malformed()
    {
        QFETCH(QString, stored);
        QVERIFY(!verifyPassword(QStringLiteral("pw"), stored));
        QVERIFY(needsRehash(stored));
    }

    void rehash()
    {
        const QString fast = hashOrFail(QStringLiteral("pw"));
        QVERIFY(needsRehash(fast));         // defaults are stronger
        QVERIFY(!needsRehash(fast, kFast)); // same parameters
        QVERIFY(needsRehash(fast, PasswordHashParams{10, 8, 2}));
        QVERIFY(needsRehash(fast, PasswordHashParams{10, 4, 1}));
        QVERIFY(needsRehash(fast, PasswordHashParams{11, 8, 1}));

        // A 20-byte salt is acceptable, but not today's 16-byte format: replace it.
        const QString shortSalt =
            QStringLiteral("$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODxAREhM$") +
            fast.section(QLatin1Char('$'), 4, 4);
        QVERIFY(needsRehash(shortSalt, kFast));
    }
};

QTEST_APPLESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
