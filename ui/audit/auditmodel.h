#pragma once

#include "sync/client/apitypes.h"

#include <QAbstractTableModel>

namespace Boxoffice::Gui {

// Audit records, newest first; older pages are appended at the bottom.
class AuditModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        IdColumn,
        TimeColumn,
        ActorColumn,
        TerminalColumn,
        ActionColumn,
        SubjectColumn,
        DetailColumn,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setRecords(QList<Sync::AuditRecord> records);
    void appendRecords(const QList<Sync::AuditRecord> &records);
    [[nodiscard]] const QList<Sync::AuditRecord> &records() const { return m_records; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    QList<Sync::AuditRecord> m_records;
};

} // namespace Boxoffice::Gui
