#include "ui/printing/ticketrenderer.h"

#include "core/common/money.h"
#include "ui/printing/printinglogging.h"
#include "ui/printing/qrimage.h"

#include <QDateTime>
#include <QFont>
#include <QFontMetricsF>
#include <QLocale>
#include <QPagedPaintDevice>
#include <QPainter>
#include <QPainterPath>
#include <QPen>
#include <QTextLayout>

#include <algorithm>
#include <cmath>

namespace Boxoffice::Gui {

using Core::ErrorCode;
using Core::fail;
using Core::Result;

namespace {

constexpr qreal kMmPerInch = 25.4;

// Ticket and receipt printers are black-only (thermal or laser); greys come out dithered.
const QColor kInk(0, 0, 0);
const QColor kPaper(255, 255, 255);
const QColor kMuted(70, 70, 70);
const QColor kPerforation(140, 140, 140);
const QColor kWatermark(0, 0, 0, 26);

QFont font(qreal points, QFont::Weight weight = QFont::Normal)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(points);
    f.setWeight(weight);
    return f;
}

QFont bold(qreal points)
{
    return font(points, QFont::Bold);
}

QPageLayout zeroMarginLayout(const QSizeF &portraitSizeMm, QPageLayout::Orientation orientation,
                             const QString &name)
{
    return QPageLayout(
        QPageSize(portraitSizeMm, QPageSize::Millimeter, name, QPageSize::ExactMatch), orientation,
        QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
}

// Millimetres on a device that counts pixels. The painter keeps device pixels (no scaling
// transform) so that font point sizes come out at their real size; every coordinate goes
// through px(). Without a painter it only measures, which is how the receipt learns its length
// before its page exists.
class Canvas
{
public:
    Canvas(const QPaintDevice *device, QPainter *painter)
        : m_device(device)
        , m_painter(painter)
        , m_pxPerMm(device->logicalDpiX() / kMmPerInch)
    {}

    [[nodiscard]] bool drawing() const { return m_painter != nullptr; }
    [[nodiscard]] qreal px(qreal mm) const { return mm * m_pxPerMm; }
    [[nodiscard]] qreal mm(qreal px) const { return px / m_pxPerMm; }
    [[nodiscard]] QRectF rect(qreal x, qreal y, qreal w, qreal h) const
    {
        return QRectF(px(x), px(y), px(w), px(h));
    }

    [[nodiscard]] QFontMetricsF metrics(const QFont &f) const { return QFontMetricsF(f, m_device); }
    [[nodiscard]] qreal widthMm(const QFont &f, const QString &text) const
    {
        return mm(metrics(f).horizontalAdvance(text));
    }
    // Height in mm of `text` wrapped at widthMm.
    [[nodiscard]] qreal wrappedHeightMm(const QFont &f, const QString &text, qreal maxWidthMm) const
    {
        const QRectF bounds =
            metrics(f).boundingRect(QRectF(0, 0, px(maxWidthMm), px(1000)),
                                    Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
        return mm(bounds.height());
    }

    // The largest size from maxPt down to minPt (half-point steps) at which `text` fits widthMm.
    [[nodiscard]] QFont fitted(const QString &text, qreal maxWidthMm, qreal maxPt, qreal minPt,
                               QFont::Weight weight) const
    {
        QFont f = font(maxPt, weight);
        for (qreal pt = maxPt; pt > minPt && widthMm(f, text) > maxWidthMm; pt -= 0.5)
            f.setPointSizeF(std::max(minPt, pt - 0.5));
        return f;
    }

    void fill(const QRectF &mmRect, const QColor &color) const
    {
        if (drawing())
            m_painter->fillRect(rect(mmRect.x(), mmRect.y(), mmRect.width(), mmRect.height()),
                                color);
    }

    // One line of text in mmRect, elided on the right if it does not fit.
    void text(const QRectF &mmRect, const QFont &f, const QString &text,
              Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter,
              const QColor &color = kInk) const
    {
        if (!drawing())
            return;
        const QRectF r = rect(mmRect.x(), mmRect.y(), mmRect.width(), mmRect.height());
        m_painter->setFont(f);
        m_painter->setPen(color);
        m_painter->drawText(r, int(alignment) | Qt::TextSingleLine,
                            metrics(f).elidedText(text, Qt::ElideRight, r.width()));
    }

    // `text` in mmRect, as large as it fits: one line from maxPt down to minPt, else up to
    // maxLines lines at the size that fits the height, the last line elided if need be.
    void block(const QRectF &mmRect, const QString &text, qreal maxPt, qreal minPt,
               QFont::Weight weight, Qt::Alignment horizontal, int maxLines = 2) const
    {
        const QFont single = fitted(text, mmRect.width(), maxPt, minPt, weight);
        if (maxLines <= 1 || widthMm(single, text) <= mmRect.width()) {
            this->text(mmRect, single, text, horizontal | Qt::AlignVCenter);
            return;
        }
        QFont f = font(minPt, weight);
        while (f.pointSizeF() > 5 && maxLines * mm(metrics(f).lineSpacing()) > mmRect.height())
            f.setPointSizeF(f.pointSizeF() - 0.5);
        const QStringList lines = wrapLines(f, text, mmRect.width(), maxLines);
        const qreal lineHeight = mm(metrics(f).lineSpacing());
        qreal y = mmRect.y() + (mmRect.height() - lines.size() * lineHeight) / 2;
        for (const QString &line : lines) {
            this->text(QRectF(mmRect.x(), y, mmRect.width(), lineHeight), f, line,
                       horizontal | Qt::AlignVCenter);
            y += lineHeight;
        }
    }

    // `text` word-wrapped at maxWidthMm: at most maxLines lines, the last one elided.
    [[nodiscard]] QStringList wrapLines(const QFont &f, const QString &text, qreal maxWidthMm,
                                        int maxLines) const
    {
        QTextLayout layout(text, f, const_cast<QPaintDevice *>(m_device));
        QTextOption option;
        option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        layout.setTextOption(option);
        QStringList lines;
        layout.beginLayout();
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(px(maxWidthMm));
            if (lines.size() == maxLines - 1) {
                lines.append(text.mid(line.textStart()).trimmed()); // the rest, elided below
                break;
            }
            lines.append(text.mid(line.textStart(), line.textLength()).trimmed());
        }
        layout.endLayout();
        if (!lines.isEmpty()) {
            lines.last() = metrics(f).elidedText(lines.last(), Qt::ElideRight, px(maxWidthMm));
        }
        return lines;
    }

    // Word-wrapped text from (x, y) in widthMm; returns its height in mm.
    qreal wrapped(qreal x, qreal y, qreal maxWidthMm, const QFont &f, const QString &text,
                  Qt::Alignment alignment = Qt::AlignLeft, const QColor &color = kInk) const
    {
        const qreal height = wrappedHeightMm(f, text, maxWidthMm);
        if (drawing()) {
            m_painter->setFont(f);
            m_painter->setPen(color);
            m_painter->drawText(rect(x, y, maxWidthMm, height + 1),
                                int(alignment) | Qt::AlignTop | Qt::TextWordWrap, text);
        }
        return height;
    }

    void line(QPointF fromMm, QPointF toMm, qreal widthMm, const QColor &color,
              Qt::PenStyle style = Qt::SolidLine) const
    {
        if (!drawing())
            return;
        QPen pen(color, px(widthMm), style, Qt::FlatCap);
        m_painter->setPen(pen);
        m_painter->drawLine(QPointF(px(fromMm.x()), px(fromMm.y())),
                            QPointF(px(toMm.x()), px(toMm.y())));
    }

    void frame(const QRectF &mmRect, qreal lineMm, qreal radiusMm) const
    {
        if (!drawing())
            return;
        m_painter->setPen(QPen(kInk, px(lineMm)));
        m_painter->setBrush(Qt::NoBrush);
        m_painter->drawRoundedRect(rect(mmRect.x(), mmRect.y(), mmRect.width(), mmRect.height()),
                                   px(radiusMm), px(radiusMm));
    }

    // A white-on-black label starting at (x, y), as wide as its text; returns its width in mm.
    qreal label(qreal x, qreal y, qreal heightMm, const QFont &f, const QString &caption) const
    {
        const qreal width = widthMm(f, caption) + 3;
        if (drawing()) {
            m_painter->setPen(Qt::NoPen);
            m_painter->setBrush(kInk);
            m_painter->drawRoundedRect(rect(x, y, width, heightMm), px(0.8), px(0.8));
            text(QRectF(x, y, width, heightMm), f, caption, Qt::AlignCenter, kPaper);
        }
        return width;
    }

    // The QR symbol of `payload` with its top-left corner at originMm, sideMm wide, as one
    // vector path (crisp at any printer resolution), on a white quiet zone of quietModules.
    void qrCode(const QByteArray &payload, QPointF originMm, qreal sideMm, int quietModules) const
    {
        if (!drawing())
            return;
        const QImage modules = renderQrCode(payload, 1, 0);
        if (modules.isNull()) {
            qCWarning(lcPrinting) << "QR payload of" << payload.size() << "bytes not encodable";
            return;
        }
        const int count = modules.width();
        const qreal module = px(sideMm) / count;
        const qreal quiet = module * quietModules;
        const QPointF origin(px(originMm.x()), px(originMm.y()));
        m_painter->fillRect(QRectF(origin.x() - quiet, origin.y() - quiet, px(sideMm) + 2 * quiet,
                                   px(sideMm) + 2 * quiet),
                            kPaper);
        QPainterPath path;
        path.setFillRule(Qt::WindingFill);
        for (int y = 0; y < count; ++y) {
            const uchar *scan = modules.constScanLine(y);
            int x = 0;
            while (x < count) {
                if (scan[x] != 0) {
                    ++x;
                    continue;
                }
                const int start = x;
                while (x < count && scan[x] == 0)
                    ++x;
                path.addRect(QRectF(origin.x() + start * module, origin.y() + y * module,
                                    (x - start) * module, module));
            }
        }
        m_painter->fillPath(path, kInk);
    }

    // `text` rotated by `degrees` around its centre at centreMm.
    void rotatedText(QPointF centreMm, qreal degrees, const QFont &f, const QString &text,
                     const QColor &color) const
    {
        if (!drawing())
            return;
        m_painter->save();
        m_painter->translate(px(centreMm.x()), px(centreMm.y()));
        m_painter->rotate(degrees);
        const qreal width = metrics(f).horizontalAdvance(text);
        const qreal height = metrics(f).height();
        m_painter->setFont(f);
        m_painter->setPen(color);
        m_painter->drawText(QRectF(-width / 2 - 1, -height / 2, width + 2, height), Qt::AlignCenter,
                            text);
        m_painter->restore();
    }

    // A rubber-stamp box: `text` in a double frame, rotated by `degrees` around centreMm.
    void stamp(QPointF centreMm, QSizeF sizeMm, qreal degrees, const QFont &f,
               const QString &text) const
    {
        if (!drawing())
            return;
        m_painter->save();
        m_painter->translate(px(centreMm.x()), px(centreMm.y()));
        m_painter->rotate(degrees);
        const QRectF outer(-px(sizeMm.width()) / 2, -px(sizeMm.height()) / 2, px(sizeMm.width()),
                           px(sizeMm.height()));
        m_painter->setBrush(kPaper);
        m_painter->setPen(QPen(kInk, px(0.6)));
        m_painter->drawRoundedRect(outer, px(1), px(1));
        m_painter->setBrush(Qt::NoBrush);
        m_painter->setPen(QPen(kInk, px(0.25)));
        m_painter->drawRoundedRect(outer.adjusted(px(0.9), px(0.9), -px(0.9), -px(0.9)), px(0.6),
                                   px(0.6));
        m_painter->setFont(f);
        m_painter->drawText(outer, Qt::AlignCenter | Qt::TextSingleLine, text);
        m_painter->restore();
    }

private:
    const QPaintDevice *m_device;
    QPainter *m_painter;
    qreal m_pxPerMm;
};

QString shortDateText(qint64 utcMs)
{
    const QLocale locale;
    const QDate date = QDateTime::fromMSecsSinceEpoch(utcMs).toLocalTime().date();
    return locale.dayName(date.dayOfWeek(), QLocale::ShortFormat) + u' ' +
           locale.toString(date, QLocale::ShortFormat);
}

QString joined(const QString &a, const QString &b)
{
    if (a.isEmpty())
        return b;
    if (b.isEmpty())
        return a;
    return a + QStringLiteral(" \u00B7 ") + b;
}

QString amountText(qint64 minorUnits, const QString &currency)
{
    const auto money = Core::Money::fromMinor(minorUnits, currency);
    return money ? money->amountText() : QString::number(minorUnits);
}

// The receipt, top to bottom, through one Canvas: measured first (no painter) to size the page,
// then drawn. Returns the height it used, bottom margin included.
qreal composeReceipt(const Canvas &c, const PrintableReceipt &r)
{
    constexpr qreal kMargin = 4.0;
    constexpr qreal kWidth = TicketRenderer::kReceiptWidthMm - 2 * kMargin;
    constexpr qreal kGap = 3.0;
    qreal y = 5.0;

    const auto centred = [&](const QFont &f, const QString &text, const QColor &color = kInk) {
        y += c.wrapped(kMargin, y, kWidth, f, text, Qt::AlignHCenter, color);
    };
    // A description (wrapped) and its amount on the right.
    const auto row = [&](const QFont &f, const QString &left, const QString &right) {
        // The amount keeps its full width (up to 70 %: an absurdly long value is elided).
        const qreal rightWidth =
            right.isEmpty() ? 0 : std::min(c.widthMm(f, right) + 0.5, kWidth * 0.7);
        const qreal leftWidth = kWidth - rightWidth - (right.isEmpty() ? 0 : kGap);
        const qreal height = c.wrapped(kMargin, y, leftWidth, f, left);
        if (!right.isEmpty()) {
            const qreal lineHeight = c.mm(c.metrics(f).height());
            c.text(QRectF(kMargin + kWidth - rightWidth, y, rightWidth, lineHeight), f, right,
                   Qt::AlignRight | Qt::AlignTop);
        }
        y += std::max(height, c.mm(c.metrics(f).height())) + 0.6;
    };
    const auto rule = [&](Qt::PenStyle style) {
        y += 1.2;
        c.line(QPointF(kMargin, y), QPointF(kMargin + kWidth, y), 0.25, kInk, style);
        y += 1.8;
    };

    centred(bold(12), r.venueName);
    y += 0.5;
    centred(font(8), TicketRenderer::tr("Box office receipt"), kMuted);
    if (r.reprint) {
        y += 1.5;
        const QFont f = bold(9);
        const QString copy = TicketRenderer::tr("COPY");
        const qreal width = c.widthMm(f, copy) + 3;
        c.label(kMargin + (kWidth - width) / 2, y, 4.6, f, copy);
        y += 4.6;
    }
    rule(Qt::SolidLine);

    const QFont small = font(8);
    row(small, TicketRenderer::tr("Order"), r.orderId);
    row(small, TicketRenderer::tr("Date"),
        joined(shortDateText(r.paidAtMs), TicketRenderer::timeText(r.paidAtMs)));
    if (!r.clerk.isEmpty())
        row(small, TicketRenderer::tr("Clerk"), r.clerk);
    if (!r.terminal.isEmpty())
        row(small, TicketRenderer::tr("Terminal"), r.terminal);
    if (!r.customerName.isEmpty())
        row(small, TicketRenderer::tr("Customer"), r.customerName);
    rule(Qt::DashLine);

    const QFont item = font(8.5);
    row(font(7, QFont::Bold), TicketRenderer::tr("Item"), r.currency);
    for (const ReceiptLine &line : r.lines)
        row(item, line.description, amountText(line.amountCents, r.currency));
    rule(Qt::SolidLine);

    row(bold(12), TicketRenderer::tr("TOTAL %1").arg(r.currency),
        amountText(r.totalCents, r.currency));
    y += 1.0;
    if (r.method == kPaymentCash) {
        row(item, TicketRenderer::tr("Paid in cash"), QString());
        row(item, TicketRenderer::tr("Tendered"), amountText(r.tenderedCents, r.currency));
        row(bold(10), TicketRenderer::tr("Change"), amountText(r.changeCents, r.currency));
    } else {
        row(item, TicketRenderer::tr("Paid by card"), amountText(r.totalCents, r.currency));
        if (!r.cardReference.isEmpty())
            row(small, TicketRenderer::tr("Card reference"), r.cardReference);
    }
    rule(Qt::DashLine);

    centred(font(7.5), TicketRenderer::tr("Thank you for your visit!"));
    y += 0.5;
    centred(font(6.5),
            TicketRenderer::tr("Each ticket admits once. Refunds and exchanges at the box office "
                               "with this receipt."),
            kMuted);
    return y + 8.0;
}

} // namespace

QPageLayout TicketRenderer::ticketPageLayout()
{
    return zeroMarginLayout(QSizeF(kTicketHeightMm, kTicketWidthMm), QPageLayout::Landscape,
                            tr("Ticket 8 \u00D7 3.25 in"));
}

QPageLayout TicketRenderer::receiptPageLayout(const PrintableReceipt &receipt, QPaintDevice *device)
{
    const Canvas measure(device, nullptr);
    // Never shorter than it is wide: a roll printer cuts very short slips badly.
    const qreal height = std::max(kReceiptWidthMm, composeReceipt(measure, receipt));
    return zeroMarginLayout(QSizeF(kReceiptWidthMm, std::ceil(height)), QPageLayout::Portrait,
                            tr("Receipt 80 mm"));
}

void TicketRenderer::paintTicket(QPainter &painter, const PrintableTicket &t)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const Canvas c(painter.device(), &painter);

