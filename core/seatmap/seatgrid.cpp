#include "core/seatmap/seatgrid.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

namespace Boxoffice::Core {

namespace {

// Rows of one section whose depths differ by less than this are side by side (e.g. boxes on
// both sides of a theatre), not one behind the other. Rows are at least 0.3 m apart.
constexpr double kSameDepth = 0.25;
// Falling over to another section: within 30° of the front-to-back axis, so that the seat
// found is ahead of / behind this one, not off to the side (an arena's neighbouring stands).
constexpr double kConeCos = 0.8660254037844386;
constexpr double kConeSin = 0.5;
constexpr double kConeTan = kConeSin / kConeCos;
constexpr double kDefaultPitch = 0.5;
constexpr double kMinCell = 0.3;

double dot(QPointF a, QPointF b)
{
    return a.x() * b.x() + a.y() * b.y();
}

double length(QPointF a)
{
    return std::sqrt(a.x() * a.x() + a.y() * a.y()); // std::hypot is several times slower
}

QPointF unit(QPointF a, QPointF fallback)
{
    const double len = length(a);
    return len > 1e-9 ? a / len : fallback;
}

} // namespace

struct SeatGrid::Index
{
    struct Row
    {
        int section = 0;
        int begin = 0; // into rowSeats
        int count = 0;
        int level = 0; // index into the section's levels, front first
        double depth = 0;
    };
    struct Section
    {
        QPointF back{0, 1};                   // unit vector, front to back
        std::vector<std::vector<int>> levels; // rows side by side at each depth, front first
    };

    std::shared_ptr<const VenueLayout> layout;
    std::vector<float> xs;
    std::vector<float> ys;
    QRectF seatBounds;

    double originX = 0;
    double originY = 0;
    double cell = 1;
    int cols = 0;
    int rows = 0;
    std::vector<int> cellStart; // cols * rows + 1 offsets into cellSeats
    std::vector<int> cellSeats; // seat indices, ascending within a cell

    std::vector<Row> rowList;
    std::vector<int> rowSeats; // each row's seats, house left to house right
    std::vector<int> seatRow;
    std::vector<int> seatSlot; // index into rowSeats
    std::vector<Section> sections;
    double pitch = kDefaultPitch;

    explicit Index(std::shared_ptr<const VenueLayout> venue);

    [[nodiscard]] int seatCount() const { return int(xs.size()); }
    [[nodiscard]] QPointF pos(int seat) const { return {xs[seat], ys[seat]}; }
    [[nodiscard]] int sectionOf(int seat) const { return layout->seats()[seat].section; }

    // Distance from p to the block of cells [x0, x1] × [y0, y1] (clipped to the grid by the
    // caller); 0 inside.
    [[nodiscard]] double distanceToCells(QPointF p, int x0, int y0, int x1, int y1) const
    {
        const double left = originX + x0 * cell;
        const double top = originY + y0 * cell;
        const double right = originX + (x1 + 1) * cell;
        const double bottom = originY + (y1 + 1) * cell;
        const double dx = std::max({left - p.x(), 0.0, p.x() - right});
        const double dy = std::max({top - p.y(), 0.0, p.y() - bottom});
        return std::sqrt(dx * dx + dy * dy);
    }

    // The nearest seat to p within maxDistance that `accept`s, skipping the cells for which
    // `mayHold(cellCentre, halfDiagonal)` is false.
    template <class MayHold, class Accept>
    int nearestWhere(QPointF p, double maxDistance, MayHold mayHold, Accept accept) const;

