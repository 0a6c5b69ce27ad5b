#pragma once

#include <QByteArray>
#include <QImage>
#include <QSize>

// QR codes for printed tickets and receipts, encoded with libqrencode: byte (8-bit) mode, error
// correction level M, the smallest version that fits. Pure functions, thread-safe.
namespace Boxoffice::Gui {

// `payload` as a QR image: black (0) modules on white (255) in Format_Grayscale8, each module
// moduleSizePx × moduleSizePx pixels, with a white quiet zone of quietZoneModules modules on
// every side (4 is what the QR standard asks for). Side length in pixels:
// (qrCodeModules(payload).width() + 2 · quietZoneModules) · moduleSizePx.
// A null QImage if the payload is empty or too long for a QR code (over 2,331 bytes at level M),
// if moduleSizePx < 1 or quietZoneModules < 0, or if libqrencode runs out of memory.
[[nodiscard]] QImage renderQrCode(const QByteArray &payload, int moduleSizePx = 4,
                                  int quietZoneModules = 4);

// The symbol's size in modules (without quiet zone), e.g. 57×57 for a ~220-byte ticket payload
// (version 10), or an invalid QSize if it cannot be encoded. For layout before rendering.
[[nodiscard]] QSize qrCodeModules(const QByteArray &payload);

} // namespace Boxoffice::Gui
