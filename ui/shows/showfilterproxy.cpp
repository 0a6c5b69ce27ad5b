#include "ui/shows/showfilterproxy.h"

#include "ui/shows/showlistmodel.h"

#include <QBrush>
#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>
#include <QRegularExpression>

namespace Boxoffice::Gui {

ShowFilterProxy::ShowFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ShowListModel::SortRole);
    setDynamicSortFilter(true);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
    m_collator.setNumericMode(true);
}

void ShowFilterProxy::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    static const QRegularExpression whiteSpace(QStringLiteral("\\s+"));
    m_words = text.split(whiteSpace, Qt::SkipEmptyParts);
    invalidateFilter();
}

void ShowFilterProxy::setDateFilter(DateFilter mode, QDate date)
{
    if (mode == m_dateFilter && date == m_date)
        return;
    m_dateFilter = mode;
    m_date = date;
    invalidateFilter();
}

QVariant ShowFilterProxy::data(const QModelIndex &index, int role) const
{
    if (role == Qt::ForegroundRole && index.isValid() &&
        index.data(ShowListModel::SoldOutRole).toBool()) {
        return QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
    }
    return QSortFilterProxyModel::data(index, role);
}

bool ShowFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_words.isEmpty()) {
        const QString text = index.data(ShowListModel::SearchTextRole).toString();
        for (const QString &word : m_words) {
            if (!text.contains(word, Qt::CaseInsensitive))
                return false;
        }
    }
    if (m_dateFilter != DateFilter::All && m_date.isValid()) {
        const qint64 startMs = index.data(ShowListModel::StartMsRole).toLongLong();
        const QDate day = QDateTime::fromMSecsSinceEpoch(startMs, Qt::LocalTime).date();
        if (m_dateFilter == DateFilter::On ? day != m_date : day < m_date)
            return false;
    }
    return true;
}

bool ShowFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (const int order = compareKeys(left.data(sortRole()), right.data(sortRole())); order != 0)
        return order < 0;
    const qint64 leftStart = left.data(ShowListModel::StartMsRole).toLongLong();
    const qint64 rightStart = right.data(ShowListModel::StartMsRole).toLongLong();
    if (leftStart != rightStart)
        return leftStart < rightStart;
    const QModelIndex leftTitle = left.siblingAtColumn(ShowListModel::TitleColumn);
    const QModelIndex rightTitle = right.siblingAtColumn(ShowListModel::TitleColumn);
    return compareKeys(leftTitle.data(), rightTitle.data()) < 0;
}

// Numbers by value, everything else as text in the locale's order.
int ShowFilterProxy::compareKeys(const QVariant &left, const QVariant &right) const
{
    const auto isNumber = [](const QVariant &value) {
        const int type = value.typeId();
        return type == QMetaType::Int || type == QMetaType::LongLong;
    };
    if (isNumber(left) && isNumber(right)) {
        const qint64 l = left.toLongLong();
        const qint64 r = right.toLongLong();
        return l < r ? -1 : l > r ? 1 : 0;
    }
    return m_collator.compare(left.toString(), right.toString());
}

} // namespace Boxoffice::Gui