    void buildGrid();
    void buildRows();
    void computePitch();
};

SeatGrid::Index::Index(std::shared_ptr<const VenueLayout> venue)
    : layout(std::move(venue))
{
    const std::vector<LayoutSeat> &seats = layout->seats();
    const int n = int(seats.size());
    xs.resize(n);
    ys.resize(n);
    for (int i = 0; i < n; ++i) {
        xs[i] = seats[i].x;
        ys[i] = seats[i].y;
    }
    buildGrid();
    buildRows();
    computePitch();
}

void SeatGrid::Index::buildGrid()
{
    const int n = seatCount();
    if (n == 0)
        return;
    const auto [minX, maxX] = std::minmax_element(xs.begin(), xs.end());
    const auto [minY, maxY] = std::minmax_element(ys.begin(), ys.end());
    seatBounds = QRectF(QPointF(*minX, *minY), QPointF(*maxX, *maxY));
    const double width = seatBounds.width();
    const double height = seatBounds.height();
    // About two seats per cell over the bounding box; venues are only partly seated, so the
    // occupied cells hold a few more.
    cell = std::max(kMinCell, std::sqrt(std::max(width, 1.0) * std::max(height, 1.0) / n) * 1.5);
    const auto fits = [&] {
        cols = int(width / cell) + 1;
        rows = int(height / cell) + 1;
        return double(cols) * rows <= 4.0 * n + 16;
    };
    while (!fits())
        cell *= 1.5;
    originX = seatBounds.left();
    originY = seatBounds.top();

    // Counting sort by cell; filling in seat order keeps each cell ascending.
    std::vector<int> cellOf(n);
    cellStart.assign(std::size_t(cols) * rows + 1, 0);
    for (int i = 0; i < n; ++i) {
        const int cx = std::clamp(int((xs[i] - originX) / cell), 0, cols - 1);
        const int cy = std::clamp(int((ys[i] - originY) / cell), 0, rows - 1);
        cellOf[i] = cy * cols + cx;
        ++cellStart[cellOf[i] + 1];
    }
    std::partial_sum(cellStart.begin(), cellStart.end(), cellStart.begin());
    cellSeats.resize(n);
    std::vector<int> fill(cellStart.begin(), cellStart.end() - 1);
    for (int i = 0; i < n; ++i)
        cellSeats[fill[cellOf[i]]++] = i;
}

void SeatGrid::Index::buildRows()
{
    const std::vector<LayoutSeat> &seats = layout->seats();
    const int n = seatCount();
    if (n == 0)
        return;

    // Group the seats by (section, rowNumber). The parser writes rows contiguously, so the
    // sort is usually skipped.
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    const auto rowKeyLess = [&](int a, int b) {
        if (seats[a].section != seats[b].section)
            return seats[a].section < seats[b].section;
        return seats[a].rowNumber < seats[b].rowNumber;
    };
    if (!std::is_sorted(order.begin(), order.end(), rowKeyLess))
        std::stable_sort(order.begin(), order.end(), rowKeyLess);

    struct RowBuild
    {
        int begin = 0; // into order
        int count = 0;
        QPointF centroid;
        QPointF chord; // first to last seat in layout order
    };
    std::vector<RowBuild> built;
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && !rowKeyLess(order[i], order[j]))
            ++j;
        RowBuild row;
        row.begin = i;
        row.count = j - i;
        double sx = 0;
        double sy = 0;
        for (int k = i; k < j; ++k) {
            sx += xs[order[k]];
            sy += ys[order[k]];
        }
        row.centroid = QPointF(sx / row.count, sy / row.count);
        row.chord = pos(order[j - 1]) - pos(order[i]);
        built.push_back(row);
        i = j;
    }

    // Each section's front-to-back axis: square to its rows, pointing from its first row to
    // its last one (blocks step back row by row), unless those rows stand side by side (boxes
    // either side of a stage); then away from the stage. Either way it points away from the
    // stage rather than toward it.
    const QPointF stageCentre = layout->stage().center();
    const int sectionCount = int(layout->sections().size());
    sections.assign(std::max(sectionCount, 1), Section{});
    std::vector<int> firstRow(sections.size(), -1);
    std::vector<int> lastRow(sections.size(), -1);
    std::vector<QPointF> sectionSum(sections.size());
    std::vector<int> sectionSeats(sections.size(), 0);
    for (int r = 0; r < int(built.size()); ++r) {
        const int s = seats[order[built[r].begin]].section;
        if (firstRow[s] < 0)
            firstRow[s] = r;
        lastRow[s] = r;
        sectionSum[s] += built[r].centroid * built[r].count;
        sectionSeats[s] += built[r].count;
    }
    for (int s = 0; s < int(sections.size()); ++s) {
        if (firstRow[s] < 0)
            continue;
        const QPointF centroid = sectionSum[s] / sectionSeats[s];
        const QPointF awayFromStage = unit(centroid - stageCentre, QPointF(0, 1));
        QPointF rowDirection;
        for (int r = firstRow[s]; r <= lastRow[s]; ++r) {
            if (built[r].count > 1 && length(built[r].chord) > 1e-6) {
                rowDirection = unit(built[r].chord, QPointF(1, 0));
                break;
            }
        }
        const QPointF span = built[lastRow[s]].centroid - built[firstRow[s]].centroid;
        QPointF back = awayFromStage;
        if (length(span) >= kSameDepth && std::abs(dot(unit(span, {}), rowDirection)) < 0.5) {
            // Square to the rows, which a last row that is shorter or off-centre would skew.
            back = rowDirection.isNull() ? unit(span, awayFromStage)
                                         : QPointF(-rowDirection.y(), rowDirection.x());
            if (dot(back, span) < 0)
                back = -back;
        }
        if (dot(back, centroid - stageCentre) < 0)
            back = -back;
        sections[s].back = back;
    }

    rowList.resize(built.size());
    rowSeats.resize(n);
    seatRow.resize(n);
    seatSlot.resize(n);
    std::vector<std::pair<double, int>> along;
    for (int r = 0; r < int(built.size()); ++r) {
        const RowBuild &row = built[r];
        Row &out = rowList[r];
        out.section = seats[order[row.begin]].section;
        out.begin = row.begin;
        out.count = row.count;
        const QPointF back = sections[out.section].back;
        out.depth = dot(row.centroid, back);
        // House right for someone facing the stage (-back), with y down the screen.
        const QPointF houseRight(back.y(), -back.x());
        QPointF direction = unit(row.chord, houseRight);
        if (dot(direction, houseRight) < 0)
            direction = -direction;
        along.clear();
        for (int k = row.begin; k < row.begin + row.count; ++k)
            along.emplace_back(dot(pos(order[k]), direction), order[k]);
        std::sort(along.begin(), along.end());
        for (int k = 0; k < row.count; ++k) {
            const int seat = along[k].second;
            rowSeats[row.begin + k] = seat;
            seatRow[seat] = r;
            seatSlot[seat] = row.begin + k;
        }
    }

    // Levels: each section's rows sorted by depth, rows at (nearly) the same depth together.
    std::vector<std::vector<int>> rowsOfSection(sections.size());
    for (int r = 0; r < int(rowList.size()); ++r)
        rowsOfSection[rowList[r].section].push_back(r);
    for (int s = 0; s < int(sections.size()); ++s) {
        std::vector<int> &rowsHere = rowsOfSection[s];
        std::stable_sort(rowsHere.begin(), rowsHere.end(),
                         [&](int a, int b) { return rowList[a].depth < rowList[b].depth; });
        double levelDepth = 0;
        for (int r : rowsHere) {
            if (sections[s].levels.empty() || rowList[r].depth - levelDepth > kSameDepth) {
                sections[s].levels.emplace_back();
                levelDepth = rowList[r].depth;
            }
            rowList[r].level = int(sections[s].levels.size()) - 1;
            sections[s].levels.back().push_back(r);
        }
    }
}

