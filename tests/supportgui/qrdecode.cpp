#define ZX_USE_UTF8
#include "qrdecode.h"

#include <ZXing/ReadBarcode.h>

#include <algorithm>

namespace Boxoffice::Test {

QList<FoundQrCode> findQrCodes(const QImage &image)
{
    if (image.isNull())
        return {};
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    const ZXing::ImageView view(gray.constBits(), gray.width(), gray.height(),
                                ZXing::ImageFormat::Lum, int(gray.bytesPerLine()));
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    hints.setTryHarder(true);
    hints.setTryRotate(true);

    QList<FoundQrCode> found;
    for (const ZXing::Result &result : ZXing::ReadBarcodes(view, hints)) {
        if (!result.isValid())
            continue;
        const ZXing::ByteArray &bytes = result.bytes();
        QRect bounds;
        for (const ZXing::PointI &corner : result.position())
            bounds |= QRect(corner.x, corner.y, 1, 1);
        const QByteArray raw(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
        found.append({raw, QString::fromUtf8(raw), bounds});
    }
    std::sort(found.begin(), found.end(), [](const FoundQrCode &a, const FoundQrCode &b) {
        return std::pair(a.bounds.top(), a.bounds.left()) <
               std::pair(b.bounds.top(), b.bounds.left());
    });
    return found;
}

QStringList decodeQrCodes(const QImage &image)
{
    QStringList texts;
    for (const FoundQrCode &code : findQrCodes(image))
        texts.append(code.text);
    return texts;
}

} // namespace Boxoffice::Test
