#pragma once

#include "sync/client/apitypes.h"
#include "ui/supervisor/supervisorservices.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace Boxoffice::Gui {

// A show's ACTIVE holds older than N minutes, oldest first, with Release (the server audits a
// release of another user's hold as forced).
class StuckHoldsPage : public QWidget
{
    Q_OBJECT
public:
    explicit StuckHoldsPage(const SupervisorServices &services, QWidget *parent = nullptr);

    // Reads the show list into the show chooser.
    void loadShows();
    void find();
    void releaseCurrent();
    [[nodiscard]] const QList<Sync::StuckHold> &holds() const { return m_holds; }

signals:
    void holdsListed();

private:
    SupervisorServices m_services;
    QComboBox *m_show = nullptr;
    QSpinBox *m_minutes = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_release = nullptr;
    QList<Sync::StuckHold> m_holds;
};

} // namespace Boxoffice::Gui
