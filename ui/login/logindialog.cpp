#include "ui/login/logindialog.h"

#include "core/security/servercertificate.h"
#include "sync/client/apiclient.h"
#include "sync/client/servertrust.h"

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
    m_server->setObjectName(QStringLiteral("server"));
    m_server->setPlaceholderText(QStringLiteral("https://127.0.0.1:8480"));
    m_user = new QLineEdit(username, this);
    m_user->setObjectName(QStringLiteral("user"));
    m_user->setMaxLength(64);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setMaxLength(256);
    form->addRow(tr("&Server:"), m_server);
    m_transport = new QLabel(this);
    m_transport->setObjectName(QStringLiteral("transport"));
    m_transport->setWordWrap(true);
    form->addRow(QString(), m_transport);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#a50026;"));
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    layout->addWidget(m_error);
    m_trust = new QPushButton(tr("&Trust this server"), this);
    m_trust->setObjectName(QStringLiteral("trustServer"));
    m_trust->setAutoDefault(false);
    m_trust->hide();
    layout->addWidget(m_trust, 0, Qt::AlignLeft);
    connect(m_trust, &QPushButton::clicked, this, &LoginDialog::trustPresentedServer);
    connect(m_server, &QLineEdit::textChanged, this, &LoginDialog::updateTransport);
    updateTransport();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_login = buttons->addButton(tr("Log in"), QDialogButtonBox::AcceptRole);
    m_login->setObjectName(QStringLiteral("login"));
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

void LoginDialog::updateTransport()
{
    const QUrl url = server();
    if (url.scheme() == QLatin1StringView("https")) {
        m_transport->setText(tr("Encrypted (TLS); the server's certificate is pinned."));
        m_transport->setStyleSheet(QString());
    } else if (url.scheme() == QLatin1StringView("http")) {
        m_transport->setText(tr("INSECURE: plain HTTP — passwords travel in clear. "
                                "Development only."));
        m_transport->setStyleSheet(QStringLiteral("color:#a50026; font-weight:bold;"));
    } else {
        m_transport->clear();
    }
}

void LoginDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void LoginDialog::trustPresentedServer()
{
    Sync::ServerTrust *trust = m_client.trust();
    const auto digest = Core::parseFingerprint(m_presentedFingerprint);
    m_trust->hide();
    if (!trust || !digest)
        return showError(tr("This terminal cannot pin certificates."));
    if (auto pinned = trust->trust(m_presentedOrigin, *digest); !pinned)
        return showError(pinned.error().message);
    attempt();
}

void LoginDialog::attempt()
{
    const QUrl url = server();
    if (!url.isValid() ||
        (url.scheme() != QLatin1StringView("http") && url.scheme() != QLatin1StringView("https"))) {
        showError(tr("The server address is not valid, e.g. https://127.0.0.1:8480"));
        return;
    }
    if (username().isEmpty() || m_password->text().isEmpty()) {
        showError(tr("Enter your user name and password."));
        return;
    }
    m_login->setEnabled(false);
    m_error->hide();
    m_trust->hide();
    m_client.setServer(url);
    m_client.login(username(), m_password->text(), this, [this](Sync::Result<Sync::Session> s) {
        m_login->setEnabled(true);
        if (!s) {
            const Core::Error &error = s.error();
            switch (error.code) {
            case Core::ErrorCode::Unreachable:
                showError(tr("No answer from %1. Is the server running?").arg(server().toString()));
                break;
            case Core::ErrorCode::UntrustedServer:
                // Nothing was sent; the clerk compares the fingerprint and decides.
                m_presentedOrigin = error.details.value(QStringLiteral("origin")).toString();
                m_presentedFingerprint =
                    error.details.value(QStringLiteral("fingerprint")).toString();
                showError(error.message);
                m_trust->setVisible(!m_presentedFingerprint.isEmpty());
                return;
            default:
                showError(error.message);
                break;
            }
            m_password->selectAll();
            m_password->setFocus();
            return;
        }
        m_role = s->role;
        accept();
    });
}

} // namespace Boxoffice::Gui
