#pragma once

#include <QDialog>
#include <QUrl>

class QLabel;
class QLineEdit;
class QPushButton;

namespace Boxoffice::Sync {
class ApiClient;
}

namespace Boxoffice::Gui {

// Connect and log in: the server address (remembered by the caller), user name and password.
// Logs in through the API client; stays open with the server's reason when it refuses.
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    LoginDialog(Sync::ApiClient &client, const QUrl &server, const QString &username,
                QWidget *parent = nullptr);

    [[nodiscard]] QUrl server() const;
    [[nodiscard]] QString username() const;
    [[nodiscard]] QString role() const { return m_role; }

private:
    void attempt();

    Sync::ApiClient &m_client;
    QLineEdit *m_server = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_login = nullptr;
    QString m_role;
};

} // namespace Boxoffice::Gui
