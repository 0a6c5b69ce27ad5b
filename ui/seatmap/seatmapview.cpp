#include "ui/seatmap/seatmapview.h"

#include "core/common/money.h"
#include "core/seatmap/seatmapmodel.h"

#include <QApplication>
#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTextOption>
#include <QToolTip>
#include <QTouchEvent>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace Boxoffice::Gui {

namespace {

// Level of detail by the on-screen distance between neighbouring seats, in pixels.
constexpr double kSectionFromPx = 4.0;
constexpr double kSeatFromPx = 13.0;
constexpr double kNumbersFromPx = 26.0;
constexpr double kMaxSeatPx = 120.0;
constexpr double kZoomStep = 1.25;
// Rows of a section whose bounding boxes come closer than this belong to one part.
constexpr double kPartGap = 2.5;
// Above this many changed seats one repaint of everything is cheaper than many rectangles.
constexpr int kMaxSeatUpdates = 256;

QPointF unitVector(QPointF v, QPointF fallback)
{
    const double len = std::hypot(v.x(), v.y());
    return len > 1e-9 ? v / len : fallback;
}

double cross(QPointF o, QPointF a, QPointF b)
{
    return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
}

// Andrew's monotone chain; `points` is reordered.
QPolygonF convexHull(std::vector<QPointF> &points)
{
    std::sort(points.begin(), points.end(), [](QPointF a, QPointF b) {
        return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y());
    });
    points.erase(std::unique(points.begin(), points.end()), points.end());
    if (points.size() < 3)
        return QPolygonF(QList<QPointF>(points.begin(), points.end()));
    std::vector<QPointF> hull(2 * points.size());
    std::size_t k = 0;
    for (const QPointF &p : points) {
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0)
            --k;
        hull[k++] = p;
    }
    for (std::size_t i = points.size() - 1, lower = k + 1; i-- > 0;) {
        while (k >= lower && cross(hull[k - 2], hull[k - 1], points[i]) <= 0)
            --k;
        hull[k++] = points[i];
    }
    hull.resize(k - 1);
    return QPolygonF(QList<QPointF>(hull.begin(), hull.end()));
}

// The convex polygon `hull` (as convexHull returns it) grown by `radius`, with round corners.
QPolygonF grownHull(const QPolygonF &hull, double radius)
{
    QPolygonF grown;
    const int n = int(hull.size());
    if (n == 0)
        return grown;
    const auto outwardAngle = [&](int from) {
        const QPointF d = hull[(from + 1) % n] - hull[from];
        return std::atan2(-d.x(), d.y());
    };
    constexpr double kArcStep = std::numbers::pi / 8;
    for (int i = 0; i < n; ++i) {
        double start = n == 1 ? 0 : outwardAngle((i + n - 1) % n);
        double sweep = n == 1 ? 2 * std::numbers::pi : outwardAngle(i) - start;
        while (sweep < 0)
            sweep += 2 * std::numbers::pi;
        const int steps = std::max(1, int(std::ceil(sweep / kArcStep)));
        for (int k = 0; k <= steps; ++k) {
            const double a = start + sweep * k / steps;
            grown << hull[i] + QPointF(std::cos(a), std::sin(a)) * radius;
        }
    }
    return grown;
}

QString timeText(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch)
        .toLocalTime()
        .toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

SeatMapView::SeatMapView(Core::SeatMapModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Seat map"));
    if (m_model) {
        connect(m_model, &Core::SeatMapModel::modelReset, this, &SeatMapView::handleModelReset);
        connect(m_model, &Core::SeatMapModel::seatsChanged, this, &SeatMapView::handleSeatsChanged);
        connect(m_model, &Core::SeatMapModel::selectionChanged, this,
                &SeatMapView::handleSelectionChanged);
        connect(m_model, &Core::SeatMapModel::ownSeatsChanged, this,
                &SeatMapView::handleOwnSeatsChanged);
        connect(m_model, &Core::SeatMapModel::freshnessChanged, this,
                &SeatMapView::handleFreshnessChanged);
    }
    handleModelReset();
}

SeatMapView::~SeatMapView() = default;

QSize SeatMapView::sizeHint() const
{
    return {900, 640};
}

QSize SeatMapView::minimumSizeHint() const
{
    return {240, 180};
}

// --- model reactions -----------------------------------------------------------------------

void SeatMapView::handleModelReset()
{
    std::shared_ptr<const Core::VenueLayout> layout =
        m_model && m_model->hasShow() ? m_model->sharedLayout() : nullptr;
    const Core::ShowId show = m_model ? m_model->show() : Core::ShowId();
    const bool newLayout = layout != m_layout;
    // A snapshot of the same show keeps the clerk's place; another show starts afresh.
    const bool newShow = newLayout || show != m_show;
    m_show = show;
    if (newShow) {
        // Before the layout changes: the old indexes mean nothing in the new one.
        m_drag = Drag::None;
        if (m_hovered >= 0) {
            m_hovered = -1;
            emit hoveredSeatChanged(-1);
        }
        if (m_current >= 0) {
            m_current = -1;
            emit currentSeatChanged(-1);
        }
    }
    if (newLayout) {
        m_layout = std::move(layout);
        m_grid = Core::SeatGrid(m_layout);
        m_pitch = m_grid.seatPitch();
        rebuildLayoutData();
        m_sprites.clear();
    }
    rebuildStates();
    if (newShow)
        fitVenue();
    update();
}

void SeatMapView::handleSeatsChanged(const QList<int> &seats)
{
    refreshSeats(std::vector<int>(seats.begin(), seats.end()));
}

namespace {

// The seats in exactly one of two ascending lists.
std::vector<int> changedBetween(const std::vector<int> &before, const std::vector<int> &after)
{
    std::vector<int> changed;
    std::set_symmetric_difference(before.begin(), before.end(), after.begin(), after.end(),
                                  std::back_inserter(changed));
    return changed;
}

} // namespace

void SeatMapView::handleSelectionChanged()
{
    if (!m_model || !m_layout)
        return;
    const std::vector<int> changed = changedBetween(m_selectionShadow, m_model->selection());
    m_selectionShadow = m_model->selection();
    refreshSeats(changed);
}

void SeatMapView::handleOwnSeatsChanged()
{
    if (!m_model || !m_layout)
        return;
    const std::vector<int> changed = changedBetween(m_ownShadow, m_model->ownSeats());
    m_ownShadow = m_model->ownSeats();
    refreshSeats(changed);
}

void SeatMapView::handleFreshnessChanged()
{
    update();
}

