#pragma once

#include "ui/seatmap/seatstyle.h"

#include <QPointer>
#include <QWidget>

#include <vector>

namespace Boxoffice::Core {
class SeatMapModel;
}

namespace Boxoffice::Gui {

// The key to the seat map: each price category of the loaded show with its colour and price,
// each seat state with the glyph the map draws for it, and the wheelchair and companion marks.
// Items flow into as many lines as the width needs (heightForWidth). Follows the model's show;
// the model is not owned and may be destroyed first. GUI thread only.
class SeatMapLegend : public QWidget
{
    Q_OBJECT

public:
    explicit SeatMapLegend(Core::SeatMapModel *model, QWidget *parent = nullptr);

    // The texts shown, in order (for tests and accessibility).
    [[nodiscard]] QStringList itemTexts() const;

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;
    [[nodiscard]] bool hasHeightForWidth() const override { return true; }
    [[nodiscard]] int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Item
    {
        SeatGlyph glyph;
        int category;
        quint8 flags;
        QString text;
    };
    struct Placed
    {
        QRect glyph;
        QRect text;
    };

    struct Arrangement
    {
        std::vector<Placed> items;
        int height = 0;
    };

    void handleModelReset();
    // Where each item goes for a given width, and the height that takes.
    [[nodiscard]] Arrangement arrange(int width) const;

    QPointer<Core::SeatMapModel> m_model;
    std::vector<Item> m_items;
};

} // namespace Boxoffice::Gui
