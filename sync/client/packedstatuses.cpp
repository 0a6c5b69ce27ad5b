#include "sync/client/packedstatuses.h"

#include "core/venue/venuelayout.h"

namespace Boxoffice::Sync {

using namespace Core;

Result<std::vector<quint8>> unpackStatuses(const QByteArray &packed, qint64 seatCount)
{
    if (seatCount < 0 || seatCount > kMaxVenueSeats)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("a seat count of %1 is out of range").arg(seatCount));
    const qint64 expected = (seatCount + 3) / 4;
    if (packed.size() != expected)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("%1 packed bytes for %2 seats; expected %3")
                        .arg(packed.size())
                        .arg(seatCount)
                        .arg(expected));
    std::vector<quint8> statuses(static_cast<std::size_t>(seatCount));
    const auto *bytes = reinterpret_cast<const quint8 *>(packed.constData());
    for (std::size_t i = 0; i < statuses.size(); ++i)
        statuses[i] = (bytes[i / 4] >> ((i % 4) * 2)) & 0x3;
    return statuses;
}

} // namespace Boxoffice::Sync
