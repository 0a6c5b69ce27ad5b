#include "core/venue/venuelayout.h"
#include "tests/support/testpaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

namespace {

// A valid document with one section "S" (category "B") holding one generated row.
QJsonObject baseDocument()
{
    const QByteArray json = R"({
        "format": "boxoffice-venue/1", "id": "test", "name": "Test Hall", "city": "Testville",
        "stage": {"x": -5, "y": -4, "width": 10, "height": 4},
        "categories": [{"id": "A", "name": "Front"}, {"id": "B", "name": "Back"}],
        "sections": [{"id": "S", "name": "Stalls", "level": "Stalls", "category": "B",
                      "rows": [{"label": "A", "seats": 4, "start": [0, 2]}]}]
    })";
    return QJsonDocument::fromJson(json).object();
}

QByteArray toJson(const QJsonObject &document)
{
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

QJsonValue parseValue(const QByteArray &json)
{
    const QJsonDocument document = QJsonDocument::fromJson("[" + json + "]");
    Q_ASSERT(document.isArray());
    return document.array().at(0);
}

// The base document with the top-level field key replaced (or removed when json is empty).
QByteArray withField(const char *key, const QByteArray &json)
{
    QJsonObject document = baseDocument();
    if (json.isEmpty())
        document.remove(QLatin1String(key));
    else
        document.insert(QLatin1String(key), parseValue(json));
    return toJson(document);
}

QByteArray withSections(const QByteArray &sections)
{
    return withField("sections", "[" + sections + "]");
}

// The base document whose section "S" has these row entries.
QByteArray withRows(const QByteArray &rows)
{
    return withSections(R"({"id": "S", "name": "Stalls", "level": "Stalls", "category": "B",
                            "rows": [)" +
                        rows + "]}");
}

Result<VenueLayout> parseRows(const QByteArray &rows)
{
    return parseVenueLayout(withRows(rows), QStringLiteral("test.json"));
}

QStringList idsOf(const VenueLayout &layout)
{
    QStringList ids;
    for (const LayoutSeat &seat : layout.seats())
        ids << seat.id.value();
    return ids;
}

// The smallest distance between two seats, through a grid of cells of the size asked about.
double minimumDistance(const std::vector<LayoutSeat> &seats, double cell)
{
    QHash<QPoint, QList<int>> grid;
    auto cellOf = [cell](const LayoutSeat &s) {
        return QPoint(int(std::floor(s.x / cell)), int(std::floor(s.y / cell)));
    };
    for (size_t i = 0; i < seats.size(); ++i)
        grid[cellOf(seats[i])].append(int(i));
    double best = 1e9;
    for (size_t i = 0; i < seats.size(); ++i) {
        const QPoint c = cellOf(seats[i]);
        for (int dx = -1; dx <= 1; ++dx) {
            for (int dy = -1; dy <= 1; ++dy) {
                for (int j : grid.value(c + QPoint(dx, dy))) {
                    if (size_t(j) <= i)
                        continue;
                    best = std::min(best, double(std::hypot(seats[i].x - seats[size_t(j)].x,
                                                            seats[i].y - seats[size_t(j)].y)));
                }
            }
        }
    }
    return best;
}

} // namespace