    constexpr qreal kWidth = kTicketWidthMm;
    constexpr qreal kHeight = kTicketHeightMm;
    constexpr qreal kStubX = kWidth - kStubWidthMm; // the perforation
    constexpr qreal kBand = 12.0;                   // black header band
    constexpr qreal kMargin = 6.0;
    constexpr qreal kQrX = kStubX - kMargin - kQrSideMm;
    constexpr qreal kQrY = kBand + 5.0;
    constexpr qreal kColumn = kQrX - 2 * kMargin; // the main text column left of the QR

    const QString date = dateText(t.startMs);
    const QString time = timeText(t.startMs);
    const QString price = moneyText(t.priceCents, t.currency);

    c.fill(QRectF(0, 0, kWidth, kHeight), kPaper);
    if (t.reprint) {
        // Under everything else, so that all text stays readable on top of it.
        c.rotatedText(QPointF(kMargin + kColumn / 2, 48), -12, bold(44), tr("REPRINT"), kWatermark);
    }

    // Header band over both parts: venue and city; the stub says what it is.
    c.fill(QRectF(0, 0, kWidth, kBand), kInk);
    const QFont cityFont = font(9);
    const qreal cityWidth = std::min(c.widthMm(cityFont, t.city) + 1, 50.0);
    c.text(QRectF(kMargin, 0, kStubX - 2 * kMargin - cityWidth - 4, kBand), bold(12), t.venueName,
           Qt::AlignLeft | Qt::AlignVCenter, kPaper);
    c.text(QRectF(kStubX - kMargin - cityWidth, 0, cityWidth, kBand), cityFont, t.city,
           Qt::AlignRight | Qt::AlignVCenter, kPaper);
    c.text(QRectF(kStubX, 0, kStubWidthMm, kBand), bold(9), tr("ADMIT ONE"), Qt::AlignCenter,
           kPaper);

