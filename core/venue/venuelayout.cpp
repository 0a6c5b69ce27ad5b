#include "core/venue/venuelayout.h"

#include <QFile>
#include <QFileInfo>
#include <QHashFunctions>

#include <bit>
#include <cmath>

namespace Boxoffice::Core {

namespace {

std::unexpected<Error> badParts(const QString &problem)
{
    return fail(ErrorCode::BadRequest, QStringLiteral("venue layout: ") + problem);
}

template <class T> int indexById(const QList<T> &list, const QString &id)
{
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).id == id)
            return int(i);
    }
    return -1;
}

template <class T> Result<> checkUniqueIds(const QList<T> &list, const QString &what)
{
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).id.isEmpty())
            return badParts(QStringLiteral("%1 %2 has an empty id").arg(what).arg(i));
        if (indexById(list, list.at(i).id) != i)
            return badParts(QStringLiteral("%1 id \"%2\" is repeated").arg(what, list.at(i).id));
    }
    return {};
}

} // namespace

Result<VenueLayout> VenueLayout::fromParts(Parts parts)
{
    if (parts.id.isEmpty())
        return badParts(QStringLiteral("the venue id is empty"));
    if (auto ok = checkUniqueIds(parts.categories, QStringLiteral("category")); !ok)
        return std::unexpected(ok.error());
    if (auto ok = checkUniqueIds(parts.sections, QStringLiteral("section")); !ok)
        return std::unexpected(ok.error());
    if (parts.seats.empty())
        return badParts(QStringLiteral("the venue has no seats"));
    if (parts.seats.size() > size_t(kMaxVenueSeats)) {
        return badParts(QStringLiteral("%1 seats is over the limit of %2")
                            .arg(parts.seats.size())
                            .arg(kMaxVenueSeats));
    }
    const QRectF stage = parts.stage.normalized();
    if (!std::isfinite(stage.left()) || !std::isfinite(stage.top()) ||
        !std::isfinite(stage.right()) || !std::isfinite(stage.bottom())) {
        return badParts(QStringLiteral("the stage rectangle is not finite"));
    }

    double minX = stage.left();
    double maxX = stage.right();
    double minY = stage.top();
    double maxY = stage.bottom();
    const int sectionCount = int(parts.sections.size());
    const int categoryCount = int(parts.categories.size());
    for (size_t i = 0; i < parts.seats.size(); ++i) {
        const LayoutSeat &seat = parts.seats[i];
        if (seat.id.isEmpty())
            return badParts(QStringLiteral("seat %1 has an empty id").arg(i));
        if (seat.section < 0 || seat.section >= sectionCount || seat.category < 0 ||
            seat.category >= categoryCount) {
            return badParts(QStringLiteral("seat \"%1\" refers to a section or category that "
                                           "does not exist")
                                .arg(seat.id.value()));
        }
        if (!std::isfinite(seat.x) || !std::isfinite(seat.y))
            return badParts(
                QStringLiteral("seat \"%1\" has no finite position").arg(seat.id.value()));
        minX = std::min(minX, double(seat.x));
        maxX = std::max(maxX, double(seat.x));
        minY = std::min(minY, double(seat.y));
        maxY = std::max(maxY, double(seat.y));
    }

    VenueLayout layout;
    layout.m_id = std::move(parts.id);
    layout.m_name = std::move(parts.name);
    layout.m_city = std::move(parts.city);
    layout.m_stage = stage;
    layout.m_bounds = QRectF(QPointF(minX, minY), QPointF(maxX, maxY));
    layout.m_categories = std::move(parts.categories);
    layout.m_sections = std::move(parts.sections);
    layout.m_seats = std::move(parts.seats);

    // At most half the slots are used, so probe sequences stay short. The seed is the
    // process-wide one, so file authors cannot pick ids that all collide.
    const size_t slotCount = std::bit_ceil(layout.m_seats.size() * 2);
    layout.m_slots.assign(slotCount, -1);
    layout.m_hashSeed = QHashSeed::globalSeed();
    for (size_t i = 0; i < layout.m_seats.size(); ++i) {
        const QString &id = layout.m_seats[i].id.value();
        size_t slot = layout.slotOf(id);
        while (layout.m_slots[slot] >= 0) {
            const qint32 other = layout.m_slots[slot];
            if (layout.m_seats[size_t(other)].id.value() == id) {
                return fail(ErrorCode::BadRequest,
                            QStringLiteral("venue layout: seat id \"%1\" is repeated").arg(id),
                            QJsonObject{{QStringLiteral("seatId"), id},
                                        {QStringLiteral("seatIndex"), qint64(i)},
                                        {QStringLiteral("firstSeatIndex"), other}});
            }
            slot = (slot + 1) & (slotCount - 1);
        }
        layout.m_slots[slot] = qint32(i);
    }
    return layout;
}

size_t VenueLayout::slotOf(QStringView id) const
{
    return qHash(id, m_hashSeed) & (m_slots.size() - 1);
}

int VenueLayout::indexOf(const SeatId &id) const
{
    if (m_slots.empty())
        return -1;
    const QString &text = id.value();
    for (size_t slot = slotOf(text);; slot = (slot + 1) & (m_slots.size() - 1)) {
        const qint32 index = m_slots[slot];
        if (index < 0)
            return -1;
        if (m_seats[size_t(index)].id.value() == text)
            return index;
    }
}

int VenueLayout::categoryIndex(const QString &categoryId) const
{
    return indexById(m_categories, categoryId);
}

int VenueLayout::sectionIndex(const QString &sectionId) const
{
    return indexById(m_sections, sectionId);
}

Result<VenueLayout> loadVenueLayout(const QString &path)
{
    // A layout file is small even with every seat written out (about 60 bytes a seat).
    constexpr qint64 kMaxFileBytes = 64 * 1024 * 1024;
    const QFileInfo info(path);
    if (!info.exists()) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("%1: venue layout file not found").arg(path));
    }
    if (info.size() > kMaxFileBytes) {
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("%1: the file has %2 bytes, more than the %3 a venue layout "
                                   "may have")
                        .arg(info.fileName())
                        .arg(info.size())
                        .arg(kMaxFileBytes));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("%1: cannot read the file: %2").arg(path, file.errorString()));
    }
    return parseVenueLayout(file.readAll(), info.fileName());
}

} // namespace Boxoffice::Core
