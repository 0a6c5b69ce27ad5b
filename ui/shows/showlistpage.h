#pragma once

#include "sync/client/apitypes.h"

#include <QWidget>

class QCheckBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableView;

namespace Boxoffice::Gui {

class ShowListModel;
class ShowFilterProxy;

// The shows on sale: title, venue, date/time, available/total, filtered by text and date.
// Enter or a double click opens a show.
class ShowListPage : public QWidget
{
    Q_OBJECT
public:
    explicit ShowListPage(QWidget *parent = nullptr);

    // `asOfMs` > 0 marks the list as read from the terminal's cache at that time.
    void setShows(const QList<Sync::ShowSummary> &shows, qint64 asOfMs);
    void focusFilter();

signals:
    void showChosen(const Sync::ShowSummary &show);
    void refreshRequested();

private:
    void openCurrent();
    void applyDateFilter();

    ShowListModel *m_model = nullptr;
    ShowFilterProxy *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QCheckBox *m_byDate = nullptr;
    QDateEdit *m_date = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace Boxoffice::Gui
