#include "ui/shows/showfilterproxy.h"
#include "ui/shows/showlistmodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDateTime>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QLocale>
#include <QPalette>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Boxoffice;
using namespace Boxoffice::Gui;
using namespace Qt::StringLiterals;
using Filter = ShowFilterProxy::DateFilter;

namespace {

qint64 localMs(int year, int month, int day, int hour, int minute)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute)).toMSecsSinceEpoch();
}

Sync::ShowSummary show(const QString &id, const QString &title, const QString &venueName,
                       const QString &city, qint64 startMs, int seats, int available,
                       const QString &status = u"ON_SALE"_s)
{
    Sync::ShowSummary s;
    s.id = Core::ShowId(id);
    s.title = title;
    s.venue = Core::VenueId(venueName.section(u' ', 0, 0).toLower());
    s.venueName = venueName;
    s.city = city;
    s.startMs = startMs;
    s.status = status;
    s.currency = u"EUR"_s;
    s.seatCount = seats;
    s.availableCount = available;
    s.version = 1;
    return s;
}

// The demo programme: one sold-out show and one offline show.
QList<Sync::ShowSummary> programme()
{
    return {
        show(u"seagull-1"_s, u"The Seagull"_s, u"Lindenhof Theatre"_s, u"Freiburg"_s,
             localMs(2025, 5, 1, 19, 30), 409, 120),
        show(u"seagull-2"_s, u"The Seagull"_s, u"Lindenhof Theatre"_s, u"Freiburg"_s,
             localMs(2025, 5, 2, 19, 30), 409, 0),
        show(u"beethoven-9"_s, u"Beethoven's Ninth"_s, u"Harbour Concert Hall"_s, u"Rotterdam"_s,
             localMs(2025, 5, 2, 20, 0), 2521, 1234),
        show(u"jazz-night"_s, u"Jazz Night"_s, u"Harbour Concert Hall"_s, u"Rotterdam"_s,
             localMs(2025, 5, 10, 21, 0), 2521, 2521, u"OFFLINE"_s),
        show(u"arena-rock"_s, u"Arena Rock"_s, u"Riverside Stadium"_s, u"Lisbon"_s,
             localMs(2025, 6, 1, 20, 0), 100000, 99999),
    };
}

Sync::ShowSummary programmeShow(const QString &id)
{
    for (const Sync::ShowSummary &s : programme()) {
        if (s.id.value() == id)
            return s;
    }
    Q_ASSERT(false);
    return {};
}

QList<Sync::ShowSummary> programmeShows(const QStringList &ids)
{
    QList<Sync::ShowSummary> shows;
    for (const QString &id : ids)
        shows << programmeShow(id);
    return shows;
}

QStringList idsOf(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(ShowListModel::ShowIdRole).toString();
    return ids;
}

} // namespace

class TestShowListModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Fixed number formats; the start texts are compared with QLocale's own output.
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void displayTexts_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("text");

        QTest::newRow("title") << u"beethoven-9"_s << int(ShowListModel::TitleColumn)
                               << u"Beethoven's Ninth"_s;
        QTest::newRow("venue and city") << u"beethoven-9"_s << int(ShowListModel::VenueColumn)
                                        << u"Harbour Concert Hall, Rotterdam"_s;
        QTest::newRow("available with separators")
            << u"beethoven-9"_s << int(ShowListModel::AvailableColumn) << u"1,234 / 2,521"_s;
        QTest::newRow("available in the arena")
            << u"arena-rock"_s << int(ShowListModel::AvailableColumn) << u"99,999 / 100,000"_s;
        QTest::newRow("available: none")
            << u"seagull-2"_s << int(ShowListModel::AvailableColumn) << u"0 / 409"_s;
        QTest::newRow("on sale") << u"seagull-1"_s << int(ShowListModel::StatusColumn)
                                 << u"On sale"_s;
        QTest::newRow("sold out") << u"seagull-2"_s << int(ShowListModel::StatusColumn)
                                  << u"Sold out"_s;
        QTest::newRow("offline") << u"jazz-night"_s << int(ShowListModel::StatusColumn)
                                 << u"Offline"_s;
        QTest::newRow("start in local time")
            << u"seagull-1"_s << int(ShowListModel::StartColumn)
            << QLocale().toString(QDateTime(QDate(2025, 5, 1), QTime(19, 30)),
                                  QLocale::ShortFormat);
    }
    void displayTexts()
    {
        QFETCH(QString, id);
        QFETCH(int, column);
        QFETCH(QString, text);

        ShowListModel model;
        model.setShows(programme());
        const int row = model.rowOf(Core::ShowId(id));
        QVERIFY(row >= 0);
        QCOMPARE(model.index(row, column).data().toString(), text);
    }

    void unknownStatusIsShownAsSent()
    {
        ShowListModel model;
        model.setShows({show(u"x"_s, u"X"_s, u"Hall"_s, QString(), 0, 10, 5, u"CANCELLED"_s)});
        QCOMPARE(model.index(0, ShowListModel::StatusColumn).data().toString(), u"CANCELLED"_s);
        QCOMPARE(model.index(0, ShowListModel::VenueColumn).data().toString(), u"Hall"_s);
        QCOMPARE(model.index(0, 0).data(ShowListModel::SoldOutRole).toBool(), false);
    }

    void headersAndToolTips()
    {
        ShowListModel model;
        model.setShows(programme());
        QCOMPARE(model.columnCount(), 5);
        QStringList headers;
        for (int column = 0; column < model.columnCount(); ++column)
            headers << model.headerData(column, Qt::Horizontal).toString();
        QCOMPARE(headers, (QStringList{u"Title"_s, u"Venue"_s, u"Date and time"_s, u"Available"_s,
                                       u"Status"_s}));

        const int row = model.rowOf(Core::ShowId(u"beethoven-9"_s));
        for (int column = 0; column < model.columnCount(); ++column) {
            const QString tip = model.index(row, column).data(Qt::ToolTipRole).toString();
            QVERIFY2(tip.contains(u"Beethoven's Ninth"_s), qPrintable(tip));
            QVERIFY2(tip.contains(u"Harbour Concert Hall, Rotterdam"_s), qPrintable(tip));
            QVERIFY2(tip.contains(u"1,234 of 2,521 seats available"_s), qPrintable(tip));
            QVERIFY2(tip.contains(u"On sale"_s), qPrintable(tip));
        }
    }

    void showAt()
    {
        ShowListModel model;
        model.setShows(programme());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.showAt(2).id.value(), u"beethoven-9"_s);
        QCOMPARE(model.showAt(2).seatCount, 2521);
        QCOMPARE(model.rowOf(Core::ShowId(u"arena-rock"_s)), 4);
        QCOMPARE(model.rowOf(Core::ShowId(u"nope"_s)), -1);
    }

    // Updates keep rows: no reset, only the changes are reported, and whatever a view holds
    // (persistent indexes, the selection) follows its show through removals, insertions and
    // reordering. Both models are checked by QAbstractItemModelTester throughout.
    void setShowsKeepsRows_data()
    {
        QTest::addColumn<QStringList>("before");
        QTest::addColumn<QStringList>("after");

        const QStringList all{u"seagull-1"_s, u"seagull-2"_s, u"beethoven-9"_s, u"jazz-night"_s,
                              u"arena-rock"_s};
        QTest::newRow("same list") << all << all;
        QTest::newRow("from empty") << QStringList{} << all;
        QTest::newRow("to empty") << all << QStringList{};
        QTest::newRow("append") << all.mid(0, 3) << all;
        QTest::newRow("remove the middle")
            << all << QStringList{u"seagull-1"_s, u"jazz-night"_s, u"arena-rock"_s};
        QTest::newRow("remove first and last") << all << all.mid(1, 3);
        QTest::newRow("reverse") << all << QStringList(all.crbegin(), all.crend());
        QTest::newRow("remove, add and reorder")
            << all.mid(0, 3) << QStringList{u"arena-rock"_s, u"beethoven-9"_s, u"seagull-1"_s};
        QTest::newRow("replace all") << all.mid(0, 2) << all.mid(2);
    }
    void setShowsKeepsRows()
    {
        QFETCH(QStringList, before);
        QFETCH(QStringList, after);

        ShowListModel model;
        QAbstractItemModelTester modelTester(&model,
                                             QAbstractItemModelTester::FailureReportingMode::Fatal);
        ShowFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy,
                                             QAbstractItemModelTester::FailureReportingMode::Fatal);
        proxy.sort(ShowListModel::StartColumn);
        model.setShows(programmeShows(before));
        QCOMPARE(idsOf(model), before);

        // Hold on to every row, and select every row in the proxy, as a view would.
        QList<QPersistentModelIndex> held;
        for (int row = 0; row < model.rowCount(); ++row)
            held << QPersistentModelIndex(model.index(row, ShowListModel::AvailableColumn));
        QItemSelectionModel selection(&proxy);
        for (int row = 0; row < proxy.rowCount(); ++row)
            selection.select(proxy.index(row, 0),
                             QItemSelectionModel::Select | QItemSelectionModel::Rows);

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QList<Sync::ShowSummary> fresh = programmeShows(after);
        for (Sync::ShowSummary &s : fresh)
            s.availableCount = std::max(0, s.availableCount - 1); // every listed show sold one
        model.setShows(fresh);

        QCOMPARE(resets.count(), 0);
        QCOMPARE(idsOf(model), after);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.showAt(row).availableCount, fresh.at(row).availableCount);
        for (int i = 0; i < held.size(); ++i) {
            const QString id = before.at(i);
            if (after.contains(id)) {
                QVERIFY(held.at(i).isValid());
                QCOMPARE(held.at(i).row(), after.indexOf(id));
                QCOMPARE(held.at(i).column(), int(ShowListModel::AvailableColumn));
            } else {
                QVERIFY(!held.at(i).isValid());
            }
        }
        QStringList selected;
        for (const QModelIndex &index : selection.selectedRows())
            selected << index.data(ShowListModel::ShowIdRole).toString();
        QStringList kept;
        for (const QString &id : before) {
            if (after.contains(id))
                kept << id;
        }
        selected.sort();
        kept.sort();
        QCOMPARE(selected, kept);
    }

    void setShowsReportsOnlyChangedRows()
    {
        ShowListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setShows(programme());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);

        model.setShows(programme());
        QCOMPARE(changed.count(), 0);

        QList<Sync::ShowSummary> shows = programme();
        shows[2].availableCount -= 2;
        model.setShows(shows);
        QCOMPARE(changed.count(), 1);
        const QModelIndex topLeft = changed.at(0).at(0).value<QModelIndex>();
        const QModelIndex bottomRight = changed.at(0).at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), 2);
        QCOMPARE(bottomRight.row(), 2);
        QCOMPARE(topLeft.column(), 0);
        QCOMPARE(bottomRight.column(), model.columnCount() - 1);
        QCOMPARE(model.index(2, ShowListModel::AvailableColumn).data().toString(),
                 u"1,232 / 2,521"_s);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(layouts.count(), 0);
    }

    void setShowsKeepsTheFirstOfRepeatedIds()
    {
        ShowListModel model;
        QList<Sync::ShowSummary> shows = programme();
        Sync::ShowSummary repeated = shows.at(0);
        repeated.title = u"Another title"_s;
        shows.insert(2, repeated);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"seagull-1.*more than once"_s));
        model.setShows(shows);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.showAt(0).title, u"The Seagull"_s);
        QCOMPARE(idsOf(model), (QStringList{u"seagull-1"_s, u"seagull-2"_s, u"beethoven-9"_s,
                                            u"jazz-night"_s, u"arena-rock"_s}));
    }

    void filter_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Filter>("dateFilter");
        QTest::addColumn<QDate>("date");
        QTest::addColumn<QStringList>("expected"); // in start order

        const QStringList all{u"seagull-1"_s, u"seagull-2"_s, u"beethoven-9"_s, u"jazz-night"_s,
                              u"arena-rock"_s};
        QTest::newRow("no filter") << QString() << Filter::All << QDate() << all;
        QTest::newRow("white space only") << u"  \t "_s << Filter::All << QDate() << all;
        QTest::newRow("title") << u"seagull"_s << Filter::All << QDate()
                               << QStringList{u"seagull-1"_s, u"seagull-2"_s};
        QTest::newRow("title, any case") << u"SeAgUlL"_s << Filter::All << QDate()
                                         << QStringList{u"seagull-1"_s, u"seagull-2"_s};
        QTest::newRow("part of a word")
            << u"thov"_s << Filter::All << QDate() << QStringList{u"beethoven-9"_s};
        QTest::newRow("venue") << u"concert hall"_s << Filter::All << QDate()
                               << QStringList{u"beethoven-9"_s, u"jazz-night"_s};
        QTest::newRow("city") << u"LISBON"_s << Filter::All << QDate()
                              << QStringList{u"arena-rock"_s};
        QTest::newRow("words across fields")
            << u"jazz rotterdam"_s << Filter::All << QDate() << QStringList{u"jazz-night"_s};
        QTest::newRow("words that match no one show")
            << u"seagull lisbon"_s << Filter::All << QDate() << QStringList{};
        QTest::newRow("nothing matches") << u"opera"_s << Filter::All << QDate() << QStringList{};
        QTest::newRow("on a date") << QString() << Filter::On << QDate(2025, 5, 2)
                                   << QStringList{u"seagull-2"_s, u"beethoven-9"_s};
        QTest::newRow("on a date without shows")
            << QString() << Filter::On << QDate(2025, 5, 3) << QStringList{};
        QTest::newRow("from a date on")
            << QString() << Filter::From << QDate(2025, 5, 2)
            << QStringList{u"seagull-2"_s, u"beethoven-9"_s, u"jazz-night"_s, u"arena-rock"_s};
        QTest::newRow("from the first date on")
            << QString() << Filter::From << QDate(2025, 5, 1) << all;
        QTest::newRow("from after the last date")
            << QString() << Filter::From << QDate(2025, 6, 2) << QStringList{};
        QTest::newRow("text and date")
            << u"seagull"_s << Filter::From << QDate(2025, 5, 2) << QStringList{u"seagull-2"_s};
        QTest::newRow("invalid date lists all") << QString() << Filter::On << QDate() << all;
        QTest::newRow("sold out is listed")
            << u"seagull"_s << Filter::On << QDate(2025, 5, 2) << QStringList{u"seagull-2"_s};
    }
    void filter()
    {
        QFETCH(QString, text);
        QFETCH(Filter, dateFilter);
        QFETCH(QDate, date);
        QFETCH(QStringList, expected);

        ShowListModel model;
        ShowFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        proxy.sort(ShowListModel::StartColumn);
        model.setShows(programme());

        proxy.setFilterText(text);
        proxy.setDateFilter(dateFilter, date);
        QCOMPARE(proxy.filterText(), text);
        QCOMPARE(proxy.dateFilter(), dateFilter);
        QCOMPARE(idsOf(proxy), expected);

        // The filter follows changes of the list, and clearing it lists everything again.
        model.setShows(programme().mid(0, 4));
        QStringList stillExpected = expected;
        stillExpected.removeAll(u"arena-rock"_s);
        QCOMPARE(idsOf(proxy), stillExpected);
        proxy.setFilterText(QString());
        proxy.setDateFilter(Filter::All);
        QCOMPARE(proxy.rowCount(), 4);
    }

    void sort_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<Qt::SortOrder>("order");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("title, equal titles by start")
            << int(ShowListModel::TitleColumn) << Qt::AscendingOrder
            << QStringList{u"arena-rock"_s, u"beethoven-9"_s, u"jazz-night"_s, u"seagull-1"_s,
                           u"seagull-2"_s};
        QTest::newRow("title, descending")
            << int(ShowListModel::TitleColumn) << Qt::DescendingOrder
            << QStringList{u"seagull-2"_s, u"seagull-1"_s, u"jazz-night"_s, u"beethoven-9"_s,
                           u"arena-rock"_s};
        QTest::newRow("venue") << int(ShowListModel::VenueColumn) << Qt::AscendingOrder
                               << QStringList{u"beethoven-9"_s, u"jazz-night"_s, u"seagull-1"_s,
                                              u"seagull-2"_s, u"arena-rock"_s};
        QTest::newRow("start") << int(ShowListModel::StartColumn) << Qt::AscendingOrder
                               << QStringList{u"seagull-1"_s, u"seagull-2"_s, u"beethoven-9"_s,
                                              u"jazz-night"_s, u"arena-rock"_s};
        QTest::newRow("start, descending")
            << int(ShowListModel::StartColumn) << Qt::DescendingOrder
            << QStringList{u"arena-rock"_s, u"jazz-night"_s, u"beethoven-9"_s, u"seagull-2"_s,
                           u"seagull-1"_s};
        // By count, not by text ("1,234 / 2,521" would sort before "120 / 409").
        QTest::newRow("available") << int(ShowListModel::AvailableColumn) << Qt::AscendingOrder
                                   << QStringList{u"seagull-2"_s, u"seagull-1"_s, u"beethoven-9"_s,
                                                  u"jazz-night"_s, u"arena-rock"_s};
        QTest::newRow("available, descending")
            << int(ShowListModel::AvailableColumn) << Qt::DescendingOrder
            << QStringList{u"arena-rock"_s, u"jazz-night"_s, u"beethoven-9"_s, u"seagull-1"_s,
                           u"seagull-2"_s};
        QTest::newRow("status") << int(ShowListModel::StatusColumn) << Qt::AscendingOrder
                                << QStringList{u"jazz-night"_s, u"seagull-1"_s, u"beethoven-9"_s,
                                               u"arena-rock"_s, u"seagull-2"_s};
    }
    void sort()
    {
        QFETCH(int, column);
        QFETCH(Qt::SortOrder, order);
        QFETCH(QStringList, expected);

        ShowListModel model;
        ShowFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        // Listed in an order that matches none of the expected ones.
        model.setShows(programmeShows(
            {u"jazz-night"_s, u"seagull-2"_s, u"arena-rock"_s, u"seagull-1"_s, u"beethoven-9"_s}));
        proxy.sort(column, order);
        QCOMPARE(idsOf(proxy), expected);

        // The order holds when the list changes: the arena sells out, a show is added.
        QList<Sync::ShowSummary> shows = model.shows();
        shows[2].availableCount = 0;
        shows << show(u"late"_s, u"Late Show"_s, u"Lindenhof Theatre"_s, u"Freiburg"_s,
                      localMs(2025, 7, 1, 22, 0), 409, 409);
        model.setShows(shows);
        QCOMPARE(proxy.rowCount(), 6);
        for (int row = 1; row < proxy.rowCount(); ++row) {
            const QModelIndex earlier = proxy.index(row - 1, column);
            const QModelIndex later = proxy.index(row, column);
            const QVariant a = earlier.data(ShowListModel::SortRole);
            const QVariant b = later.data(ShowListModel::SortRole);
            if (column == ShowListModel::AvailableColumn || column == ShowListModel::StartColumn) {
                QVERIFY(order == Qt::AscendingOrder ? a.toLongLong() <= b.toLongLong()
                                                    : a.toLongLong() >= b.toLongLong());
            }
        }
    }

    void numbersInTitlesSortByValue()
    {
        ShowListModel model;
        ShowFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setShows({show(u"n10"_s, u"Night 10"_s, u"Hall"_s, u"City"_s, 0, 10, 10),
                        show(u"n2"_s, u"night 2"_s, u"Hall"_s, u"City"_s, 0, 10, 10),
                        show(u"n1"_s, u"Night 1"_s, u"Hall"_s, u"City"_s, 0, 10, 10)});
        proxy.sort(ShowListModel::TitleColumn);
        QCOMPARE(idsOf(proxy), (QStringList{u"n1"_s, u"n2"_s, u"n10"_s}));
    }

    void soldOutIsGreyedNotHidden()
    {
        ShowListModel model;
        ShowFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.sort(ShowListModel::StartColumn);
        model.setShows(programme());
        QCOMPARE(proxy.rowCount(), 5);

        const QColor grey = QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const QString id = proxy.index(row, 0).data(ShowListModel::ShowIdRole).toString();
            for (int column = 0; column < proxy.columnCount(); ++column) {
                const QVariant foreground = proxy.index(row, column).data(Qt::ForegroundRole);
                if (id == u"seagull-2"_s) {
                    QVERIFY(foreground.isValid());
                    QCOMPARE(foreground.value<QBrush>().color(), grey);
                } else {
                    QVERIFY2(!foreground.isValid(), qPrintable(id));
                }
            }
        }

        // Seats come back: no longer greyed.
        QList<Sync::ShowSummary> shows = programme();
        shows[1].availableCount = 2;
        model.setShows(shows);
        const int row = int(idsOf(proxy).indexOf(u"seagull-2"_s));
        QVERIFY(!proxy.index(row, 0).data(Qt::ForegroundRole).isValid());
    }
};

QTEST_MAIN(TestShowListModel)
#include "tst_showlistmodel.moc"