    // Main part: what, when, where.
    c.block(QRectF(kMargin, kBand + 2.5, kColumn, 9.5), t.showTitle, 20, 14, QFont::Bold,
            Qt::AlignLeft);
    c.text(QRectF(kMargin, kBand + 12.5, kColumn, 5.5), bold(11), joined(date, time));
    c.text(QRectF(kMargin, kBand + 18.5, kColumn, 5), font(9), joined(t.venueName, t.city),
           Qt::AlignLeft | Qt::AlignVCenter, kMuted);

    // Section, row and seat in boxes, the seat the widest text on the ticket.
    struct Box
    {
        QString caption, value;
        qreal width;
    };
    const Box boxes[] = {{tr("SECTION"), t.sectionName, kColumn - 2 * 23 - 2 * 2},
                         {tr("ROW"), t.rowLabel, 23},
                         {tr("SEAT"), t.seatNumber, 23}};
    qreal x = kMargin;
    constexpr qreal kBoxY = kBand + 26;
    constexpr qreal kBoxHeight = 15;
    for (const Box &box : boxes) {
        c.frame(QRectF(x, kBoxY, box.width, kBoxHeight), 0.35, 1.5);
        c.text(QRectF(x + 1.5, kBoxY + 1.2, box.width - 3, 3.5), font(6.5), box.caption,
               Qt::AlignHCenter | Qt::AlignVCenter, kMuted);
        c.block(QRectF(x + 1.5, kBoxY + 4.8, box.width - 3, 9.4), box.value, 18, 11, QFont::Bold,
                Qt::AlignHCenter);
        x += box.width + 2;
    }

