#include "ui/seatmap/seatmaplegend.h"

#include "core/common/money.h"
#include "core/seatmap/seatmapmodel.h"

#include <QEvent>
#include <QPainter>

namespace Boxoffice::Gui {

namespace {

constexpr int kGlyphPx = 18;
constexpr int kGap = 6;      // between a glyph and its text
constexpr int kSpacing = 18; // between items
constexpr int kMargin = 6;

} // namespace

SeatMapLegend::SeatMapLegend(Core::SeatMapModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    setAccessibleName(tr("Seat map legend"));
    if (m_model)
        connect(m_model, &Core::SeatMapModel::modelReset, this, &SeatMapLegend::handleModelReset);
    handleModelReset();
}

void SeatMapLegend::handleModelReset()
{
    m_items.clear();
    int firstOnSale = 0;
    if (m_model && m_model->hasShow()) {
        const auto &categories = m_model->layout().categories();
        bool found = false;
        for (int c = 0; c < int(categories.size()); ++c) {
            const qint64 cents = m_model->categoryPriceCents(c);
            QString price = tr("not on sale");
            if (cents >= 0) {
                const auto money = Core::Money::fromMinor(cents, m_model->currency());
                price = money ? money->toString() : QString::number(cents);
                if (!found)
                    firstOnSale = c;
                found = true;
            }
            m_items.push_back(Item{cents >= 0 ? SeatGlyph::Available : SeatGlyph::NotOnSale, c, 0,
                                   tr("%1 · %2").arg(categories[c].name, price)});
        }
    }
    for (SeatGlyph glyph : {SeatGlyph::Selected, SeatGlyph::Own, SeatGlyph::Held, SeatGlyph::Sold,
                            SeatGlyph::RefundPending, SeatGlyph::NotOnSale}) {
        m_items.push_back(Item{glyph, firstOnSale, 0, SeatStyle::glyphName(glyph)});
    }
    m_items.push_back(Item{SeatGlyph::Available, firstOnSale, quint8(Core::SeatFlag::Wheelchair),
                           tr("Wheelchair space")});
    m_items.push_back(Item{SeatGlyph::Available, firstOnSale, quint8(Core::SeatFlag::Companion),
                           tr("Companion seat")});
    updateGeometry();
    update();
}

QStringList SeatMapLegend::itemTexts() const
{
    QStringList texts;
    for (const Item &item : m_items)
        texts << item.text;
    return texts;
}

SeatMapLegend::Arrangement SeatMapLegend::arrange(int width) const
{
    const QFontMetrics metrics(font());
    const int lineHeight = std::max(kGlyphPx, metrics.height()) + 4;
    Arrangement arrangement;
    int x = kMargin;
    int y = kMargin;
    for (const Item &item : m_items) {
        const int textWidth = metrics.horizontalAdvance(item.text);
        const int itemWidth = kGlyphPx + kGap + textWidth;
        if (x > kMargin && x + itemWidth > width - kMargin) {
            x = kMargin;
            y += lineHeight;
        }
        Placed p;
        p.glyph = QRect(x, y + (lineHeight - kGlyphPx) / 2, kGlyphPx, kGlyphPx);
        p.text = QRect(x + kGlyphPx + kGap, y, textWidth + 1, lineHeight);
        arrangement.items.push_back(p);
        x += itemWidth + kSpacing;
    }
    arrangement.height = y + lineHeight + kMargin;
    return arrangement;
}

int SeatMapLegend::heightForWidth(int width) const
{
    return arrange(width).height;
}

QSize SeatMapLegend::sizeHint() const
{
    const int width = 720;
    return {width, heightForWidth(width)};
}

QSize SeatMapLegend::minimumSizeHint() const
{
    const int width = 200;
    return {width, heightForWidth(width)};
}

void SeatMapLegend::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    QWidget::changeEvent(event);
}

void SeatMapLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const std::vector<Placed> placed = arrange(width()).items;
    painter.setPen(palette().color(QPalette::WindowText));
    for (std::size_t i = 0; i < m_items.size(); ++i) {
        const Item &item = m_items[i];
        SeatStyle::paintGlyph(painter, placed[i].glyph, item.glyph,
                              SeatStyle::categoryColour(item.category), item.flags);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(placed[i].text, Qt::AlignVCenter | Qt::AlignLeft, item.text);
    }
}

} // namespace Boxoffice::Gui
