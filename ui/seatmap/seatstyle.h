#pragma once

#include "core/booking/statemachines.h"

#include <QColor>
#include <QCoreApplication>
#include <QRectF>
#include <QString>

class QPainter;

namespace Boxoffice::Core {
class SeatMapModel;
}

namespace Boxoffice::Gui {

// What a seat looks like on the map: one glyph per situation a clerk must tell apart. Each
// differs by shape or pattern as well as by colour, so clerks who do not see colours well can
// read the map.
enum class SeatGlyph : quint8
{
    Available,     // on sale and free: the price category's colour, plain
    Selected,      // picked by the clerk, not held yet: heavy black border and a check mark
    Own,           // in this terminal's hold or order: black with a white star
    Held,          // held by another sale: grey with diagonal hatching
    Sold,          // dark grey with a cross
    RefundPending, // pale with a dashed border and a dot
    NotOnSale,     // this show does not sell the seat's category: a small hollow outline
};
inline constexpr int kSeatGlyphCount = 7;

// The name of a seat state for clerks ("Available", "Held", "Sold", "Refund pending").
[[nodiscard]] QString seatStateName(Core::SeatState state);

// The seat map's palette and glyphs, shared by the map, its legend and any other screen that
// shows seats. Colours are from the Okabe–Ito palette, which stays distinct for the common
// kinds of colour blindness; unavailable seats are greys of clearly different lightness.
class SeatStyle
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::SeatStyle)

public:
    // The glyph of a seat of the model's show (seat must be a valid index).
    [[nodiscard]] static SeatGlyph glyphOf(const Core::SeatMapModel &model, int seat);
    // The legend's name of a glyph ("Available", "Selected", "Yours (held)", ...).
    [[nodiscard]] static QString glyphName(SeatGlyph glyph);

    // The colour of price category `category` (layout order); repeats after seven.
    [[nodiscard]] static QColor categoryColour(int category);
    // One colour for a seat drawn as a small mark or averaged into the venue overview.
    [[nodiscard]] static QColor markColour(SeatGlyph glyph, const QColor &category);
    // The fill of a glyph drawn by paintGlyph (transparent for NotOnSale).
    [[nodiscard]] static QColor glyphFill(SeatGlyph glyph, const QColor &category);
    // Black or white, whichever reads better on `fill`.
    [[nodiscard]] static QColor contrastOn(const QColor &fill);

    [[nodiscard]] static QColor background() { return QColor(0xf7, 0xf6, 0xf2); }
    [[nodiscard]] static QColor sectionFill() { return QColor(0xe9, 0xeb, 0xee); }
    [[nodiscard]] static QColor sectionOutline() { return QColor(0x9a, 0xa3, 0xad); }
    [[nodiscard]] static QColor stageFill() { return QColor(0x33, 0x3a, 0x42); }
    [[nodiscard]] static QColor labelColour() { return QColor(0x2b, 0x2f, 0x33); }

    // Draws a seat glyph filling the square `rect`. `flags` are Core::SeatFlag bits: a
    // wheelchair space is round and carries a wheelchair sign when large enough; a companion
    // seat has a folded-down corner. With `compact` the glyph leaves its centre free for a
    // seat number and moves its mark (check, star, cross) into a corner.
    static void paintGlyph(QPainter &painter, const QRectF &rect, SeatGlyph glyph,
                           const QColor &category, quint8 flags, bool compact = false);
};

} // namespace Boxoffice::Gui
