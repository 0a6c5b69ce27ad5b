#pragma once

#include "sync/client/doorscanner.h"

#include <QAbstractListModel>
#include <QList>

namespace Boxoffice::Gui {

// The door's latest scans, newest first, at most `capacity` of them: one line each with the
// time, the result, the ticket and where it came from (online or offline). The background is
// the result's colour.
class RecentScansModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit RecentScansModel(int capacity = 50, QObject *parent = nullptr);

    void add(const Sync::ScanOutcome &outcome);
    [[nodiscard]] const Sync::ScanOutcome &outcomeAt(int row) const { return m_scans.at(row); }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;

private:
    QList<Sync::ScanOutcome> m_scans; // newest first
    int m_capacity;
};

} // namespace Boxoffice::Gui
