#pragma once

#include <QCollator>
#include <QDate>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace Boxoffice::Gui {

// Filters and sorts a ShowListModel for the show list view.
//
// Text filter: every word of the text (split at white space) must occur, ignoring case, in
// the show's title, venue name or city; "seagull freiburg" finds the Seagull in Freiburg.
// Date filter: all shows, the shows starting on a date, or from a date on, by the terminal's
// local date. Sold-out shows stay listed but are drawn greyed (Qt::ForegroundRole).
//
// Sorting uses ShowListModel::SortRole: texts compare in the locale's order ignoring case
// (with numbers by value, "Night 2" before "Night 10"), the start by time and the available
// column by count. Equal keys fall back to the start time, then the title. Lives on the GUI
// thread.
class ShowFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class DateFilter
    {
        All,  // every show
        On,   // shows starting on filterDate()
        From, // shows starting on filterDate() or later
    };
    Q_ENUM(DateFilter)

    explicit ShowFilterProxy(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    [[nodiscard]] const QString &filterText() const { return m_text; }

    // An invalid date lists every show whatever the mode.
    void setDateFilter(DateFilter mode, QDate date = {});
    [[nodiscard]] DateFilter dateFilter() const { return m_dateFilter; }
    [[nodiscard]] QDate filterDate() const { return m_date; }

    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    [[nodiscard]] int compareKeys(const QVariant &left, const QVariant &right) const;

    QString m_text;
    QStringList m_words;
    DateFilter m_dateFilter = DateFilter::All;
    QDate m_date;
    QCollator m_collator;
};

} // namespace Boxoffice::Gui
