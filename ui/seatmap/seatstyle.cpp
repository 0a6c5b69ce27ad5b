#include "ui/seatmap/seatstyle.h"

#include "core/seatmap/seatmapmodel.h"

#include <QPainter>
#include <QPainterPath>

#include <array>
#include <cmath>
#include <numbers>

namespace Boxoffice::Gui {

namespace {

// Okabe & Ito, "Color Universal Design": blue, orange, bluish green, reddish purple, sky blue,
// vermillion, yellow.
constexpr std::array<QRgb, 7> kCategoryColours = {0xff0072b2, 0xffe69f00, 0xff009e73, 0xffcc79a7,
                                                  0xff56b4e9, 0xffd55e00, 0xfff0e442};

const QColor kHeldFill(0xc4, 0xc4, 0xc4);
const QColor kHeldHatch(0x5e, 0x5e, 0x5e);
const QColor kSoldFill(0x6e, 0x6e, 0x6e);
const QColor kRefundFill(0xee, 0xee, 0xee);
const QColor kNotOnSale(0xb4, 0xb4, 0xb4);
const QColor kInk(0x14, 0x14, 0x14);

// The shapes below are drawn in a unit square (0,0)-(1,1).

QPainterPath checkMark(QRectF box)
{
    QPainterPath path;
    path.moveTo(box.left() + 0.18 * box.width(), box.top() + 0.55 * box.height());
    path.lineTo(box.left() + 0.42 * box.width(), box.top() + 0.78 * box.height());
    path.lineTo(box.left() + 0.84 * box.width(), box.top() + 0.24 * box.height());
    return path;
}

QPainterPath star(QRectF box)
{
    QPainterPath path;
    const QPointF centre = box.center() + QPointF(0, 0.04 * box.height());
    const double outer = 0.5 * box.width();
    const double inner = outer * 0.45;
    for (int k = 0; k < 10; ++k) {
        const double angle = -std::numbers::pi / 2 + k * std::numbers::pi / 5;
        const double radius = k % 2 == 0 ? outer : inner;
        const QPointF point = centre + QPointF(std::cos(angle), std::sin(angle)) * radius;
        if (k == 0)
            path.moveTo(point);
        else
            path.lineTo(point);
    }
    path.closeSubpath();
    return path;
}

void paintCross(QPainter &painter, QRectF box, const QColor &colour, double width)
{
    painter.setPen(QPen(colour, width, Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(box.topLeft(), box.bottomRight());
    painter.drawLine(box.topRight(), box.bottomLeft());
}

// A simplified international wheelchair sign.
void paintWheelchair(QPainter &painter, const QColor &colour)
{
    painter.setBrush(colour);
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QPointF(0.5, 0.22), 0.075, 0.075);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(colour, 0.075, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    QPainterPath body;
    body.moveTo(0.48, 0.33);
    body.lineTo(0.48, 0.56);
    body.lineTo(0.66, 0.56);
    body.lineTo(0.74, 0.74);
    painter.drawPath(body);
    painter.drawLine(QPointF(0.48, 0.42), QPointF(0.63, 0.42));
    painter.drawArc(QRectF(0.24, 0.44, 0.38, 0.38), 130 * 16, 240 * 16);
}

} // namespace

QString seatStateName(Core::SeatState state)
{
    switch (state) {
    case Core::SeatState::Available:
        return SeatStyle::tr("Available");
    case Core::SeatState::Held:
        return SeatStyle::tr("Held");
    case Core::SeatState::Sold:
        return SeatStyle::tr("Sold");
    case Core::SeatState::RefundPending:
        return SeatStyle::tr("Refund pending");
    }
    return SeatStyle::tr("Unknown");
}

SeatGlyph SeatStyle::glyphOf(const Core::SeatMapModel &model, int seat)
{
    if (model.isOwn(seat))
        return SeatGlyph::Own;
    if (model.isSelected(seat))
        return SeatGlyph::Selected;
    switch (model.status(seat)) {
    case Core::SeatState::Available:
        return model.priceCents(seat) < 0 ? SeatGlyph::NotOnSale : SeatGlyph::Available;
    case Core::SeatState::Held:
        return SeatGlyph::Held;
    case Core::SeatState::Sold:
        return SeatGlyph::Sold;
    case Core::SeatState::RefundPending:
        return SeatGlyph::RefundPending;
    }
    return SeatGlyph::NotOnSale;
}

QString SeatStyle::glyphName(SeatGlyph glyph)
{
    switch (glyph) {
    case SeatGlyph::Available:
        return tr("Available");
    case SeatGlyph::Selected:
        return tr("Selected");
    case SeatGlyph::Own:
        return tr("Yours (held)");
    case SeatGlyph::Held:
        return tr("Held");
    case SeatGlyph::Sold:
        return tr("Sold");
    case SeatGlyph::RefundPending:
        return tr("Refund pending");
    case SeatGlyph::NotOnSale:
        return tr("Not on sale");
    }
    return {};
}

QColor SeatStyle::categoryColour(int category)
{
    const int n = int(kCategoryColours.size());
    return QColor::fromRgb(kCategoryColours[std::size_t(((category % n) + n) % n)]);
}

QColor SeatStyle::markColour(SeatGlyph glyph, const QColor &category)
{
    switch (glyph) {
    case SeatGlyph::Available:
        return category;
    case SeatGlyph::Selected:
    case SeatGlyph::Own:
        return kInk;
    case SeatGlyph::Held:
        return kHeldFill;
    case SeatGlyph::Sold:
        return kSoldFill;
    case SeatGlyph::RefundPending:
        return QColor(0xdc, 0xdc, 0xdc);
    case SeatGlyph::NotOnSale:
        return kNotOnSale;
    }
    return category;
}

QColor SeatStyle::glyphFill(SeatGlyph glyph, const QColor &category)
{
    switch (glyph) {
    case SeatGlyph::Available:
    case SeatGlyph::Selected:
        return category;
    case SeatGlyph::Own:
        return kInk;
    case SeatGlyph::Held:
        return kHeldFill;
    case SeatGlyph::Sold:
        return kSoldFill;
    case SeatGlyph::RefundPending:
        return kRefundFill;
    case SeatGlyph::NotOnSale:
        return Qt::transparent;
    }
    return category;
}

QColor SeatStyle::contrastOn(const QColor &fill)
{
    // Relative luminance, roughly (sRGB weights without linearisation suffice here).
    const double luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF();
    return luminance < 0.55 ? Qt::white : kInk;
}

void SeatStyle::paintGlyph(QPainter &painter, const QRectF &rect, SeatGlyph glyph,
                           const QColor &category, quint8 flags, bool compact)
{
    const bool wheelchair = (flags & quint8(Core::SeatFlag::Wheelchair)) != 0;
    const bool companion = (flags & quint8(Core::SeatFlag::Companion)) != 0;

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(rect.topLeft());
    painter.scale(rect.width(), rect.height());

    QRectF body(0.08, 0.08, 0.84, 0.84);
    const QColor fill = glyphFill(glyph, category);
    QPen outline(Qt::NoPen);
    switch (glyph) {
    case SeatGlyph::Available:
        outline = QPen(category.darker(150), 0.06);
        break;
    case SeatGlyph::Selected:
        outline = QPen(kInk, 0.16);
        body = QRectF(0.1, 0.1, 0.8, 0.8);
        break;
    case SeatGlyph::Own:
        outline = QPen(kInk, 0.06);
        break;
    case SeatGlyph::Held:
        outline = QPen(kHeldHatch, 0.06);
        break;
    case SeatGlyph::Sold:
        outline = QPen(kSoldFill.darker(140), 0.06);
        break;
    case SeatGlyph::RefundPending:
        outline = QPen(QColor(0x4a, 0x4a, 0x4a), 0.08, Qt::DashLine);
        break;
    case SeatGlyph::NotOnSale:
        outline = QPen(kNotOnSale, 0.08);
        body = QRectF(0.24, 0.24, 0.52, 0.52);
        break;
    }

    QPainterPath shape;
    if (wheelchair)
        shape.addEllipse(body);
    else
        shape.addRoundedRect(body, 0.2 * body.width(), 0.2 * body.height());
    painter.setPen(outline);
    painter.setBrush(fill);
    painter.drawPath(shape);

    // The state's mark: in the middle, or in the bottom-right corner when the middle holds
    // a seat number.
    const QRectF markBox =
        compact ? QRectF(0.56, 0.56, 0.36, 0.36) : QRectF(0.26, 0.26, 0.48, 0.48);
    const double markPen = compact ? 0.08 : 0.12;
    switch (glyph) {
    case SeatGlyph::Available:
        if (wheelchair && !compact && rect.width() >= 14)
            paintWheelchair(painter, contrastOn(fill));
        break;
    case SeatGlyph::Selected: {
        const QPainterPath check = checkMark(markBox);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(Qt::white, markPen * 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPath(check);
        painter.setPen(QPen(kInk, markPen, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPath(check);
        break;
    }
    case SeatGlyph::Own:
        painter.setPen(Qt::NoPen);
        painter.setBrush(Qt::white);
        painter.drawPath(star(compact ? markBox : markBox.adjusted(-0.06, -0.06, 0.06, 0.06)));
        break;
    case SeatGlyph::Held: {
        painter.setClipPath(shape);
        // Fainter behind a seat number, which must stay readable.
        painter.setPen(compact ? QPen(kHeldHatch.lighter(160), 0.06) : QPen(kHeldHatch, 0.08));
        for (double k = -0.75; k < 1.0; k += 0.25)
            painter.drawLine(QPointF(k, 1.0), QPointF(k + 1.0, 0.0));
        painter.setClipping(false);
        break;
    }
    case SeatGlyph::Sold:
        paintCross(painter, markBox.adjusted(0.02, 0.02, -0.02, -0.02), QColor(0xf4, 0xf4, 0xf4),
                   markPen);
        break;
    case SeatGlyph::RefundPending:
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0x4a, 0x4a, 0x4a));
        painter.drawEllipse(compact ? QPointF(0.74, 0.74) : QPointF(0.5, 0.5), 0.11, 0.11);
        break;
    case SeatGlyph::NotOnSale:
        break;
    }

    if (companion) {
        // A folded-down top-right corner.
        QPainterPath corner;
        corner.moveTo(0.56, 0.04);
        corner.lineTo(0.96, 0.04);
        corner.lineTo(0.96, 0.44);
        corner.closeSubpath();
        painter.setPen(QPen(fill == Qt::transparent ? kNotOnSale : fill, 0.05));
        painter.setBrush(glyph == SeatGlyph::Own ? Qt::white : kInk);
        painter.drawPath(corner);
    }
    painter.restore();
}

} // namespace Boxoffice::Gui
