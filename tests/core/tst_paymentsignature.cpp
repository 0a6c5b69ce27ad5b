#include "core/security/paymentsignature.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace Boxoffice::Core;

Q_DECLARE_METATYPE(ErrorCode)

namespace {

const QByteArray kSecret = QByteArrayLiteral("whsec_test_0123456789");
const QByteArray kBody = QByteArrayLiteral(
    R"({"orderId":"ord_001","paymentId":"pay_001","amountCents":12000,"status":"SUCCESS"})");
constexpr qint64 kNowSeconds = 1'790'000'000;
constexpr qint64 kNowMs = kNowSeconds * 1000 + 250;

QByteArray header(qint64 t, const QByteArray &body = kBody, const QByteArray &secret = kSecret)
{
    return paymentSignatureHeader(secret, t, body);
}

QByteArray v1Of(const QByteArray &headerValue)
{
    return headerValue.mid(headerValue.indexOf("v1=") + 3);
}

} // namespace

class TestPaymentSignature : public QObject
{
    Q_OBJECT

private slots:
    void headerFormat()
    {
        const QByteArray value = header(kNowSeconds);
        // Computed independently with Qt's HMAC.
        const QByteArray expected = QMessageAuthenticationCode::hash("1790000000." + kBody, kSecret,
                                                                     QCryptographicHash::Sha256)
                                        .toHex();
        QCOMPARE(value, "t=1790000000,v1=" + expected);
        QVERIFY(paymentSignatureHeader(QByteArray(), kNowSeconds, kBody).isEmpty());
    }

