#include "ui/scan/recentscansmodel.h"

#include "ui/scan/scanstyle.h"

#include <QBrush>

namespace Boxoffice::Gui {

RecentScansModel::RecentScansModel(int capacity, QObject *parent)
    : QAbstractListModel(parent)
    , m_capacity(std::max(1, capacity))
{}

void RecentScansModel::add(const Sync::ScanOutcome &outcome)
{
    if (m_scans.size() >= m_capacity) {
        const int last = int(m_scans.size()) - 1;
        beginRemoveRows({}, last, last);
        m_scans.removeLast();
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_scans.prepend(outcome);
    endInsertRows();
}

int RecentScansModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_scans.size());
}

QVariant RecentScansModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Sync::ScanOutcome &outcome = m_scans.at(index.row());
    const ScanLook look = ScanStyle::look(outcome);
    switch (role) {
    case Qt::DisplayRole: {
        const QString ticket = outcome.verification.ticket.isEmpty()
                                   ? outcome.input.left(24)
                                   : outcome.verification.ticket.value();
        QString line = QStringLiteral("%1  %2  %3")
                           .arg(ScanStyle::time(outcome.scannedMs), look.title, ticket);
        if (!outcome.verification.seat.isEmpty())
            line += QStringLiteral("  ") + outcome.verification.seat.value();
        if (outcome.offline)
            line += tr("  (offline)");
        return line;
    }
    case Qt::ToolTipRole:
        return ScanStyle::detail(outcome, QString());
    case Qt::BackgroundRole:
        return QBrush(look.background);
    case Qt::ForegroundRole:
        return QBrush(look.foreground);
    default:
        return {};
    }
}

} // namespace Boxoffice::Gui