class TestVenueLayout : public QObject
{
    Q_OBJECT

private slots:
    void demoVenue_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("seatCount");
        QTest::addColumn<QStringList>("levels");
        QTest::addRow("theatre") << "theatre.json"
                                 << "theatre" << 409 << QStringList{u"Stalls"_s, u"Circle"_s};
        QTest::addRow("concert-hall")
            << "concert-hall.json"
            << "concert-hall" << 2521 << QStringList{u"Stalls"_s, u"Balcony 1"_s, u"Balcony 2"_s};
        QTest::addRow("arena") << "arena.json"
                               << "arena" << 100000
                               << QStringList{u"Floor"_s, u"Lower tier"_s, u"Middle tier"_s,
                                              u"Upper tier"_s};
    }
    void demoVenue()
    {
        QFETCH(QString, file);
        QFETCH(QString, id);
        QFETCH(int, seatCount);
        QFETCH(QStringList, levels);

        const auto layout = loadVenueLayout(
            Boxoffice::Test::sourcePath(QStringLiteral("resources/venues/") + file));
        QVERIFY2(layout, qPrintable(layout ? QString() : layout.error().message));
        QCOMPARE(layout->id().value(), id);
        QVERIFY(!layout->name().isEmpty());
        QVERIFY(!layout->city().isEmpty());
        QCOMPARE(layout->seatCount(), seatCount);
        QCOMPARE(int(layout->seats().size()), seatCount);

        QStringList seenLevels;
        for (const VenueSection &section : layout->sections()) {
            if (!seenLevels.contains(section.level))
                seenLevels << section.level;
        }
        QCOMPARE(seenLevels, levels);

        // Every id is found again at its own index, so no two seats share one.
        const QRectF bounds = layout->bounds();
        QVERIFY(bounds.contains(layout->stage()));
        QList<int> perCategory(layout->categories().size(), 0);
        int wheelchair = 0;
        int companion = 0;
        QHash<QString, int> rowNumbers; // "<section>/<row label>" -> row number
        for (int i = 0; i < layout->seatCount(); ++i) {
            const LayoutSeat &seat = layout->seats()[size_t(i)];
            if (layout->indexOf(seat.id) != i)
                QFAIL(qPrintable(QStringLiteral("indexOf(%1) != %2").arg(seat.id.value()).arg(i)));
            if (!bounds.contains(QPointF(seat.x, seat.y)))
                QFAIL(qPrintable(seat.id.value() + QStringLiteral(" is outside bounds()")));
            QVERIFY(seat.section >= 0 && seat.section < layout->sections().size());
            QVERIFY(seat.category >= 0 && seat.category < layout->categories().size());
            QVERIFY(seat.number > 0 && seat.rowNumber > 0);
            QVERIFY(!layout->stage().contains(QPointF(seat.x, seat.y)));
            const QString rowKey = layout->sections().at(seat.section).id + u'/' + seat.row;
            QCOMPARE(rowNumbers.value(rowKey, seat.rowNumber), seat.rowNumber);
            rowNumbers.insert(rowKey, seat.rowNumber);
            ++perCategory[seat.category];
            wheelchair += seat.has(SeatFlag::Wheelchair) ? 1 : 0;
            companion += seat.has(SeatFlag::Companion) ? 1 : 0;
        }
        QVERIFY(wheelchair > 0);
        QVERIFY(companion >= wheelchair);
        QVERIFY2(!perCategory.contains(0), "every category has seats");
        QCOMPARE(layout->indexOf(SeatId(QStringLiteral("NO-SUCH-SEAT"))), -1);
        QCOMPARE(layout->indexOf(SeatId()), -1);

        // Seats can be told apart as dots, and the stage is at the front.
        QVERIFY(minimumDistance(layout->seats(), 0.45) >= 0.45);
        double meanY = 0;
        for (const LayoutSeat &seat : layout->seats())
            meanY += seat.y / double(layout->seatCount());
        QVERIFY(layout->stage().center().y() < meanY);
    }

    void documentedExample()
    {
        QFile file(Boxoffice::Test::sourcePath(QStringLiteral("docs/venue-layout-format.md")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        const qsizetype begin = text.indexOf("```json\n") + 8;
        const qsizetype end = text.indexOf("```", begin);
        QVERIFY(begin > 8 && end > begin);
        const auto layout = parseVenueLayout(text.mid(begin, end - begin), QStringLiteral("doc"));
        QVERIFY2(layout, qPrintable(layout ? QString() : layout.error().message));
        QCOMPARE(layout->seatCount(), 49);
        QCOMPARE(layout->seats().front().id.value(), QStringLiteral("MAIN-A-1"));
        QCOMPARE(layout->seats().back().id.value(), QStringLiteral("MAIN-SOFA"));
        const LayoutSeat &d1 = layout->seats()[size_t(layout->indexOf(SeatId(u"MAIN-D-1"_s)))];
        QVERIFY(d1.has(SeatFlag::Wheelchair));
        QCOMPARE(layout->categories().at(layout->seats().front().category).id, u"A"_s);
    }

    void seatIds_data()
    {
        QTest::addColumn<QByteArray>("rows");
        QTest::addColumn<QStringList>("ids");
        QTest::addRow("generated row")
            << QByteArray(R"({"label": "C", "seats": 3, "start": [0, 2]})")
            << QStringList{u"S-C-1"_s, u"S-C-2"_s, u"S-C-3"_s};
        QTest::addRow("first number and step")
            << QByteArray(R"({"label": "C", "seats": 3, "start": [0, 2], "firstNumber": 7,
                              "numberStep": 2})")
            << QStringList{u"S-C-7"_s, u"S-C-9"_s, u"S-C-11"_s};
        QTest::addRow("explicit with and without id")
            << QByteArray(R"({"label": "BOX1", "seats": [{"number": 4, "x": 0, "y": 2},
                              {"number": 5, "x": 1, "y": 2, "id": "ROYAL-BOX"}]})")
            << QStringList{u"S-BOX1-4"_s, u"ROYAL-BOX"_s};
        QTest::addRow("letters past Z")
            << QByteArray(R"({"rowCount": 3, "seatsPerRow": 1, "origin": [0, 2], "firstRow": "Y"})")
            << QStringList{u"S-Y-1"_s, u"S-Z-1"_s, u"S-AA-1"_s};
        QTest::addRow("numeric rows")
            << QByteArray(R"({"rowCount": 2, "seatsPerRow": 2, "origin": [0, 2],
                              "rowLabels": "numbers", "firstRow": 9})")
            << QStringList{u"S-9-1"_s, u"S-9-2"_s, u"S-10-1"_s, u"S-10-2"_s};
        QTest::addRow("reversed numbers keep number order")
            << QByteArray(R"({"rowCount": 1, "seatsPerRow": 3, "origin": [0, 2],
                              "reverseNumbers": true})")
            << QStringList{u"S-A-1"_s, u"S-A-2"_s, u"S-A-3"_s};
    }
    void seatIds()
    {
        QFETCH(QByteArray, rows);
        QFETCH(QStringList, ids);
        const auto layout = parseRows(rows);
        QVERIFY2(layout, qPrintable(layout ? QString() : layout.error().message));
        QCOMPARE(idsOf(*layout), ids);
        for (int i = 0; i < ids.size(); ++i)
            QCOMPARE(layout->indexOf(SeatId(ids.at(i))), i);
    }

    void explicitAndGeneratedRowsAgree()
    {
        const auto generated = parseRows(R"(
            {"label": "A", "seats": 3, "start": [1, 2], "pitch": 0.6, "angle": 90,
             "firstNumber": 10, "category": "A", "wheelchair": [10], "companion": [11]})");
        const auto written = parseRows(R"(
            {"label": "A", "category": "A", "seats": [
                {"number": 10, "x": 1, "y": 2, "wheelchair": true},
                {"number": 11, "x": 1, "y": 2.6, "companion": true},
                {"number": 12, "x": 1, "y": 3.2}]})");
        QVERIFY2(generated, qPrintable(generated ? QString() : generated.error().message));
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        QCOMPARE(generated->seatCount(), 3);
        QCOMPARE(written->seatCount(), 3);
        for (size_t i = 0; i < 3; ++i) {
            const LayoutSeat &g = generated->seats()[i];
            const LayoutSeat &w = written->seats()[i];
            QCOMPARE(g.id, w.id);
            QCOMPARE(g.number, w.number);
            QCOMPARE(g.row, w.row);
            QCOMPARE(g.rowNumber, 1);
            QCOMPARE(g.category, w.category);
            QCOMPARE(g.flags, w.flags);
            QVERIFY(std::abs(g.x - w.x) < 1e-5 && std::abs(g.y - w.y) < 1e-5);
        }
        QCOMPARE(generated->seats()[0].flags, quint8(SeatFlag::Wheelchair));
        QCOMPARE(generated->seats()[1].flags, quint8(SeatFlag::Companion));
        QCOMPARE(generated->seats()[2].flags, quint8(SeatFlag::None));
        QCOMPARE(generated->categories().at(generated->seats()[0].category).id, u"A"_s);
    }

    void rowsCategoriesAndFlags()
    {
        const auto layout = parseRows(R"(
            {"rowCount": 3, "seatsPerRow": 2, "seatsPerRowStep": 0.5, "origin": [0, 2],
             "categoryBands": [{"rows": 1, "category": "A"}],
             "wheelchair": {"C": [1]}, "companion": {"C": [2]}},
            {"label": "D", "seats": [{"number": 1, "x": 0, "y": 5, "category": "A"}]},
            {"label": "E", "seats": 1, "start": [0, 6]})");
        QVERIFY2(layout, qPrintable(layout ? QString() : layout.error().message));
        // Rows A, B, C have 2, 2 and 3 seats (2 + floor(i * 0.5)), then D and E one each.
        QCOMPARE(idsOf(*layout),
                 (QStringList{u"S-A-1"_s, u"S-A-2"_s, u"S-B-1"_s, u"S-B-2"_s, u"S-C-1"_s,
                              u"S-C-2"_s, u"S-C-3"_s, u"S-D-1"_s, u"S-E-1"_s}));
        QStringList rows;
        QList<int> rowNumbers;
        QStringList categories;
        for (const LayoutSeat &seat : layout->seats()) {
            rows << seat.row;
            rowNumbers << seat.rowNumber;
            categories << layout->categories().at(seat.category).id;
        }
        QCOMPARE(rowNumbers, (QList<int>{1, 1, 2, 2, 3, 3, 3, 4, 5}));
        QCOMPARE(categories, (QStringList{u"A"_s, u"A"_s, u"B"_s, u"B"_s, u"B"_s, u"B"_s, u"B"_s,
                                          u"A"_s, u"B"_s}));
        QCOMPARE(layout->seats()[4].flags, quint8(SeatFlag::Wheelchair));
        QCOMPARE(layout->seats()[5].flags, quint8(SeatFlag::Companion));
        QCOMPARE(layout->seats()[6].flags, quint8(SeatFlag::None));
        QCOMPARE(layout->categoryIndex(u"B"_s), 1);
        QCOMPARE(layout->categoryIndex(u"Z"_s), -1);
        QCOMPARE(layout->sectionIndex(u"S"_s), 0);
        // Seats of one row share one string.
        QVERIFY(layout->seats()[0].row.constData() == layout->seats()[1].row.constData());
    }

    void geometry_data()
    {
        QTest::addColumn<QByteArray>("rows");
        QTest::addColumn<QList<QPointF>>("positions"); // in seat order
        // Straight block, 3 seats x 2 rows, origin (10, 20), pitch 0.5, row pitch 0.9:
        // local (u, v) = (-0.5 | 0 | 0.5, 0 | 0.9), rotated then moved to the origin.
        const QByteArray block = R"({"rowCount": 2, "seatsPerRow": 3, "origin": [10, 20],)";
        QTest::addRow("no rotation")
            << block + R"("rotation": 0})" << QList<QPointF>{{9.5, 20},   {10, 20},   {10.5, 20},
                                                             {9.5, 20.9}, {10, 20.9}, {10.5, 20.9}};
        QTest::addRow("90 degrees")
            << block + R"("rotation": 90})" << QList<QPointF>{{10, 19.5},  {10, 20},  {10, 20.5},
                                                              {9.1, 19.5}, {9.1, 20}, {9.1, 20.5}};
        QTest::addRow("180 degrees") << block + R"("rotation": 180})"
                                     << QList<QPointF>{{10.5, 20},   {10, 20},   {9.5, 20},
                                                       {10.5, 19.1}, {10, 19.1}, {9.5, 19.1}};
        QTest::addRow("-90 degrees") << block + R"("rotation": -90})"
                                     << QList<QPointF>{{10, 20.5},   {10, 20},   {10, 19.5},
                                                       {10.9, 20.5}, {10.9, 20}, {10.9, 19.5}};
        const double c30 = std::cos(M_PI / 6);
        const double s30 = std::sin(M_PI / 6);
        QTest::addRow("30 degrees")
            << block + R"("rotation": 30})"
            << QList<QPointF>{{10 - 0.5 * c30, 20 - 0.5 * s30},
                              {10, 20},
                              {10 + 0.5 * c30, 20 + 0.5 * s30},
                              {10 - 0.5 * c30 - 0.9 * s30, 20 - 0.5 * s30 + 0.9 * c30},
                              {10 - 0.9 * s30, 20 + 0.9 * c30},
                              {10 + 0.5 * c30 - 0.9 * s30, 20 + 0.5 * s30 + 0.9 * c30}};
        // Curved: rows are arcs around (0, -5), the point `curve` = 10 m in front of the
        // origin (0, 5); seats keep 0.5 m along the arc, so 0.05 rad apart on the front row
        // and 0.5 / 10.9 rad on the second.
        const double a = 0.05;
        const double b = 0.5 / 10.9;
        QTest::addRow("curved") << QByteArray(R"({"rowCount": 2, "seatsPerRow": 3,
                                                  "origin": [0, 5], "curve": 10})")
                                << QList<QPointF>{{-10 * std::sin(a), -5 + 10 * std::cos(a)},
                                                  {0, 5},
                                                  {10 * std::sin(a), -5 + 10 * std::cos(a)},
                                                  {-10.9 * std::sin(b), -5 + 10.9 * std::cos(b)},
                                                  {0, 5.9},
                                                  {10.9 * std::sin(b), -5 + 10.9 * std::cos(b)}};
        // The same arc turned by 90 degrees around the origin: centre (10, 5), rows open to -x.
        QTest::addRow("curved, 90 degrees")
            << QByteArray(R"({"rowCount": 2, "seatsPerRow": 3, "origin": [0, 5], "curve": 10,
                             "rotation": 90})")
            << QList<QPointF>{{10 - 10 * std::cos(a), 5 - 10 * std::sin(a)},
                              {0, 5},
                              {10 - 10 * std::cos(a), 5 + 10 * std::sin(a)},
                              {10 - 10.9 * std::cos(b), 5 - 10.9 * std::sin(b)},
                              {-0.9, 5},
                              {10 - 10.9 * std::cos(b), 5 + 10.9 * std::sin(b)}};
        QTest::addRow("reversed numbers")
            << QByteArray(R"({"rowCount": 1, "seatsPerRow": 3, "origin": [0, 2],
                              "reverseNumbers": true, "seatPitch": 0.6})")
            << QList<QPointF>{{0.6, 2}, {0, 2}, {-0.6, 2}};
        QTest::addRow("generated row at 90 degrees")
            << QByteArray(R"({"label": "A", "seats": 3, "start": [1, 1], "pitch": 0.6,
                              "angle": 90})")
            << QList<QPointF>{{1, 1}, {1, 1.6}, {1, 2.2}};
        QTest::addRow("generated row at 135 degrees")
            << QByteArray(R"({"label": "A", "seats": 2, "start": [1, 1], "pitch": 1,
                              "angle": 135})")
            << QList<QPointF>{{1, 1}, {1 - M_SQRT1_2, 1 + M_SQRT1_2}};
    }
    void geometry()
    {
        QFETCH(QByteArray, rows);
        QFETCH(QList<QPointF>, positions);
        const auto layout = parseRows(rows);
        QVERIFY2(layout, qPrintable(layout ? QString() : layout.error().message));
        QCOMPARE(layout->seatCount(), positions.size());
        for (int i = 0; i < positions.size(); ++i) {
            const LayoutSeat &seat = layout->seats()[size_t(i)];
            const QPointF expected = positions.at(i);
            const double error = std::hypot(seat.x - expected.x(), seat.y - expected.y());
            QVERIFY2(error < 1e-4,
                     qPrintable(QStringLiteral("seat %1 at (%2, %3), expected (%4, %5)")
                                    .arg(seat.id.value())
                                    .arg(seat.x)
                                    .arg(seat.y)
                                    .arg(expected.x())
                                    .arg(expected.y())));
        }
        const QRectF bounds = layout->bounds();
        for (const LayoutSeat &seat : layout->seats())
            QVERIFY(bounds.contains(QPointF(seat.x, seat.y)));
        QVERIFY(bounds.contains(layout->stage()));
    }

    void badDocument_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("place");
        QTest::addColumn<QString>("problem");

        QTest::addRow("syntax") << QByteArray(
                                       "{\n  \"format\": \"boxoffice-venue/1\",\n  \"id\": ,\n}")
                                << "line 3, column 10"
                                << "illegal value";
        QTest::addRow("not an object") << QByteArray("[1, 2]") << ""
                                       << "expected a JSON object at the top level, got an array";
        QTest::addRow("missing format") << withField("format", {}) << "format"
                                        << "missing required field";
        QTest::addRow("unknown format") << withField("format", R"("boxoffice-venue/2")") << "format"
                                        << "unknown format version \"boxoffice-venue/2\"";
        QTest::addRow("unknown top-level field") << withField("seats", "12") << ""
                                                 << "unknown field \"seats\"";
        QTest::addRow("empty venue id") << withField("id", R"("")") << "id"
                                        << "must not be empty";
        QTest::addRow("venue id with a space") << withField("id", R"("big hall")") << "id"
                                               << "\"big hall\" is not a valid id";
        QTest::addRow("city of the wrong type") << withField("city", "42") << "city"
                                                << "expected a string, got 42";
        QTest::addRow("stage width missing")
            << withField("stage", R"({"x": 0, "y": 0, "height": 3})") << "stage.width"
            << "missing required field";
        QTest::addRow("stage absurdly far")
            << withField("stage", R"({"x": 1e9, "y": 0, "width": 3, "height": 3})") << "stage.x"
            << "out of range";
        QTest::addRow("no categories") << withField("categories", "[]") << "categories"
                                       << "expected a non-empty array";
        QTest::addRow("duplicate category")
            << withField("categories", R"([{"id": "A", "name": "x"}, {"id": "A", "name": "y"}])")
            << "categories[1].id"
            << "duplicate category id \"A\"";
        QTest::addRow("no sections") << withField("sections", "[]") << "sections"
                                     << "expected a non-empty array";
        QTest::addRow("section not an object") << withSections("12") << "sections[0]"
                                               << "expected an object, got 12";
        QTest::addRow("duplicate section")
            << withSections(R"({"id": "S", "name": "a", "level": "L", "category": "A",
                                "rows": [{"label": "A", "seats": 1, "start": [0, 2]}]},
                               {"id": "S", "name": "b", "level": "L", "category": "A",
                                "rows": [{"label": "A", "seats": 1, "start": [0, 5]}]})")
            << "sections[1].id"
            << "duplicate section id \"S\"";
        QTest::addRow("section without rows")
            << withSections(R"({"id": "S", "name": "a", "level": "L", "category": "A"})")
            << "sections[0].rows"
            << "missing required field";
        QTest::addRow("section with empty rows")
            << withSections(R"({"id": "S", "name": "a", "level": "L", "category": "A",
                                "rows": []})")
            << "sections[0].rows"
            << "expected a non-empty array";
        QTest::addRow("unknown section category")
            << withSections(R"({"id": "S", "name": "a", "level": "L", "category": "Z",
                                "rows": [{"label": "A", "seats": 1, "start": [0, 2]}]})")
            << "sections[0].category"
            << "unknown category \"Z\"";
        QTest::addRow("seat count is text")
            << withRows(R"({"label": "A", "seats": 2, "start": [0, 2]},
                           {"label": "B", "seats": "ten", "start": [0, 3]})")
            << "sections[0].rows[1].seats"
            << "expected a positive integer, got \"ten\"";
        QTest::addRow("seat count zero")
            << withRows(R"({"label": "A", "seats": 0, "start": [0, 2]})")
            << "sections[0].rows[0].seats"
            << "expected a positive integer, got 0";
        QTest::addRow("seat count fractional")
            << withRows(R"({"label": "A", "seats": 2.5, "start": [0, 2]})")
            << "sections[0].rows[0].seats"
            << "expected a positive integer, got 2.5";
        QTest::addRow("seat count absurd")
            << withRows(R"({"label": "A", "seats": 250000, "start": [0, 2]})")
            << "sections[0].rows[0].seats"
            << "250000 is absurdly large";
        QTest::addRow("venue over the seat cap")
            << withRows(R"({"rowCount": 1000, "seatsPerRow": 150, "origin": [0, 2]},
                           {"rowCount": 1000, "seatsPerRow": 150, "origin": [0, 2],
                            "rowLabels": "numbers"})")
            << "sections[0].rows[1]"
            << "more than 200000 seats";
        QTest::addRow("row label missing")
            << withRows(R"({"seats": 3, "start": [0, 2]})") << "sections[0].rows[0].label"
            << "missing required field";
        QTest::addRow("duplicate row label")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 2, "origin": [0, 2]},
                           {"label": "B", "seats": 2, "start": [0, 5]})")
            << "sections[0].rows[1]"
            << "duplicate row label \"B\" in this section";
        QTest::addRow("misspelt field")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 2, "origin": [0, 2],
                            "seatPich": 0.5})")
            << "sections[0].rows[0]"
            << "unknown field \"seatPich\"";
        QTest::addRow("start absurd")
            << withRows(R"({"label": "A", "seats": 2, "start": [1e9, 2]})")
            << "sections[0].rows[0].start"
            << "is outside the venue area";
        QTest::addRow("start not a point")
            << withRows(R"({"label": "A", "seats": 2, "start": {"x": 0, "y": 2}})")
            << "sections[0].rows[0].start"
            << "expected a point [x, y], got an object";
        QTest::addRow("generated seats run off the venue")
            << withRows(R"({"label": "A", "seats": 100, "start": [4990, 2], "pitch": 1})")
            << "sections[0].rows[0]"
            << "seat 12 of row \"A\" lands at (5001, 2), outside the venue area";
        QTest::addRow("explicit coordinate of the wrong type")
            << withRows(R"({"label": "A", "seats": [{"number": 1, "x": "3", "y": 2}]})")
            << "sections[0].rows[0].seats[0].x"
            << "expected a number, got \"3\"";
        QTest::addRow("explicit seat without number")
            << withRows(R"({"label": "A", "seats": [{"x": 3, "y": 2}]})")
            << "sections[0].rows[0].seats[0].number"
            << "missing required field";
        QTest::addRow("explicit seat with unknown category")
            << withRows(R"({"label": "A", "seats": [{"number": 1, "x": 0, "y": 2},
                                                    {"number": 2, "x": 1, "y": 2,
                                                     "category": "VIP"}]})")
            << "sections[0].rows[0].seats[1].category"
            << "unknown category \"VIP\"";
        QTest::addRow("explicit seat number repeated")
            << withRows(R"({"label": "A", "seats": [{"number": 1, "x": 0, "y": 2},
                                                    {"number": 1, "x": 1, "y": 2,
                                                     "id": "OTHER"}]})")
            << "sections[0].rows[0].seats[1].number"
            << "row \"A\" already has a seat 1";
        QTest::addRow("duplicate seat id")
            << withRows(R"({"label": "A", "seats": 2, "start": [0, 2]},
                           {"label": "B", "seats": [{"number": 1, "x": 0, "y": 4,
                                                     "id": "S-A-2"}]})")
            << "sections[0].rows[1].seats[0]"
            << "duplicate seat id \"S-A-2\" (already used at sections[0].rows[0])";
        QTest::addRow("wheelchair seat not in the row")
            << withRows(R"({"label": "A", "seats": 16, "start": [0, 2],
                            "wheelchair": [1, 40]})")
            << "sections[0].rows[0].wheelchair[1]"
            << "row \"A\" has no seat 40";
        QTest::addRow("companion seat skipped by the step")
            << withRows(R"({"label": "A", "seats": 4, "start": [0, 2], "numberStep": 2,
                            "companion": [2]})")
            << "sections[0].rows[0].companion[0]"
            << "row \"A\" has no seat 2 (its seats are 1 to 7 in steps of 2)";
        QTest::addRow("block wheelchair in a missing row")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 4, "origin": [0, 2],
                            "wheelchair": {"Q": [1]}})")
            << "sections[0].rows[0].wheelchair.Q"
            << "the block has no row \"Q\"";
        QTest::addRow("block companion beyond the row")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 4, "origin": [0, 2],
                            "companion": {"B": [5]}})")
            << "sections[0].rows[0].companion.B[0]"
            << "row \"B\" has no seat 5";
        QTest::addRow("wheelchair and companion at once")
            << withRows(R"({"label": "A", "seats": 4, "start": [0, 2], "wheelchair": [1],
                            "companion": [1]})")
            << "sections[0].rows[0].companion"
            << "cannot be both";
        QTest::addRow("pitch too small")
            << withRows(R"({"label": "A", "seats": 4, "start": [0, 2], "pitch": 0.1})")
            << "sections[0].rows[0].pitch"
            << "0.1 is out of range";
        QTest::addRow("overlapping blocks")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 4, "origin": [0, 2]},
                           {"label": "X", "seats": 2, "start": [-0.7, 2.05]})")
            << "sections[0].rows[1]"
            << "seat \"S-X-1\" at (-0.7, 2.05) is 0.071 m from seat \"S-A-1\" at (-0.75, 2) "
               "(sections[0].rows[0]); seats must be at least 0.3 m apart";
        QTest::addRow("row wraps around its curve")
            << withRows(R"({"rowCount": 1, "seatsPerRow": 100, "origin": [0, 2],
                            "curve": 2})")
            << "sections[0].rows[0].curve"
            << "more than fit around a circle of radius 2 m";
        QTest::addRow("block narrows to nothing")
            << withRows(R"({"rowCount": 5, "seatsPerRow": 3, "seatsPerRowStep": -1,
                            "origin": [0, 2]})")
            << "sections[0].rows[0].seatsPerRowStep"
            << "row \"D\" would have 0 seats";
        QTest::addRow("category bands longer than the block")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 3, "origin": [0, 2],
                            "categoryBands": [{"rows": 2, "category": "A"},
                                              {"rows": 1, "category": "B"}]})")
            << "sections[0].rows[0].categoryBands[1].rows"
            << "the bands cover 3 rows";
        QTest::addRow("bad first row")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 3, "origin": [0, 2],
                            "firstRow": "a1"})")
            << "sections[0].rows[0].firstRow"
            << "expected a row label";
        QTest::addRow("bad row labels")
            << withRows(R"({"rowCount": 2, "seatsPerRow": 3, "origin": [0, 2],
                            "rowLabels": "roman"})")
            << "sections[0].rows[0].rowLabels"
            << "expected \"letters\" or \"numbers\"";
    }
    void badDocument()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, place);
        QFETCH(QString, problem);
        const auto layout = parseVenueLayout(json, QStringLiteral("bad.json"));
        QVERIFY(!layout);
        QCOMPARE(layout.error().code, ErrorCode::BadRequest);
        const QString message = layout.error().message;
        const QString prefix = place.isEmpty() ? QStringLiteral("bad.json: ")
                                               : QStringLiteral("bad.json: %1: ").arg(place);
        QVERIFY2(message.startsWith(prefix), qPrintable(message));
        QVERIFY2(message.contains(problem), qPrintable(message));
    }

    void loadFromFile()
    {
        const auto missing = loadVenueLayout(QStringLiteral("/nonexistent/venue.json"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(withRows(R"({"label": "A", "seats": "ten", "start": [0, 2]})"));
        file.close();
        const auto broken = loadVenueLayout(file.fileName());
        QVERIFY(!broken);
        QCOMPARE(broken.error().code, ErrorCode::BadRequest);
        QVERIFY2(broken.error().message.startsWith(
                     u"broken.json: sections[0].rows[0].seats: expected a positive integer"_s),
                 qPrintable(broken.error().message));
    }

    void fromPartsChecksItsInput()
    {
        auto parts = [] {
            VenueLayout::Parts p;
            p.id = VenueId(u"v"_s);
            p.stage = QRectF(-1, -1, 2, 1);
            p.categories = {SeatCategory{u"A"_s, u"All"_s}};
            p.sections = {VenueSection{u"S"_s, u"Stalls"_s, u"Stalls"_s}};
            const QString row = u"A"_s;
            for (int n = 1; n <= 3; ++n) {
                p.seats.push_back(LayoutSeat{SeatId(u"S-A-"_s + QString::number(n)), 0, row, 1, n,
                                             float(n), 2.0f, 0, 0});
            }
            return p;
        };
        const auto good = VenueLayout::fromParts(parts());
        QVERIFY(good);
        QCOMPARE(good->indexOf(SeatId(u"S-A-3"_s)), 2);
        QCOMPARE(good->bounds(), QRectF(QPointF(-1, -1), QPointF(3, 2)));

        auto repeated = parts();
        repeated.seats[2].id = SeatId(u"S-A-1"_s);
        const auto duplicate = VenueLayout::fromParts(std::move(repeated));
        QVERIFY(!duplicate);
        QCOMPARE(duplicate.error().code, ErrorCode::BadRequest);
        QCOMPARE(duplicate.error().details.value(u"seatIndex"_s).toInt(), 2);
        QCOMPARE(duplicate.error().details.value(u"firstSeatIndex"_s).toInt(), 0);

        auto outOfRange = parts();
        outOfRange.seats[1].category = 5;
        QVERIFY(!VenueLayout::fromParts(std::move(outOfRange)));
        auto empty = parts();
        empty.seats.clear();
        QVERIFY(!VenueLayout::fromParts(std::move(empty)));
    }

    void copiesShareTheIndex()
    {
        auto layout = loadVenueLayout(
            Boxoffice::Test::sourcePath(QStringLiteral("resources/venues/theatre.json")));
        QVERIFY(layout);
        const VenueLayout copy = *layout;
        *layout = VenueLayout();
        QCOMPARE(layout->indexOf(SeatId(u"STALLS-A-1"_s)), -1);
        QCOMPARE(copy.indexOf(SeatId(u"STALLS-A-1"_s)), 0);
        QCOMPARE(copy.indexOf(SeatId(u"BOX-R-4"_s)), copy.seatCount() - 1);
    }
};

QTEST_APPLESS_MAIN(TestVenueLayout)
#include "tst_venuelayout.moc"