    // Tier and price.
    constexpr qreal kPriceY = kBoxY + kBoxHeight + 3;
    constexpr qreal kPriceWidth = 40;
    c.text(QRectF(kMargin, kPriceY, kColumn - kPriceWidth, 3.5), font(6.5), tr("TIER"),
           Qt::AlignLeft | Qt::AlignVCenter, kMuted);
    c.text(QRectF(kMargin, kPriceY + 3.5, kColumn - kPriceWidth - 2, 5.5),
           c.fitted(t.tierName, kColumn - kPriceWidth - 2, 11, 7, QFont::Bold), t.tierName);
    const qreal priceX = kMargin + kColumn - kPriceWidth;
    c.text(QRectF(priceX, kPriceY, kPriceWidth, 3.5), font(6.5), tr("PRICE"),
           Qt::AlignRight | Qt::AlignVCenter, kMuted);
    c.text(QRectF(priceX, kPriceY + 3.5, kPriceWidth, 5.5),
           c.fitted(price, kPriceWidth, 13, 8, QFont::Bold), price,
           Qt::AlignRight | Qt::AlignVCenter);

    if (t.wheelchair)
        c.label(kMargin, kPriceY + 10, 4.4, bold(7), tr("WHEELCHAIR SPACE"));

    // The QR code with the ticket code under it, and the reprint stamp below.
    c.qrCode(t.qrPayload.toUtf8(), QPointF(kQrX, kQrY), kQrSideMm, kQrQuietZoneModules);
    constexpr qreal kCodeY = kQrY + kQrSideMm + 2.6;
    c.text(QRectF(kQrX - 3, kCodeY, kQrSideMm + 6, 3.5),
           c.fitted(t.ticketCode, kQrSideMm + 6, 7, 5, QFont::Normal), t.ticketCode,
           Qt::AlignCenter);
    if (t.reprint) {
        c.stamp(QPointF(kQrX + kQrSideMm / 2, kCodeY + 8), QSizeF(34, 7.5), -3, bold(13),
                tr("REPRINT"));
    }

