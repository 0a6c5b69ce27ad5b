#pragma once

#include "sync/client/apitypes.h"

#include <QWidget>

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace Boxoffice::Sync {
class ApiClient;
}

namespace Boxoffice::Gui {

class AuditModel;

// The audit log viewer: filters (actor, action prefix, terminal, from/to), newest first, older
// pages on demand, and a check of the hash chain ("intact" or "broken at record N").
class AuditPage : public QWidget
{
    Q_OBJECT
public:
    explicit AuditPage(Sync::ApiClient &client, QWidget *parent = nullptr);

    void search();
    void older();
    void verify();
    [[nodiscard]] AuditModel *model() const { return m_model; }

signals:
    void recordsShown();
    void verified(const Boxoffice::Sync::AuditVerification &check);

private:
    [[nodiscard]] Sync::AuditFilter filter() const;
    void load(qint64 beforeId);

    Sync::ApiClient &m_client;
    QLineEdit *m_actor = nullptr;
    QLineEdit *m_action = nullptr;
    QLineEdit *m_terminal = nullptr;
    QCheckBox *m_useFrom = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QCheckBox *m_useTo = nullptr;
    QDateTimeEdit *m_to = nullptr;
    AuditModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_older = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_chain = nullptr;
    qint64 m_nextBeforeId = 0;
};

} // namespace Boxoffice::Gui
