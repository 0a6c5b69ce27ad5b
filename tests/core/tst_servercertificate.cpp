// The server's TLS identity: generated once into the data directory and reused, configured files
// checked, fingerprints formatted and parsed.

#include "core/security/servercertificate.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice;
using Core::ErrorCode;

namespace {

// Why a result failed, for QVERIFY2 (which builds its message even when the check passes).
template <class T> QByteArray failure(const Core::Result<T> &result)
{
    return result ? QByteArray() : result.error().message.toUtf8();
}

} // namespace

class TestServerCertificate : public QObject
{
    Q_OBJECT

private slots:
    void generatesOnceAndReuses()
    {
        QTemporaryDir dir;
        auto first = Core::loadOrCreateServerIdentity(dir.path(), {});
        QVERIFY2(first, failure(first).constData());
        QVERIFY(first->created);
        QCOMPARE(first->keyType, QStringLiteral("EC"));
        QVERIFY(QFile::exists(Core::defaultCertificatePath(dir.path())));
        const QFile key(Core::defaultPrivateKeyPath(dir.path()));
        QVERIFY(key.exists());
        QCOMPARE(key.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                      QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QCOMPARE(first->fingerprint().size(), 95);

        auto second = Core::loadOrCreateServerIdentity(dir.path(), {});
        QVERIFY2(second, failure(second).constData());
        QVERIFY(!second->created);
        QCOMPARE(second->fingerprint(), first->fingerprint());
        QCOMPARE(second->certificateDer, first->certificateDer);

        auto digest = Core::certificateFileDigest(Core::defaultCertificatePath(dir.path()));
        QVERIFY(digest);
        QCOMPARE(Core::formatFingerprint(*digest), first->fingerprint());
    }

    void twoDirectoriesGetDifferentCertificates()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        auto one = Core::loadOrCreateServerIdentity(a.path(), {});
        auto two = Core::loadOrCreateServerIdentity(b.path(), {});
        QVERIFY(one && two);
        QVERIFY(one->fingerprint() != two->fingerprint());
    }

    void keyWithoutCertificateGetsANewCertificateForThatKey()
    {
        QTemporaryDir dir;
        auto first = Core::loadOrCreateServerIdentity(dir.path(), {});
        QVERIFY(first);
        QVERIFY(QFile::remove(Core::defaultCertificatePath(dir.path())));
        auto again = Core::loadOrCreateServerIdentity(dir.path(), {});
        QVERIFY2(again, failure(again).constData());
        QVERIFY(again->created);
        QCOMPARE(again->privateKeyPem, first->privateKeyPem);
    }

    void certificateWithoutKeyIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(Core::loadOrCreateServerIdentity(dir.path(), {}));
        QVERIFY(QFile::remove(Core::defaultPrivateKeyPath(dir.path())));
        auto again = Core::loadOrCreateServerIdentity(dir.path(), {});
        QVERIFY(!again);
        QVERIFY2(again.error().message.contains(QStringLiteral("missing")),
                 qPrintable(again.error().message));
    }

    void configuredFilesAreChecked()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        QVERIFY(Core::loadOrCreateServerIdentity(a.path(), {}));
        QVERIFY(Core::loadOrCreateServerIdentity(b.path(), {}));
        const QString certA = Core::defaultCertificatePath(a.path());
        const QString keyA = Core::defaultPrivateKeyPath(a.path());
        const QString keyB = Core::defaultPrivateKeyPath(b.path());

        auto good = Core::loadServerIdentity(certA, keyA);
        QVERIFY2(good, failure(good).constData());

        auto mismatched = Core::loadServerIdentity(certA, keyB);
        QVERIFY(!mismatched);
        QVERIFY2(mismatched.error().message.contains(QStringLiteral("does not belong")),
                 qPrintable(mismatched.error().message));

        auto missing = Core::loadServerIdentity(a.path() + QStringLiteral("/nope.pem"), keyA);
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("cannot read")));

        QFile garbage(a.path() + QStringLiteral("/garbage.pem"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a certificate\n");
        garbage.close();
        auto notPem = Core::loadServerIdentity(garbage.fileName(), keyA);
        QVERIFY(!notPem);
        QVERIFY(notPem.error().message.contains(QStringLiteral("no PEM certificate")));
        auto keyNotPem = Core::loadServerIdentity(certA, garbage.fileName());
        QVERIFY(!keyNotPem);
        QVERIFY(keyNotPem.error().message.contains(QStringLiteral("private key")));
    }

    void parsesFingerprints_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        const QString hex = QStringLiteral("00112233445566778899aabbccddeeff"
                                           "00112233445566778899AABBCCDDEEFF");
        QByteArray colons = QByteArray::fromHex(hex.toLatin1()).toHex(':');
        QTest::newRow("plain hex") << hex << true;
        QTest::newRow("colons") << QString::fromLatin1(colons) << true;
        QTest::newRow("prefixed") << QStringLiteral("SHA-256 ") + QString::fromLatin1(colons)
                                  << true;
        QTest::newRow("sha256:") << QStringLiteral("sha256:") + hex << true;
        QTest::newRow("short") << hex.left(62) << false;
        QTest::newRow("not hex") << QStringLiteral("zz") + hex.mid(2) << false;
        QTest::newRow("empty") << QString() << false;
    }

    void parsesFingerprints()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        auto digest = Core::parseFingerprint(text);
        QCOMPARE(bool(digest), valid);
        if (valid) {
            QCOMPARE(digest->size(), 32);
            QCOMPARE(Core::parseFingerprint(Core::formatFingerprint(*digest)).value(), *digest);
        } else {
            QCOMPARE(digest.error().code, ErrorCode::BadRequest);
        }
    }
};

QTEST_GUILESS_MAIN(TestServerCertificate)
#include "tst_servercertificate.moc"
