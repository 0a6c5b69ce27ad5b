#include "core/security/random.h"
#include "core/security/ticketsigner.h"
#include "ui/printing/qrimage.h"

#include "qrdecode.h"

#include <QTest>

using namespace Boxoffice::Core;
using namespace Boxoffice::Gui;

namespace {

// Decodes the one QR code in `image` with zxing-cpp, as a scanner app would.
QByteArray decodeQr(const QImage &image)
{
    const auto codes = Boxoffice::Test::findQrCodes(image);
    return codes.size() == 1 ? codes.first().bytes : QByteArray();
}

bool isBlack(const QImage &image, int x, int y)
{
    return qGray(image.pixel(x, y)) < 128;
}

} // namespace

class TestQrImage : public QObject
{
    Q_OBJECT

private:
    std::optional<TicketSigner> m_signer;
    QString m_payload;

private slots:
    void initTestCase()
    {
        auto signer = TicketSigner::generate();
        QVERIFY(signer);
        m_signer = *signer;
        TicketClaims claims;
        claims.show = ShowId(QStringLiteral("SHOW_20260223_01"));
        claims.seat = SeatId(QStringLiteral("A-1-01"));
        claims.order = OrderId(newId(u"ORD_"));
        claims.ticket = TicketCode(newId(u"TKT_"));
        claims.validUntilMs = 1'790'000'000'000LL;
        const auto payload = m_signer->sign(claims);
        QVERIFY(payload);
        m_payload = *payload;
    }

    void ticketRoundTrip_data()
    {
        QTest::addColumn<int>("moduleSize");
        QTest::addColumn<int>("quietZone");
        QTest::newRow("1 px") << 1 << 4;
        QTest::newRow("2 px") << 2 << 4;
        QTest::newRow("3 px") << 3 << 4;
        QTest::newRow("4 px (default)") << 4 << 4;
        QTest::newRow("7 px") << 7 << 4;
        QTest::newRow("10 px, quiet zone 2") << 10 << 2;
    }
    void ticketRoundTrip()
    {
        QFETCH(int, moduleSize);
        QFETCH(int, quietZone);
        const QByteArray payload = m_payload.toLatin1();
        const QSize modules = qrCodeModules(payload);
        QVERIFY(modules.isValid());
        QCOMPARE(modules.width(), modules.height());
        QCOMPARE((modules.width() - 17) % 4, 0); // 21, 25, ... 177: a real QR version

        const QImage image = renderQrCode(payload, moduleSize, quietZone);
        QVERIFY(!image.isNull());
        const int side = (modules.width() + 2 * quietZone) * moduleSize;
        QCOMPARE(image.size(), QSize(side, side));

        // Quiet zone white, the finder pattern's corner black, only black and white pixels.
        QVERIFY(!isBlack(image, 0, 0));
        QVERIFY(!isBlack(image, side - 1, side - 1));
        const int origin = quietZone * moduleSize;
        QVERIFY(isBlack(image, origin, origin));
        QVERIFY(isBlack(image, origin + moduleSize - 1, origin + moduleSize - 1));
        QVERIFY(!isBlack(image, origin - 1, origin));
        QVERIFY(!isBlack(image, origin + moduleSize, origin + moduleSize)); // finder's white ring
        const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
        for (int y = 0; y < gray.height(); ++y) {
            const uchar *line = gray.constScanLine(y);
            for (int x = 0; x < gray.width(); ++x)
                QVERIFY(line[x] == 0 || line[x] == 255);
        }

        const QByteArray decoded = decodeQr(image);
        QCOMPARE(decoded, payload);

        TicketVerifier verifier;
        verifier.addKey(m_signer->keyId(), m_signer->publicKey());
        const auto claims = verifier.verify(QString::fromLatin1(decoded));
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().message));
        QCOMPARE(claims->keyId, m_signer->keyId());
    }

    void scaledLikeAPrintout()
    {
        // Printing resamples the image; a smoothly scaled copy still decodes.
        const QByteArray payload = m_payload.toLatin1();
        const QImage scaled = renderQrCode(payload, 3)
                                  .scaled(500, 500, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        QCOMPARE(decodeQr(scaled), payload);
    }

    void binaryPayload()
    {
        QByteArray payload;
        for (int i = 0; i < 256; ++i)
            payload.append(char(i));
        const QImage image = renderQrCode(payload);
        QVERIFY(!image.isNull());
        QCOMPARE(decodeQr(image), payload);
    }

    void largerPayloadLargerSymbol()
    {
        QVERIFY(qrCodeModules(QByteArray(10, 'x')).width() <
                qrCodeModules(QByteArray(400, 'x')).width());
        QCOMPARE(qrCodeModules(QByteArray(10, 'x')),
                 QSize(21, 21)); // version 1 holds 14 bytes at M
    }

    void refuses_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("moduleSize");
        QTest::addColumn<int>("quietZone");
        QTest::newRow("empty") << QByteArray() << 4 << 4;
        QTest::newRow("too long for a QR code") << QByteArray(2332, 'x') << 4 << 4;
        QTest::newRow("far too long") << QByteArray(100000, 'x') << 4 << 4;
        QTest::newRow("module size 0") << QByteArray("x") << 0 << 4;
        QTest::newRow("negative quiet zone") << QByteArray("x") << 4 << -1;
        QTest::newRow("absurd module size") << QByteArray("x") << 100000 << 4;
    }
    void refuses()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, moduleSize);
        QFETCH(int, quietZone);
        QVERIFY(renderQrCode(payload, moduleSize, quietZone).isNull());
    }

    void longestPayloadFits()
    {
        const QByteArray payload(2331, 'x'); // version 40-M byte-mode capacity
        QCOMPARE(qrCodeModules(payload), QSize(177, 177));
        QVERIFY(!renderQrCode(payload, 1).isNull());
        QVERIFY(!qrCodeModules(QByteArray(2332, 'x')).isValid());
    }
};

QTEST_MAIN(TestQrImage)
#include "tst_qrimage.moc"
