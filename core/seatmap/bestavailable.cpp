#include "core/seatmap/bestavailable.h"

#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace Boxoffice::Core {

namespace {

// Two block centres closer than this to the same distance from the stage are a tie, so that
// mirror-image blocks (whose float coordinates differ in the last bits) are decided by the
// documented order instead of by rounding.
constexpr double kTieMetres = 1e-3;

double distance(const LayoutSeat &a, const LayoutSeat &b)
{
    return std::hypot(double(a.x) - double(b.x), double(a.y) - double(b.y));
}

bool sameRow(const LayoutSeat &a, const LayoutSeat &b)
{
    return a.section == b.section && a.rowNumber == b.rowNumber && a.row == b.row;
}

// Why nothing was found, e.g. "No 4 adjacent free seats in one row of Lindenhof Theatre
// (section "Stalls", with a wheelchair space)."
QString notFoundMessage(const VenueLayout &layout, const BestAvailableRequest &request)
{
    QStringList limits;
    if (request.section >= 0)
        limits << QStringLiteral("section \"%1\"").arg(layout.sections().at(request.section).name);
    if (request.category >= 0) {
        limits
            << QStringLiteral("category \"%1\"").arg(layout.categories().at(request.category).name);
    }
    if (request.accessible)
        limits << QStringLiteral("with a wheelchair space");
    QString text = request.count == 1 ? QStringLiteral("No free seat in %1").arg(layout.name())
                                      : QStringLiteral("No %1 adjacent free seats in one row of %2")
                                            .arg(request.count)
                                            .arg(layout.name());
    if (!limits.isEmpty())
        text += QStringLiteral(" (") + limits.join(QStringLiteral(", ")) + QLatin1Char(')');
    return text + QLatin1Char('.');
}

std::unexpected<Error> badRequest(const QString &problem)
{
    return fail(ErrorCode::BadRequest, QStringLiteral("best available: ") + problem);
}

Result<> checkRequest(const VenueLayout &layout, const std::vector<quint8> &selectable,
                      const BestAvailableRequest &request)
{
    if (request.count < 1 || request.count > kMaxBestAvailableSeats) {
        return badRequest(QStringLiteral("asked for %1 seats; ask for 1 to %2")
                              .arg(request.count)
                              .arg(kMaxBestAvailableSeats));
    }
    if (request.section < -1 || request.section >= layout.sections().size()) {
        return badRequest(QStringLiteral("section %1 is not a section of %2 (it has %3)")
                              .arg(request.section)
                              .arg(layout.name())
                              .arg(layout.sections().size()));
    }
    if (request.category < -1 || request.category >= layout.categories().size()) {
        return badRequest(QStringLiteral("category %1 is not a category of %2 (it has %3)")
                              .arg(request.category)
                              .arg(layout.name())
                              .arg(layout.categories().size()));
    }
    if (selectable.size() != layout.seats().size()) {
        return badRequest(QStringLiteral("%1 seat flags for %2 seats")
                              .arg(selectable.size())
                              .arg(layout.seats().size()));
    }
    return {};
}

} // namespace

RowIndex::RowIndex(const VenueLayout &layout)
{
    const std::vector<LayoutSeat> &seats = layout.seats();
    const int n = int(seats.size());
    m_order.resize(size_t(n));
    std::iota(m_order.begin(), m_order.end(), 0);
    // The parser writes seats row by row in number order, so this sort only runs for layouts
    // put together by hand in another order.
    auto byRow = [&seats](int a, int b) {
        const LayoutSeat &l = seats[size_t(a)];
        const LayoutSeat &r = seats[size_t(b)];
        return std::tie(l.section, l.rowNumber, l.number) <
               std::tie(r.section, r.rowNumber, r.number);
    };
    if (!std::is_sorted(m_order.begin(), m_order.end(), byRow))
        std::stable_sort(m_order.begin(), m_order.end(), byRow);

    std::vector<double> gaps;
    std::vector<double> sortedGaps;
    for (int rowBegin = 0; rowBegin < n;) {
        const LayoutSeat &first = seats[size_t(m_order[size_t(rowBegin)])];
        int rowEnd = rowBegin + 1;
        while (rowEnd < n && sameRow(first, seats[size_t(m_order[size_t(rowEnd)])]))
            ++rowEnd;

        // gaps[i] is the distance between the row's seats i and i + 1.
        gaps.clear();
        for (int k = rowBegin + 1; k < rowEnd; ++k) {
            gaps.push_back(
                distance(seats[size_t(m_order[size_t(k - 1)])], seats[size_t(m_order[size_t(k)])]));
        }
        double limit = 0;
        if (!gaps.empty()) {
            // The lower median: aisles are the rare wide gaps, so they cannot move it as long
            // as most gaps are ordinary seat pitch.
            sortedGaps = gaps;
            const auto median = sortedGaps.begin() + std::ptrdiff_t((sortedGaps.size() - 1) / 2);
            std::nth_element(sortedGaps.begin(), median, sortedGaps.end());
            limit = *median * kGapFactor;
        }

        int runBegin = rowBegin;
        for (int k = rowBegin + 1; k < rowEnd; ++k) {
            if (gaps[size_t(k - rowBegin - 1)] > limit) {
                m_runs.push_back(Run{runBegin, k, first.section});
                runBegin = k;
            }
        }
        m_runs.push_back(Run{runBegin, rowEnd, first.section});
        rowBegin = rowEnd;
    }
}