void SeatMapView::rebuildLayoutData()
{
    m_parts.clear();
    m_rowLabels.clear();
    m_contentRect = QRectF();
    m_categoryColours.clear();
    m_overview = Overview{};
    if (!m_layout)
        return;
    const Core::VenueLayout &layout = *m_layout;
    const auto &seats = layout.seats();
    const int n = layout.seatCount();
    for (int c = 0; c < int(layout.categories().size()); ++c)
        m_categoryColours.push_back(SeatStyle::categoryColour(c));

    // Rows by (section, rowNumber); layouts list a row's seats together, so the hash is only
    // consulted when the row changes.
    struct Row
    {
        int section;
        QRectF bounds;
        std::vector<int> seats;
    };
    std::vector<Row> rows;
    QHash<qint64, int> rowIndex;
    qint64 lastKey = -1;
    int lastRow = -1;
    for (int i = 0; i < n; ++i) {
        const qint64 key = (qint64(seats[i].section) << 32) | quint32(seats[i].rowNumber);
        if (key != lastKey) {
            auto it = rowIndex.constFind(key);
            if (it == rowIndex.cend()) {
                it = rowIndex.insert(key, int(rows.size()));
                rows.push_back(Row{seats[i].section, QRectF(), {}});
            }
            lastKey = key;
            lastRow = *it;
        }
        Row &row = rows[lastRow];
        const QPointF p(seats[i].x, seats[i].y);
        if (row.seats.empty())
            row.bounds = QRectF(p, QSizeF(0, 0));
        else
            row.bounds.setCoords(
                std::min(row.bounds.left(), p.x()), std::min(row.bounds.top(), p.y()),
                std::max(row.bounds.right(), p.x()), std::max(row.bounds.bottom(), p.y()));
        row.seats.push_back(i);
    }

    // Parts: rows of one section joined while their boxes come within kPartGap.
    std::vector<int> parent(rows.size());
    std::iota(parent.begin(), parent.end(), 0);
    const auto root = [&](int r) {
        while (parent[r] != r)
            r = parent[r] = parent[parent[r]];
        return r;
    };
    std::vector<std::vector<int>> rowsOfSection(layout.sections().size());
    for (int r = 0; r < int(rows.size()); ++r)
        rowsOfSection[rows[r].section].push_back(r);
    // (Not QRectF::intersects: a straight row's box has no height, hence no area.)
    const auto near = [](const QRectF &a, const QRectF &b) {
        return a.left() - kPartGap <= b.right() && b.left() <= a.right() + kPartGap &&
               a.top() - kPartGap <= b.bottom() && b.top() <= a.bottom() + kPartGap;
    };
    for (const std::vector<int> &sectionRows : rowsOfSection) {
        for (std::size_t a = 0; a < sectionRows.size(); ++a) {
            for (std::size_t b = a + 1; b < sectionRows.size(); ++b) {
                if (near(rows[sectionRows[a]].bounds, rows[sectionRows[b]].bounds))
                    parent[root(sectionRows[b])] = root(sectionRows[a]);
            }
        }
    }
    QHash<int, int> partOfRoot;
    std::vector<std::vector<QPointF>> partPoints;
    for (int r = 0; r < int(rows.size()); ++r) {
        const int top = root(r);
        auto it = partOfRoot.constFind(top);
        if (it == partOfRoot.cend()) {
            it = partOfRoot.insert(top, int(m_parts.size()));
            SectionPart part;
            part.section = rows[r].section;
            m_parts.push_back(part);
            partPoints.emplace_back();
        }
        for (int seat : rows[r].seats)
            partPoints[*it].emplace_back(seats[seat].x, seats[seat].y);
    }
    const QPointF stageCentre = layout.stage().center();
    for (std::size_t k = 0; k < m_parts.size(); ++k) {
        SectionPart &part = m_parts[k];
        std::vector<QPointF> &points = partPoints[k];
        const QPointF sum = std::accumulate(points.begin(), points.end(), QPointF());
        part.centroid = sum / double(points.size());
        part.hull = convexHull(points);
        part.bounds = part.hull.boundingRect();
        // Behind the part as seen from the stage: where its name does not cover seats.
        const QPointF away = unitVector(part.centroid - stageCentre, QPointF(0, 1));
        double reach = 0;
        for (const QPointF &p : part.hull)
            reach = std::max(reach, QPointF::dotProduct(p - part.centroid, away));
        part.outside = part.centroid + away * (reach + 1.2 * m_pitch + 0.5);
        part.away = away;
        // The outline: the hull grown by most of a seat pitch, so the outer seats sit inside.
        part.shape = grownHull(part.hull, 0.7 * m_pitch);
        part.bounds = part.shape.boundingRect();
        part.labels = {};
    }

    // What fitVenue shows: the stage, the section outlines and where their names go.
    m_contentRect = layout.bounds();
    for (const SectionPart &part : m_parts) {
        m_contentRect |= part.bounds;
        m_contentRect |= QRectF(part.outside - QPointF(1, 0.6), QSizeF(2, 1.2));
    }

    // Row labels beyond both ends of every row.
    for (int i = 0; i < n; ++i) {
        const int left = m_grid.neighbour(i, Core::SeatStep::Left);
        const int right = m_grid.neighbour(i, Core::SeatStep::Right);
        if ((left < 0) == (right < 0))
            continue;
        const QPointF here = seatPos(i);
        const QPointF inward = unitVector(seatPos(left < 0 ? right : left) - here, QPointF(1, 0));
        m_rowLabels.push_back(RowLabel{here - inward * (1.1 * m_pitch), i});
    }
}

QColor SeatMapView::overviewColour(int seat, SeatGlyph glyph) const
{
    switch (glyph) {
    case SeatGlyph::Available:
        return m_categoryColours.empty()
                   ? SeatStyle::categoryColour(0)
                   : m_categoryColours[std::size_t(m_layout->seats()[seat].category) %
                                       m_categoryColours.size()];
    case SeatGlyph::Selected:
    case SeatGlyph::Own:
        return QColor(0x14, 0x14, 0x14);
    case SeatGlyph::Held:
    case SeatGlyph::Sold:
    case SeatGlyph::RefundPending:
        return QColor(0xc6, 0xc6, 0xc6);
    case SeatGlyph::NotOnSale:
        return QColor(0xe2, 0xe2, 0xe2);
    }
    return Qt::gray;
}

void SeatMapView::rebuildStates()
{
    m_glyphs.clear();
    m_selectionShadow.clear();
    m_ownShadow.clear();
    m_sectionAvailable.clear();
    if (!m_layout || !m_model)
        return;
    const int n = m_layout->seatCount();
    m_glyphs.resize(std::size_t(n));
    m_sectionAvailable.assign(m_layout->sections().size(), 0);
    for (int i = 0; i < n; ++i) {
        const SeatGlyph glyph = SeatStyle::glyphOf(*m_model, i);
        m_glyphs[i] = quint8(glyph);
        if (glyph == SeatGlyph::Available)
            ++m_sectionAvailable[m_layout->seats()[i].section];
    }
    m_selectionShadow = m_model->selection();
    m_ownShadow = m_model->ownSeats();
    buildOverview();
}

