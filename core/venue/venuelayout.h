#pragma once

#include "core/common/ids.h"
#include "core/common/result.h"

#include <QByteArray>
#include <QList>
#include <QRectF>
#include <QString>

#include <vector>

namespace Boxoffice::Core {

// The largest venue the system accepts. The demo arena has 100,000 seats.
inline constexpr int kMaxVenueSeats = 200'000;

enum class SeatFlag : quint8
{
    None = 0,
    Wheelchair = 1, // a wheelchair space
    Companion = 2,  // a seat for the companion of a wheelchair user, next to the space
};

// A price tier key: shows price categories, not seats.
struct SeatCategory
{
    QString id;   // "A"
    QString name; // "Premium"

    friend bool operator==(const SeatCategory &, const SeatCategory &) = default;
};

struct VenueSection
{
    QString id;    // "STALLS"; unique in the venue
    QString name;  // "Stalls"
    QString level; // "Stalls", "Balcony 1", "Floor"

    friend bool operator==(const VenueSection &, const VenueSection &) = default;
};

struct LayoutSeat
{
    SeatId id;   // unique in the venue; "<sectionId>-<rowLabel>-<number>" unless the file gives one
    int section; // index into VenueLayout::sections()
    QString row; // row label, "C"; one shared QString per row
    int rowNumber; // 1-based row position within its section (seed's row_num)
    int number;    // seat number printed on the ticket (seed's col_num)
    float x, y;    // venue coordinates in metres; y grows away from the stage, stage near y = 0
    int category;  // index into VenueLayout::categories()
    quint8 flags;  // SeatFlag bits

    [[nodiscard]] bool has(SeatFlag flag) const { return (flags & quint8(flag)) != 0; }
};

// The seats of a venue and where they are. An immutable, copyable value; callers share one as
// std::shared_ptr<const VenueLayout>. Safe to read from any thread.
//
// The position of a seat in seats() is its "seat index": compact availability snapshots and
// the seat map's flat arrays are in this order, so the order is part of the layout.
class VenueLayout
{
public:
    // Everything a layout is made of, e.g. when it is read back from storage.
    struct Parts
    {
        VenueId id;
        QString name;
        QString city;
        QRectF stage;
        QList<SeatCategory> categories;
        QList<VenueSection> sections;
        std::vector<LayoutSeat> seats;
    };

    VenueLayout() = default; // an empty layout with no seats

    // Checks the parts and indexes the seats. Fails with BadRequest when an id is empty or
    // repeated, a section or category index is out of range, a coordinate is not finite, or
    // there are no seats or more than kMaxVenueSeats. For a repeated seat id the error's
    // details hold {"seatId", "seatIndex": later, "firstSeatIndex": earlier}.
    [[nodiscard]] static Result<VenueLayout> fromParts(Parts parts);

    [[nodiscard]] const VenueId &id() const { return m_id; }
    [[nodiscard]] const QString &name() const { return m_name; }
    [[nodiscard]] const QString &city() const { return m_city; }
    [[nodiscard]] QRectF stage() const { return m_stage; } // in venue coordinates
    [[nodiscard]] const QList<SeatCategory> &categories() const { return m_categories; }
    [[nodiscard]] const QList<VenueSection> &sections() const { return m_sections; }
    // In layout order; the vector index is the seat index.
    [[nodiscard]] const std::vector<LayoutSeat> &seats() const { return m_seats; }
    [[nodiscard]] int seatCount() const { return int(m_seats.size()); }

    // The seat index of id, or -1 when the venue has no such seat. O(1).
    [[nodiscard]] int indexOf(const SeatId &id) const;
    [[nodiscard]] int categoryIndex(const QString &categoryId) const; // -1 when unknown
    [[nodiscard]] int sectionIndex(const QString &sectionId) const;   // -1 when unknown
    // The bounding box of all seats and the stage.
    [[nodiscard]] QRectF bounds() const { return m_bounds; }

private:
    // Open addressing over seat indices instead of a QHash<SeatId, int>: for 100,000 seats the
    // QHash nodes cost about 5 MB, this table 1 MB. Each slot holds a seat index or -1.
    [[nodiscard]] size_t slotOf(QStringView id) const;

    VenueId m_id;
    QString m_name;
    QString m_city;
    QRectF m_stage;
    QRectF m_bounds;
    QList<SeatCategory> m_categories;
    QList<VenueSection> m_sections;
    std::vector<LayoutSeat> m_seats;
    std::vector<qint32> m_slots;
    size_t m_hashSeed = 0;
};

// Reads a venue layout document (docs/venue-layout-format.md). sourceName is only used in
// error messages, which name it, the place in the document and the problem, e.g.
// "arena.json: sections[3].rows[2].seats: expected a positive integer, got \"ten\"".
// Every error is BadRequest.
[[nodiscard]] Result<VenueLayout> parseVenueLayout(const QByteArray &json,
                                                   const QString &sourceName);

// Reads the file at path and parses it with its file name as the source name. A missing file
// is NotFound, an unreadable one Internal; anything wrong inside it is BadRequest.
[[nodiscard]] Result<VenueLayout> loadVenueLayout(const QString &path);

} // namespace Boxoffice::Core