void SeatGrid::Index::computePitch()
{
    std::vector<double> gaps;
    gaps.reserve(rowSeats.size());
    for (const Row &row : rowList) {
        for (int k = row.begin + 1; k < row.begin + row.count; ++k)
            gaps.push_back(length(pos(rowSeats[k]) - pos(rowSeats[k - 1])));
    }
    if (gaps.empty())
        return;
    const auto middle = gaps.begin() + std::ptrdiff_t(gaps.size() / 2);
    std::nth_element(gaps.begin(), middle, gaps.end());
    if (*middle > 1e-6)
        pitch = *middle;
}

template <class MayHold, class Accept>
int SeatGrid::Index::nearestWhere(QPointF p, double maxDistance, MayHold mayHold,
                                  Accept accept) const
{
    if (seatCount() == 0 || !(maxDistance >= 0) || !std::isfinite(p.x()) || !std::isfinite(p.y()))
        return -1;
    if (distanceToCells(p, 0, 0, cols - 1, rows - 1) > maxDistance)
        return -1;
    // Rings of cells around the cell nearest to p, until no closer seat can remain.
    const int cx = int(std::clamp(std::floor((p.x() - originX) / cell), 0.0, double(cols - 1)));
    const int cy = int(std::clamp(std::floor((p.y() - originY) / cell), 0.0, double(rows - 1)));
    const int lastRing = std::max({cx, cols - 1 - cx, cy, rows - 1 - cy});
    double bestDistance = maxDistance;
    int best = -1;
    const auto visit = [&](int x0, int y0, int x1, int y1) {
        x0 = std::max(x0, 0);
        y0 = std::max(y0, 0);
        x1 = std::min(x1, cols - 1);
        y1 = std::min(y1, rows - 1);
        if (x0 > x1 || y0 > y1 || distanceToCells(p, x0, y0, x1, y1) > bestDistance)
            return;
        const double halfDiagonal = cell * std::numbers::sqrt2 / 2;
        for (int y = y0; y <= y1; ++y) {
            for (int x = x0; x <= x1; ++x) {
                const int c = y * cols + x;
                if (cellStart[c] == cellStart[c + 1] ||
                    !mayHold(QPointF(originX + (x + 0.5) * cell, originY + (y + 0.5) * cell),
                             halfDiagonal))
                    continue;
                for (int k = cellStart[c]; k < cellStart[c + 1]; ++k) {
                    const int seat = cellSeats[k];
                    const double d = length(pos(seat) - p);
                    if ((d < bestDistance || (d == bestDistance && (best < 0 || seat < best))) &&
                        accept(seat)) {
                        bestDistance = d;
                        best = seat;
                    }
                }
            }
        }
    };
    for (int r = 0; r <= lastRing; ++r) {
        // Everything inside ring r-1 is done; the ring's cells are at least this far away.
        const int x0 = cx - r;
        const int x1 = cx + r;
        const int y0 = cy - r;
        const int y1 = cy + r;
        if (r > 0) {
            const double ringDistance =
                std::min({distanceToCells(p, x0, y0, x1, y0), distanceToCells(p, x0, y1, x1, y1),
                          distanceToCells(p, x0, y0, x0, y1), distanceToCells(p, x1, y0, x1, y1)});
            if (ringDistance > bestDistance)
                break;
        }
        if (r == 0) {
            visit(cx, cy, cx, cy);
            continue;
        }
        visit(x0, y0, x1, y0);
        visit(x0, y1, x1, y1);
        visit(x0, y0 + 1, x0, y1 - 1);
        visit(x1, y0 + 1, x1, y1 - 1);
    }
    return best;
}