void SeatMapView::buildOverview()
{
    Overview &o = m_overview;
    const Core::VenueLayout &layout = *m_layout;
    const int n = layout.seatCount();
    if (o.image.isNull()) {
        const QRectF bounds = layout.bounds();
        o.cell =
            std::max({2.0 * m_pitch, 0.5, std::sqrt(bounds.width() * bounds.height() / 400'000.0)});
        o.venueRect = bounds.adjusted(-o.cell, -o.cell, o.cell, o.cell);
        o.cols = int(std::ceil(o.venueRect.width() / o.cell));
        o.rows = int(std::ceil(o.venueRect.height() / o.cell));
        o.venueRect.setSize(QSizeF(o.cols * o.cell, o.rows * o.cell));
        o.image = QImage(o.cols, o.rows, QImage::Format_ARGB32_Premultiplied);
        o.seatCell.resize(std::size_t(n));
        for (int i = 0; i < n; ++i) {
            const int cx =
                std::clamp(int((layout.seats()[i].x - o.venueRect.left()) / o.cell), 0, o.cols - 1);
            const int cy =
                std::clamp(int((layout.seats()[i].y - o.venueRect.top()) / o.cell), 0, o.rows - 1);
            o.seatCell[i] = cy * o.cols + cx;
        }
    }
    o.sums.assign(std::size_t(o.cols) * o.rows, {0, 0, 0, 0});
    for (int i = 0; i < n; ++i) {
        const QColor c = overviewColour(i, SeatGlyph(m_glyphs[i]));
        auto &sum = o.sums[o.seatCell[i]];
        sum[0] += 1;
        sum[1] += c.red();
        sum[2] += c.green();
        sum[3] += c.blue();
    }
    for (int y = 0; y < o.rows; ++y) {
        auto *line = reinterpret_cast<QRgb *>(o.image.scanLine(y));
        for (int x = 0; x < o.cols; ++x) {
            const auto &sum = o.sums[std::size_t(y) * o.cols + x];
            line[x] = sum[0] == 0 ? 0 : qRgb(sum[1] / sum[0], sum[2] / sum[0], sum[3] / sum[0]);
        }
    }
}

void SeatMapView::refreshSeats(const std::vector<int> &seats)
{
    if (!m_model || !m_layout || seats.empty())
        return;
    int changed = 0;
    for (int seat : seats) {
        if (seat < 0 || seat >= int(m_glyphs.size()))
            continue;
        const SeatGlyph glyph = SeatStyle::glyphOf(*m_model, seat);
        if (quint8(glyph) == m_glyphs[seat])
            continue;
        setGlyph(seat, glyph);
        if (++changed <= kMaxSeatUpdates)
            updateSeatArea(seat);
    }
    if (changed > kMaxSeatUpdates)
        update();
}

void SeatMapView::setGlyph(int seat, SeatGlyph glyph)
{
    const SeatGlyph old = SeatGlyph(m_glyphs[seat]);
    const int section = m_layout->seats()[seat].section;
    if (old == SeatGlyph::Available)
        --m_sectionAvailable[section];
    if (glyph == SeatGlyph::Available)
        ++m_sectionAvailable[section];
    Overview &o = m_overview;
    const int cell = o.seatCell[seat];
    auto &sum = o.sums[cell];
    const QColor before = overviewColour(seat, old);
    const QColor after = overviewColour(seat, glyph);
    sum[1] += after.red() - before.red();
    sum[2] += after.green() - before.green();
    sum[3] += after.blue() - before.blue();
    reinterpret_cast<QRgb *>(o.image.scanLine(cell / o.cols))[cell % o.cols] =
        qRgb(sum[1] / sum[0], sum[2] / sum[0], sum[3] / sum[0]);
    m_glyphs[seat] = quint8(glyph);
}

void SeatMapView::updateSeatArea(int seat)
{
    const Detail level = detail();
    // At the whole-venue level the seat's raster pixel spreads over a cell.
    const double margin = level == Detail::Venue ? m_overview.cell * m_scale * 2 + 2 : 6;
    update(seatWidgetRect(seat, margin).toAlignedRect());
    if (level == Detail::Seat)
        return;
    // The section's free count.
    for (const SectionPart &part : m_parts) {
        if (part.section == m_layout->seats()[seat].section)
            update(QRectF(toWidget(part.centroid) - QPointF(100, 40), QSizeF(200, 80))
                       .toAlignedRect());
    }
}

// --- geometry ------------------------------------------------------------------------------

QPointF SeatMapView::toWidget(QPointF venue) const
{
    return (venue - m_centre) * m_scale + QPointF(width() / 2.0, height() / 2.0);
}

QPointF SeatMapView::toVenue(QPointF widget) const
{
    return (widget - QPointF(width() / 2.0, height() / 2.0)) / m_scale + m_centre;
}

QPointF SeatMapView::seatPos(int seat) const
{
    const Core::LayoutSeat &s = m_layout->seats()[seat];
    return {s.x, s.y};
}

QRectF SeatMapView::seatWidgetRect(int seat, double margin) const
{
    const double half = std::max(seatPixels(), 4.0) * 0.75 + margin;
    const QPointF c = toWidget(seatPos(seat));
    return {c.x() - half, c.y() - half, 2 * half, 2 * half};
}

SeatMapView::Detail SeatMapView::detail() const
{
    const double px = seatPixels();
    if (px < kSectionFromPx)
        return Detail::Venue;
    if (px < kSeatFromPx)
        return Detail::Section;
    return Detail::Seat;
}

double SeatMapView::fitScale() const
{
    if (!m_layout)
        return 10;
    const QRectF bounds = m_contentRect;
    const double margin = 8;
    const double w = std::max(width() - 2 * margin, 32.0);
    const double h = std::max(height() - 2 * margin, 32.0);
    return std::min(w / std::max(bounds.width(), 1.0), h / std::max(bounds.height(), 1.0));
}

double SeatMapView::minScale() const
{
    return fitScale() * 0.5;
}

double SeatMapView::maxScale() const
{
    return std::max(fitScale(), kMaxSeatPx / m_pitch);
}

int SeatMapView::seatAt(QPoint widgetPos) const
{
    if (!m_layout)
        return -1;
    const double radius =
        detail() == Detail::Venue ? std::max(0.5 * m_pitch, 4.0 / m_scale) : 0.5 * m_pitch;
    return m_grid.nearestSeat(toVenue(QPointF(widgetPos)), radius);
}

QPoint SeatMapView::seatCenter(int seat) const
{
    if (!m_layout || seat < 0 || seat >= m_layout->seatCount())
        return {-1, -1};
    return toWidget(seatPos(seat)).toPoint();
}

// --- zoom and pan --------------------------------------------------------------------------

void SeatMapView::fitVenue()
{
    const double before = m_scale;
    m_scale = fitScale();
    m_centre = m_layout ? m_contentRect.center() : QPointF();
    m_fitted = true;
    update();
    if (m_scale != before)
        emit zoomChanged(m_scale);
}

void SeatMapView::zoomIn()
{
    const bool aroundCursor = m_current >= 0 && rect().contains(seatCenter(m_current));
    zoomBy(kZoomStep, aroundCursor ? toWidget(seatPos(m_current)) : QPointF(rect().center()));
}

void SeatMapView::zoomOut()
{
    const bool aroundCursor = m_current >= 0 && rect().contains(seatCenter(m_current));
    zoomBy(1.0 / kZoomStep, aroundCursor ? toWidget(seatPos(m_current)) : QPointF(rect().center()));
}

void SeatMapView::zoomBy(double factor, QPointF anchor)
{
    zoomTo(m_scale * factor, anchor);
}

void SeatMapView::zoomTo(double pixelsPerMetre, QPointF anchor)
{
    const double scale = std::clamp(pixelsPerMetre, minScale(), maxScale());
    if (scale == m_scale)
        return;
    const QPointF fixed = toVenue(anchor);
    m_scale = scale;
    m_centre = fixed - (anchor - QPointF(width() / 2.0, height() / 2.0)) / m_scale;
    m_fitted = false;
    update();
    emit zoomChanged(m_scale);
}

void SeatMapView::setVenueCentre(QPointF venuePoint)
{
    m_centre = venuePoint;
    m_fitted = false;
    update();
}

void SeatMapView::centreOn(int seat, bool zoomToSeats)
{
    if (!m_layout || seat < 0 || seat >= m_layout->seatCount())
        return;
    if (zoomToSeats && detail() != Detail::Seat)
        zoomTo(kSeatFromPx * 1.6 / m_pitch, rect().center());
    setVenueCentre(seatPos(seat));
}

void SeatMapView::ensureVisible(int seat)
{
    const QPointF c = toWidget(seatPos(seat));
    const double margin =
        std::min({std::max(seatPixels() * 2, 24.0), width() / 4.0, height() / 4.0});
    const QRectF inside = QRectF(rect()).adjusted(margin, margin, -margin, -margin);
    if (inside.contains(c))
        return;
    const double dx = c.x() < inside.left()    ? c.x() - inside.left()
                      : c.x() > inside.right() ? c.x() - inside.right()
                                               : 0;
    const double dy = c.y() < inside.top()      ? c.y() - inside.top()
                      : c.y() > inside.bottom() ? c.y() - inside.bottom()
                                                : 0;
    setVenueCentre(m_centre + QPointF(dx, dy) / m_scale);
}

void SeatMapView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_fitted)
        fitVenue();
}

// --- cursor, hover, selection --------------------------------------------------------------

void SeatMapView::setCurrentSeat(int seat)
{
    if (!m_layout || seat < -1 || seat >= m_layout->seatCount())
        seat = -1;
    if (seat == m_current) {
        if (seat >= 0)
            ensureVisible(seat);
        return;
    }
    if (m_current >= 0)
        update(seatWidgetRect(m_current, 8).toAlignedRect());
    m_current = seat;
    if (seat >= 0) {
        ensureVisible(seat);
        update(seatWidgetRect(seat, 8).toAlignedRect());
    }
    emit currentSeatChanged(seat);
}

void SeatMapView::setHovered(int seat)
{
    if (seat == m_hovered)
        return;
    if (m_hovered >= 0 && m_layout)
        update(seatWidgetRect(m_hovered, 6).toAlignedRect());
    m_hovered = seat;
    if (seat >= 0)
        update(seatWidgetRect(seat, 6).toAlignedRect());
    emit hoveredSeatChanged(seat);
}

void SeatMapView::toggleSeat(int seat)
{
    if (!m_model || seat < 0 || seat >= m_model->seatCount())
        return;
    if (m_model->isSelected(seat) || m_model->isSelectable(seat))
        m_model->toggleSelected(seat);
}

int SeatMapView::seatToward(int from, QPointF direction) const
{
    // The grid's neighbours first: whichever points most nearly that way on screen.
    int best = -1;
    double bestCos = 0.5; // within 60°
    const QPointF here = seatPos(from);
    for (Core::SeatStep step : {Core::SeatStep::Left, Core::SeatStep::Right,
                                Core::SeatStep::Forward, Core::SeatStep::Back}) {
        const int next = m_grid.neighbour(from, step);
        if (next < 0)
            continue;
        const double c = QPointF::dotProduct(unitVector(seatPos(next) - here, {}), direction);
        if (c > bestCos) {
            bestCos = c;
            best = next;
        }
    }
    if (best >= 0)
        return best;
    // Across an aisle or to another stand: the nearest seat within 35° of that way.
    std::vector<int> near;
    for (double reach : {2.0, 8.0, 30.0, 120.0}) {
        near.clear();
        const QPointF centre = here + direction * reach;
        m_grid.seatsIn(QRectF(centre - QPointF(reach, reach), QSizeF(2 * reach, 2 * reach)), near);
        double bestDistance = std::numeric_limits<double>::infinity();
        for (int seat : near) {
            const QPointF offset = seatPos(seat) - here;
            const double d = std::hypot(offset.x(), offset.y());
            if (seat != from && d > 0 && QPointF::dotProduct(offset, direction) >= 0.82 * d &&
                d < bestDistance) {
                bestDistance = d;
                best = seat;
            }
        }
        if (best >= 0)
            return best;
    }
    return -1;
}

void SeatMapView::moveCursor(QPointF direction)
{
    if (!m_layout)
        return;
    if (m_current < 0) {
        const double reach = std::hypot(width(), height()) / m_scale;
        setCurrentSeat(m_grid.nearestSeat(m_centre, reach));
        return;
    }
    const int next = seatToward(m_current, direction);
    if (next >= 0)
        setCurrentSeat(next);
}

void SeatMapView::finishBand()
{
    if (!m_model || !m_layout)
        return;
    const QRectF venueRect(toVenue(m_band.topLeft()), toVenue(m_band.bottomRight()));
    std::vector<int> inside;
    m_grid.seatsIn(venueRect, inside);
    m_model->setSelected(inside, !m_bandDeselects);
}

QString SeatMapView::seatToolTip(int seat) const
{
    if (!m_model || !m_layout || seat < 0 || seat >= m_layout->seatCount() ||
        seat >= m_model->seatCount())
        return {};
    const Core::LayoutSeat &s = m_layout->seats()[seat];
    const Core::VenueLayout &layout = *m_layout;
    QStringList lines;
    lines << layout.sections()[s.section].name;
    lines << tr("Row %1, seat %2").arg(s.row).arg(s.number);
    lines << tr("Category: %1").arg(layout.categories()[s.category].name);
    const qint64 cents = m_model->priceCents(seat);
    if (cents < 0) {
        lines << tr("Price: not on sale");
    } else {
        const auto money = Core::Money::fromMinor(cents, m_model->currency());
        lines << tr("Price: %1")
                     .arg(money ? money->toString()
                                : QStringLiteral("%1 %2").arg(cents).arg(m_model->currency()));
    }
    const SeatGlyph glyph = SeatStyle::glyphOf(*m_model, seat);
    lines << tr("State: %1")
                 .arg(glyph == SeatGlyph::NotOnSale ? seatStateName(m_model->status(seat))
                                                    : SeatStyle::glyphName(glyph));
    if (s.has(Core::SeatFlag::Wheelchair))
        lines << tr("Wheelchair space");
    if (s.has(Core::SeatFlag::Companion))
        lines << tr("Companion seat");
    return lines.join(QLatin1Char('\n'));
}

QString SeatMapView::freshnessText() const
{
    if (!m_model || !m_layout)
        return {};
    const qint64 at = m_model->confirmedAtMs();
    switch (m_model->freshness()) {
    case Core::Freshness::Empty: // a show without statuses yet: every seat looks free
        return tr("Loading availability…");
    case Core::Freshness::Live:
        return {};
    case Core::Freshness::Cached:
        return at > 0 ? tr("Availability as of %1 · not yet confirmed").arg(timeText(at))
                      : tr("Availability not confirmed yet");
    case Core::Freshness::Stale:
        return at > 0 ? tr("Availability as of %1 · server unreachable").arg(timeText(at))
                      : tr("Availability unknown · server unreachable");
    }
    return {};
}

// --- events --------------------------------------------------------------------------------

bool SeatMapView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int seat = seatAt(help->pos());
        if (seat >= 0) {
            QToolTip::showText(help->globalPos(), seatToolTip(seat), this,
                               seatWidgetRect(seat, 0).toAlignedRect());
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    if (m_touchNavigation &&
        (event->type() == QEvent::TouchBegin || event->type() == QEvent::TouchUpdate ||
         event->type() == QEvent::TouchEnd || event->type() == QEvent::TouchCancel))
        return handleTouch(static_cast<QTouchEvent *>(event));
    return QWidget::event(event);
}

void SeatMapView::setTouchNavigation(bool enabled)
{
    m_touchNavigation = enabled;
    setAttribute(Qt::WA_AcceptTouchEvents, enabled);
}

bool SeatMapView::handleTouch(QTouchEvent *event)
{
    const QList<QEventPoint> &points = event->points();
    event->accept();
    if (points.isEmpty())
        return true;
    switch (event->type()) {
    case QEvent::TouchBegin:
        m_touchMoved = false;
        m_touchStart = points.constFirst().position();
        m_pressCentre = m_centre;
        m_pinchDistance = 0;
        setHovered(-1);
        break;
    case QEvent::TouchUpdate:
        if (points.size() >= 2) {
            const QPointF a = points[0].position();
            const QPointF b = points[1].position();
            const QPointF middle = (a + b) / 2;
            const double distance = QLineF(a, b).length();
            if (m_pinchDistance <= 0) {
                m_pinchDistance = std::max(distance, 1.0);
                m_pinchScale = m_scale;
                m_pinchVenue = toVenue(middle);
                m_touchMoved = true;
                break;
            }
            // Zoom by the change of the fingers' distance and keep the venue point that was
            // between them between them.
            const double before = m_scale;
            m_scale = std::clamp(m_pinchScale * distance / m_pinchDistance, minScale(), maxScale());
            m_centre = m_pinchVenue - (middle - QPointF(width() / 2.0, height() / 2.0)) / m_scale;
            m_fitted = false;
            update();
            if (m_scale != before)
                emit zoomChanged(m_scale);
        } else if (m_pinchDistance <= 0) {
            // One finger drags; after a pinch, the finger left behind does not.
            const QPointF pos = points.constFirst().position();
            if (!m_touchMoved &&
                (pos - m_touchStart).manhattanLength() >= QApplication::startDragDistance())
                m_touchMoved = true;
            if (m_touchMoved)
                setVenueCentre(m_pressCentre - (pos - m_touchStart) / m_scale);
        }
        break;
    case QEvent::TouchEnd:
        if (!m_touchMoved && points.size() == 1)
            tapAt(points.constFirst().position().toPoint());
        m_pinchDistance = 0;
        m_touchMoved = false;
        break;
    default: // TouchCancel
        m_pinchDistance = 0;
        m_touchMoved = false;
        break;
    }
    return true;
}

void SeatMapView::tapAt(QPoint pos)
{
    if (detail() == Detail::Venue) {
        zoomTo(kSectionFromPx * 2.5 / m_pitch, pos);
        return;
    }
    const int seat = seatAt(pos);
    if (seat >= 0) {
        toggleSeat(seat);
        setCurrentSeat(seat);
    }
}

void SeatMapView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    zoomBy(std::pow(kZoomStep, steps), event->position());
    event->accept();
}

