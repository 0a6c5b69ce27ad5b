#pragma once

#include "sync/client/apitypes.h"

#include <QDialog>

#include <functional>
#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace Boxoffice::Sync {
class ApiClient;
}

namespace Boxoffice::Gui {

// A supervisor authorises one action at a clerk's terminal: name and password (or PIN) typed on
// the spot, sent as POST /overrides for exactly this action and subject. Accepted once the
// server granted it; grant() then holds the one-time token. A refusal (wrong password, not a
// supervisor, locked) is shown in the dialog, which stays open with the name kept.
class OverrideDialog : public QDialog
{
    Q_OBJECT
public:
    // `description` says what is authorised, e.g. "Refund of order ORD-1".
    OverrideDialog(Sync::ApiClient &client, QString action, QString subject,
                   const QString &description, QWidget *parent = nullptr);

    [[nodiscard]] const std::optional<Sync::OverrideGrant> &grant() const { return m_grant; }

private:
    void authorise();

    Sync::ApiClient &m_client;
    QString m_action;
    QString m_subject;
    QLineEdit *m_supervisor = nullptr;
    QRadioButton *m_usePassword = nullptr;
    QRadioButton *m_usePin = nullptr;
    QLineEdit *m_secret = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_authorise = nullptr;
    std::optional<Sync::OverrideGrant> m_grant;
};

// Runs `go` with the override token an action needs at this terminal: at once with an empty
// token for a supervisor or admin session (the server checks the role), or — for a clerk —
// after a supervisor granted it in an OverrideDialog opened over `parent`. Nothing runs when
// the dialog is cancelled. The token is good for exactly one request.
void authorise(Sync::ApiClient &client, QWidget *parent, const QString &action,
               const QString &subject, const QString &description,
               std::function<void(const QString &token)> go);

// Whether actions of this session need a supervisor's override first.
[[nodiscard]] bool needsOverride(const Sync::ApiClient &client);

} // namespace Boxoffice::Gui
