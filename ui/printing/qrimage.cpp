#include "ui/printing/qrimage.h"

#include <qrencode.h>

#include <cstring>
#include <memory>

namespace Boxoffice::Gui {

namespace {

struct QrCodeDeleter
{
    void operator()(QRcode *code) const { QRcode_free(code); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeDeleter>;

// Image sides beyond this are a caller bug (a 177-module symbol at 64 px is ~11,800 px).
constexpr qint64 kMaxSidePx = 16384;

QrCodePtr encode(const QByteArray &payload)
{
    if (payload.isEmpty())
        return nullptr;
    // Version 0: the smallest that fits. QRcode_encodeData always uses 8-bit mode.
    return QrCodePtr(QRcode_encodeData(int(payload.size()),
                                       reinterpret_cast<const unsigned char *>(payload.constData()),
                                       0, QR_ECLEVEL_M));
}

} // namespace

QImage renderQrCode(const QByteArray &payload, int moduleSizePx, int quietZoneModules)
{
    if (moduleSizePx < 1 || quietZoneModules < 0)
        return {};
    const QrCodePtr code = encode(payload);
    if (!code)
        return {};
    const int modules = code->width;
    const qint64 sidePx = (qint64(modules) + 2 * qint64(quietZoneModules)) * moduleSizePx;
    if (sidePx > kMaxSidePx)
        return {};
    const int side = int(sidePx);

    QImage image(side, side, QImage::Format_Grayscale8);
    if (image.isNull())
        return {};
    image.fill(Qt::white);
    const int offset = quietZoneModules * moduleSizePx;
    for (int y = 0; y < modules; ++y) {
        // libqrencode: one byte per module, bit 0 set = dark; the other bits are metadata.
        const unsigned char *row = code->data + qsizetype(y) * modules;
        uchar *first = image.scanLine(offset + y * moduleSizePx);
        for (int x = 0; x < modules; ++x) {
            if (row[x] & 0x01)
                std::memset(first + offset + x * moduleSizePx, 0, size_t(moduleSizePx));
        }
        for (int i = 1; i < moduleSizePx; ++i)
            std::memcpy(image.scanLine(offset + y * moduleSizePx + i), first, size_t(side));
    }
    return image;
}

QSize qrCodeModules(const QByteArray &payload)
{
    const QrCodePtr code = encode(payload);
    return code ? QSize(code->width, code->width) : QSize();
}

} // namespace Boxoffice::Gui
