#include "core/seatmap/seatmapmodel.h"
#include "tests/support/testpaths.h"
#include "ui/seatmap/seatmaplegend.h"
#include "ui/seatmap/seatmapview.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>

#include <memory>

using namespace Boxoffice::Core;
using namespace Boxoffice::Gui;
using namespace Qt::StringLiterals;

namespace {

std::shared_ptr<const VenueLayout> venue(const QString &name)
{
    static QHash<QString, std::shared_ptr<const VenueLayout>> cache;
    if (auto it = cache.constFind(name); it != cache.cend())
        return *it;
    Result<VenueLayout> layout =
        loadVenueLayout(Boxoffice::Test::sourcePath(u"resources/venues/%1.json"_s.arg(name)));
    if (!layout)
        qFatal("cannot read venue %s: %s", qPrintable(name), qPrintable(layout.error().message));
    auto shared = std::make_shared<const VenueLayout>(std::move(*layout));
    cache.insert(name, shared);
    return shared;
}

enum class Statuses
{
    AllAvailable,
    Mixed, // every 5th seat sold, every 7th held, every 53rd refund pending
};

std::vector<quint8> statusesFor(int seats, Statuses kind)
{
    std::vector<quint8> statuses(std::size_t(seats), quint8(SeatState::Available));
    if (kind == Statuses::Mixed) {
        for (int i = 0; i < seats; ++i) {
            if (i % 5 == 0)
                statuses[i] = quint8(SeatState::Sold);
            else if (i % 7 == 3)
                statuses[i] = quint8(SeatState::Held);
            else if (i % 53 == 1)
                statuses[i] = quint8(SeatState::RefundPending);
        }
    }
    return statuses;
}

// A model with a show of the named venue and a view of it, shown offscreen.
struct Map
{
    std::unique_ptr<SeatMapModel> model;
    std::unique_ptr<SeatMapView> view;

