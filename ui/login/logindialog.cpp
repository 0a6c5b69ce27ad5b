#include "ui/login/logindialog.h"

#include "sync/client/apiclient.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

LoginDialog::LoginDialog(Sync::ApiClient &client, const QUrl &server, const QString &username,
                         QWidget *parent)
    : QDialog(parent)
    , m_client(client)
{
    setWindowTitle(tr("Boxoffice — log in"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_server = new QLineEdit(server.toString(), this);
    m_server->setPlaceholderText(QStringLiteral("http://127.0.0.1:8480"));
    m_user = new QLineEdit(username, this);
    m_user->setMaxLength(64);
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setMaxLength(256);
    form->addRow(tr("&Server:"), m_server);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#a50026;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_login = buttons->addButton(tr("Log in"), QDialogButtonBox::AcceptRole);
    m_login->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_login, &QPushButton::clicked, this, &LoginDialog::attempt);
    (username.isEmpty() ? m_user : m_password)->setFocus();
}

QUrl LoginDialog::server() const
{
    return QUrl::fromUserInput(m_server->text().trimmed());
}

QString LoginDialog::username() const
{
    return m_user->text().trimmed();
}

void LoginDialog::attempt()
{
    const QUrl url = server();
    if (!url.isValid() ||
        (url.scheme() != QLatin1StringView("http") && url.scheme() != QLatin1StringView("https"))) {
        m_error->setText(tr("The server address is not valid, e.g. http://127.0.0.1:8480"));
        m_error->show();
        return;
    }
    if (username().isEmpty() || m_password->text().isEmpty()) {
        m_error->setText(tr("Enter your user name and password."));
        m_error->show();
        return;
    }
    m_login->setEnabled(false);
    m_error->hide();
    m_client.setServer(url);
    m_client.login(username(), m_password->text(), this, [this](Sync::Result<Sync::Session> s) {
        m_login->setEnabled(true);
        if (!s) {
            m_error->setText(
                s.error().code == Core::ErrorCode::Unreachable
                    ? tr("No answer from %1. Is the server running?").arg(server().toString())
                    : s.error().message);
            m_error->show();
            m_password->selectAll();
            m_password->setFocus();
            return;
        }
        m_role = s->role;
        accept();
    });
}

} // namespace Boxoffice::Gui
