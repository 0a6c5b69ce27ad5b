#pragma once

#include "core/seatmap/seatgrid.h"
#include "ui/seatmap/seatstyle.h"

#include <QHash>
#include <QImage>
#include <QPointer>
#include <QPolygonF>
#include <QStaticText>
#include <QWidget>

#include <array>
#include <memory>
#include <vector>

class QTouchEvent;

namespace Boxoffice::Core {
class SeatMapModel;
}

namespace Boxoffice::Gui {

// The seat map: a custom-painted view of a Core::SeatMapModel, drawn straight from the
// model's flat arrays with a Core::SeatGrid for hit-testing and for finding the visible seats
// (no item per seat). The model holds every state; the view draws, hit-tests and asks the
// model to change the selection.
//
// Level of detail follows the zoom: the whole venue (seats too small to see: a cached
// availability raster, updated seat by seat, with section outlines, names and free counts),
// sections (a small coloured mark per seat) and seats (a glyph per seat whose shape or
// pattern tells its state, see SeatGlyph; row labels; seat numbers when large enough;
// wheelchair and companion marks). Cached or stale availability is washed out, hatched and
// labelled with the time it was last confirmed (freshnessText).
//
// Mouse: the wheel zooms around the pointer; a left drag pans; a click toggles a selectable
// seat (at the whole-venue level, where seats are a pixel or two, it zooms in there instead);
// Shift+drag selects the selectable seats in a rubber band, Ctrl+Shift+drag deselects the
// seats in it. A hovered seat's tooltip is seatToolTip.
// Touch (setTouchNavigation, for the self-service kiosk): one finger drags the map, two
// fingers pinch to zoom around their midpoint (and drag it along), a tap toggles a seat as a
// click does.
// Keys: + / - / 0 zoom in, out and to the whole venue; arrows move the keyboard cursor to the
// neighbouring seat in that direction on screen (Core::SeatGrid::neighbour, then the nearest
// seat that way across an aisle); Space toggles the cursor's seat; Shift+arrows pan.
//
// GUI thread only. The model is not owned and may be destroyed first.
class SeatMapView : public QWidget
{
    Q_OBJECT

public:
    enum class Detail
    {
        Venue,
        Section,
        Seat,
    };
    Q_ENUM(Detail)

    explicit SeatMapView(Core::SeatMapModel *model, QWidget *parent = nullptr);
    ~SeatMapView() override;

    [[nodiscard]] double pixelsPerMetre() const { return m_scale; }
    [[nodiscard]] Detail detail() const;
    // The seat under a widget position (within half a seat pitch of its centre, or a few
    // pixels at the whole-venue level), or -1.
    [[nodiscard]] int seatAt(QPoint widgetPos) const;
    // Widget coordinates of a seat's centre (possibly outside the widget); (-1, -1) for an
    // invalid seat.
    [[nodiscard]] QPoint seatCenter(int seat) const;
    // Pans so the seat is in the middle; with zoomToSeats, also zooms in to the seat level
    // when the seats are smaller than that.
    void centreOn(int seat, bool zoomToSeats);
    [[nodiscard]] int currentSeat() const { return m_current; }
    // Moves the keyboard cursor (-1 hides it) and pans to keep it visible.
    void setCurrentSeat(int seat);
    [[nodiscard]] int hoveredSeat() const { return m_hovered; }
    // The tooltip of a seat: section, row, seat number, category, price, state, and whether it
    // is a wheelchair space or companion seat, one per line. Empty for an invalid seat.
    [[nodiscard]] QString seatToolTip(int seat) const;
    // The note in the map's corner while the availability is not live ("Availability as of
    // 14:03:22 · server unreachable", or "Loading availability…" before the first snapshot);
    // empty when it is live or no show is loaded. The map is washed out and hatched then.
    [[nodiscard]] QString freshnessText() const;
    // The venue point shown in the middle of the widget.
    [[nodiscard]] QPointF venueCentre() const { return m_centre; }
    // Pans so that a venue point is in the middle of the widget.
    void setVenueCentre(QPointF venuePoint);
    // Zooms to a scale (clamped to the allowed range), keeping the venue point under the
    // widget position `anchor` where it is.
    void zoomTo(double pixelsPerMetre, QPointF anchor);