    int seat(const QString &id) const { return model->layout().indexOf(SeatId(id)); }
    QPointF seatPos(int seat) const
    {
        const LayoutSeat &s = model->layout().seats()[seat];
        return {s.x, s.y};
    }
    // The view's mapping from widget to venue coordinates, from its public state.
    QPointF toVenue(QPointF widget) const
    {
        return (widget - QPointF(view->width() / 2.0, view->height() / 2.0)) /
                   view->pixelsPerMetre() +
               view->venueCentre();
    }
    QImage render() const
    {
        QImage image(view->size(), QImage::Format_ARGB32_Premultiplied);
        view->render(&image);
        return image;
    }
};

Map openMap(const QString &venueName, Statuses statuses = Statuses::Mixed,
            std::vector<qint64> prices = {12'000, 9'000, 6'000, 4'500, 3'000},
            QSize size = QSize(1200, 800))
{
    Map map;
    const auto layout = venue(venueName);
    prices.resize(std::size_t(layout->categories().size()), 2'000);
    map.model = std::make_unique<SeatMapModel>();
    map.model->setShow(ShowId(u"show-"_s + venueName), layout, prices, u"EUR"_s);
    if (!map.model->applySnapshot(statusesFor(layout->seatCount(), statuses), 1))
        qFatal("snapshot refused");
    map.model->setFreshness(Freshness::Live, QDateTime::currentMSecsSinceEpoch());
    map.view = std::make_unique<SeatMapView>(map.model.get());
    map.view->resize(size);
    map.view->show();
    if (!QTest::qWaitForWindowExposed(map.view.get()))
        qFatal("the view was not exposed");
    return map;
}

// The seats whose centres are inside the widget, every `stride`th.
std::vector<int> visibleSeats(const Map &map, int stride)
{
    std::vector<int> seats;
    const QRect inside = map.view->rect().adjusted(2, 2, -2, -2);
    for (int i = 0; i < map.model->seatCount(); i += stride) {
        if (inside.contains(map.view->seatCenter(i)))
            seats.push_back(i);
    }
    return seats;
}

int firstVisible(const Map &map, const std::function<bool(int)> &wanted)
{
    for (int i : visibleSeats(map, 1)) {
        if (wanted(i))
            return i;
    }
    return -1;
}

void shiftDrag(SeatMapView *view, QPoint from, QPoint to, Qt::KeyboardModifiers modifiers)
{
    QTest::mousePress(view, Qt::LeftButton, modifiers, from);
    QTest::mouseMove(view, (from + to) / 2);
    QTest::mouseMove(view, to);
    QTest::mouseRelease(view, Qt::LeftButton, modifiers, to);
}

} // namespace

class TestSeatMapView : public QObject
{
    Q_OBJECT

private slots:
    void seatAtFindsEverySeatCentre_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::addColumn<double>("seatPx"); // 0: fit the venue
        QTest::addColumn<int>("stride");
        QTest::addColumn<SeatMapView::Detail>("detail");
        using D = SeatMapView::Detail;
        QTest::newRow("theatre fit") << u"theatre"_s << 0.0 << 1 << D::Seat;
        QTest::newRow("theatre sections") << u"theatre"_s << 8.0 << 1 << D::Section;
        QTest::newRow("theatre numbers") << u"theatre"_s << 40.0 << 1 << D::Seat;
        QTest::newRow("concert hall fit") << u"concert-hall"_s << 0.0 << 1 << D::Section;
        QTest::newRow("concert hall seats") << u"concert-hall"_s << 20.0 << 1 << D::Seat;
        QTest::newRow("arena fit") << u"arena"_s << 0.0 << 13 << D::Venue;
        QTest::newRow("arena sections") << u"arena"_s << 8.0 << 3 << D::Section;
        QTest::newRow("arena seats") << u"arena"_s << 18.0 << 1 << D::Seat;
        QTest::newRow("arena numbers") << u"arena"_s << 40.0 << 1 << D::Seat;
    }
    void seatAtFindsEverySeatCentre()
    {
        QFETCH(QString, venueName);
        QFETCH(double, seatPx);
        QFETCH(int, stride);
        QFETCH(SeatMapView::Detail, detail);
        Map map = openMap(venueName);
        if (seatPx > 0) {
            map.view->zoomTo(seatPx / 0.5, map.view->rect().center());
            // Somewhere with seats: the middle of the floor, stalls or stands.
            map.view->setVenueCentre(map.seatPos(map.model->seatCount() / 3));
        }
        QCOMPARE(map.view->detail(), detail);
        const std::vector<int> seats = visibleSeats(map, stride);
        QVERIFY2(seats.size() > 100, qPrintable(QString::number(seats.size())));
        // At the whole-venue level a pixel holds more than one seat: the seat found is one
        // whose centre is within that pixel.
        const double slack =
            detail == SeatMapView::Detail::Venue ? 0.75 / map.view->pixelsPerMetre() : 0.0;
        int wrong = 0;
        for (int seat : seats) {
            const int found = map.view->seatAt(map.view->seatCenter(seat));
            const QPointF offset = map.seatPos(found >= 0 ? found : seat) - map.seatPos(seat);
            if (found < 0 || (found != seat && std::hypot(offset.x(), offset.y()) > slack))
                ++wrong;
        }
        QCOMPARE(wrong, 0);
        // No seat on the stage.
        const QPointF stage = (map.model->layout().stage().center() - map.view->venueCentre()) *
                                  map.view->pixelsPerMetre() +
                              QPointF(map.view->width() / 2.0, map.view->height() / 2.0);
        QCOMPARE(map.view->seatAt(stage.toPoint()), -1);
    }

    void clickTogglesSelection()
    {
        Map map = openMap(u"theatre"_s);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Seat);
        const int seat = firstVisible(map, [&](int i) { return map.model->isSelectable(i); });
        QVERIFY(seat >= 0);
        QSignalSpy selection(map.model.get(), &SeatMapModel::selectionChanged);
        QTest::mouseClick(map.view.get(), Qt::LeftButton, {}, map.view->seatCenter(seat));
        QVERIFY(map.model->isSelected(seat));
        QCOMPARE(map.model->selection(), std::vector<int>{seat});
        QCOMPARE(map.view->currentSeat(), seat);
        QTest::mouseClick(map.view.get(), Qt::LeftButton, {}, map.view->seatCenter(seat));
        QVERIFY(!map.model->isSelected(seat));
        QCOMPARE(selection.count(), 2);
    }

