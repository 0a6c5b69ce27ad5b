// The reader of docs/venue-layout-format.md. It works in two passes: the first reads and checks
// the (small) document into row plans, counting seats; the second generates the seats into a
// vector reserved once. Every error names the source, the place in the document and the problem.

#include "core/venue/venuelayout.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <optional>

namespace Boxoffice::Core {

namespace {

constexpr auto kFormat = "boxoffice-venue/1";
constexpr double kMaxCoordinate = 5000.0; // metres from the origin; larger is a typo
constexpr double kMinPitch = 0.3;         // metres; closer seats cannot exist
constexpr double kMaxPitch = 50.0;
constexpr double kMinSeatDistance = 0.3; // metres between two seat positions
constexpr int kMaxIdLength = 40;
constexpr int kMaxSeatNumber = 1'000'000;
constexpr int kMaxRowsInBlock = 2'000;

struct MarkField
{
    const char *key;
    SeatFlag flag;
};
constexpr MarkField kMarkFields[] = {{"wheelchair", SeatFlag::Wheelchair},
                                     {"companion", SeatFlag::Companion}};

QString at(const QString &place, const char *key)
{
    const QLatin1String field(key);
    return place.isEmpty() ? QString(field) : place + u'.' + field;
}

QString at(const QString &place, qsizetype index)
{
    return place + u'[' + QString::number(index) + u']';
}

QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 12);
    case QJsonValue::String: {
        QString text = value.toString();
        if (text.size() > 40)
            text = text.left(40) + QStringLiteral("...");
        return u'"' + text + u'"';
    }
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString formatNumber(double value)
{
    return QString::number(value, 'g', 10);
}

bool isValidId(const QString &id)
{
    if (id.isEmpty() || id.size() > kMaxIdLength)
        return false;
    for (QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') ||
                        (u >= u'0' && u <= u'9') || u == u'-' || u == u'_' || u == u'.';
        if (!ok)
            return false;
    }
    return true;
}

// "A".."Z", "AA".."AZ", "BA"...: bijective base 26, as spreadsheet columns.
QString letterLabel(int ordinal) // ordinal >= 1
{
    char16_t buffer[8];
    int length = 0;
    while (ordinal > 0 && length < 8) {
        --ordinal;
        buffer[length++] = char16_t(u'A' + ordinal % 26);
        ordinal /= 26;
    }
    std::reverse(buffer, buffer + length);
    return QString(reinterpret_cast<const QChar *>(buffer), length);
}

// The ordinal of a letter label, or 0 when it is not one (or is absurdly far along).
int letterOrdinal(const QString &label)
{
    if (label.isEmpty() || label.size() > 3)
        return 0;
    int ordinal = 0;
    for (QChar c : label) {
        if (c < u'A' || c > u'Z')
            return 0;
        ordinal = ordinal * 26 + (c.unicode() - u'A' + 1);
    }
    return ordinal;
}

// "<section>-<row>-<number>", allocated once at its exact size.
SeatId makeSeatId(const QString &section, const QString &row, int number)
{
    char16_t digits[12];
    int digitCount = 0;
    do {
        digits[digitCount++] = char16_t(u'0' + number % 10);
        number /= 10;
    } while (number > 0);
    QString id(section.size() + row.size() + 2 + digitCount, Qt::Uninitialized);
    QChar *out = id.data();
    out = std::copy(section.cbegin(), section.cend(), out);
    *out++ = u'-';
    out = std::copy(row.cbegin(), row.cend(), out);
    *out++ = u'-';
    while (digitCount > 0)
        *out++ = QChar(digits[--digitCount]);
    return SeatId(std::move(id));
}

struct ExplicitSeat
{
    int number = 0;
    double x = 0;
    double y = 0;
    int category = -1; // -1: the row's
    quint8 flags = 0;
    QString id; // empty: generated
};

// One row of seats, whatever entry it came from. Generated rows are a line or an arc.
struct RowPlan
{
    enum class Shape
    {
        Explicit,
        Line,
        Arc
    };
    Shape shape = Shape::Line;
    QString place; // of the entry that made the row, "sections[0].rows[2]"
    int section = 0;
    QString label;
    int rowNumber = 0;
    int category = 0;
    int firstSeat = 0; // seat index of the row's first seat
    int count = 0;
    // Generated rows: seat k (0-based, in number order) has number firstNumber + k * numberStep.
    int firstNumber = 1;
    int numberStep = 1;
    // Line: seat k at (x0 + k dx, y0 + k dy).
    // Arc: seat k at (x0 + radius sin(a0 + k da), y0 + radius cos(a0 + k da)).
    double x0 = 0, y0 = 0, dx = 0, dy = 0;
    double radius = 0, a0 = 0, da = 0;
    QList<int> wheelchair; // seat numbers
    QList<int> companion;
    std::vector<ExplicitSeat> seats; // Explicit
};

class Parser
{
public:
    explicit Parser(const QString &source)
        : m_source(source)
    {}

    Result<VenueLayout> parse(const QByteArray &json);

private:
    std::unexpected<Error> error(const QString &place, const QString &problem) const
    {
        const QString where = place.isEmpty() ? QString() : place + QStringLiteral(": ");
        return fail(ErrorCode::BadRequest, m_source + QStringLiteral(": ") + where + problem);
    }
    std::unexpected<Error> syntaxError(const QByteArray &json, const QJsonParseError &parse) const;