    // Takes touch events (drag, pinch, tap) instead of the mouse events the system would
    // make of them. Off by default.
    void setTouchNavigation(bool enabled);
    [[nodiscard]] bool touchNavigation() const { return m_touchNavigation; }

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

public slots:
    void zoomIn();
    void zoomOut();
    void fitVenue();

signals:
    void hoveredSeatChanged(int seat);
    void currentSeatChanged(int seat);
    void zoomChanged(double pixelsPerMetre);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    // A section's name laid out once per font size, in the forms paintSectionLabels picks
    // from by the room on screen, and its free count as last drawn.
    struct PartLabels
    {
        int fontPx = 0;
        QStaticText name;        // one line
        QStaticText wrapped;     // a word a line
        QStaticText id;          // the section's id, when shorter than its name
        bool idIsEnough = false; // the name is the id with a word in front
        QStaticText count;
        int countShown = -1;
    };
    // A connected part of a section (a theatre's boxes are one section on two sides).
    struct SectionPart
    {
        int section = 0;
        QPolygonF hull;  // convex hull of the seat centres, venue coordinates
        QPolygonF shape; // the outline drawn: the hull grown by most of a seat
        QRectF bounds;   // of the shape
        QPointF centroid;
        QPointF outside; // a point just behind the part, seen from the stage
        QPointF away;    // unit vector from the stage toward the part
        PartLabels labels;
    };
    struct RowLabel
    {
        QPointF at; // venue coordinates, beyond the row's end
        int seat;   // the seat at that end
    };
    // The whole-venue picture: one pixel per cell of a few square metres, coloured by the
    // average of its seats' mark colours, transparent where there are none.
    struct Overview
    {
        QRectF venueRect;
        double cell = 1;
        int cols = 0;
        int rows = 0;
        QImage image;
        std::vector<int> seatCell;
        std::vector<std::array<int, 4>> sums; // count, red, green, blue per cell
    };
    enum class Drag
    {
        None,
        Pending, // pressed, not moved far enough to pan yet
        Pan,
        Band,
    };

    void handleModelReset();
    void handleSeatsChanged(const QList<int> &seats);
    void handleSelectionChanged();
    void handleOwnSeatsChanged();
    void handleFreshnessChanged();

    void rebuildLayoutData();
    void rebuildStates();
    void buildOverview();
    void refreshSeats(const std::vector<int> &seats);
    void setGlyph(int seat, SeatGlyph glyph);
    void updateSeatArea(int seat);
    [[nodiscard]] QColor overviewColour(int seat, SeatGlyph glyph) const;

    [[nodiscard]] QPointF toWidget(QPointF venue) const;
    [[nodiscard]] QPointF toVenue(QPointF widget) const;
    [[nodiscard]] QPointF seatPos(int seat) const;
    [[nodiscard]] double seatPixels() const { return m_pitch * m_scale; }
    [[nodiscard]] double fitScale() const;
    [[nodiscard]] double minScale() const;
    [[nodiscard]] double maxScale() const;
    [[nodiscard]] QRectF seatWidgetRect(int seat, double margin) const;
    void zoomBy(double factor, QPointF anchor);
    void setHovered(int seat);
    void moveCursor(QPointF direction);
    [[nodiscard]] int seatToward(int from, QPointF direction) const;
    void ensureVisible(int seat);
    void toggleSeat(int seat);
    // A click or tap that did not drag: toggles the seat there, or zooms in at the whole-venue
    // level.
    void tapAt(QPoint pos);
    bool handleTouch(QTouchEvent *event);
    void finishBand();

    void paintOverview(QPainter &painter) const;
    // The seats within a seat pitch of venueArea (venue coordinates), as marks or glyphs.
    void paintMarks(QPainter &painter, const QRectF &venueArea);
    void paintSeats(QPainter &painter, const QRectF &venueArea);
    void paintRowLabels(QPainter &painter, const QRectF &venueView);
    void paintSectionLabels(QPainter &painter, const QRectF &venueView);
    void paintStage(QPainter &painter) const;
    void paintCursorAndHover(QPainter &painter) const;
    void paintFreshness(QPainter &painter) const;
    [[nodiscard]] const QImage &sprite(SeatGlyph glyph, int category, quint8 flags, int size,
                                       bool compact);

    QPointer<Core::SeatMapModel> m_model;
    Core::ShowId m_show;
    std::shared_ptr<const Core::VenueLayout> m_layout;
    Core::SeatGrid m_grid;
    double m_pitch = 0.5;

    double m_scale = 10;
    QPointF m_centre;
    bool m_fitted = true;

    std::vector<quint8> m_glyphs; // SeatGlyph per seat, as last drawn
    std::vector<int> m_selectionShadow;
    std::vector<int> m_ownShadow;
    std::vector<SectionPart> m_parts;
    std::vector<int> m_sectionAvailable; // per section: seats with the Available glyph
    std::vector<RowLabel> m_rowLabels;
    QRectF m_contentRect; // venue coordinates: what fitVenue shows
    std::vector<QColor> m_categoryColours;
    Overview m_overview;

    int m_hovered = -1;
    int m_current = -1;

    Drag m_drag = Drag::None;
    QPoint m_pressPos;
    QPointF m_pressCentre;
    QRect m_band;
    bool m_bandDeselects = false;

    bool m_touchNavigation = false;
    bool m_touchMoved = false;
    QPointF m_touchStart;
    double m_pinchDistance = 0; // > 0 while two fingers pinch: their distance at the start
    double m_pinchScale = 0;
    QPointF m_pinchVenue; // the venue point under the fingers' midpoint at the start

    // Scratch space reused by every frame.
    std::vector<int> m_visible;
    std::vector<std::vector<QRectF>> m_buckets;
    QHash<quint32, QImage> m_sprites;
    int m_spriteSize = 0;
    bool m_spriteCompact = false;
    QHash<int, QStaticText> m_numberTexts;
    int m_numberFontPx = 0;
    std::vector<std::pair<QPointF, const QStaticText *>> m_nameTexts;
    std::vector<std::pair<QPointF, const QStaticText *>> m_countTexts;
    QHash<QString, QStaticText> m_rowTexts;
    int m_rowFontPx = 0;
};

} // namespace Boxoffice::Gui
