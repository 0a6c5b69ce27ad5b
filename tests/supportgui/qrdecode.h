#pragma once

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QRect>
#include <QString>
#include <QStringList>

// Finding QR codes on rendered pages in GUI tests, with ZXing (the decoder of phone scanner
// apps). Any thread.
namespace Boxoffice::Test {

struct FoundQrCode
{
    QByteArray bytes; // the decoded bytes as they are (a payload may be binary)
    QString text;     // the same bytes read as UTF-8 (ticket payloads are ASCII)
    QRect bounds;     // where the symbol is on the image, in pixels (without its quiet zone)
};

// Every QR code on `image`, top to bottom, then left to right. Empty if there is none or the
// image is null.
[[nodiscard]] QList<FoundQrCode> findQrCodes(const QImage &image);

// The texts of findQrCodes(image), in the same order.
[[nodiscard]] QStringList decodeQrCodes(const QImage &image);

} // namespace Boxoffice::Test
