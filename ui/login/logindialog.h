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
//
// It says whether the link is TLS or INSECURE plain HTTP. On the first connection to a server
// (UntrustedServer) it shows the presented fingerprint and a "Trust this server" button; trusting
// pins it in the client's ServerTrust and logs in. A changed certificate (CertificateChanged) is
// only explained: the ordinary flow has no way to accept it.
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
    void trustPresentedServer();
    void updateTransport();
    void showError(const QString &text);

    Sync::ApiClient &m_client;
    QLineEdit *m_server = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_transport = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_trust = nullptr;
    QPushButton *m_login = nullptr;
    QString m_presentedOrigin;      // the server whose fingerprint m_trust would pin
    QString m_presentedFingerprint; // "AB:CD:..."

    QString m_role;
};

} // namespace Boxoffice::Gui