    Result<QJsonObject> object(const QJsonValue &value, const QString &place) const;
    Result<QJsonArray> array(const QJsonObject &o, const char *key, const QString &place,
                             bool required) const;
    Result<> checkFields(const QJsonObject &o, std::initializer_list<const char *> known,
                         const QString &place) const;
    Result<QString> text(const QJsonObject &o, const char *key, const QString &place) const;
    Result<QString> id(const QJsonObject &o, const char *key, const QString &place) const;
    Result<double> number(const QJsonObject &o, const char *key, const QString &place, double min,
                          double max, std::optional<double> fallback) const;
    Result<int> integer(const QJsonValue &value, const QString &place, int min, int max) const;
    Result<int> integer(const QJsonObject &o, const char *key, const QString &place, int min,
                        int max, std::optional<int> fallback) const;
    Result<bool> boolean(const QJsonObject &o, const char *key, const QString &place) const;
    Result<QPointF> point(const QJsonObject &o, const char *key, const QString &place) const;
    Result<int> categoryRef(const QJsonObject &o, const char *key, const QString &place,
                            int fallback) const;
    Result<QList<int>> seatNumbers(const QJsonValue &value, const QString &place) const;

    Result<> readCategories(const QJsonObject &root);
    Result<> readSection(const QJsonObject &o, const QString &place);
    Result<> addRowLabel(const QString &label, const QString &place);
    // The row's "label" field, registered as taken in the current section.
    Result<QString> readRowLabel(const QJsonObject &o, const QString &place);
    Result<> readExplicitRow(const QJsonObject &o, const QString &place, int category);
    Result<> readGeneratedRow(const QJsonObject &o, const QString &place, int category);
    Result<> readBlock(const QJsonObject &o, const QString &place, int category);
    Result<> addPlan(RowPlan plan);
    // Marks these seat numbers of the row as wheelchair spaces or companion seats.
    Result<> setMarks(RowPlan &plan, SeatFlag flag, const QList<int> &numbers,
                      const QString &listPlace) const;
    struct RowLabels
    {
        bool numeric = false;
        int first = 1; // number, or ordinal of the letter label ("A" = 1)
    };
    Result<RowLabels> readRowLabels(const QJsonObject &o, const QString &place) const;
    Result<QList<int>> readCategoryBands(const QJsonObject &o, const QString &place, int rowCount,
                                         int blockCategory) const;

    Result<> generate(std::vector<LayoutSeat> &seats) const;
    Result<> checkSpacing(const std::vector<LayoutSeat> &seats) const;
    QString seatPlace(int seatIndex) const;

    QString m_source;
    VenueLayout::Parts m_parts;
    std::vector<RowPlan> m_plans;
    qint64 m_seatTotal = 0;
    // Per section while it is read:
    QHash<QString, QString> m_rowLabels; // label -> place of the entry that made it
    int m_rowNumber = 0;
};

std::unexpected<Error> Parser::syntaxError(const QByteArray &json,
                                           const QJsonParseError &parse) const
{
    // QJsonParseError::offset is a byte offset; people count lines and characters.
    const qsizetype offset = std::clamp<qsizetype>(parse.offset, 0, json.size());
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        const char c = json.at(i);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++column; // UTF-8 continuation bytes belong to the previous character
        }
    }
    return fail(ErrorCode::BadRequest, QStringLiteral("%1: line %2, column %3: %4")
                                           .arg(m_source)
                                           .arg(line)
                                           .arg(column)
                                           .arg(parse.errorString()));
}

Result<QJsonObject> Parser::object(const QJsonValue &value, const QString &place) const
{
    if (!value.isObject())
        return error(place, QStringLiteral("expected an object, got ") + describe(value));
    return value.toObject();
}

Result<QJsonArray> Parser::array(const QJsonObject &o, const char *key, const QString &place,
                                 bool required) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() && !required)
        return QJsonArray();
    if (value.isUndefined())
        return error(at(place, key), QStringLiteral("missing required field"));
    if (!value.isArray())
        return error(at(place, key), QStringLiteral("expected an array, got ") + describe(value));
    if (required && value.toArray().isEmpty())
        return error(at(place, key), QStringLiteral("expected a non-empty array"));
    return value.toArray();
}

Result<> Parser::checkFields(const QJsonObject &o, std::initializer_list<const char *> known,
                             const QString &place) const
{
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const QString key = it.key();
        if (key == u"comment")
            continue;
        const bool isKnown = std::any_of(known.begin(), known.end(),
                                         [&key](const char *k) { return key == QLatin1String(k); });
        if (!isKnown) {
            QStringList names;
            for (const char *k : known)
                names << QLatin1String(k);
            return error(place, QStringLiteral("unknown field \"%1\" (expected one of: %2)")
                                    .arg(key, names.join(QStringLiteral(", "))));
        }
    }
    return {};
}

Result<QString> Parser::text(const QJsonObject &o, const char *key, const QString &place) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined())
        return error(at(place, key), QStringLiteral("missing required field"));
    if (!value.isString())
        return error(at(place, key), QStringLiteral("expected a string, got ") + describe(value));
    QString result = value.toString().trimmed();
    if (result.isEmpty())
        return error(at(place, key), QStringLiteral("must not be empty"));
    return result;
}

Result<QString> Parser::id(const QJsonObject &o, const char *key, const QString &place) const
{
    auto result = text(o, key, place);
    if (!result)
        return result;
    if (!isValidId(*result) || result->size() != o.value(QLatin1String(key)).toString().size()) {
        return error(at(place, key),
                     QStringLiteral("\"%1\" is not a valid id (1 to %2 letters, digits, "
                                    "'-', '_' or '.')")
                         .arg(o.value(QLatin1String(key)).toString())
                         .arg(kMaxIdLength));
    }
    return result;
}

Result<double> Parser::number(const QJsonObject &o, const char *key, const QString &place,
                              double min, double max, std::optional<double> fallback) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() && fallback)
        return *fallback;
    if (value.isUndefined())
        return error(at(place, key), QStringLiteral("missing required field"));
    if (!value.isDouble())
        return error(at(place, key), QStringLiteral("expected a number, got ") + describe(value));
    const double result = value.toDouble();
    if (!(result >= min && result <= max)) {
        return error(at(place, key),
                     QStringLiteral("%1 is out of range (expected %2 to %3)")
                         .arg(describe(value), formatNumber(min), formatNumber(max)));
    }
    return result;
}