void SeatMapView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    m_pressPos = event->position().toPoint();
    m_pressCentre = m_centre;
    if (event->modifiers() & Qt::ShiftModifier) {
        m_drag = Drag::Band;
        m_bandDeselects = (event->modifiers() & Qt::ControlModifier) != 0;
        m_band = QRect(m_pressPos, m_pressPos);
    } else {
        m_drag = Drag::Pending;
    }
    event->accept();
}

void SeatMapView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    switch (m_drag) {
    case Drag::None:
        setHovered(seatAt(pos));
        break;
    case Drag::Pending:
        if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance())
            break;
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
        setHovered(-1);
        [[fallthrough]];
    case Drag::Pan:
        setVenueCentre(m_pressCentre - QPointF(pos - m_pressPos) / m_scale);
        break;
    case Drag::Band: {
        const QRect before = m_band;
        m_band = QRect(m_pressPos, pos).normalized();
        update(before.united(m_band).adjusted(-3, -3, 3, 3));
        break;
    }
    }
    event->accept();
}

void SeatMapView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const QPoint pos = event->position().toPoint();
    const Drag drag = m_drag;
    m_drag = Drag::None;
    switch (drag) {
    case Drag::None:
        break;
    case Drag::Pending:
        tapAt(pos);
        break;
    case Drag::Pan:
        unsetCursor();
        break;
    case Drag::Band:
        update(m_band.adjusted(-3, -3, 3, 3));
        m_band = QRect(m_pressPos, pos).normalized();
        if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance()) {
            // Shift+click without a drag: as a click.
            if (detail() != Detail::Venue)
                toggleSeat(seatAt(pos));
        } else {
            finishBand();
        }
        m_band = QRect();
        break;
    }
    setHovered(seatAt(pos));
    event->accept();
}