    void unavailableSeatsCannotBeSelected_data()
    {
        QTest::addColumn<int>("state");
        QTest::newRow("sold") << int(SeatState::Sold);
        QTest::newRow("held") << int(SeatState::Held);
        QTest::newRow("refund pending") << int(SeatState::RefundPending);
    }
    void unavailableSeatsCannotBeSelected()
    {
        QFETCH(int, state);
        Map map = openMap(u"theatre"_s);
        const int seat =
            firstVisible(map, [&](int i) { return map.model->status(i) == SeatState(state); });
        QVERIFY(seat >= 0);
        QTest::mouseClick(map.view.get(), Qt::LeftButton, {}, map.view->seatCenter(seat));
        QVERIFY(map.model->selection().empty());
        map.view->setCurrentSeat(seat);
        QTest::keyClick(map.view.get(), Qt::Key_Space);
        QVERIFY(map.model->selection().empty());
    }

    void notOnSaleCannotBeSelected()
    {
        // Category A ("Premium") not on sale.
        Map map = openMap(u"theatre"_s, Statuses::AllAvailable, {-1, 9'000, 6'000});
        const int seat = map.seat(u"STALLS-A-3"_s);
        QTest::mouseClick(map.view.get(), Qt::LeftButton, {}, map.view->seatCenter(seat));
        QVERIFY(map.model->selection().empty());
        QVERIFY(map.view->seatToolTip(seat).contains(u"not on sale"_s));
    }

    void rubberBandSelectsSelectableSeatsInside()
    {
        Map map = openMap(u"theatre"_s);
        const QPoint from(map.view->width() / 4, map.view->height() / 3);
        const QPoint to(map.view->width() * 3 / 4, map.view->height() * 2 / 3);
        const QRectF venueRect(map.toVenue(from), map.toVenue(to));
        std::vector<int> expected;
        int unselectableInside = 0;
        for (int i = 0; i < map.model->seatCount(); ++i) {
            if (!venueRect.contains(map.seatPos(i)))
                continue;
            if (map.model->isSelectable(i))
                expected.push_back(i);
            else
                ++unselectableInside;
        }
        QVERIFY(expected.size() > 20);
        QVERIFY(unselectableInside > 10);

        shiftDrag(map.view.get(), from, to, Qt::ShiftModifier);
        QCOMPARE(map.model->selection(), expected);

        // Ctrl+Shift deselects the selected seats in a smaller band, and only those.
        const QPoint innerFrom(map.view->width() / 2, map.view->height() / 3);
        const QRectF innerRect(map.toVenue(innerFrom), map.toVenue(to));
        std::vector<int> remaining;
        for (int seat : expected) {
            if (!innerRect.contains(map.seatPos(seat)))
                remaining.push_back(seat);
        }
        QVERIFY(remaining.size() < expected.size());
        QVERIFY(!remaining.empty());
        shiftDrag(map.view.get(), innerFrom, to, Qt::ShiftModifier | Qt::ControlModifier);
        QCOMPARE(map.model->selection(), remaining);

        // Shift+click without dragging toggles one seat, as a click does.
        const int seat = remaining.front();
        QTest::mouseClick(map.view.get(), Qt::LeftButton, Qt::ShiftModifier,
                          map.view->seatCenter(seat));
        QVERIFY(!map.model->isSelected(seat));
    }