Result<int> Parser::integer(const QJsonValue &value, const QString &place, int min, int max) const
{
    const double d = value.toDouble();
    if (!value.isDouble() || d != std::floor(d) || d < min) {
        const QString expected = min == 1   ? QStringLiteral("a positive integer")
                                 : min == 0 ? QStringLiteral("a non-negative integer")
                                            : QStringLiteral("an integer of at least %1").arg(min);
        return error(place, QStringLiteral("expected %1, got %2").arg(expected, describe(value)));
    }
    if (d > max) {
        return error(
            place,
            QStringLiteral("%1 is absurdly large (at most %2)").arg(describe(value)).arg(max));
    }
    return int(d);
}

Result<int> Parser::integer(const QJsonObject &o, const char *key, const QString &place, int min,
                            int max, std::optional<int> fallback) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() && fallback)
        return *fallback;
    if (value.isUndefined())
        return error(at(place, key), QStringLiteral("missing required field"));
    return integer(value, at(place, key), min, max);
}

Result<bool> Parser::boolean(const QJsonObject &o, const char *key, const QString &place) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined())
        return false;
    if (!value.isBool())
        return error(at(place, key),
                     QStringLiteral("expected true or false, got ") + describe(value));
    return value.toBool();
}

Result<QPointF> Parser::point(const QJsonObject &o, const char *key, const QString &place) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined())
        return error(at(place, key), QStringLiteral("missing required field"));
    const QJsonArray xy = value.toArray();
    if (!value.isArray() || xy.size() != 2 || !xy.at(0).isDouble() || !xy.at(1).isDouble()) {
        return error(at(place, key),
                     QStringLiteral("expected a point [x, y], got ") + describe(value));
    }
    const double x = xy.at(0).toDouble();
    const double y = xy.at(1).toDouble();
    if (!(std::abs(x) <= kMaxCoordinate && std::abs(y) <= kMaxCoordinate)) {
        return error(at(place, key),
                     QStringLiteral("[%1, %2] is outside the venue area (coordinates are -%3 "
                                    "to %3 metres)")
                         .arg(formatNumber(x), formatNumber(y), formatNumber(kMaxCoordinate)));
    }
    return QPointF(x, y);
}

Result<int> Parser::categoryRef(const QJsonObject &o, const char *key, const QString &place,
                                int fallback) const
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() && fallback >= 0)
        return fallback;
    if (value.isUndefined())
        return error(at(place, key), QStringLiteral("missing required field"));
    if (!value.isString())
        return error(at(place, key),
                     QStringLiteral("expected a category id, got ") + describe(value));
    const QString categoryId = value.toString();
    for (qsizetype i = 0; i < m_parts.categories.size(); ++i) {
        if (m_parts.categories.at(i).id == categoryId)
            return int(i);
    }
    QStringList known;
    for (const SeatCategory &category : m_parts.categories)
        known << category.id;
    return error(at(place, key), QStringLiteral("unknown category \"%1\" (the venue has %2)")
                                     .arg(categoryId, known.join(QStringLiteral(", "))));
}

Result<QList<int>> Parser::seatNumbers(const QJsonValue &value, const QString &place) const
{
    if (!value.isArray())
        return error(place,
                     QStringLiteral("expected an array of seat numbers, got ") + describe(value));
    const QJsonArray list = value.toArray();
    QList<int> numbers;
    numbers.reserve(list.size());
    for (qsizetype i = 0; i < list.size(); ++i) {
        auto n = integer(list.at(i), at(place, i), 1, kMaxSeatNumber);
        if (!n)
            return std::unexpected(n.error());
        numbers << *n;
    }
    return numbers;
}

Result<VenueLayout> Parser::parse(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return syntaxError(json, parseError);
    if (!document.isObject()) {
        return error(QString(), QStringLiteral("expected a JSON object at the top level, got ") +
                                    (document.isArray() ? QStringLiteral("an array")
                                                        : QStringLiteral("nothing")));
    }
    const QJsonObject root = document.object();
    if (auto ok = checkFields(
            root, {"format", "id", "name", "city", "stage", "categories", "sections"}, QString());
        !ok) {
        return std::unexpected(ok.error());
    }

    const QJsonValue format = root.value(QLatin1String("format"));
    if (format.isUndefined())
        return error(QStringLiteral("format"), QStringLiteral("missing required field"));
    if (format.toString() != QLatin1String(kFormat)) {
        return error(QStringLiteral("format"),
                     QStringLiteral("unknown format version %1 (this build reads \"%2\")")
                         .arg(describe(format), QLatin1String(kFormat)));
    }

    auto venueId = id(root, "id", QString());
    if (!venueId)
        return std::unexpected(venueId.error());
    m_parts.id = VenueId(*venueId);
    auto name = text(root, "name", QString());
    if (!name)
        return std::unexpected(name.error());
    m_parts.name = *name;
    auto city = text(root, "city", QString());
    if (!city)
        return std::unexpected(city.error());
    m_parts.city = *city;

    const QString stagePlace = QStringLiteral("stage");
    auto stage = object(root.value(QLatin1String("stage")), stagePlace);
    if (!stage)
        return std::unexpected(stage.error());
    if (auto ok = checkFields(*stage, {"x", "y", "width", "height"}, stagePlace); !ok)
        return std::unexpected(ok.error());
    double rect[4];
    const char *rectKeys[4] = {"x", "y", "width", "height"};
    for (int i = 0; i < 4; ++i) {
        const double min = i < 2 ? -kMaxCoordinate : 0.1;
        const double max = i < 2 ? kMaxCoordinate : 2 * kMaxCoordinate;
        auto value = number(*stage, rectKeys[i], stagePlace, min, max, std::nullopt);
        if (!value)
            return std::unexpected(value.error());
        rect[i] = *value;
    }
    m_parts.stage = QRectF(rect[0], rect[1], rect[2], rect[3]);

    if (auto ok = readCategories(root); !ok)
        return std::unexpected(ok.error());

    auto sections = array(root, "sections", QString(), true);
    if (!sections)
        return std::unexpected(sections.error());
    for (qsizetype i = 0; i < sections->size(); ++i) {
        const QString place = at(QStringLiteral("sections"), i);
        auto section = object(sections->at(i), place);
        if (!section)
            return std::unexpected(section.error());
        if (auto ok = readSection(*section, place); !ok)
            return std::unexpected(ok.error());
    }

    std::vector<LayoutSeat> seats;
    seats.reserve(size_t(m_seatTotal));
    if (auto ok = generate(seats); !ok)
        return std::unexpected(ok.error());
    m_parts.seats = std::move(seats);

    auto layout = VenueLayout::fromParts(std::move(m_parts));
    if (!layout) {
        const QJsonObject details = layout.error().details;
        if (details.contains(QLatin1String("seatIndex"))) {
            const int later = details.value(QLatin1String("seatIndex")).toInt();
            const int first = details.value(QLatin1String("firstSeatIndex")).toInt();
            return error(
                seatPlace(later),
                QStringLiteral("duplicate seat id \"%1\" (already used at %2)")
                    .arg(details.value(QLatin1String("seatId")).toString(), seatPlace(first)));
        }
        return error(QString(), layout.error().message);
    }
    if (auto ok = checkSpacing(layout->seats()); !ok)
        return std::unexpected(ok.error());
    return layout;
}