void SeatMapView::leaveEvent(QEvent *event)
{
    setHovered(-1);
    QWidget::leaveEvent(event);
}

void SeatMapView::keyPressEvent(QKeyEvent *event)
{
    const bool shift = (event->modifiers() & Qt::ShiftModifier) != 0;
    QPointF direction;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomOut();
        return;
    case Qt::Key_0:
        fitVenue();
        return;
    case Qt::Key_Space:
        if (m_current >= 0)
            toggleSeat(m_current);
        else
            moveCursor(QPointF(0, -1));
        return;
    case Qt::Key_Escape:
        if (m_drag == Drag::Band) {
            m_drag = Drag::None;
            update(m_band.adjusted(-3, -3, 3, 3));
            m_band = QRect();
            return;
        }
        break;
    case Qt::Key_Left:
        direction = QPointF(-1, 0);
        break;
    case Qt::Key_Right:
        direction = QPointF(1, 0);
        break;
    case Qt::Key_Up:
        direction = QPointF(0, -1);
        break;
    case Qt::Key_Down:
        direction = QPointF(0, 1);
        break;
    default:
        break;
    }
    if (direction.isNull()) {
        QWidget::keyPressEvent(event);
        return;
    }
    if (shift) {
        const QPointF step(direction.x() * width() * 0.15, direction.y() * height() * 0.15);
        setVenueCentre(m_centre + step / m_scale);
    } else {
        moveCursor(direction);
    }
    event->accept();
}