    // Footer: the ids staff look up, and the conditions.
    constexpr qreal kFooterY = kHeight - 11;
    c.line(QPointF(kMargin, kFooterY), QPointF(kStubX - kMargin, kFooterY), 0.2, kPerforation);
    const QString ids =
        tr("Order %1  \u00B7  Ticket %2  \u00B7  Seat %3").arg(t.orderId, t.ticketCode, t.seatId);
    c.text(QRectF(kMargin, kFooterY + 1, kStubX - 2 * kMargin, 4),
           c.fitted(ids, kStubX - 2 * kMargin, 7, 5, QFont::Normal), ids);
    c.text(QRectF(kMargin, kFooterY + 5, kStubX - 2 * kMargin, 3.5), font(5.5),
           tr("Valid for one admission to this performance only. The QR code is checked at the "
              "door; a copy of a used ticket is refused."),
           Qt::AlignLeft | Qt::AlignVCenter, kMuted);

    // Perforation, and the stub the usher tears off.
    c.line(QPointF(kStubX, 0), QPointF(kStubX, kHeight), 0.3, kPerforation, Qt::DashLine);
    constexpr qreal kStubPad = 4;
    constexpr qreal kSx = kStubX + kStubPad;
    constexpr qreal kSw = kStubWidthMm - 2 * kStubPad;
    c.text(QRectF(kSx, kBand + 3, kSw, 5), c.fitted(t.showTitle, kSw, 10, 7, QFont::Bold),
           t.showTitle);
    c.text(QRectF(kSx, kBand + 8, kSw, 4), font(7.5), joined(shortDateText(t.startMs), time));
    c.text(QRectF(kSx, kBand + 12, kSw, 4), font(7), t.venueName, Qt::AlignLeft | Qt::AlignVCenter,
           kMuted);
    qreal sy = kBand + 17.5;
    for (const Box &box : boxes) {
        constexpr qreal kCaption = 14;
        c.text(QRectF(kSx, sy, kCaption, 5.5), font(6.5), box.caption,
               Qt::AlignLeft | Qt::AlignVCenter, kMuted);
        c.text(QRectF(kSx + kCaption, sy, kSw - kCaption, 5.5),
               c.fitted(box.value, kSw - kCaption, 10, 6.5, QFont::Bold), box.value,
               Qt::AlignRight | Qt::AlignVCenter);
        sy += 5.5;
    }
    c.line(QPointF(kSx, sy + 1), QPointF(kSx + kSw, sy + 1), 0.2, kPerforation);
    sy += 2;
    const QFont tierFont = font(7.5);
    const QFont priceFont = bold(8.5);
    const qreal priceWidth = c.widthMm(priceFont, price) + 0.5;
    c.text(QRectF(kSx, sy, kSw - priceWidth - 1, 4.5), tierFont, t.tierName);
    c.text(QRectF(kSx + kSw - priceWidth, sy, priceWidth, 4.5), priceFont, price,
           Qt::AlignRight | Qt::AlignVCenter);
    sy += 5.5;
    c.text(QRectF(kSx, sy, kSw, 3.5), c.fitted(t.ticketCode, kSw, 6.5, 5, QFont::Normal),
           t.ticketCode);
    const QString order = tr("Order %1").arg(t.orderId);
    c.text(QRectF(kSx, sy + 3.5, kSw, 3.5), c.fitted(order, kSw, 6.5, 5, QFont::Normal), order,
           Qt::AlignLeft | Qt::AlignVCenter, kMuted);
    if (t.wheelchair)
        c.label(kSx, sy + 8, 4, bold(6.5), tr("WHEELCHAIR"));
    if (t.reprint) {
        c.stamp(QPointF(kStubX + kStubWidthMm / 2, kHeight - 7), QSizeF(30, 6.5), -3, bold(11),
                tr("REPRINT"));
    }
    painter.restore();
}