Result<> Parser::readCategories(const QJsonObject &root)
{
    auto categories = array(root, "categories", QString(), true);
    if (!categories)
        return std::unexpected(categories.error());
    for (qsizetype i = 0; i < categories->size(); ++i) {
        const QString place = at(QStringLiteral("categories"), i);
        auto category = object(categories->at(i), place);
        if (!category)
            return std::unexpected(category.error());
        if (auto ok = checkFields(*category, {"id", "name"}, place); !ok)
            return ok;
        auto categoryId = id(*category, "id", place);
        if (!categoryId)
            return std::unexpected(categoryId.error());
        auto name = text(*category, "name", place);
        if (!name)
            return std::unexpected(name.error());
        for (qsizetype j = 0; j < i; ++j) {
            if (m_parts.categories.at(j).id == *categoryId) {
                return error(at(place, "id"),
                             QStringLiteral("duplicate category id \"%1\" (also categories[%2])")
                                 .arg(*categoryId)
                                 .arg(j));
            }
        }
        m_parts.categories.append(SeatCategory{*categoryId, *name});
    }
    return {};
}

Result<> Parser::readSection(const QJsonObject &o, const QString &place)
{
    if (auto ok = checkFields(o, {"id", "name", "level", "category", "rows"}, place); !ok)
        return ok;
    auto sectionId = id(o, "id", place);
    if (!sectionId)
        return std::unexpected(sectionId.error());
    for (qsizetype i = 0; i < m_parts.sections.size(); ++i) {
        if (m_parts.sections.at(i).id == *sectionId) {
            return error(at(place, "id"),
                         QStringLiteral("duplicate section id \"%1\" (also sections[%2])")
                             .arg(*sectionId)
                             .arg(i));
        }
    }
    auto name = text(o, "name", place);
    if (!name)
        return std::unexpected(name.error());
    auto level = text(o, "level", place);
    if (!level)
        return std::unexpected(level.error());
    auto category = categoryRef(o, "category", place, -1);
    if (!category)
        return std::unexpected(category.error());
    m_parts.sections.append(VenueSection{*sectionId, *name, *level});

    auto rows = array(o, "rows", place, true);
    if (!rows)
        return std::unexpected(rows.error());
    m_rowLabels.clear();
    m_rowNumber = 0;
    for (qsizetype i = 0; i < rows->size(); ++i) {
        const QString rowPlace = at(at(place, "rows"), i);
        auto row = object(rows->at(i), rowPlace);
        if (!row)
            return std::unexpected(row.error());
        Result<> ok;
        if (row->contains(QLatin1String("rowCount")))
            ok = readBlock(*row, rowPlace, *category);
        else if (row->value(QLatin1String("seats")).isArray())
            ok = readExplicitRow(*row, rowPlace, *category);
        else
            ok = readGeneratedRow(*row, rowPlace, *category);
        if (!ok)
            return ok;
    }
    return {};
}

Result<> Parser::addRowLabel(const QString &label, const QString &place)
{
    const auto it = m_rowLabels.constFind(label);
    if (it != m_rowLabels.constEnd()) {
        return error(place, QStringLiteral("duplicate row label \"%1\" in this section (also %2)")
                                .arg(label, it.value()));
    }
    m_rowLabels.insert(label, place);
    return {};
}

Result<QString> Parser::readRowLabel(const QJsonObject &o, const QString &place)
{
    auto label = id(o, "label", place);
    if (!label)
        return label;
    if (auto ok = addRowLabel(*label, place); !ok)
        return std::unexpected(ok.error());
    return label;
}

Result<> Parser::addPlan(RowPlan plan)
{
    plan.section = int(m_parts.sections.size() - 1);
    plan.rowNumber = ++m_rowNumber;
    plan.firstSeat = int(m_seatTotal);
    m_seatTotal += plan.count;
    if (m_seatTotal > kMaxVenueSeats) {
        return error(plan.place, QStringLiteral("the venue has more than %1 seats, the most a "
                                                "venue may have")
                                     .arg(kMaxVenueSeats));
    }
    const qint64 lastNumber = qint64(plan.firstNumber) + qint64(plan.count - 1) * plan.numberStep;
    if (plan.shape != RowPlan::Shape::Explicit && lastNumber > kMaxSeatNumber) {
        return error(plan.place, QStringLiteral("row \"%1\" would number its seats up to %2 (at "
                                                "most %3)")
                                     .arg(plan.label)
                                     .arg(lastNumber)
                                     .arg(kMaxSeatNumber));
    }
    m_plans.push_back(std::move(plan));
    return {};
}