Result<std::vector<int>> bestAvailable(const VenueLayout &layout,
                                       const std::vector<quint8> &selectable,
                                       const BestAvailableRequest &request)
{
    // Checked before indexing so that bad input costs nothing.
    if (auto ok = checkRequest(layout, selectable, request); !ok)
        return std::unexpected(ok.error());
    return bestAvailable(layout, RowIndex(layout), selectable, request);
}

Result<std::vector<int>> bestAvailable(const VenueLayout &layout, const RowIndex &rows,
                                       const std::vector<quint8> &selectable,
                                       const BestAvailableRequest &request)
{
    if (auto ok = checkRequest(layout, selectable, request); !ok)
        return std::unexpected(ok.error());
    if (rows.seatCount() != layout.seatCount()) {
        return badRequest(QStringLiteral("the row index has %1 seats, the layout %2")
                              .arg(rows.seatCount())
                              .arg(layout.seatCount()));
    }

    const std::vector<LayoutSeat> &seats = layout.seats();
    const std::vector<int> &order = rows.order();
    const int count = request.count;
    const quint8 special = quint8(SeatFlag::Wheelchair) | quint8(SeatFlag::Companion);
    const QPointF stage = layout.stage().center();

    auto isFree = [&](int k) { return selectable[size_t(order[size_t(k)])] != 0; };

    int bestFirst = -1;
    int bestStranded = 0;
    double bestDistance = 0;
    for (const RowIndex::Run &run : rows.runs()) {
        if (run.end - run.begin < count)
            continue;
        if (request.section >= 0 && run.section != request.section)
            continue;
        // One pass over the run: `streak` pickable seats end at k, the window k-count+1 .. k
        // holds the seats whose coordinates are summed.
        double sumX = 0;
        double sumY = 0;
        int streak = 0;
        int lastWheelchair = -1;
        for (int k = run.begin; k < run.end; ++k) {
            const int seatIndex = order[size_t(k)];
            const LayoutSeat &seat = seats[size_t(seatIndex)];
            sumX += seat.x;
            sumY += seat.y;
            if (k - run.begin >= count) {
                const LayoutSeat &leaving = seats[size_t(order[size_t(k - count)])];
                sumX -= leaving.x;
                sumY -= leaving.y;
            }
            const bool pickable = selectable[size_t(seatIndex)] != 0 &&
                                  (request.category < 0 || seat.category == request.category) &&
                                  (request.accessible || (seat.flags & special) == 0);
            streak = pickable ? streak + 1 : 0;
            if (pickable && seat.has(SeatFlag::Wheelchair))
                lastWheelchair = k;
            const int first = k - count + 1;
            if (streak < count || (request.accessible && lastWheelchair < first))
                continue;

            int stranded = 0;
            if (first - 1 >= run.begin && isFree(first - 1) &&
                (first - 2 < run.begin || !isFree(first - 2))) {
                ++stranded;
            }
            if (k + 1 < run.end && isFree(k + 1) && (k + 2 >= run.end || !isFree(k + 2)))
                ++stranded;
            const double d = std::hypot(sumX / count - stage.x(), sumY / count - stage.y());
            if (bestFirst < 0 || stranded < bestStranded ||
                (stranded == bestStranded && d < bestDistance - kTieMetres)) {
                bestFirst = first;
                bestStranded = stranded;
                bestDistance = d;
            }
        }
    }

    if (bestFirst < 0) {
        return fail(ErrorCode::NotFound, notFoundMessage(layout, request),
                    QJsonObject{{QStringLiteral("count"), count}});
    }
    std::vector<int> chosen(order.begin() + bestFirst, order.begin() + bestFirst + count);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

} // namespace Boxoffice::Core
