#pragma once

#include "core/venue/venuelayout.h"

#include <QPointF>
#include <QRectF>

#include <memory>
#include <vector>

namespace Boxoffice::Core {

// A step of keyboard navigation over the seats, as seen by the audience facing the stage.
enum class SeatStep
{
    Left,
    Right,
    Forward, // toward the stage
    Back,
};

// A spatial index over the seats of one venue layout: hit-testing, rectangle queries and
// keyboard navigation for the seat map, in venue coordinates (metres).
//
// Seats are bucketed into a uniform grid of square cells sized from the seat density, so a
// point or small-rectangle query touches a handful of cells whatever the venue's size. Rows
// are found by (section, rowNumber); each row's seats are ordered along the row, house left
// to house right, and a section's rows are ordered front to back along the section's own
// front-to-back axis (taken from its first and last rows, so curved and rotated arena
// sections work), not by their distance to the stage.
//
// Immutable after construction and cheap to copy (copies share the index). Any thread may
// read it. A default-constructed grid has no seats: every query answers "none".
class SeatGrid
{
public:
    SeatGrid() = default;
    // Builds the index in O(seats) plus a sort of each row. A null layout gives an empty grid.
    explicit SeatGrid(std::shared_ptr<const VenueLayout> layout);

    // The seat whose centre is nearest to p within maxDistance (venue metres), else -1.
    // Ties go to the lower seat index.
    [[nodiscard]] int nearestSeat(QPointF p, double maxDistance) const;
    // Appends the seats whose centres lie in rect (venue coordinates, edges included),
    // ascending index.
    void seatsIn(const QRectF &rect, std::vector<int> &out) const;
    // Typical distance between neighbouring seats in the venue (metres): the median distance
    // between seats that are next to each other in a row. 0.5 when no row has two seats.
    [[nodiscard]] double seatPitch() const;
    // Keyboard navigation. Left/Right: the next seat along the row, house left or right
    // (positions along the row, not seat numbers, which may run either way or skip); -1 at
    // the row's end. Forward/Back: the nearest seat (by position) in the row nearer to /
    // further from the stage in the same section; from the section's front or back row, the
    // nearest seat of another section that lies ahead of / behind the seat (within 30° of the
    // section's front-to-back axis), e.g. from a balcony's front row to the stalls below it.
    // -1 when there is none, or when seat is not a seat index.
    [[nodiscard]] int neighbour(int seat, SeatStep step) const;

private:
    struct Index;
    std::shared_ptr<const Index> m_index;
};

} // namespace Boxoffice::Core