Result<> Parser::readExplicitRow(const QJsonObject &o, const QString &place, int category)
{
    if (auto ok = checkFields(o, {"label", "seats", "category"}, place); !ok)
        return ok;
    RowPlan plan;
    plan.shape = RowPlan::Shape::Explicit;
    plan.place = place;
    auto label = readRowLabel(o, place);
    if (!label)
        return std::unexpected(label.error());
    plan.label = *label;
    auto rowCategory = categoryRef(o, "category", place, category);
    if (!rowCategory)
        return std::unexpected(rowCategory.error());
    plan.category = *rowCategory;

    auto seats = array(o, "seats", place, true);
    if (!seats)
        return std::unexpected(seats.error());
    if (seats->size() > kMaxVenueSeats) {
        return error(at(place, "seats"), QStringLiteral("%1 seats is absurdly many (at most %2)")
                                             .arg(seats->size())
                                             .arg(kMaxVenueSeats));
    }
    plan.count = int(seats->size());
    plan.seats.reserve(size_t(plan.count));
    QHash<int, qsizetype> numbers;
    const QString seatsPlace = at(place, "seats");
    for (qsizetype i = 0; i < seats->size(); ++i) {
        const QString seatPlace = at(seatsPlace, i);
        auto seat = object(seats->at(i), seatPlace);
        if (!seat)
            return std::unexpected(seat.error());
        if (auto ok = checkFields(*seat,
                                  {"number", "x", "y", "category", "wheelchair", "companion", "id"},
                                  seatPlace);
            !ok) {
            return ok;
        }
        ExplicitSeat spec;
        auto number = integer(*seat, "number", seatPlace, 1, kMaxSeatNumber, std::nullopt);
        if (!number)
            return std::unexpected(number.error());
        spec.number = *number;
        if (numbers.contains(spec.number)) {
            return error(at(seatPlace, "number"),
                         QStringLiteral("row \"%1\" already has a seat %2 (%3)")
                             .arg(plan.label)
                             .arg(spec.number)
                             .arg(at(seatsPlace, numbers.value(spec.number))));
        }
        numbers.insert(spec.number, i);
        auto x = this->number(*seat, "x", seatPlace, -kMaxCoordinate, kMaxCoordinate, std::nullopt);
        if (!x)
            return std::unexpected(x.error());
        auto y = this->number(*seat, "y", seatPlace, -kMaxCoordinate, kMaxCoordinate, std::nullopt);
        if (!y)
            return std::unexpected(y.error());
        spec.x = *x;
        spec.y = *y;
        auto seatCategory = categoryRef(*seat, "category", seatPlace, plan.category);
        if (!seatCategory)
            return std::unexpected(seatCategory.error());
        spec.category = *seatCategory;
        auto wheelchair = boolean(*seat, "wheelchair", seatPlace);
        if (!wheelchair)
            return std::unexpected(wheelchair.error());
        auto companion = boolean(*seat, "companion", seatPlace);
        if (!companion)
            return std::unexpected(companion.error());
        if (*wheelchair && *companion) {
            return error(seatPlace, QStringLiteral("a seat cannot be both a wheelchair space and "
                                                   "a companion seat"));
        }
        spec.flags = quint8((*wheelchair ? quint8(SeatFlag::Wheelchair) : 0) |
                            (*companion ? quint8(SeatFlag::Companion) : 0));
        if (seat->contains(QLatin1String("id"))) {
            auto seatId = id(*seat, "id", seatPlace);
            if (!seatId)
                return std::unexpected(seatId.error());
            spec.id = *seatId;
        }
        plan.seats.push_back(std::move(spec));
    }
    return addPlan(std::move(plan));
}

Result<> Parser::setMarks(RowPlan &plan, SeatFlag flag, const QList<int> &numbers,
                          const QString &listPlace) const
{
    for (qsizetype i = 0; i < numbers.size(); ++i) {
        const int offset = numbers.at(i) - plan.firstNumber;
        if (offset < 0 || offset % plan.numberStep != 0 || offset / plan.numberStep >= plan.count) {
            const int last = plan.firstNumber + (plan.count - 1) * plan.numberStep;
            return error(at(listPlace, i),
                         QStringLiteral("row \"%1\" has no seat %2 (its seats are %3 to %4%5)")
                             .arg(plan.label)
                             .arg(numbers.at(i))
                             .arg(plan.firstNumber)
                             .arg(last)
                             .arg(plan.numberStep == 1
                                      ? QString()
                                      : QStringLiteral(" in steps of %1").arg(plan.numberStep)));
        }
    }
    const bool wheelchair = flag == SeatFlag::Wheelchair;
    const QList<int> &others = wheelchair ? plan.companion : plan.wheelchair;
    for (int n : numbers) {
        if (others.contains(n)) {
            return error(listPlace, QStringLiteral("seat %1 cannot be both a wheelchair space and "
                                                   "a companion seat")
                                        .arg(n));
        }
    }
    (wheelchair ? plan.wheelchair : plan.companion) = numbers;
    return {};
}

