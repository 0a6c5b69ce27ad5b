#pragma once

#include "core/common/result.h"
#include "core/venue/venuelayout.h"

#include <vector>

namespace Boxoffice::Core {

// The most seats one "best available" request may ask for: the largest hold a server can be
// configured to accept (boxoffice-server --max-seats-per-hold takes 1 to 100).
inline constexpr int kMaxBestAvailableSeats = 100;

struct BestAvailableRequest
{
    int count = 2;           // 1 to kMaxBestAvailableSeats; anything else is BadRequest
    int section = -1;        // restrict to a section index, -1 any
    int category = -1;       // restrict to a category index, -1 any
    bool accessible = false; // true: the block must include a wheelchair space (and companion
                             // seats may be used); false: wheelchair spaces and companion seats
                             // are never picked
};

// The rows of a venue cut into runs: stretches of seats that sit physically next to each
// other. A run is part of one row (same section and row); seats follow in seat-number order.
// An aisle or a gap breaks a row into several runs even where the numbers continue: two
// neighbours are adjacent when their distance is at most kGapFactor times the row's seat
// pitch, taken as the lower median of the distances between its neighbouring seats (so a row
// with fewer aisles than seats finds its pitch; a row of two seats is always one run).
//
// An immutable value built in O(seats) for a layout in the parser's order (O(seats log seats)
// otherwise). Keep one per layout when "best available" is called repeatedly. Safe to read
// from any thread.
class RowIndex
{
public:
    // order()[begin .. end) are the seats of one run, all in `section`.
    struct Run
    {
        int begin = 0;
        int end = 0;
        int section = 0;
    };

    static constexpr double kGapFactor = 1.5;

    RowIndex() = default; // indexes no seats
    explicit RowIndex(const VenueLayout &layout);

    [[nodiscard]] int seatCount() const { return int(m_order.size()); }
    // Every seat index once: by section, row position, then seat number.
    [[nodiscard]] const std::vector<int> &order() const { return m_order; }
    // In order() order; together they cover order() without overlap.
    [[nodiscard]] const std::vector<Run> &runs() const { return m_runs; }

private:
    std::vector<int> m_order;
    std::vector<Run> m_runs;
};

// Picks `request.count` adjacent seats in one run of one row for the clerk's "best available N".
// `selectable[i]` says whether seat i may be picked (AVAILABLE and on sale for this show; the
// caller builds it from the seat map model). Seat i is *free* when selectable[i] is non-zero;
// it is *pickable* when it is free and passes the request's section, category and
// accessibility rules.
//
// Among the blocks of `count` consecutive pickable seats of one run (with a wheelchair space
// in it for accessible requests) the best one is, in this order:
//   1. the one that strands the fewest seats. A seat is stranded when it is free, next to the
//      block, and on its other side has no free neighbour in the run (a taken or unsellable
//      seat, an aisle, or the row's end): one seat nobody can buy together with another. A
//      block that strands one is only taken when every block strands one or more;
//   2. the one whose centre (the mean of its seats' positions) is nearest the centre of
//      layout.stage(). In a plane where the stage sits at y = 0 and balconies are drawn behind
//      the stalls, this fills front centre first and spreads outwards and backwards, the way a
//      box office sells a house;
//   3. on a tie (within a millimetre), the one that comes first in RowIndex order.
//
// Returns the chosen seat indexes, ascending. Fails with BadRequest, changing nothing, when
// the count is out of range, the section or category index is neither -1 nor an index of the
// layout, or `selectable` does not have one entry per seat; with NotFound and a message that
// says what was looked for when no such block exists. O(seats) per call.
[[nodiscard]] Result<std::vector<int>> bestAvailable(const VenueLayout &layout,
                                                     const std::vector<quint8> &selectable,
                                                     const BestAvailableRequest &request);

// The same with a RowIndex built earlier for `layout` (BadRequest when its seat count differs).
[[nodiscard]] Result<std::vector<int>> bestAvailable(const VenueLayout &layout,
                                                     const RowIndex &rows,
                                                     const std::vector<quint8> &selectable,
                                                     const BestAvailableRequest &request);

} // namespace Boxoffice::Core