SeatGrid::SeatGrid(std::shared_ptr<const VenueLayout> layout)
{
    if (layout)
        m_index = std::make_shared<const Index>(std::move(layout));
}

int SeatGrid::nearestSeat(QPointF p, double maxDistance) const
{
    if (!m_index)
        return -1;
    return m_index->nearestWhere(
        p, maxDistance, [](QPointF, double) { return true; }, [](int) { return true; });
}

void SeatGrid::seatsIn(const QRectF &rect, std::vector<int> &out) const
{
    if (!m_index || m_index->seatCount() == 0)
        return;
    const Index &index = *m_index;
    const QRectF r = rect.normalized();
    const double left = r.left();
    const double right = r.right();
    const double top = r.top();
    const double bottom = r.bottom();
    if (!(left <= index.seatBounds.right() && right >= index.seatBounds.left() &&
          top <= index.seatBounds.bottom() && bottom >= index.seatBounds.top()))
        return;
    if (left <= index.seatBounds.left() && right >= index.seatBounds.right() &&
        top <= index.seatBounds.top() && bottom >= index.seatBounds.bottom()) {
        const std::size_t from = out.size();
        out.resize(from + std::size_t(index.seatCount()));
        std::iota(out.begin() + std::ptrdiff_t(from), out.end(), 0);
        return;
    }
    const auto cellRange = [&](double lo, double hi, double origin, int count) {
        const int a = int(std::clamp(std::floor((lo - origin) / index.cell), 0.0, count - 1.0));
        const int b = int(std::clamp(std::floor((hi - origin) / index.cell), 0.0, count - 1.0));
        return std::pair{a, b};
    };
    const auto [x0, x1] = cellRange(left, right, index.originX, index.cols);
    const auto [y0, y1] = cellRange(top, bottom, index.originY, index.rows);
    const std::size_t from = out.size();
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            const int c = y * index.cols + x;
            for (int k = index.cellStart[c]; k < index.cellStart[c + 1]; ++k) {
                const int seat = index.cellSeats[k];
                const double sx = index.xs[seat];
                const double sy = index.ys[seat];
                if (sx >= left && sx <= right && sy >= top && sy <= bottom)
                    out.push_back(seat);
            }
        }
    }
    std::sort(out.begin() + std::ptrdiff_t(from), out.end());
}