Result<> Parser::readGeneratedRow(const QJsonObject &o, const QString &place, int category)
{
    if (auto ok = checkFields(o,
                              {"label", "seats", "start", "pitch", "angle", "firstNumber",
                               "numberStep", "category", "wheelchair", "companion"},
                              place);
        !ok) {
        return ok;
    }
    RowPlan plan;
    plan.shape = RowPlan::Shape::Line;
    plan.place = place;
    auto label = readRowLabel(o, place);
    if (!label)
        return std::unexpected(label.error());
    plan.label = *label;
    const QJsonValue seats = o.value(QLatin1String("seats"));
    if (seats.isUndefined())
        return error(at(place, "seats"), QStringLiteral("missing required field"));
    auto count = integer(seats, at(place, "seats"), 1, kMaxVenueSeats);
    if (!count)
        return std::unexpected(count.error());
    plan.count = *count;
    auto start = point(o, "start", place);
    if (!start)
        return std::unexpected(start.error());
    auto pitch = number(o, "pitch", place, kMinPitch, kMaxPitch, 0.5);
    if (!pitch)
        return std::unexpected(pitch.error());
    auto angle = number(o, "angle", place, -360, 360, 0.0);
    if (!angle)
        return std::unexpected(angle.error());
    auto firstNumber = integer(o, "firstNumber", place, 1, kMaxSeatNumber, 1);
    if (!firstNumber)
        return std::unexpected(firstNumber.error());
    auto numberStep = integer(o, "numberStep", place, 1, 100, 1);
    if (!numberStep)
        return std::unexpected(numberStep.error());
    auto rowCategory = categoryRef(o, "category", place, category);
    if (!rowCategory)
        return std::unexpected(rowCategory.error());
    plan.category = *rowCategory;
    plan.firstNumber = *firstNumber;
    plan.numberStep = *numberStep;
    const double radians = *angle * std::numbers::pi / 180.0;
    plan.x0 = start->x();
    plan.y0 = start->y();
    plan.dx = *pitch * std::cos(radians);
    plan.dy = *pitch * std::sin(radians);

    for (const auto &[key, flag] : kMarkFields) {
        const QJsonValue list = o.value(QLatin1String(key));
        if (list.isUndefined())
            continue;
        auto numbers = seatNumbers(list, at(place, key));
        if (!numbers)
            return std::unexpected(numbers.error());
        if (auto ok = setMarks(plan, flag, *numbers, at(place, key)); !ok)
            return ok;
    }
    return addPlan(std::move(plan));
}

