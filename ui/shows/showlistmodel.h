#pragma once

#include "sync/client/apitypes.h"

#include <QAbstractTableModel>
#include <QList>

namespace Boxoffice::Gui {

// The shows a terminal can sell, one row each, for the show list. A ShowFilterProxy sorts and
// filters it for the view.
//
// Display texts are for the clerk; the roles below give the proxy and the tests the raw
// values. Lives on the GUI thread.
class ShowListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TitleColumn,
        VenueColumn,     // "Lindenhof Theatre, Freiburg"
        StartColumn,     // the start in local time, short format
        AvailableColumn, // "1,234 / 2,521" (available / total)
        StatusColumn,    // "On sale", "Sold out", "Offline"
        ColumnCount
    };

    enum Role
    {
        // What a column sorts by: the title, venue and status texts, the start in ms since the
        // epoch (qint64), the available count (int).
        SortRole = Qt::UserRole + 1,
        ShowIdRole,     // QString, the show id
        StartMsRole,    // qint64, ms since the epoch (UTC)
        SoldOutRole,    // bool: on sale and no seat available
        SearchTextRole, // QString: title, venue name and city, one per line
    };

    explicit ShowListModel(QObject *parent = nullptr);

    // Replaces the list with `shows`, in that order. A show whose id was already listed keeps
    // its row identity (views keep it selected and current): rows of shows that are gone are
    // removed, changed rows report dataChanged, new shows are inserted and the rows are then
    // moved into the new order. Of shows with the same id only the first is kept (logged).
    void setShows(const QList<Sync::ShowSummary> &shows);
    [[nodiscard]] const QList<Sync::ShowSummary> &shows() const { return m_shows; }

    // The show at `row`; `row` must be in 0 .. rowCount() - 1.
    [[nodiscard]] const Sync::ShowSummary &showAt(int row) const;
    // The row of the show with `id`, or -1.
    [[nodiscard]] int rowOf(const Core::ShowId &id) const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    // The texts of a show as the list shows them; also used in tooltips.
    [[nodiscard]] static QString venueText(const Sync::ShowSummary &show);
    [[nodiscard]] static QString startText(const Sync::ShowSummary &show);
    [[nodiscard]] static QString availableText(const Sync::ShowSummary &show);
    [[nodiscard]] static QString statusText(const Sync::ShowSummary &show);
    [[nodiscard]] static bool isSoldOut(const Sync::ShowSummary &show);

private:
    [[nodiscard]] QVariant displayData(const Sync::ShowSummary &show, int column) const;
    [[nodiscard]] QVariant sortData(const Sync::ShowSummary &show, int column) const;
    [[nodiscard]] static QString toolTip(const Sync::ShowSummary &show);

    QList<Sync::ShowSummary> m_shows;
};

} // namespace Boxoffice::Gui
