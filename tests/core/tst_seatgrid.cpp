#include "core/seatmap/seatgrid.h"
#include "tests/support/testpaths.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

namespace {

// A small venue whose answers can be worked out by hand: rows one metre apart, seats half a
// metre apart; row C is numbered from house right, row D odd numbers only; a balcony behind.
constexpr char kStudio[] = R"({
    "format": "boxoffice-venue/1", "id": "studio", "name": "Studio", "city": "Testville",
    "stage": {"x": -3, "y": -2, "width": 6, "height": 2},
    "categories": [{"id": "A", "name": "All"}],
    "sections": [
      {"id": "MAIN", "name": "Main", "level": "Stalls", "category": "A", "rows": [
        {"label": "A", "seats": 4, "start": [-0.75, 2]},
        {"label": "B", "seats": 4, "start": [-0.75, 3]},
        {"label": "C", "seats": 4, "start": [0.75, 4], "angle": 180},
        {"label": "D", "seats": 3, "start": [-1.25, 5], "numberStep": 2}
      ]},
      {"id": "BAL", "name": "Balcony", "level": "Balcony", "category": "A", "rows": [
        {"label": "A", "seats": 4, "start": [-0.75, 8]}
      ]}
    ]
})";

std::shared_ptr<const VenueLayout> venue(const QString &name)
{
    static QHash<QString, std::shared_ptr<const VenueLayout>> cache;
    if (auto it = cache.constFind(name); it != cache.cend())
        return *it;
    Result<VenueLayout> layout =
        name == u"studio"_s
            ? parseVenueLayout(QByteArray(kStudio), u"studio.json"_s)
            : loadVenueLayout(Boxoffice::Test::sourcePath(u"resources/venues/%1.json"_s.arg(name)));
    if (!layout)
        qFatal("cannot read venue %s: %s", qPrintable(name), qPrintable(layout.error().message));
    auto shared = std::make_shared<const VenueLayout>(std::move(*layout));
    cache.insert(name, shared);
    return shared;
}

QPointF centre(const VenueLayout &layout, int seat)
{
    return {layout.seats()[seat].x, layout.seats()[seat].y};
}

double distance(const VenueLayout &layout, int seat, QPointF p)
{
    const QPointF d = centre(layout, seat) - p;
    return std::sqrt(d.x() * d.x() + d.y() * d.y());
}

int bruteNearest(const VenueLayout &layout, QPointF p, double maxDistance)
{
    int best = -1;
    double bestDistance = maxDistance;
    for (int i = 0; i < layout.seatCount(); ++i) {
        const double d = distance(layout, i, p);
        if (d < bestDistance || (best < 0 && d == bestDistance)) {
            best = i;
            bestDistance = d;
        }
    }
    return best;
}

std::vector<int> bruteInRect(const VenueLayout &layout, const QRectF &rect)
{
    const QRectF r = rect.normalized();
    std::vector<int> out;
    for (int i = 0; i < layout.seatCount(); ++i) {
        const QPointF c = centre(layout, i);
        if (c.x() >= r.left() && c.x() <= r.right() && c.y() >= r.top() && c.y() <= r.bottom())
            out.push_back(i);
    }
    return out;
}

QString idOf(const VenueLayout &layout, int seat)
{
    return seat < 0 ? QString() : layout.seats()[seat].id.value();
}

} // namespace

class TestSeatGrid : public QObject
{
    Q_OBJECT

private slots:
    void emptyGrid()
    {
        for (const SeatGrid &grid : {SeatGrid(), SeatGrid(nullptr)}) {
            QCOMPARE(grid.nearestSeat(QPointF(0, 0), 1e9), -1);
            std::vector<int> out{7};
            grid.seatsIn(QRectF(-1e6, -1e6, 2e6, 2e6), out);
            QCOMPARE(out, std::vector<int>{7});
            QCOMPARE(grid.neighbour(0, SeatStep::Right), -1);
            QCOMPARE(grid.seatPitch(), 0.5);
        }
    }