// --- painting ------------------------------------------------------------------------------

void SeatMapView::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    painter.fillRect(event->rect(), SeatStyle::background());
    if (!m_layout || !m_model || m_layout->seatCount() != m_model->seatCount()) {
        painter.setPen(SeatStyle::labelColour());
        painter.drawText(rect(), Qt::AlignCenter, tr("No show selected"));
        return;
    }
    const QRectF venueView(toVenue(QPointF(0, 0)), toVenue(QPointF(width(), height())));
    const Detail level = detail();

    // Section shapes under everything.
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(width() / 2.0, height() / 2.0);
    painter.scale(m_scale, m_scale);
    painter.translate(-m_centre);
    QPen outline(SeatStyle::sectionOutline(), 1.0);
    outline.setCosmetic(true);
    painter.setPen(outline);
    // At the whole-venue level the overview raster covers the sections: outlines suffice.
    painter.setBrush(level == Detail::Venue ? QBrush(Qt::NoBrush)
                                            : QBrush(SeatStyle::sectionFill()));
    for (const SectionPart &part : m_parts) {
        if (part.bounds.intersects(venueView))
            painter.drawPolygon(part.shape);
    }
    painter.restore();

    paintStage(painter);
    switch (level) {
    case Detail::Venue:
        paintOverview(painter);
        break;
    case Detail::Section:
    case Detail::Seat: {
        // Only the seats in the repainted part (a hovered seat, a changed one); Qt clips the
        // rest anyway.
        const QRectF dirty(toVenue(event->rect().topLeft()),
                           toVenue(event->rect().bottomRight() + QPoint(1, 1)));
        if (level == Detail::Section) {
            paintMarks(painter, dirty);
        } else {
            paintSeats(painter, dirty);
            paintRowLabels(painter, venueView);
        }
        break;
    }
    }
    paintSectionLabels(painter, venueView);
    paintCursorAndHover(painter);

    if (m_drag == Drag::Band && !m_band.isEmpty()) {
        painter.setRenderHint(QPainter::Antialiasing, false);
        const QColor colour = m_bandDeselects ? QColor(0xd5, 0x5e, 0x00) : QColor(0x00, 0x72, 0xb2);
        QColor fill = colour;
        fill.setAlpha(40);
        painter.setPen(QPen(colour, 1, Qt::DashLine));
        painter.setBrush(fill);
        painter.drawRect(m_band);
    }
    paintFreshness(painter);
}

void SeatMapView::paintStage(QPainter &painter) const
{
    const QRectF stage(toWidget(m_layout->stage().topLeft()),
                       toWidget(m_layout->stage().bottomRight()));
    if (!stage.intersects(rect()))
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(SeatStyle::stageFill());
    painter.drawRoundedRect(stage, 3, 3);
    const double fontPx = std::clamp(stage.height() * 0.3, 0.0, 22.0);
    if (fontPx >= 8 && stage.width() > 40) {
        QFont font = this->font();
        font.setPixelSize(int(fontPx));
        font.setBold(true);
        font.setLetterSpacing(QFont::PercentageSpacing, 130);
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(stage, Qt::AlignCenter, tr("STAGE"));
    }
    painter.restore();
}

void SeatMapView::paintOverview(QPainter &painter) const
{
    const QRectF target(toWidget(m_overview.venueRect.topLeft()),
                        toWidget(m_overview.venueRect.bottomRight()));
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    // Only the part of the raster that is on screen.
    const QRectF visible = target.intersected(rect());
    if (!visible.isEmpty()) {
        const double sx = m_overview.cols / target.width();
        const double sy = m_overview.rows / target.height();
        const QRectF source((visible.left() - target.left()) * sx,
                            (visible.top() - target.top()) * sy, visible.width() * sx,
                            visible.height() * sy);
        painter.drawImage(visible, m_overview.image, source);
    }
    painter.restore();
}

void SeatMapView::paintMarks(QPainter &painter, const QRectF &venueArea)
{
    const int categories = int(m_categoryColours.size());
    // Buckets: available by category, then held, sold, refund pending, not on sale, ink
    // (selected and own, outer); then the inner squares: by category (selected), white (own).
    const int held = categories;
    const int sold = categories + 1;
    const int refund = categories + 2;
    const int notOnSale = categories + 3;
    const int ink = categories + 4;
    const int inner = categories + 5;
    const int innerWhite = inner + categories;
    m_buckets.resize(std::size_t(innerWhite + 1));
    for (auto &bucket : m_buckets)
        bucket.clear();

    const double m = m_pitch;
    m_visible.clear();
    m_grid.seatsIn(venueArea.adjusted(-m, -m, m, m), m_visible);
    const double px = seatPixels();
    const double side = std::max(2.0, 0.8 * px);
    const double innerSide = side * 0.45;
    std::vector<QPointF> wheelchairs;
    const auto &seats = m_layout->seats();
    for (int seat : m_visible) {
        const QPointF c = toWidget(seatPos(seat));
        const QRectF box(c.x() - side / 2, c.y() - side / 2, side, side);
        const int category = std::clamp(seats[seat].category, 0, std::max(categories - 1, 0));
        switch (SeatGlyph(m_glyphs[seat])) {
        case SeatGlyph::Available:
            m_buckets[category].push_back(box);
            break;
        case SeatGlyph::Held:
            m_buckets[held].push_back(box);
            break;
        case SeatGlyph::Sold:
            m_buckets[sold].push_back(box);
            break;
        case SeatGlyph::RefundPending:
            m_buckets[refund].push_back(box);
            break;
        case SeatGlyph::NotOnSale:
            m_buckets[notOnSale].push_back(box.adjusted(side / 4, side / 4, -side / 4, -side / 4));
            break;
        case SeatGlyph::Selected:
            m_buckets[ink].push_back(box.adjusted(-1, -1, 1, 1));
            m_buckets[inner + category].push_back(
                QRectF(c.x() - innerSide / 2, c.y() - innerSide / 2, innerSide, innerSide));
            break;
        case SeatGlyph::Own:
            m_buckets[ink].push_back(box.adjusted(-1, -1, 1, 1));
            m_buckets[innerWhite].push_back(
                QRectF(c.x() - innerSide / 2, c.y() - innerSide / 2, innerSide, innerSide));
            break;
        }
        if (seats[seat].has(Core::SeatFlag::Wheelchair))
            wheelchairs.push_back(c);
    }
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(Qt::NoPen);
    for (int b = 0; b <= innerWhite; ++b) {
        const auto &bucket = m_buckets[b];
        if (bucket.empty())
            continue;
        QColor colour;
        if (b < categories)
            colour = m_categoryColours[b];
        else if (b == ink)
            colour = SeatStyle::markColour(SeatGlyph::Selected, {});
        else if (b == innerWhite)
            colour = Qt::white;
        else if (b >= inner)
            colour = m_categoryColours[b - inner];
        else
            colour = SeatStyle::markColour(b == held     ? SeatGlyph::Held
                                           : b == sold   ? SeatGlyph::Sold
                                           : b == refund ? SeatGlyph::RefundPending
                                                         : SeatGlyph::NotOnSale,
                                           {});
        painter.setBrush(colour);
        painter.drawRects(bucket.data(), int(bucket.size()));
    }
    // Wheelchair spaces: a ring around the mark.
    if (!wheelchairs.empty()) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(SeatStyle::labelColour(), std::max(1.0, px * 0.12)));
        for (const QPointF &c : wheelchairs)
            painter.drawEllipse(c, side * 0.75, side * 0.75);
    }
    painter.restore();
}