void TicketRenderer::paintReceipt(QPainter &painter, const PrintableReceipt &receipt)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const Canvas c(painter.device(), &painter);
    composeReceipt(c, receipt);
    painter.restore();
}

namespace {

// Applies `layout` to the device's next page. A printer that refuses zero margins still takes
// the paper size (it then clips at its hardware margins).
Result<> applyLayout(QPagedPaintDevice &device, const QPageLayout &layout)
{
    if (device.setPageLayout(layout))
        return {};
    qCWarning(lcPrinting) << "device refused page layout" << layout << "; trying the size alone";
    if (device.setPageSize(layout.pageSize()) && device.setPageOrientation(layout.orientation()))
        return {};
    return fail(ErrorCode::Internal, TicketRenderer::tr("the printer does not take the page "
                                                        "size %1")
                                         .arg(layout.pageSize().name()));
}

} // namespace

Result<> TicketRenderer::paintDocument(QPagedPaintDevice &device,
                                       const QList<PrintableTicket> &tickets,
                                       const std::optional<PrintableReceipt> &receipt)
{
    if (auto valid = validatePrintJob(tickets, receipt); !valid)
        return valid;

    if (auto applied = applyLayout(device, ticketPageLayout()); !applied)
        return applied;
    QPainter painter;
    if (!painter.begin(&device))
        return fail(ErrorCode::Internal, tr("cannot start printing: the output refused"));
    const auto abort = [&](const QString &message) {
        painter.end();
        return fail(ErrorCode::Internal, message);
    };
    for (qsizetype i = 0; i < tickets.size(); ++i) {
        if (i > 0) {
            if (auto applied = applyLayout(device, ticketPageLayout()); !applied)
                return abort(applied.error().message);
            if (!device.newPage())
                return abort(tr("cannot start page %1").arg(i + 1));
        }
        paintTicket(painter, tickets[i]);
    }
    if (receipt) {
        if (auto applied = applyLayout(device, receiptPageLayout(*receipt, &device)); !applied)
            return abort(applied.error().message);
        if (!device.newPage())
            return abort(tr("cannot start the receipt page"));
        paintReceipt(painter, *receipt);
    }
    if (!painter.end())
        return fail(ErrorCode::Internal, tr("the output failed while finishing the document"));
    return {};
}

