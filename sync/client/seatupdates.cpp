#include "sync/client/seatupdates.h"

#include "core/venue/venuelayout.h"
#include "sync/client/packedstatuses.h"

namespace Boxoffice::Sync {

using namespace Core;

namespace {

constexpr qint64 kMaxVersion = std::numeric_limits<qint64>::max() / 2;

} // namespace

// {showId, version, delta:false, seatCount, encoding:"status2", statuses:BASE64}
SeatSnapshot readSnapshot(AnswerReader &json, const ShowId &show)
{
    SeatSnapshot snapshot;
    snapshot.show = ShowId(json.string(QStringLiteral("showId"), 64));
    snapshot.version = json.integer(QStringLiteral("version"), 0, kMaxVersion);
    const qint64 seatCount = json.integer(QStringLiteral("seatCount"), 0, kMaxVenueSeats);
    const QString encoding = json.string(QStringLiteral("encoding"), 32);
    const QString text = json.string(QStringLiteral("statuses"), kMaxVenueSeats);
    if (json.ok() && encoding != QLatin1StringView("status2"))
        json.invalid(QStringLiteral("encoding"),
                     QStringLiteral("expected \"status2\", got \"%1\"").arg(encoding));
    if (json.ok() && snapshot.show != show)
        json.invalid(
            QStringLiteral("showId"),
            QStringLiteral("asked for %1, got %2").arg(show.value(), snapshot.show.value()));
    if (!json.ok())
        return snapshot;
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        json.invalid(QStringLiteral("statuses"), QStringLiteral("not base64"));
        return snapshot;
    }
    auto statuses = unpackStatuses(*decoded, seatCount);
    if (!statuses) {
        json.invalid(QStringLiteral("statuses"), statuses.error().message);
        return snapshot;
    }
    snapshot.statuses = std::move(*statuses);
    return snapshot;
}

// {showId, version, since, delta:true, changes:[{version, status, seatIds, seatIndexes}]}
SeatDelta readDelta(AnswerReader &json, const ShowId &show, const QString &sinceField)
{
    SeatDelta delta;
    delta.show = ShowId(json.string(QStringLiteral("showId"), 64));
    delta.version = json.integer(QStringLiteral("version"), 0, kMaxVersion);
    delta.since = json.integer(sinceField, 0, kMaxVersion);
    if (json.ok() && delta.show != show)
        json.invalid(QStringLiteral("showId"),
                     QStringLiteral("asked for %1, got %2").arg(show.value(), delta.show.value()));
    if (json.ok() && delta.since > delta.version)
        json.invalid(sinceField, QStringLiteral("is after version"));
    const QString field = QStringLiteral("changes");
    const QJsonArray changes = json.array(field, kMaxVenueSeats);
    qint64 previous = delta.since;
    for (qsizetype i = 0; i < changes.size() && json.ok(); ++i) {
        AnswerReader item = json.item(field, changes, i);
        SeatChangeInfo change;
        change.version = item.integer(QStringLiteral("version"), previous + 1, delta.version);
        previous = change.version;
        const QString status = item.string(QStringLiteral("status"), 32);
        if (item.ok()) {
            if (const auto state = seatStateFromWireName(status))
                change.status = *state;
            else
                item.invalid(QStringLiteral("status"),
                             QStringLiteral("unknown seat status \"%1\"").arg(status));
        }
        const QString indexesField = QStringLiteral("seatIndexes");
        const QJsonArray indexes = item.array(indexesField, kMaxVenueSeats);
        change.seatIndexes.reserve(std::size_t(indexes.size()));
        for (qsizetype n = 0; n < indexes.size() && item.ok(); ++n) {
            const QJsonValue value = indexes.at(n);
            const double number = value.toDouble(-1);
            if (!value.isDouble() || number < 0 || number >= kMaxVenueSeats ||
                number != double(int(number)))
                item.invalid(QStringLiteral("%1[%2]").arg(indexesField).arg(n),
                             QStringLiteral("expected a seat index"));
            else
                change.seatIndexes.push_back(int(number));
        }
        delta.changes.append(std::move(change));
    }
    return delta;
}

} // namespace Boxoffice::Sync