    void verify_data()
    {
        QTest::addColumn<QByteArray>("headerValue");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("messagePart"); // which of the distinct failures

        const QString malformed = QStringLiteral("malformed");
        const QString mismatch = QStringLiteral("does not match");
        const QString timestamp = QStringLiteral("timestamp");
        const QByteArray good = header(kNowSeconds);
        const QByteArray goodMac = v1Of(good);

        QTest::newRow("valid") << good << kBody << kSecret << true << QString();
        QTest::newRow("valid, empty body")
            << header(kNowSeconds, QByteArray()) << QByteArray() << kSecret << true << QString();
        QTest::newRow("valid, spaces after commas")
            << QByteArray("t=1790000000, v1=" + goodMac) << kBody << kSecret << true << QString();
        QTest::newRow("valid, uppercase hex") << QByteArray("t=1790000000,v1=" + goodMac.toUpper())
                                              << kBody << kSecret << true << QString();
        QTest::newRow("valid, v1 before t") << QByteArray("v1=" + goodMac + ",t=1790000000")
                                            << kBody << kSecret << true << QString();
        QTest::newRow("valid, unknown scheme ignored")
            << QByteArray(good + ",v0=abc") << kBody << kSecret << true << QString();
        QTest::newRow("t 299 s old")
            << header(kNowSeconds - 299) << kBody << kSecret << true << QString();
        QTest::newRow("t 299 s in future")
            << header(kNowSeconds + 299) << kBody << kSecret << true << QString();
        QTest::newRow("multiple v1, second right")
            << QByteArray("t=1790000000,v1=" + QByteArray(64, 'a') + ",v1=" + goodMac) << kBody
            << kSecret << true << QString();
        QTest::newRow("multiple v1, first right")
            << QByteArray("t=1790000000,v1=" + goodMac + ",v1=" + QByteArray(64, '0')) << kBody
            << kSecret << true << QString();
        QTest::newRow("signed by the old secret, rotated header")
            << QByteArray("t=1790000000,v1=" + v1Of(header(kNowSeconds, kBody, "new-secret")) +
                          ",v1=" + goodMac)
            << kBody << QByteArray("new-secret") << true << QString();

        QByteArray changedBody = kBody;
        changedBody.replace("12000", "1200");
        QTest::newRow("body changed") << good << changedBody << kSecret << false << mismatch;
        QTest::newRow("body with trailing newline")
            << good << QByteArray(kBody + '\n') << kSecret << false << mismatch;
        QTest::newRow("secret changed")
            << good << kBody << QByteArray("whsec_other") << false << mismatch;
        QTest::newRow("t changed")
            << QByteArray("t=1790000001,v1=" + goodMac) << kBody << kSecret << false << mismatch;
        QTest::newRow("t with leading zero")
            << QByteArray("t=01790000000,v1=" + goodMac) << kBody << kSecret << false << mismatch;
        QByteArray flipped = goodMac;
        flipped[0] = flipped[0] == 'f' ? 'e' : 'f';
        QTest::newRow("v1 one digit off")
            << QByteArray("t=1790000000,v1=" + flipped) << kBody << kSecret << false << mismatch;
        QTest::newRow("multiple v1, none right")
            << QByteArray("t=1790000000,v1=" + flipped + ",v1=" + QByteArray(64, 'a')) << kBody
            << kSecret << false << mismatch;

        QTest::newRow("t 301 s old")
            << header(kNowSeconds - 301) << kBody << kSecret << false << timestamp;
        QTest::newRow("t 301 s in future")
            << header(kNowSeconds + 301) << kBody << kSecret << false << timestamp;
        QTest::newRow("t a day old")
            << header(kNowSeconds - 86400) << kBody << kSecret << false << timestamp;
        QTest::newRow("t zero") << header(0) << kBody << kSecret << false << timestamp;

        QTest::newRow("empty") << QByteArray() << kBody << kSecret << false << malformed;
        QTest::newRow("whitespace") << QByteArray("  ") << kBody << kSecret << false << malformed;
        QTest::newRow("garbage") << QByteArray("garbage") << kBody << kSecret << false << malformed;
        QTest::newRow("binary") << QByteArray("\x00\xff=\x01,", 5) << kBody << kSecret << false
                                << malformed;
        QTest::newRow("missing t")
            << QByteArray("v1=" + goodMac) << kBody << kSecret << false << malformed;
        QTest::newRow("missing v1")
            << QByteArray("t=1790000000") << kBody << kSecret << false << malformed;
        QTest::newRow("empty v1") << QByteArray("t=1790000000,v1=") << kBody << kSecret << false
                                  << malformed;
        QTest::newRow("non-hex v1") << QByteArray("t=1790000000,v1=" + QByteArray(64, 'g')) << kBody
                                    << kSecret << false << malformed;
        QTest::newRow("short v1") << QByteArray("t=1790000000,v1=" + goodMac.chopped(2)) << kBody
                                  << kSecret << false << malformed;
        QTest::newRow("base64 v1")
            << QByteArray("t=1790000000,v1=" + QByteArray::fromHex(goodMac).toBase64()) << kBody
            << kSecret << false << malformed;
        QTest::newRow("non-numeric t")
            << QByteArray("t=now,v1=" + goodMac) << kBody << kSecret << false << malformed;
        QTest::newRow("negative t")
            << QByteArray("t=-1,v1=" + goodMac) << kBody << kSecret << false << malformed;
        QTest::newRow("huge t") << QByteArray("t=99999999999999999999,v1=" + goodMac) << kBody
                                << kSecret << false << malformed;
        QTest::newRow("t in milliseconds")
            << QByteArray("t=1790000000000,v1=" + goodMac) << kBody << kSecret << false << mismatch;
        QTest::newRow("two t") << QByteArray("t=1790000000,t=1790000000,v1=" + goodMac) << kBody
                               << kSecret << false << malformed;
        QTest::newRow("no equals")
            << QByteArray("t1790000000,v1" + goodMac) << kBody << kSecret << false << malformed;
        QTest::newRow("semicolons")
            << QByteArray("t=1790000000;v1=" + goodMac) << kBody << kSecret << false << malformed;
        QTest::newRow("huge") << QByteArray(1 << 20, ',') << kBody << kSecret << false << malformed;
    }
    void verify()
    {
        QFETCH(QByteArray, headerValue);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, secret);
        QFETCH(bool, valid);
        QFETCH(QString, messagePart);

        const Result<> result = verifyPaymentSignature(secret, headerValue, body, kNowMs);
        QVERIFY2(result.has_value() == valid,
                 qPrintable(result ? QStringLiteral("accepted") : result.error().message));
        if (!valid) {
            QCOMPARE(result.error().code, ErrorCode::SignatureInvalid);
            QVERIFY2(result.error().message.contains(messagePart),
                     qPrintable(result.error().message));
        }
    }

    void tolerance()
    {
        const QByteArray old = header(kNowSeconds - 60);
        QVERIFY(verifyPaymentSignature(kSecret, old, kBody, kNowMs, 61));
        const auto refused = verifyPaymentSignature(kSecret, old, kBody, kNowMs, 59);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::SignatureInvalid);
        // Exactly at the limit still passes, in both directions.
        QVERIFY(
            verifyPaymentSignature(kSecret, header(kNowSeconds - 300), kBody, kNowSeconds * 1000));
        QVERIFY(
            verifyPaymentSignature(kSecret, header(kNowSeconds + 300), kBody, kNowSeconds * 1000));
    }

    void emptySecretIsMisconfiguration()
    {
        const auto result =
            verifyPaymentSignature(QByteArray(), header(kNowSeconds), kBody, kNowMs);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::Internal);
    }
};

QTEST_APPLESS_MAIN(TestPaymentSignature)
#include "tst_paymentsignature.moc"