    void dragPansWithoutSelecting()
    {
        Map map = openMap(u"theatre"_s);
        const QPointF before = map.view->venueCentre();
        const QPoint start = map.view->rect().center();
        QTest::mousePress(map.view.get(), Qt::LeftButton, {}, start);
        QTest::mouseMove(map.view.get(), start + QPoint(40, 10));
        QTest::mouseMove(map.view.get(), start + QPoint(120, 30));
        QTest::mouseRelease(map.view.get(), Qt::LeftButton, {}, start + QPoint(120, 30));
        const QPointF moved = (before - map.view->venueCentre()) * map.view->pixelsPerMetre();
        QVERIFY2(std::abs(moved.x() - 120) < 0.01 && std::abs(moved.y() - 30) < 0.01,
                 qPrintable(u"%1,%2"_s.arg(moved.x()).arg(moved.y())));
        QVERIFY(map.model->selection().empty());
    }

    void keysMoveTheCursorAndSpaceSelects()
    {
        Map map = openMap(u"theatre"_s, Statuses::AllAvailable);
        const auto layout = venue(u"theatre"_s);
        const auto rowOf = [&](int seat) { return layout->seats()[seat].row; };
        QSignalSpy cursor(map.view.get(), &SeatMapView::currentSeatChanged);
        map.view->setCurrentSeat(map.seat(u"STALLS-C-5"_s));
        QTest::keyClick(map.view.get(), Qt::Key_Right);
        QCOMPARE(map.view->currentSeat(), map.seat(u"STALLS-C-6"_s));
        QTest::keyClick(map.view.get(), Qt::Key_Left);
        QTest::keyClick(map.view.get(), Qt::Key_Left);
        QCOMPARE(map.view->currentSeat(), map.seat(u"STALLS-C-4"_s));
        QTest::keyClick(map.view.get(), Qt::Key_Down);
        QCOMPARE(rowOf(map.view->currentSeat()), u"D"_s);
        QTest::keyClick(map.view.get(), Qt::Key_Up);
        QTest::keyClick(map.view.get(), Qt::Key_Up);
        QCOMPARE(rowOf(map.view->currentSeat()), u"B"_s);
        QCOMPARE(cursor.count(), 7);

        const int current = map.view->currentSeat();
        QTest::keyClick(map.view.get(), Qt::Key_Space);
        QCOMPARE(map.model->selection(), std::vector<int>{current});
        QTest::keyClick(map.view.get(), Qt::Key_Space);
        QVERIFY(map.model->selection().empty());

        // Shift+arrow pans and leaves the cursor where it is.
        const QPointF centre = map.view->venueCentre();
        QTest::keyClick(map.view.get(), Qt::Key_Right, Qt::ShiftModifier);
        QVERIFY(map.view->venueCentre().x() > centre.x());
        QCOMPARE(map.view->currentSeat(), current);
    }

    void cursorCrossesAisles()
    {
        // The arena's floor blocks are separate sections with aisles between them.
        Map map = openMap(u"arena"_s, Statuses::AllAvailable);
        map.view->centreOn(map.seat(u"FLOOR-1-10-30"_s), true);
        map.view->setCurrentSeat(map.seat(u"FLOOR-1-10-30"_s));
        QTest::keyClick(map.view.get(), Qt::Key_Right);
        const int next = map.view->currentSeat();
        QCOMPARE(map.model->layout().seats()[next].section,
                 map.model->layout().sectionIndex(u"FLOOR-2"_s));
        // And the cursor stays on screen as it moves.
        for (int k = 0; k < 40; ++k)
            QTest::keyClick(map.view.get(), Qt::Key_Down);
        QVERIFY(map.view->rect().contains(map.view->seatCenter(map.view->currentSeat())));
    }