    void venues_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::newRow("theatre") << u"theatre"_s;
        QTest::newRow("concert hall") << u"concert-hall"_s;
        QTest::newRow("arena") << u"arena"_s;
    }

    // Every seat's centre hits that seat, and so does a point 0.1 m off it (seats are at least
    // 0.3 m apart, so no other seat can be nearer).
    void centresHit_data() { venues_data(); }
    void centresHit()
    {
        QFETCH(QString, venueName);
        const auto layout = venue(venueName);
        const SeatGrid grid(layout);
        const QPointF offsets[] = {{0, 0}, {0.1, 0}, {0, -0.1}, {-0.07, 0.07}};
        int misses = 0;
        for (int i = 0; i < layout->seatCount(); ++i) {
            for (QPointF offset : offsets) {
                if (grid.nearestSeat(centre(*layout, i) + offset, 0.11) != i)
                    ++misses;
            }
        }
        QCOMPARE(misses, 0);
    }

    void gapsMiss_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::addColumn<QPointF>("point");
        QTest::addColumn<double>("maxDistance");
        QTest::newRow("theatre stage") << u"theatre"_s << QPointF(0, -2.5) << 1.0;
        QTest::newRow("theatre between stalls and circle")
            << u"theatre"_s << QPointF(0, 14.5) << 1.0;
        QTest::newRow("theatre beside the boxes") << u"theatre"_s << QPointF(-12, 5.4) << 1.0;
        QTest::newRow("concert hall stage") << u"concert-hall"_s << QPointF(0, -5) << 2.0;
        QTest::newRow("arena centre aisle") << u"arena"_s << QPointF(0, 40) << 1.0;
        QTest::newRow("arena field edge") << u"arena"_s << QPointF(45, 80) << 5.0;
        QTest::newRow("far away") << u"arena"_s << QPointF(1e7, -1e7) << 100.0;
        QTest::newRow("zero distance off centre") << u"theatre"_s << QPointF(0.01, 3.0) << 0.0;
        QTest::newRow("negative distance") << u"theatre"_s << QPointF(-0.26, 3.0) << -1.0;
        QTest::newRow("not a number")
            << u"theatre"_s << QPointF(std::numeric_limits<double>::quiet_NaN(), 3.0) << 1.0;
    }
    void gapsMiss()
    {
        QFETCH(QString, venueName);
        QFETCH(QPointF, point);
        QFETCH(double, maxDistance);
        const auto layout = venue(venueName);
        QCOMPARE(SeatGrid(layout).nearestSeat(point, maxDistance), -1);
    }

    // Random points and radii, including points outside the venue, against a linear scan.
    void nearestMatchesBruteForce_data() { venues_data(); }
    void nearestMatchesBruteForce()
    {
        QFETCH(QString, venueName);
        const auto layout = venue(venueName);
        const SeatGrid grid(layout);
        QRandomGenerator random(20260301);
        const QRectF area = layout->bounds().adjusted(-20, -20, 20, 20);
        const int samples = layout->seatCount() > 10'000 ? 300 : 2000;
        int found = 0;
        for (int k = 0; k < samples; ++k) {
            const QPointF p(area.left() + random.generateDouble() * area.width(),
                            area.top() + random.generateDouble() * area.height());
            const double maxDistance = k % 10 == 0 ? 60.0 : random.generateDouble() * 3.0;
            const int expected = bruteNearest(*layout, p, maxDistance);
            QCOMPARE(grid.nearestSeat(p, maxDistance), expected);
            found += expected >= 0 ? 1 : 0;
        }
        // The sample found seats and gaps both.
        QVERIFY(found > samples / 20);
        QVERIFY(found < samples);
    }

    void rectMatchesBruteForce_data() { venues_data(); }
    void rectMatchesBruteForce()
    {
        QFETCH(QString, venueName);
        const auto layout = venue(venueName);
        const SeatGrid grid(layout);
        QRandomGenerator random(777);
        const QRectF area = layout->bounds().adjusted(-10, -10, 10, 10);
        int nonEmpty = 0;
        for (int k = 0; k < 300; ++k) {
            const double size = std::pow(10.0, random.generateDouble() * 3.0 - 1.0); // 0.1..100 m
            QRectF rect(area.left() + random.generateDouble() * area.width(),
                        area.top() + random.generateDouble() * area.height(),
                        size * (0.3 + random.generateDouble()), size);
            if (k % 7 == 0) // as a rubber band dragged up and left
                rect = QRectF(rect.bottomRight(), rect.topLeft());
            std::vector<int> out{-5};
            grid.seatsIn(rect, out);
            std::vector<int> expected{-5};
            const std::vector<int> inside = bruteInRect(*layout, rect);
            expected.insert(expected.end(), inside.begin(), inside.end());
            QCOMPARE(out, expected);
            nonEmpty += inside.empty() ? 0 : 1;
        }
        QVERIFY(nonEmpty > 30);
        std::vector<int> all;
        grid.seatsIn(layout->bounds(), all);
        QCOMPARE(int(all.size()), layout->seatCount());
        QVERIFY(std::is_sorted(all.begin(), all.end()));
    }

    void seatPitch_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::addColumn<double>("pitch");
        QTest::newRow("studio") << u"studio"_s << 0.5;
        QTest::newRow("theatre") << u"theatre"_s << 0.52;
        QTest::newRow("concert hall") << u"concert-hall"_s << 0.52;
        QTest::newRow("arena") << u"arena"_s << 0.5;
    }
    void seatPitch()
    {
        QFETCH(QString, venueName);
        QFETCH(double, pitch);
        QVERIFY2(std::abs(SeatGrid(venue(venueName)).seatPitch() - pitch) < 0.005,
                 qPrintable(QString::number(SeatGrid(venue(venueName)).seatPitch())));
    }

    void neighbours_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::addColumn<QString>("seat");
        QTest::addColumn<SeatStep>("step");
        QTest::addColumn<QString>("expected"); // empty: none
        const auto row = [](const char *name, const char *venueName, const char *seat,
                            SeatStep step, const char *expected) {
            QTest::newRow(name) << QString::fromLatin1(venueName) << QString::fromLatin1(seat)
                                << step << QString::fromLatin1(expected);
        };
        using enum SeatStep;
        // Studio: worked out by hand.
        row("studio row start", "studio", "MAIN-A-1", Left, "");
        row("studio along the row", "studio", "MAIN-A-1", Right, "MAIN-A-2");
        row("studio row end", "studio", "MAIN-A-4", Right, "");
        row("studio front row faces the stage", "studio", "MAIN-A-2", Forward, "");
        row("studio back a row", "studio", "MAIN-A-1", Back, "MAIN-B-1");
        row("studio reversed numbers go by position", "studio", "MAIN-C-1", Left, "MAIN-C-2");
        row("studio reversed row's house-right end", "studio", "MAIN-C-1", Right, "");
        row("studio reversed row's house-left end", "studio", "MAIN-C-4", Left, "");
        row("studio into a reversed row", "studio", "MAIN-B-4", Back, "MAIN-C-1");
        row("studio forward a row", "studio", "MAIN-C-3", Forward, "MAIN-B-2");
        row("studio odd numbers", "studio", "MAIN-D-3", Left, "MAIN-D-1");
        row("studio nearest seat of the row ahead", "studio", "MAIN-D-1", Forward, "MAIN-C-4");
        row("studio back into the balcony", "studio", "MAIN-D-1", Back, "BAL-A-1");
        row("studio forward from the balcony", "studio", "BAL-A-4", Forward, "MAIN-D-5");
        row("studio balcony back row", "studio", "BAL-A-2", Back, "");
        // Theatre: curved stalls, a back row written out, a circle above, boxes in pairs.
        row("theatre front row start", "theatre", "STALLS-A-1", Left, "");
        row("theatre front row", "theatre", "STALLS-A-1", Right, "STALLS-A-2");
        row("theatre front row end", "theatre", "STALLS-A-20", Right, "");
        row("theatre nothing before row A", "theatre", "STALLS-A-10", Forward, "");
        row("theatre one row back", "theatre", "STALLS-A-1", Back, "STALLS-B-1");
        row("theatre wider row behind", "theatre", "STALLS-A-20", Back, "STALLS-B-21");
        row("theatre to the explicit back row", "theatre", "STALLS-K-15", Back, "STALLS-L-8");
        row("theatre stalls to circle", "theatre", "STALLS-L-8", Back, "CIRCLE-A-13");
        row("theatre circle to stalls", "theatre", "CIRCLE-A-13", Forward, "STALLS-L-8");
        row("theatre circle back row", "theatre", "CIRCLE-D-1", Back, "");
        row("theatre within a box", "theatre", "BOX-L-1", Right, "BOX-L-2");
        row("theatre box row end", "theatre", "BOX-L-4", Right, "");
        // Concert hall: balconies fall over to the level below / above.
        row("concert hall balcony to stalls", "concert-hall", "B1-C-A-10", Forward,
            "STALLS-C-X-10");
        row("concert hall stalls to balcony", "concert-hall", "STALLS-C-X-1", Back, "B1-C-A-1");
        row("concert hall wheelchair row", "concert-hall", "STALLS-L-Z-1", Right, "STALLS-L-Z-2");
        row("concert hall balcony 2 to 1", "concert-hall", "B2-L-A-3", Forward, "B1-L-H-5");
        // Arena: the floor, and bowl sections that face the field.
        row("arena floor front row", "arena", "FLOOR-1-1-1", Forward, "");
        row("arena floor aisle", "arena", "FLOOR-2-1-30", Right, "");
        row("arena floor back row", "arena", "FLOOR-1-76-5", Forward, "FLOOR-1-75-9");
        row("arena side stand to the floor", "arena", "104-A-10", Forward, "FLOOR-4-75-30");
        row("arena end stand to the floor", "arena", "110-A-5", Forward, "FLOOR-2-76-1");
        row("arena lower to middle tier", "arena", "104-WC-5", Back, "205-A-28");
        row("arena side stand along the row", "arena", "104-A-10", Right, "104-A-11");
    }
    void neighbours()
    {
        QFETCH(QString, venueName);
        QFETCH(QString, seat);
        QFETCH(SeatStep, step);
        QFETCH(QString, expected);
        const auto layout = venue(venueName);
        const int index = layout->indexOf(SeatId(seat));
        QVERIFY(index >= 0);
        QCOMPARE(idOf(*layout, SeatGrid(layout).neighbour(index, step)), expected);
    }

    void neighbourOfNoSeat()
    {
        const auto layout = venue(u"studio"_s);
        const SeatGrid grid(layout);
        for (SeatStep step : {SeatStep::Left, SeatStep::Right, SeatStep::Forward, SeatStep::Back}) {
            QCOMPARE(grid.neighbour(-1, step), -1);
            QCOMPARE(grid.neighbour(layout->seatCount(), step), -1);
        }
    }

    // Walking a row house left to house right visits each of its seats once, and Left undoes
    // Right; Forward and Back never stay in the same row.
    void rowWalks_data() { venues_data(); }
    void rowWalks()
    {
        QFETCH(QString, venueName);
        const auto layout = venue(venueName);
        const SeatGrid grid(layout);
        const auto &seats = layout->seats();
        QHash<QPair<int, int>, int> rowSizes;
        for (const LayoutSeat &seat : seats)
            ++rowSizes[qMakePair(seat.section, seat.rowNumber)];
        int rowsWalked = 0;
        for (int i = 0; i < layout->seatCount(); ++i) {
            const int right = grid.neighbour(i, SeatStep::Right);
            if (right >= 0)
                QCOMPARE(grid.neighbour(right, SeatStep::Left), i);
            for (SeatStep step : {SeatStep::Forward, SeatStep::Back}) {
                const int other = grid.neighbour(i, step);
                if (other >= 0)
                    QVERIFY(seats[other].section != seats[i].section ||
                            seats[other].rowNumber != seats[i].rowNumber);
            }
            if (grid.neighbour(i, SeatStep::Left) >= 0)
                continue;
            int walked = 1;
            for (int s = right; s >= 0; s = grid.neighbour(s, SeatStep::Right)) {
                QCOMPARE(seats[s].section, seats[i].section);
                QCOMPARE(seats[s].rowNumber, seats[i].rowNumber);
                ++walked;
            }
            QCOMPARE(walked, rowSizes.value(qMakePair(seats[i].section, seats[i].rowNumber)));
            ++rowsWalked;
        }
        QCOMPARE(rowsWalked, int(rowSizes.size()));
    }

    // House right is the right hand of someone in the seat facing the stage (or the field).
    void houseRight_data()
    {
        QTest::addColumn<QString>("venueName");
        QTest::addColumn<QString>("section");
        QTest::addColumn<QPointF>("rightward"); // roughly, in venue coordinates
        QTest::newRow("theatre stalls") << u"theatre"_s << u"STALLS"_s << QPointF(1, 0);
        QTest::newRow("arena end stand") << u"arena"_s << u"110"_s << QPointF(1, 0);
        QTest::newRow("arena right-hand stand") << u"arena"_s << u"104"_s << QPointF(0, -1);
        QTest::newRow("arena left-hand stand") << u"arena"_s << u"115"_s << QPointF(0, 1);
    }
    void houseRight()
    {
        QFETCH(QString, venueName);
        QFETCH(QString, section);
        QFETCH(QPointF, rightward);
        const auto layout = venue(venueName);
        const SeatGrid grid(layout);
        const int sectionIndex = layout->sectionIndex(section);
        int checked = 0;
        for (int i = 0; i < layout->seatCount(); ++i) {
            const int right = grid.neighbour(i, SeatStep::Right);
            if (layout->seats()[i].section != sectionIndex || right < 0)
                continue;
            const QPointF step = centre(*layout, right) - centre(*layout, i);
            QVERIFY2(QPointF::dotProduct(step, rightward) > 0,
                     qPrintable(layout->seats()[i].id.value()));
            ++checked;
        }
        QVERIFY(checked > 50);
    }
};

QTEST_GUILESS_MAIN(TestSeatGrid)
#include "tst_seatgrid.moc"
