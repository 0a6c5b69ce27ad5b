#include "ui/audit/auditmodel.h"

#include <QDateTime>
#include <QJsonDocument>

namespace Boxoffice::Gui {

void AuditModel::setRecords(QList<Sync::AuditRecord> records)
{
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

void AuditModel::appendRecords(const QList<Sync::AuditRecord> &records)
{
    if (records.isEmpty())
        return;
    const int first = int(m_records.size());
    beginInsertRows({}, first, first + int(records.size()) - 1);
    m_records.append(records);
    endInsertRows();
}

int AuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_records.size() || index.column() >= ColumnCount)
        return {};
    const Sync::AuditRecord &record = m_records[index.row()];
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case IdColumn:
        return QString::number(record.id);
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(record.atMs)
            .toLocalTime()
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case ActorColumn:
        return record.actor;
    case TerminalColumn:
        return record.terminal;
    case ActionColumn:
        return record.action;
    case SubjectColumn:
        return record.subject;
    case DetailColumn: {
        const QString json =
            QString::fromUtf8(QJsonDocument(record.detail).toJson(QJsonDocument::Compact));
        return role == Qt::DisplayRole && json.size() > 200 ? json.left(200) + u'…' : json;
    }
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case IdColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time");
    case ActorColumn:
        return tr("Actor");
    case TerminalColumn:
        return tr("Terminal");
    case ActionColumn:
        return tr("Action");
    case SubjectColumn:
        return tr("Subject");
    case DetailColumn:
        return tr("Detail");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Boxoffice::Gui
