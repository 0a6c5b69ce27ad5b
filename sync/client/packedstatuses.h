#pragma once

#include "core/common/result.h"

#include <QByteArray>

#include <vector>

namespace Boxoffice::Sync {

// Seat statuses two bits per seat in layout order, first seat in the low bits of byte 0
// (0 AVAILABLE, 1 HELD, 2 SOLD, 3 REFUND_PENDING) — the server's compact snapshot and the
// terminal cache's storage form. Packing is Core::packStatuses.
//
// Unpacks `seatCount` statuses; BadRequest when the size does not match (the bytes must be
// exactly ceil(seatCount / 4)) or seatCount is negative or beyond the largest venue.
[[nodiscard]] Core::Result<std::vector<quint8>> unpackStatuses(const QByteArray &packed,
                                                               qint64 seatCount);

} // namespace Boxoffice::Sync
