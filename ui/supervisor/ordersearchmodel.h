#pragma once

#include "sync/client/apitypes.h"

#include <QAbstractTableModel>

namespace Boxoffice::Gui {

// The orders a supervisor search found, newest first, one row each.
class OrderSearchModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        OrderColumn,
        ShowColumn,
        StatusColumn,
        CustomerColumn,
        PhoneColumn,
        TicketsColumn,
        AmountColumn,
        CreatedColumn,
        TerminalColumn,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setHits(QList<Sync::OrderSearchHit> hits);
    [[nodiscard]] const QList<Sync::OrderSearchHit> &hits() const { return m_hits; }
    // Brings the row of `order` (if listed) up to date after a refund, void or exchange.
    void refresh(const Sync::OrderInfo &order);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    QList<Sync::OrderSearchHit> m_hits;
};

} // namespace Boxoffice::Gui
