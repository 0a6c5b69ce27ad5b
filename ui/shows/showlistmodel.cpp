#include "ui/shows/showlistmodel.h"

#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QLoggingCategory>
#include <QSet>

namespace Boxoffice::Gui {

namespace {

Q_LOGGING_CATEGORY(lcShowList, "boxoffice.ui.shows")

const QString kOnSale = QStringLiteral("ON_SALE");
const QString kOffline = QStringLiteral("OFFLINE");

bool sameShow(const Sync::ShowSummary &a, const Sync::ShowSummary &b)
{
    return a.id == b.id && a.title == b.title && a.venue == b.venue && a.venueName == b.venueName &&
           a.city == b.city && a.startMs == b.startMs && a.status == b.status &&
           a.currency == b.currency && a.seatCount == b.seatCount &&
           a.availableCount == b.availableCount && a.version == b.version;
}

} // namespace

ShowListModel::ShowListModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ShowListModel::setShows(const QList<Sync::ShowSummary> &incoming)
{
    QList<Sync::ShowSummary> shows;
    shows.reserve(incoming.size());
    QHash<Core::ShowId, int> newRow;
    for (const Sync::ShowSummary &show : incoming) {
        if (newRow.contains(show.id)) {
            qCWarning(lcShowList) << "the show list names show" << show.id.value()
                                  << "more than once; listing its first entry";
            continue;
        }
        newRow.insert(show.id, int(shows.size()));
        shows.append(show);
    }

    // Rows of shows that are gone, in runs from the back so the row numbers stay valid.
    for (int row = int(m_shows.size()) - 1; row >= 0; --row) {
        if (newRow.contains(m_shows.at(row).id))
            continue;
        const int last = row;
        while (row > 0 && !newRow.contains(m_shows.at(row - 1).id))
            --row;
        beginRemoveRows({}, row, last);
        m_shows.remove(row, last - row + 1);
        endRemoveRows();
    }

    QSet<Core::ShowId> listed;
    for (int row = 0; row < int(m_shows.size()); ++row) {
        const Sync::ShowSummary &fresh = shows.at(newRow.value(m_shows.at(row).id));
        listed.insert(fresh.id);
        if (!sameShow(m_shows.at(row), fresh)) {
            m_shows[row] = fresh;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }

    QList<Sync::ShowSummary> added;
    for (const Sync::ShowSummary &show : shows) {
        if (!listed.contains(show.id))
            added.append(show);
    }
    if (!added.isEmpty()) {
        const int first = int(m_shows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_shows.append(added);
        endInsertRows();
    }

    // Now the same shows as `shows`, possibly in another order: move the rows, and with them
    // the views' selection and current index.
    bool inOrder = true;
    for (int row = 0; row < int(m_shows.size()) && inOrder; ++row)
        inOrder = m_shows.at(row).id == shows.at(row).id;
    if (inOrder)
        return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex &index : before)
        after.append(createIndex(newRow.value(m_shows.at(index.row()).id), index.column()));
    m_shows = shows;
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

const Sync::ShowSummary &ShowListModel::showAt(int row) const
{
    Q_ASSERT(row >= 0 && row < int(m_shows.size()));
    return m_shows.at(row);
}

int ShowListModel::rowOf(const Core::ShowId &id) const
{
    for (int row = 0; row < int(m_shows.size()); ++row) {
        if (m_shows.at(row).id == id)
            return row;
    }
    return -1;
}

int ShowListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shows.size());
}

int ShowListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ShowListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Sync::ShowSummary &show = m_shows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(show, index.column());
    case Qt::ToolTipRole:
        return toolTip(show);
    case Qt::TextAlignmentRole:
        if (index.column() == AvailableColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return sortData(show, index.column());
    case ShowIdRole:
        return show.id.value();
    case StartMsRole:
        return show.startMs;
    case SoldOutRole:
        return isSoldOut(show);
    case SearchTextRole:
        return show.title + QLatin1Char('\n') + show.venueName + QLatin1Char('\n') + show.city;
    default:
        return {};
    }
}

QVariant ShowListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TitleColumn:
        return tr("Title");
    case VenueColumn:
        return tr("Venue");
    case StartColumn:
        return tr("Date and time");
    case AvailableColumn:
        return tr("Available");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

QString ShowListModel::venueText(const Sync::ShowSummary &show)
{
    if (show.city.isEmpty())
        return show.venueName;
    //: Venue column of the show list: venue name, city.
    return tr("%1, %2").arg(show.venueName, show.city);
}

QString ShowListModel::startText(const Sync::ShowSummary &show)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(show.startMs, Qt::LocalTime),
                              QLocale::ShortFormat);
}

QString ShowListModel::availableText(const Sync::ShowSummary &show)
{
    const QLocale locale;
    //: Available column of the show list: seats available / seats in the venue.
    return tr("%1 / %2").arg(locale.toString(show.availableCount), locale.toString(show.seatCount));
}

QString ShowListModel::statusText(const Sync::ShowSummary &show)
{
    if (isSoldOut(show))
        return tr("Sold out");
    if (show.status == kOnSale)
        return tr("On sale");
    if (show.status == kOffline)
        return tr("Offline");
    // A status this terminal does not know yet (a newer server): show it as sent.
    return show.status;
}

bool ShowListModel::isSoldOut(const Sync::ShowSummary &show)
{
    return show.status == kOnSale && show.availableCount <= 0;
}

QVariant ShowListModel::displayData(const Sync::ShowSummary &show, int column) const
{
    switch (column) {
    case TitleColumn:
        return show.title;
    case VenueColumn:
        return venueText(show);
    case StartColumn:
        return startText(show);
    case AvailableColumn:
        return availableText(show);
    case StatusColumn:
        return statusText(show);
    default:
        return {};
    }
}

QVariant ShowListModel::sortData(const Sync::ShowSummary &show, int column) const
{
    switch (column) {
    case StartColumn:
        return show.startMs;
    case AvailableColumn:
        return show.availableCount;
    default:
        return displayData(show, column);
    }
}

QString ShowListModel::toolTip(const Sync::ShowSummary &show)
{
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(show.startMs, Qt::LocalTime);
    //: Tooltip of a show in the show list: title, venue, start, seats, status, one per line.
    return tr("%1\n%2\n%3\n%4 of %5 seats available\n%6")
        .arg(show.title, venueText(show), QLocale().toString(start, QLocale::LongFormat),
             QLocale().toString(show.availableCount), QLocale().toString(show.seatCount),
             statusText(show));
}

} // namespace Boxoffice::Gui