const QImage &SeatMapView::sprite(SeatGlyph glyph, int category, quint8 flags, int size,
                                  bool compact)
{
    if (size != m_spriteSize || compact != m_spriteCompact) {
        m_sprites.clear();
        m_spriteSize = size;
        m_spriteCompact = compact;
    }
    const quint32 key = quint32(glyph) | (quint32(category & 0xffff) << 3) |
                        (quint32(flags & 3) << 19) | (compact ? 1u << 21 : 0u);
    auto it = m_sprites.find(key);
    if (it != m_sprites.end())
        return *it;
    const qreal dpr = devicePixelRatioF();
    QImage image(QSize(size, size) * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        SeatStyle::paintGlyph(
            painter, QRectF(0, 0, size, size), glyph,
            m_categoryColours.empty()
                ? SeatStyle::categoryColour(0)
                : m_categoryColours[std::size_t(category) % m_categoryColours.size()],
            flags, compact);
    }
    return *m_sprites.insert(key, image);
}

void SeatMapView::paintSeats(QPainter &painter, const QRectF &venueArea)
{
    const double m = m_pitch;
    m_visible.clear();
    m_grid.seatsIn(venueArea.adjusted(-m, -m, m, m), m_visible);
    const double px = seatPixels();
    const int size = std::max(6, int(std::lround(0.86 * px)));
    const bool numbers = px >= kNumbersFromPx;
    const auto &seats = m_layout->seats();
    const double half = size / 2.0;
    for (int seat : m_visible) {
        const QPointF c = toWidget(seatPos(seat));
        const QImage &image = sprite(SeatGlyph(m_glyphs[seat]), seats[seat].category,
                                     seats[seat].flags, size, numbers);
        painter.drawImage(QPoint(int(std::lround(c.x() - half)), int(std::lround(c.y() - half))),
                          image);
    }
    if (!numbers)
        return;
    const int fontPx = std::clamp(int(std::lround(size * 0.34)), 7, 16);
    if (fontPx != m_numberFontPx) {
        m_numberTexts.clear();
        m_numberFontPx = fontPx;
    }
    QFont font = this->font();
    font.setPixelSize(fontPx);
    painter.setFont(font);
    for (int seat : m_visible) {
        const SeatGlyph glyph = SeatGlyph(m_glyphs[seat]);
        if (glyph == SeatGlyph::NotOnSale)
            continue;
        auto it = m_numberTexts.find(seats[seat].number);
        if (it == m_numberTexts.end()) {
            QStaticText text(QString::number(seats[seat].number));
            text.setTextFormat(Qt::PlainText);
            text.prepare(QTransform(), font);
            it = m_numberTexts.insert(seats[seat].number, text);
        }
        const QColor category =
            m_categoryColours[std::size_t(seats[seat].category) % m_categoryColours.size()];
        painter.setPen(SeatStyle::contrastOn(SeatStyle::glyphFill(glyph, category)));
        const QSizeF textSize = it->size();
        const QPointF c = toWidget(seatPos(seat));
        // A little up and left of the middle: the state's mark sits in the bottom-right corner.
        const QPointF offset =
            glyph == SeatGlyph::Available ? QPointF(0, 0) : QPointF(-0.08, -0.08) * size;
        painter.drawStaticText(c + offset - QPointF(textSize.width(), textSize.height()) / 2, *it);
    }
}

void SeatMapView::paintRowLabels(QPainter &painter, const QRectF &venueView)
{
    const int fontPx = std::clamp(int(seatPixels() * 0.5), 8, 15);
    QFont font = this->font();
    font.setPixelSize(fontPx);
    font.setBold(true);
    if (fontPx != m_rowFontPx) {
        m_rowTexts.clear();
        m_rowFontPx = fontPx;
    }
    painter.setFont(font);
    painter.setPen(SeatStyle::labelColour());
    const QRectF view = venueView.adjusted(-m_pitch, -m_pitch, m_pitch, m_pitch);
    const auto &seats = m_layout->seats();
    for (const RowLabel &label : m_rowLabels) {
        if (!view.contains(label.at))
            continue;
        const QString &row = seats[label.seat].row;
        auto it = m_rowTexts.find(row);
        if (it == m_rowTexts.end()) {
            QStaticText text(row);
            text.setTextFormat(Qt::PlainText);
            text.prepare(QTransform(), font);
            it = m_rowTexts.insert(row, text);
        }
        const QSizeF size = it->size();
        painter.drawStaticText(toWidget(label.at) - QPointF(size.width(), size.height()) / 2, *it);
    }
}

namespace {

QStaticText preparedText(const QString &text, const QFont &font, double width = -1)
{
    QStaticText prepared(text);
    prepared.setTextFormat(Qt::PlainText);
    if (width > 0) {
        prepared.setTextWidth(width);
        QTextOption option(Qt::AlignHCenter);
        option.setWrapMode(QTextOption::WordWrap);
        prepared.setTextOption(option);
    }
    prepared.prepare(QTransform(), font);
    return prepared;
}

} // namespace