    void keysAndWheelZoom()
    {
        Map map = openMap(u"arena"_s);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Venue);
        const double fit = map.view->pixelsPerMetre();
        QSignalSpy zoom(map.view.get(), &SeatMapView::zoomChanged);
        QTest::keyClick(map.view.get(), Qt::Key_Plus);
        QCOMPARE(zoom.count(), 1);
        QVERIFY(map.view->pixelsPerMetre() > fit * 1.2);
        QCOMPARE(zoom.last().at(0).toDouble(), map.view->pixelsPerMetre());
        for (int k = 0; k < 6 && map.view->detail() == SeatMapView::Detail::Venue; ++k)
            QTest::keyClick(map.view.get(), Qt::Key_Plus);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Section);

        // The wheel zooms around the pointer: the venue point under it stays put.
        const QPointF pointer(200, 150);
        const QPointF under = map.toVenue(pointer);
        const double before = map.view->pixelsPerMetre();
        for (int k = 0; k < 6; ++k) {
            QWheelEvent wheel(pointer, map.view->mapToGlobal(pointer), QPoint(), QPoint(0, 120),
                              Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(map.view.get(), &wheel);
        }
        QVERIFY(map.view->pixelsPerMetre() > before * 3);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Seat);
        const QPointF still = map.toVenue(pointer);
        QVERIFY(std::hypot(still.x() - under.x(), still.y() - under.y()) < 1e-6);

        QTest::keyClick(map.view.get(), Qt::Key_Minus);
        QVERIFY(map.view->pixelsPerMetre() < before * 3 * 1.25);
        QTest::keyClick(map.view.get(), Qt::Key_0);
        QCOMPARE(map.view->pixelsPerMetre(), fit);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Venue);
    }

    void clickOnTheWholeVenueZoomsIn()
    {
        Map map = openMap(u"arena"_s);
        const int seat = map.seat(u"104-K-10"_s);
        const QPoint at = map.view->seatCenter(seat);
        const QPointF under = map.toVenue(at);
        QTest::mouseClick(map.view.get(), Qt::LeftButton, {}, at);
        QVERIFY(map.model->selection().empty());
        QVERIFY(map.view->detail() != SeatMapView::Detail::Venue);
        // Around the click: the venue point under it stays there.
        const QPointF still = map.toVenue(at);
        QVERIFY(std::hypot(still.x() - under.x(), still.y() - under.y()) < 1e-6);
    }

    void centreOnZoomsToSeats()
    {
        Map map = openMap(u"arena"_s);
        const int seat = map.seat(u"312-M-20"_s);
        map.view->centreOn(seat, true);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Seat);
        QVERIFY((map.view->seatCenter(seat) - map.view->rect().center()).manhattanLength() <= 2);
    }

    void toolTipNamesTheSeat_data()
    {
        QTest::addColumn<QString>("seatId");
        QTest::addColumn<QString>("state"); // as the map names it
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("available premium")
            << u"STALLS-C-4"_s << u"available"_s
            << QStringList{u"Stalls"_s, u"Row C, seat 4"_s, u"Premium"_s, u"120.00 EUR"_s,
                           u"Available"_s};
        QTest::newRow("sold standard")
            << u"STALLS-H-2"_s << u"sold"_s
            << QStringList{u"Row H, seat 2"_s, u"Standard"_s, u"90.00 EUR"_s, u"Sold"_s};
        QTest::newRow("selected") << u"CIRCLE-B-7"_s << u"selected"_s
                                  << QStringList{u"Circle"_s, u"Row B, seat 7"_s, u"Standard"_s,
                                                 u"Selected"_s};
        QTest::newRow("yours") << u"CIRCLE-D-1"_s << u"own"_s
                               << QStringList{u"Row D, seat 1"_s, u"Economy"_s, u"60.00 EUR"_s,
                                              u"Yours (held)"_s};
        QTest::newRow("wheelchair") << u"STALLS-L-1"_s << u"available"_s
                                    << QStringList{u"Row L, seat 1"_s, u"Wheelchair space"_s};
        QTest::newRow("companion")
            << u"STALLS-L-15"_s << u"held"_s
            << QStringList{u"Row L, seat 15"_s, u"Companion seat"_s, u"Held"_s};
    }
    void toolTipNamesTheSeat()
    {
        QFETCH(QString, seatId);
        QFETCH(QString, state);
        QFETCH(QStringList, expected);
        Map map = openMap(u"theatre"_s, Statuses::AllAvailable);
        const int seat = map.seat(seatId);
        QVERIFY(seat >= 0);
        if (state == u"sold"_s)
            QVERIFY(map.model->applyChange(SeatState::Sold, {seat}, 2));
        if (state == u"held"_s)
            QVERIFY(map.model->applyChange(SeatState::Held, {seat}, 2));
        if (state == u"selected"_s)
            map.model->setSelection({seat});
        if (state == u"own"_s) {
            QVERIFY(map.model->applyChange(SeatState::Held, {seat}, 2));
            map.model->setOwnSeats({seat});
        }
        const QString text = map.view->seatToolTip(seat);
        for (const QString &part : expected)
            QVERIFY2(text.contains(part), qPrintable(text + u" lacks "_s + part));
        if (!expected.contains(u"Wheelchair space"_s))
            QVERIFY(!text.contains(u"Wheelchair"_s));

        // The tooltip event shows the same text.
        QHelpEvent help(QEvent::ToolTip, map.view->seatCenter(seat),
                        map.view->mapToGlobal(map.view->seatCenter(seat)));
        QApplication::sendEvent(map.view.get(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QCOMPARE(QToolTip::text(), text);
        QToolTip::hideText();
    }

    void hoverFollowsThePointer()
    {
        Map map = openMap(u"theatre"_s);
        QSignalSpy hovered(map.view.get(), &SeatMapView::hoveredSeatChanged);
        const int seat = map.seat(u"STALLS-E-8"_s);
        QTest::mouseMove(map.view.get(), map.view->seatCenter(seat));
        QTRY_COMPARE(map.view->hoveredSeat(), seat);
        QCOMPARE(hovered.last().at(0).toInt(), seat);
        QTest::mouseMove(map.view.get(), QPoint(3, map.view->height() - 3));
        QTRY_COMPARE(map.view->hoveredSeat(), -1);
    }

    // Seat changes update the cached picture seat by seat: the result is the same as a view
    // built from scratch on the changed model, at every level of detail.
    void changesRepaintLikeAFreshView_data()
    {
        QTest::addColumn<double>("seatPx"); // 0: fit
        QTest::newRow("venue") << 0.0;
        QTest::newRow("section") << 8.0;
        QTest::newRow("seat") << 20.0;
    }
    void changesRepaintLikeAFreshView()
    {
        QFETCH(double, seatPx);
        Map map = openMap(u"arena"_s);
        const auto place = [&](SeatMapView &view) {
            view.fitVenue();
            if (seatPx > 0) {
                view.zoomTo(seatPx / 0.5, view.rect().center());
                view.setVenueCentre(map.seatPos(map.seat(u"104-K-10"_s)));
            }
        };
        place(*map.view);
        const QImage before = map.render();
        // A whole section sells, some seats elsewhere come back, and the clerk selects some.
        const int section = map.model->layout().sectionIndex(u"104"_s);
        std::vector<int> sold;
        std::vector<int> back;
        for (int i = 0; i < map.model->seatCount(); ++i) {
            if (map.model->layout().seats()[i].section == section)
                sold.push_back(i);
            else if (i % 997 == 0)
                back.push_back(i);
        }
        QVERIFY(map.model->applyChange(SeatState::Sold, sold, 2));
        QVERIFY(map.model->applyChange(SeatState::Available, back, 3));
        map.model->setSelection(
            {map.seat(u"104-A-1"_s), map.seat(u"105-A-1"_s), map.seat(u"105-A-2"_s)});
        map.model->setOwnSeats({map.seat(u"105-B-3"_s)});
        const QImage after = map.render();
        QVERIFY(after != before);

        SeatMapView fresh(map.model.get());
        fresh.resize(map.view->size());
        place(fresh);
        QImage expected(fresh.size(), QImage::Format_ARGB32_Premultiplied);
        fresh.render(&expected);
        QCOMPARE(after, expected);
    }

    // A repaint of a small area (a hovered or changed seat) draws it exactly as a full paint
    // does, though it only visits the seats near that area.
    void partialRepaintMatchesFullPaint_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::addColumn<double>("seatPx");
        QTest::newRow("theatre seats") << u"theatre"_s << 0.0;
        QTest::newRow("arena sections") << u"arena"_s << 8.0;
        QTest::newRow("arena numbers") << u"arena"_s << 36.0;
    }
    void partialRepaintMatchesFullPaint()
    {
        QFETCH(QString, venueName);
        QFETCH(double, seatPx);
        Map map = openMap(venueName);
        if (seatPx > 0) {
            map.view->zoomTo(seatPx / 0.5, map.view->rect().center());
            map.view->setVenueCentre(map.seatPos(map.model->seatCount() / 3));
        }
        const QImage full = map.render();
        int compared = 0;
        for (int seat : visibleSeats(map, 7)) {
            const QRect area(map.view->seatCenter(seat) - QPoint(9, 5), QSize(13, 11));
            QImage partial(map.view->size(), QImage::Format_ARGB32_Premultiplied);
            partial.fill(Qt::magenta);
            map.view->render(&partial, area.topLeft(), QRegion(area));
            QCOMPARE(partial.copy(area), full.copy(area));
            if (++compared == 40)
                break;
        }
        QCOMPARE(compared, 40);
    }

    void staleAvailabilityLooksStale()
    {
        Map map = openMap(u"theatre"_s);
        QVERIFY(map.view->freshnessText().isEmpty());
        const QImage live = map.render();
        const QDateTime confirmed = QDateTime::currentDateTime().addSecs(-75);
        map.model->setFreshness(Freshness::Stale, confirmed.toMSecsSinceEpoch());
        const QString hhmmss = confirmed.toString(u"HH:mm:ss"_s);
        QCOMPARE(map.view->freshnessText(),
                 u"Availability as of %1 · server unreachable"_s.arg(hhmmss));
        const QImage stale = map.render();
        QVERIFY(stale != live);
        // The note's yellow plate in the bottom-left corner.
        QCOMPARE(stale.pixelColor(14, map.view->height() - 20), QColor(0xff, 0xf3, 0xcd));

        map.model->setFreshness(Freshness::Cached, confirmed.toMSecsSinceEpoch());
        QVERIFY(map.view->freshnessText().contains(hhmmss));
        QVERIFY(map.view->freshnessText().contains(u"not yet confirmed"_s));
        map.model->setFreshness(Freshness::Live, QDateTime::currentMSecsSinceEpoch());
        QVERIFY(map.view->freshnessText().isEmpty());
        QCOMPARE(map.render(), live);
    }

    void emptyModelDoesNotCrash()
    {
        SeatMapModel model;
        SeatMapView view(&model);
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
        view.render(&image);
        QCOMPARE(view.seatAt(QPoint(200, 150)), -1);
        QCOMPARE(view.seatCenter(0), QPoint(-1, -1));
        QVERIFY(view.seatToolTip(0).isEmpty());
        QVERIFY(view.freshnessText().isEmpty());
        for (Qt::Key key : {Qt::Key_Plus, Qt::Key_Minus, Qt::Key_0, Qt::Key_Left, Qt::Key_Space})
            QTest::keyClick(&view, key);
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(200, 150));
        shiftDrag(&view, QPoint(10, 10), QPoint(300, 200), Qt::ShiftModifier);
        view.centreOn(3, true);
        view.setCurrentSeat(3);
        QCOMPARE(view.currentSeat(), -1);
        view.render(&image);

        // A view without a model at all, and a model whose show goes away.
        SeatMapView orphan(nullptr);
        orphan.resize(200, 100);
        orphan.render(&image);
        Map map = openMap(u"theatre"_s);
        map.view->setCurrentSeat(5);
        map.model->clear();
        QCOMPARE(map.view->currentSeat(), -1);
        QCOMPARE(map.view->seatAt(map.view->rect().center()), -1);
        map.render();
    }

    void anotherShowStartsAfresh()
    {
        Map map = openMap(u"arena"_s);
        const int seat = map.seat(u"312-M-20"_s);
        map.view->centreOn(seat, true);
        map.view->setCurrentSeat(seat);
        QTest::mouseMove(map.view.get(), map.view->seatCenter(seat));
        QTRY_COMPARE(map.view->hoveredSeat(), seat);
        QSignalSpy cursor(map.view.get(), &SeatMapView::currentSeatChanged);
        map.model->setShow(ShowId(u"theatre-show"_s), venue(u"theatre"_s), {1, 2, 3}, u"EUR"_s);
        QCOMPARE(map.view->currentSeat(), -1);
        QCOMPARE(map.view->hoveredSeat(), -1);
        QCOMPARE(cursor.count(), 1);
        QCOMPARE(map.view->detail(), SeatMapView::Detail::Seat); // the theatre, fitted
        map.render();
        // A new snapshot of the same show keeps the clerk's place.
        const int theatreSeat = map.seat(u"STALLS-D-4"_s);
        map.view->setCurrentSeat(theatreSeat);
        map.view->zoomIn();
        const double zoom = map.view->pixelsPerMetre();
        QVERIFY(map.model->applySnapshot(statusesFor(map.model->seatCount(), Statuses::Mixed), 9));
        QCOMPARE(map.view->currentSeat(), theatreSeat);
        QCOMPARE(map.view->pixelsPerMetre(), zoom);
    }

    void aShowWithoutStatusesSaysSo()
    {
        SeatMapModel model;
        SeatMapView view(&model);
        model.setShow(ShowId(u"s"_s), venue(u"theatre"_s), {100, 100, 100}, u"EUR"_s);
        QVERIFY(!view.freshnessText().isEmpty());
    }

    void legendNamesCategoriesAndStates()
    {
        Map map = openMap(u"theatre"_s, Statuses::Mixed, {12'000, 9'000, -1});
        SeatMapLegend legend(map.model.get());
        const QStringList texts = legend.itemTexts();
        QVERIFY(texts.contains(u"Premium · 120.00 EUR"_s));
        QVERIFY(texts.contains(u"Standard · 90.00 EUR"_s));
        QVERIFY(texts.contains(u"Economy · not on sale"_s));
        for (SeatGlyph glyph : {SeatGlyph::Selected, SeatGlyph::Own, SeatGlyph::Held,
                                SeatGlyph::Sold, SeatGlyph::RefundPending, SeatGlyph::NotOnSale})
            QVERIFY(texts.contains(SeatStyle::glyphName(glyph)));
        QVERIFY(texts.contains(u"Wheelchair space"_s));
        QVERIFY(texts.contains(u"Companion seat"_s));
        QVERIFY(legend.heightForWidth(300) > legend.heightForWidth(1200));
        // A new show brings its own categories.
        map.model->setShow(ShowId(u"arena-show"_s), venue(u"arena"_s), {1, 2, 3, 4, 5}, u"EUR"_s);
        QVERIFY(legend.itemTexts().contains(u"Platinum · 0.01 EUR"_s));
    }

    // Every state has its own glyph, and no two look alike even in greys (what a clerk who
    // sees no colour gets): shape and pattern carry the difference.
    void glyphsDifferWithoutColour()
    {
        QList<QImage> glyphs;
        for (int g = 0; g < kSeatGlyphCount; ++g) {
            QImage image(32, 32, QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::white);
            QPainter painter(&image);
            SeatStyle::paintGlyph(painter, QRectF(0, 0, 32, 32), SeatGlyph(g),
                                  SeatStyle::categoryColour(0), 0);
            painter.end();
            glyphs << image.convertToFormat(QImage::Format_Grayscale8);
        }
        for (int a = 0; a < glyphs.size(); ++a) {
            for (int b = a + 1; b < glyphs.size(); ++b) {
                int differing = 0;
                for (int y = 0; y < 32; ++y) {
                    for (int x = 0; x < 32; ++x)
                        differing += std::abs(qGray(glyphs[a].pixel(x, y)) -
                                              qGray(glyphs[b].pixel(x, y))) > 40;
                }
                QVERIFY2(differing > 30, qPrintable(u"%1 vs %2"_s.arg(a).arg(b)));
            }
        }
        QCOMPARE(seatStateName(SeatState::RefundPending), u"Refund pending"_s);
    }
};

QTEST_MAIN(TestSeatMapView)
#include "tst_seatmapview.moc"