double SeatGrid::seatPitch() const
{
    return m_index ? m_index->pitch : kDefaultPitch;
}

int SeatGrid::neighbour(int seat, SeatStep step) const
{
    if (!m_index || seat < 0 || seat >= m_index->seatCount())
        return -1;
    const Index &index = *m_index;
    const Index::Row &row = index.rowList[index.seatRow[seat]];
    const int slot = index.seatSlot[seat];
    switch (step) {
    case SeatStep::Left:
        return slot > row.begin ? index.rowSeats[slot - 1] : -1;
    case SeatStep::Right:
        return slot + 1 < row.begin + row.count ? index.rowSeats[slot + 1] : -1;
    case SeatStep::Forward:
    case SeatStep::Back:
        break;
    }
    const Index::Section &section = index.sections[row.section];
    const int level = row.level + (step == SeatStep::Forward ? -1 : 1);
    const QPointF p = index.pos(seat);
    if (level >= 0 && level < int(section.levels.size())) {
        int best = -1;
        double bestDistance = std::numeric_limits<double>::infinity();
        for (int r : section.levels[level]) {
            const Index::Row &other = index.rowList[r];
            for (int k = other.begin; k < other.begin + other.count; ++k) {
                const int candidate = index.rowSeats[k];
                const double d = length(index.pos(candidate) - p);
                if (d < bestDistance || (d == bestDistance && candidate < best)) {
                    bestDistance = d;
                    best = candidate;
                }
            }
        }
        return best;
    }
    // The section ends here: the nearest seat of another section ahead of / behind this one.
    const QPointF direction = step == SeatStep::Forward ? -section.back : section.back;
    const auto cellNearCone = [&](QPointF cellCentre, double halfDiagonal) {
        // Distance from the cell's centre to the cone (two rays from p at ±30° of direction).
        const QPointF offset = cellCentre - p;
        const double along = dot(offset, direction);
        const double across = std::abs(direction.x() * offset.y() - direction.y() * offset.x());
        if (across <= along * kConeTan)
            return true;
        const double onRay = along * kConeCos + across * kConeSin;
        const double toCone =
            onRay <= 0 ? length(offset) : std::abs(along * kConeSin - across * kConeCos);
        return toCone <= halfDiagonal;
    };
    return index.nearestWhere(p, std::numeric_limits<double>::infinity(), cellNearCone,
                              [&](int candidate) {
                                  if (index.sectionOf(candidate) == row.section)
                                      return false;
                                  const QPointF offset = index.pos(candidate) - p;
                                  const double d = length(offset);
                                  return d > 0 && dot(offset, direction) >= kConeCos * d;
                              });
}

} // namespace Boxoffice::Core