QImage TicketRenderer::ticketImage(const PrintableTicket &ticket, qreal dpi)
{
    const qreal pxPerMm = dpi / kMmPerInch;
    QImage image(qRound(kTicketWidthMm * pxPerMm), qRound(kTicketHeightMm * pxPerMm),
                 QImage::Format_RGB32);
    image.setDotsPerMeterX(qRound(pxPerMm * 1000));
    image.setDotsPerMeterY(qRound(pxPerMm * 1000));
    image.fill(kPaper);
    QPainter painter(&image);
    paintTicket(painter, ticket);
    return image;
}

QImage TicketRenderer::receiptImage(const PrintableReceipt &receipt, qreal dpi)
{
    const qreal pxPerMm = dpi / kMmPerInch;
    QImage probe(1, 1, QImage::Format_RGB32);
    probe.setDotsPerMeterX(qRound(pxPerMm * 1000));
    probe.setDotsPerMeterY(qRound(pxPerMm * 1000));
    const QSizeF sizeMm =
        receiptPageLayout(receipt, &probe).fullRect(QPageLayout::Millimeter).size();
    QImage image(qRound(sizeMm.width() * pxPerMm), qRound(sizeMm.height() * pxPerMm),
                 QImage::Format_RGB32);
    image.setDotsPerMeterX(probe.dotsPerMeterX());
    image.setDotsPerMeterY(probe.dotsPerMeterY());
    image.fill(kPaper);
    QPainter painter(&image);
    paintReceipt(painter, receipt);
    return image;
}

QString TicketRenderer::dateText(qint64 utcMs)
{
    const QDate date = QDateTime::fromMSecsSinceEpoch(utcMs).toLocalTime().date();
    return QLocale().toString(date, QLocale::LongFormat);
}

QString TicketRenderer::timeText(qint64 utcMs)
{
    const QTime time = QDateTime::fromMSecsSinceEpoch(utcMs).toLocalTime().time();
    return QLocale().toString(time, QLocale::ShortFormat);
}

QString TicketRenderer::moneyText(qint64 minorUnits, const QString &currency)
{
    const auto money = Core::Money::fromMinor(minorUnits, currency);
    return money ? money->toString() : QString::number(minorUnits) + u' ' + currency;
}

} // namespace Boxoffice::Gui