// Row labels of a block: letters "A", "B", ... "Z", "AA", ... or numbers "1", "2", ...
Result<Parser::RowLabels> Parser::readRowLabels(const QJsonObject &o, const QString &place) const
{
    RowLabels labels;
    const QJsonValue scheme = o.value(QLatin1String("rowLabels"));
    labels.numeric = scheme.toString() == u"numbers";
    if (!scheme.isUndefined() && !labels.numeric && scheme.toString() != u"letters") {
        return error(at(place, "rowLabels"),
                     QStringLiteral("expected \"letters\" or \"numbers\", got ") +
                         describe(scheme));
    }
    const QJsonValue firstRow = o.value(QLatin1String("firstRow"));
    if (firstRow.isUndefined())
        return labels;
    if (labels.numeric) {
        auto n = integer(firstRow, at(place, "firstRow"), 1, 100'000);
        if (!n)
            return std::unexpected(n.error());
        labels.first = *n;
        return labels;
    }
    labels.first = firstRow.isString() ? letterOrdinal(firstRow.toString()) : 0;
    if (labels.first == 0) {
        return error(at(place, "firstRow"),
                     QStringLiteral("expected a row label of one to three capital letters, got ") +
                         describe(firstRow));
    }
    return labels;
}

// The category of each row of a block: bands of rows from the front; rows after the last band
// keep the block's category.
Result<QList<int>> Parser::readCategoryBands(const QJsonObject &o, const QString &place,
                                             int rowCount, int blockCategory) const
{
    QList<int> rowCategories(rowCount, blockCategory);
    auto bands = array(o, "categoryBands", place, false);
    if (!bands)
        return std::unexpected(bands.error());
    int banded = 0;
    for (qsizetype i = 0; i < bands->size(); ++i) {
        const QString bandPlace = at(at(place, "categoryBands"), i);
        auto band = object(bands->at(i), bandPlace);
        if (!band)
            return std::unexpected(band.error());
        if (auto ok = checkFields(*band, {"rows", "category"}, bandPlace); !ok)
            return std::unexpected(ok.error());
        auto rows = integer(*band, "rows", bandPlace, 1, kMaxRowsInBlock, std::nullopt);
        if (!rows)
            return std::unexpected(rows.error());
        auto category = categoryRef(*band, "category", bandPlace, -1);
        if (!category)
            return std::unexpected(category.error());
        if (banded + *rows > rowCount) {
            return error(at(bandPlace, "rows"),
                         QStringLiteral("the bands cover %1 rows but the block has only %2")
                             .arg(banded + *rows)
                             .arg(rowCount));
        }
        std::fill(rowCategories.begin() + banded, rowCategories.begin() + banded + *rows,
                  *category);
        banded += *rows;
    }
    return rowCategories;
}

Result<> Parser::readBlock(const QJsonObject &o, const QString &place, int category)
{
    if (auto ok = checkFields(o,
                              {"rowCount", "seatsPerRow", "seatsPerRowStep", "seatPitch",
                               "rowPitch", "origin", "rotation", "curve", "rowLabels", "firstRow",
                               "firstNumber", "numberStep", "reverseNumbers", "category",
                               "categoryBands", "wheelchair", "companion"},
                              place);
        !ok) {
        return ok;
    }
    auto rowCount = integer(o, "rowCount", place, 1, kMaxRowsInBlock, std::nullopt);
    if (!rowCount)
        return std::unexpected(rowCount.error());
    auto seatsPerRow = integer(o, "seatsPerRow", place, 1, kMaxVenueSeats, std::nullopt);
    if (!seatsPerRow)
        return std::unexpected(seatsPerRow.error());
    auto seatsPerRowStep = number(o, "seatsPerRowStep", place, -100, 100, 0.0);
    if (!seatsPerRowStep)
        return std::unexpected(seatsPerRowStep.error());
    auto seatPitch = number(o, "seatPitch", place, kMinPitch, kMaxPitch, 0.5);
    if (!seatPitch)
        return std::unexpected(seatPitch.error());
    auto rowPitch = number(o, "rowPitch", place, kMinPitch, kMaxPitch, 0.9);
    if (!rowPitch)
        return std::unexpected(rowPitch.error());
    auto origin = point(o, "origin", place);
    if (!origin)
        return std::unexpected(origin.error());
    auto rotation = number(o, "rotation", place, -360, 360, 0.0);
    if (!rotation)
        return std::unexpected(rotation.error());
    const bool curved = o.contains(QLatin1String("curve"));
    auto curve = number(o, "curve", place, 1.0, kMaxCoordinate, 0.0);
    if (!curve)
        return std::unexpected(curve.error());
    auto firstNumber = integer(o, "firstNumber", place, 1, kMaxSeatNumber, 1);
    if (!firstNumber)
        return std::unexpected(firstNumber.error());
    auto numberStep = integer(o, "numberStep", place, 1, 100, 1);
    if (!numberStep)
        return std::unexpected(numberStep.error());
    auto reverseNumbers = boolean(o, "reverseNumbers", place);
    if (!reverseNumbers)
        return std::unexpected(reverseNumbers.error());
    auto blockCategory = categoryRef(o, "category", place, category);
    if (!blockCategory)
        return std::unexpected(blockCategory.error());

    auto labels = readRowLabels(o, place);
    if (!labels)
        return std::unexpected(labels.error());
    auto rowCategories = readCategoryBands(o, place, *rowCount, *blockCategory);
    if (!rowCategories)
        return std::unexpected(rowCategories.error());

    const double theta = *rotation * std::numbers::pi / 180.0;
    const double cosT = std::cos(theta);
    const double sinT = std::sin(theta);
    std::vector<RowPlan> rows;
    rows.reserve(size_t(*rowCount));
    QHash<QString, int> rowOfLabel;
    for (int r = 0; r < *rowCount; ++r) {
        RowPlan plan;
        plan.place = place;
        plan.label =
            labels->numeric ? QString::number(labels->first + r) : letterLabel(labels->first + r);
        plan.category = rowCategories->at(r);
        plan.firstNumber = *firstNumber;
        plan.numberStep = *numberStep;
        const double count = *seatsPerRow + std::floor(r * *seatsPerRowStep + 1e-9);
        if (count < 1) {
            return error(
                at(place, "seatsPerRowStep"),
                QStringLiteral("row \"%1\" would have %2 seats").arg(plan.label).arg(count));
        }
        if (count > kMaxVenueSeats) {
            return error(at(place, "seatsPerRowStep"),
                         QStringLiteral("row \"%1\" would have %2 seats (at most %3)")
                             .arg(plan.label)
                             .arg(count)
                             .arg(kMaxVenueSeats));
        }
        plan.count = int(count);
        const double v = r * *rowPitch;             // local distance from the front row
        const double half = (plan.count - 1) / 2.0; // seats either side of the block's axis
        const double direction = *reverseNumbers ? -1.0 : 1.0;
        if (curved) {
            // Rows are arcs around the centre `curve` metres in front of the origin.
            plan.shape = RowPlan::Shape::Arc;
            plan.radius = *curve + v;
            const double step = *seatPitch / plan.radius;
            if ((plan.count - 1) * step > 2 * std::numbers::pi - step) {
                return error(at(place, "curve"),
                             QStringLiteral("row \"%1\" has %2 seats, more than fit around a "
                                            "circle of radius %3 m")
                                 .arg(plan.label)
                                 .arg(plan.count)
                                 .arg(formatNumber(plan.radius)));
            }
            plan.x0 = origin->x() + *curve * sinT;
            plan.y0 = origin->y() - *curve * cosT;
            plan.a0 = -direction * half * step - theta;
            plan.da = direction * step;
        } else {
            plan.shape = RowPlan::Shape::Line;
            const double u = -direction * half * *seatPitch;
            plan.x0 = origin->x() + u * cosT - v * sinT;
            plan.y0 = origin->y() + u * sinT + v * cosT;
            plan.dx = direction * *seatPitch * cosT;
            plan.dy = direction * *seatPitch * sinT;
        }
        if (auto ok = addRowLabel(plan.label, place); !ok)
            return ok;
        rowOfLabel.insert(plan.label, r);
        rows.push_back(std::move(plan));
    }

    // Wheelchair and companion seats by row label: {"L": [1, 31]}.
    for (const auto &[key, flag] : kMarkFields) {
        const QJsonValue value = o.value(QLatin1String(key));
        if (value.isUndefined())
            continue;
        const QString listPlace = at(place, key);
        if (!value.isObject()) {
            return error(listPlace,
                         QStringLiteral("expected an object {\"<row label>\": [seat numbers]}, "
                                        "got ") +
                             describe(value));
        }
        const QJsonObject byRow = value.toObject();
        for (auto it = byRow.constBegin(); it != byRow.constEnd(); ++it) {
            const QString rowPlace = listPlace + u'.' + it.key();
            const auto row = rowOfLabel.constFind(it.key());
            if (row == rowOfLabel.constEnd())
                return error(rowPlace, QStringLiteral("the block has no row \"%1\"").arg(it.key()));
            auto numbers = seatNumbers(it.value(), rowPlace);
            if (!numbers)
                return std::unexpected(numbers.error());
            if (auto ok = setMarks(rows[size_t(row.value())], flag, *numbers, rowPlace); !ok)
                return ok;
        }
    }

    for (RowPlan &plan : rows) {
        if (auto ok = addPlan(std::move(plan)); !ok)
            return ok;
    }
    return {};
}

Result<> Parser::generate(std::vector<LayoutSeat> &seats) const
{
    for (const RowPlan &plan : m_plans) {
        const QString &sectionId = m_parts.sections.at(plan.section).id;
        const size_t first = seats.size();
        for (int k = 0; k < plan.count; ++k) {
            LayoutSeat seat{SeatId(), plan.section,  plan.label, plan.rowNumber, 0, 0.0f,
                            0.0f,     plan.category, 0};
            double x = 0;
            double y = 0;
            switch (plan.shape) {
            case RowPlan::Shape::Explicit: {
                const ExplicitSeat &spec = plan.seats[size_t(k)];
                seat.number = spec.number;
                seat.category = spec.category;
                seat.flags = spec.flags;
                if (!spec.id.isEmpty())
                    seat.id = SeatId(spec.id);
                x = spec.x;
                y = spec.y;
                break;
            }
            case RowPlan::Shape::Line:
                seat.number = plan.firstNumber + k * plan.numberStep;
                x = plan.x0 + k * plan.dx;
                y = plan.y0 + k * plan.dy;
                break;
            case RowPlan::Shape::Arc: {
                seat.number = plan.firstNumber + k * plan.numberStep;
                const double a = plan.a0 + k * plan.da;
                x = plan.x0 + plan.radius * std::sin(a);
                y = plan.y0 + plan.radius * std::cos(a);
                break;
            }
            }
            if (!(std::abs(x) <= kMaxCoordinate && std::abs(y) <= kMaxCoordinate)) {
                return error(plan.place,
                             QStringLiteral("seat %1 of row \"%2\" lands at (%3, %4), outside "
                                            "the venue area (coordinates are -%5 to %5 metres)")
                                 .arg(seat.number)
                                 .arg(plan.label, formatNumber(x), formatNumber(y),
                                      formatNumber(kMaxCoordinate)));
            }
            seat.x = float(x);
            seat.y = float(y);
            if (seat.id.isEmpty())
                seat.id = makeSeatId(sectionId, plan.label, seat.number);
            seats.push_back(std::move(seat));
        }
        for (int n : plan.wheelchair)
            seats[first + size_t((n - plan.firstNumber) / plan.numberStep)].flags |=
                quint8(SeatFlag::Wheelchair);
        for (int n : plan.companion)
            seats[first + size_t((n - plan.firstNumber) / plan.numberStep)].flags |=
                quint8(SeatFlag::Companion);
    }
    return {};
}

// Seats closer than kMinSeatDistance are a mistake in the file (a wrong pitch, two blocks on
// top of each other) that would make seats impossible to tell apart on the map. Seats are
// bucketed into square cells of that size; only neighbouring cells can hold a too-close pair.
// Sorted by (column, row), each seat needs the rest of its own column up to the next cell and
// three cells of the next column, found with a pointer that only moves forward.
Result<> Parser::checkSpacing(const std::vector<LayoutSeat> &seats) const
{
    constexpr qint64 kOffset = qint64(1) << 30;
    auto cellKey = [](qint64 column, qint64 row) {
        return quint64(column + kOffset) << 32 | quint64(row + kOffset);
    };
    std::vector<std::pair<quint64, int>> cells;
    cells.reserve(seats.size());
    for (size_t i = 0; i < seats.size(); ++i) {
        const auto column = qint64(std::floor(seats[i].x / kMinSeatDistance));
        const auto row = qint64(std::floor(seats[i].y / kMinSeatDistance));
        cells.emplace_back(cellKey(column, row), int(i));
    }
    std::sort(cells.begin(), cells.end());

    constexpr double kMin2 = kMinSeatDistance * kMinSeatDistance;
    auto tooClose = [&seats](int a, int b) {
        const double dx = double(seats[size_t(a)].x) - seats[size_t(b)].x;
        const double dy = double(seats[size_t(a)].y) - seats[size_t(b)].y;
        return dx * dx + dy * dy < kMin2;
    };
    size_t next = 0;
    for (size_t k = 0; k < cells.size(); ++k) {
        const qint64 column = qint64(cells[k].first >> 32) - kOffset;
        const qint64 row = qint64(cells[k].first & 0xFFFFFFFFu) - kOffset;
        const int a = cells[k].second;
        int close = -1;
        const quint64 ownEnd = cellKey(column, row + 1);
        for (size_t j = k + 1; close < 0 && j < cells.size() && cells[j].first <= ownEnd; ++j) {
            if (tooClose(a, cells[j].second))
                close = cells[j].second;
        }
        const quint64 nextBegin = cellKey(column + 1, row - 1);
        const quint64 nextEnd = cellKey(column + 1, row + 1);
        while (next < cells.size() && cells[next].first < nextBegin)
            ++next;
        for (size_t j = next; close < 0 && j < cells.size() && cells[j].first <= nextEnd; ++j) {
            if (tooClose(a, cells[j].second))
                close = cells[j].second;
        }
        if (close >= 0) {
            const int later = std::max(a, close);
            const int earlier = std::min(a, close);
            const LayoutSeat &s = seats[size_t(later)];
            const LayoutSeat &t = seats[size_t(earlier)];
            const double distance = std::hypot(double(s.x) - t.x, double(s.y) - t.y);
            auto coordinate = [](float v) { return QString::number(v, 'g', 6); };
            return error(seatPlace(later),
                         QStringLiteral("seat \"%1\" at (%2, %3) is %4 m from seat \"%5\" at "
                                        "(%6, %7) (%8); seats must be at least %9 m apart")
                             .arg(s.id.value(), coordinate(s.x), coordinate(s.y),
                                  QString::number(distance, 'g', 2), t.id.value(), coordinate(t.x),
                                  coordinate(t.y), seatPlace(earlier),
                                  formatNumber(kMinSeatDistance)));
        }
    }
    return {};
}

QString Parser::seatPlace(int seatIndex) const
{
    const auto it =
        std::upper_bound(m_plans.begin(), m_plans.end(), seatIndex,
                         [](int index, const RowPlan &plan) { return index < plan.firstSeat; });
    if (it == m_plans.begin())
        return QString();
    const RowPlan &plan = *(it - 1);
    if (plan.shape == RowPlan::Shape::Explicit)
        return at(at(plan.place, "seats"), seatIndex - plan.firstSeat);
    return plan.place;
}

} // namespace

Result<VenueLayout> parseVenueLayout(const QByteArray &json, const QString &sourceName)
{
    return Parser(sourceName).parse(json);
}

} // namespace Boxoffice::Core
