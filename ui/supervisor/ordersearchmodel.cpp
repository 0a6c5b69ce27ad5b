#include "ui/supervisor/ordersearchmodel.h"

#include "ui/supervisor/ticketchoice.h"

#include <QDateTime>

#include <algorithm>

namespace Boxoffice::Gui {

namespace {

QString localTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(
                        QStringLiteral("yyyy-MM-dd HH:mm"))
                  : QString();
}

} // namespace

void OrderSearchModel::setHits(QList<Sync::OrderSearchHit> hits)
{
    beginResetModel();
    m_hits = std::move(hits);
    endResetModel();
}

void OrderSearchModel::refresh(const Sync::OrderInfo &order)
{
    for (qsizetype row = 0; row < m_hits.size(); ++row) {
        Sync::OrderSearchHit &hit = m_hits[row];
        if (hit.order != order.id)
            continue;
        hit.status = order.status;
        hit.validTicketCount = int(std::count_if(
            order.tickets.cbegin(), order.tickets.cend(),
            [](const Sync::TicketInfo &t) { return t.status == QLatin1StringView("VALID"); }));
        emit dataChanged(index(int(row), 0), index(int(row), ColumnCount - 1));
    }
}

int OrderSearchModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

int OrderSearchModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrderSearchModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_hits.size() || index.column() >= ColumnCount)
        return {};
    const Sync::OrderSearchHit &hit = m_hits[index.row()];
    if (role == Qt::UserRole)
        return hit.order.value();
    if (role == Qt::TextAlignmentRole)
        return index.column() == AmountColumn || index.column() == TicketsColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case OrderColumn:
        return hit.order.value();
    case ShowColumn:
        return QStringLiteral("%1 (%2)").arg(
            hit.showTitle.isEmpty() ? hit.show.value() : hit.showTitle, localTime(hit.showStartMs));
    case StatusColumn:
        return Core::wireName(hit.status);
    case CustomerColumn:
        return hit.contact.name;
    case PhoneColumn:
        return hit.contact.phone;
    case TicketsColumn:
        return tr("%1 of %2").arg(hit.validTicketCount).arg(hit.seatCount);
    case AmountColumn:
        return moneyText(hit.amountCents, hit.currency);
    case CreatedColumn:
        return localTime(hit.createdMs);
    case TerminalColumn:
        return hit.terminal;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant OrderSearchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case OrderColumn:
        return tr("Order");
    case ShowColumn:
        return tr("Show");
    case StatusColumn:
        return tr("Status");
    case CustomerColumn:
        return tr("Customer");
    case PhoneColumn:
        return tr("Phone");
    case TicketsColumn:
        return tr("Valid tickets");
    case AmountColumn:
        return tr("Amount");
    case CreatedColumn:
        return tr("Created");
    case TerminalColumn:
        return tr("Terminal");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Boxoffice::Gui