void SeatMapView::paintSectionLabels(QPainter &painter, const QRectF &venueView)
{
    const Detail level = detail();
    const int fontPx = level == Detail::Venue ? 11 : 13;
    QFont nameFont = this->font();
    nameFont.setBold(true);
    nameFont.setPixelSize(fontPx);
    QFont countFont = this->font();
    countFont.setPixelSize(10);
    const bool withCounts = level != Detail::Seat;
    m_nameTexts.clear();
    m_countTexts.clear();
    // Close up, the section in the middle of the view may have its name off screen; then it
    // goes in the top-left corner.
    const SectionPart *underCentre = nullptr;
    if (level == Detail::Seat) {
        for (const SectionPart &part : m_parts) {
            if (part.bounds.contains(m_centre) &&
                part.shape.containsPoint(m_centre, Qt::OddEvenFill)) {
                underCentre = &part;
                break;
            }
        }
    }
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    for (SectionPart &part : m_parts) {
        // Close up, behind the part (its middle is all seats); from further away in its
        // middle, unless the part is smaller than its name both ways (a theatre box).
        QPointF anchor = level == Detail::Seat ? part.outside : part.centroid;
        if (!venueView.adjusted(-30 / m_scale, -30 / m_scale, 30 / m_scale, 30 / m_scale)
                 .contains(anchor))
            continue;
        const Core::VenueSection &section = m_layout->sections()[part.section];
        PartLabels &labels = part.labels;
        if (labels.fontPx != fontPx) {
            labels.fontPx = fontPx;
            labels.name = preparedText(section.name, nameFont);
            const QFontMetricsF metrics(nameFont);
            double widest = 0;
            for (const QString &word : section.name.split(QLatin1Char(' '), Qt::SkipEmptyParts))
                widest = std::max(widest, metrics.horizontalAdvance(word));
            labels.wrapped = preparedText(section.name, nameFont, widest + 2);
            labels.id = section.id.size() < section.name.size() ? preparedText(section.id, nameFont)
                                                                : QStaticText();
            labels.idIsEnough = !labels.id.text().isEmpty() && section.name.endsWith(section.id);
        }
        // The section's name on one line where it fits; else its id where the name is just
        // the id with a word in front ("Section 110"); else a word a line; else the id.
        const QRectF box(toWidget(part.bounds.topLeft()), toWidget(part.bounds.bottomRight()));
        const double room = level == Detail::Seat ? 400.0 : std::max(box.width(), 36.0);
        const double roomHigh = level == Detail::Seat ? 200.0 : std::max(box.height(), 40.0);
        const QStaticText *name = nullptr;
        for (const QStaticText *candidate :
             {&labels.name, labels.idIsEnough ? &labels.id : &labels.wrapped,
              labels.idIsEnough ? &labels.wrapped : &labels.id}) {
            const QSizeF size = candidate->size();
            if (!candidate->text().isEmpty() && size.width() <= room && size.height() <= roomHigh) {
                name = candidate;
                break;
            }
        }
        if (!name)
            continue;
        const int free = m_sectionAvailable[part.section];
        if (withCounts && labels.countShown != free) {
            labels.count = preparedText(tr("%n free", nullptr, free), countFont);
            labels.countShown = free;
        }
        const bool withCount = withCounts && labels.count.size().width() <= room * 1.3;
        const QSizeF nameSize = name->size();
        const QSizeF countSize = withCount ? labels.count.size() : QSizeF(0, 0);
        const double w = std::max(nameSize.width(), countSize.width()) + 8;
        const double h = nameSize.height() + countSize.height() + 4;
        QPointF c = toWidget(anchor);
        if (level != Detail::Seat && w > box.width() && h > box.height()) {
            // Beside the part, away from the stage, clear of its seats.
            const QPointF away = part.away;
            c = toWidget(part.outside) +
                away * (std::abs(away.x()) * w / 2 + std::abs(away.y()) * h / 2);
        }
        const QRectF plate(c.x() - w / 2, c.y() - h / 2, w, h);
        painter.fillRect(plate.toAlignedRect(), QColor(255, 255, 255, 200));
        m_nameTexts.emplace_back(QPointF(c.x() - nameSize.width() / 2, plate.top() + 2), name);
        if (&part == underCentre)
            underCentre = nullptr;
        if (withCount)
            m_countTexts.emplace_back(
                QPointF(c.x() - countSize.width() / 2, plate.top() + 2 + nameSize.height()),
                &labels.count);
    }
    // The texts after all plates, one font at a time: the painter's font changes twice a frame
    // rather than twice a label.
    painter.setPen(SeatStyle::labelColour());
    painter.setFont(nameFont);
    for (const auto &[at, text] : m_nameTexts)
        painter.drawStaticText(at, *text);
    painter.setFont(countFont);
    for (const auto &[at, text] : m_countTexts)
        painter.drawStaticText(at, *text);
    if (underCentre) {
        const Core::VenueSection &section = m_layout->sections()[underCentre->section];
        const QString text = section.level.isEmpty() || section.name.contains(section.level)
                                 ? section.name
                                 : tr("%1 · %2").arg(section.name, section.level);
        painter.setFont(nameFont);
        const QRect box = QFontMetrics(nameFont).boundingRect(text).adjusted(-8, -4, 8, 4);
        const QRect chip(QPoint(10, 10), box.size());
        painter.setPen(QPen(SeatStyle::sectionOutline(), 1));
        painter.setBrush(QColor(255, 255, 255, 230));
        painter.drawRoundedRect(chip, 4, 4);
        painter.setPen(SeatStyle::labelColour());
        painter.drawText(chip, Qt::AlignCenter, text);
    }
    painter.restore();
}

void SeatMapView::paintCursorAndHover(QPainter &painter) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    const double px = std::max(seatPixels(), 6.0);
    if (m_hovered >= 0 && m_hovered != m_current) {
        const QPointF c = toWidget(seatPos(m_hovered));
        const double r = px * 0.55 + 2;
        painter.setPen(QPen(QColor(0x33, 0x33, 0x33), 1.5));
        painter.drawRoundedRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), r * 0.3, r * 0.3);
    }
    if (m_current >= 0) {
        const QPointF c = toWidget(seatPos(m_current));
        const double r = px * 0.6 + 4;
        const QRectF ring(c.x() - r, c.y() - r, 2 * r, 2 * r);
        painter.setPen(QPen(Qt::white, 5));
        painter.drawRoundedRect(ring, r * 0.3, r * 0.3);
        painter.setPen(QPen(QColor(0x14, 0x14, 0x14), 2.5));
        painter.drawRoundedRect(ring, r * 0.3, r * 0.3);
    }
    painter.restore();
}

void SeatMapView::paintFreshness(QPainter &painter) const
{
    const QString text = freshnessText();
    if (text.isEmpty())
        return;
    painter.save();
    // Washed out and hatched: this is not live availability.
    painter.fillRect(rect(), QColor(0xf7, 0xf6, 0xf2, 110));
    painter.fillRect(rect(), QBrush(QColor(0x60, 0x60, 0x60, 70), Qt::BDiagPattern));

    QFont font = this->font();
    font.setBold(true);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const QRect textRect = metrics.boundingRect(text).adjusted(-8, -5, 8, 5);
    const QRect badge(QPoint(10, height() - 10 - textRect.height()), textRect.size());
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(0x8a, 0x5a, 0x00), 1.5));
    painter.setBrush(QColor(0xff, 0xf3, 0xcd));
    painter.drawRoundedRect(badge, 4, 4);
    painter.setPen(QColor(0x3d, 0x2a, 0x00));
    painter.drawText(badge, Qt::AlignCenter, text);
    painter.restore();
}

} // namespace Boxoffice::Gui
