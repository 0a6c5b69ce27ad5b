#include "ui/supervisor/overridedialog.h"

#include "sync/client/apiclient.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

OverrideDialog::OverrideDialog(Sync::ApiClient &client, QString action, QString subject,
                               const QString &description, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_action(std::move(action))
    , m_subject(std::move(subject))
{
    setObjectName(QStringLiteral("overrideDialog"));
    setWindowTitle(tr("Supervisor override"));
    setMinimumWidth(380);
    auto *layout = new QVBoxLayout(this);
    auto *what = new QLabel(tr("A supervisor must authorise:<br><b>%1</b><br>The authorisation "
                               "is good for this one action only.")
                                .arg(description.toHtmlEscaped()),
                            this);
    what->setObjectName(QStringLiteral("overrideDescription"));
    what->setWordWrap(true);
    layout->addWidget(what);

    auto *form = new QFormLayout;
    m_supervisor = new QLineEdit(this);
    m_supervisor->setObjectName(QStringLiteral("overrideSupervisor"));
    m_supervisor->setToolTip(tr("The supervisor's user name (Alt+U)"));
    form->addRow(tr("Supervisor &user:"), m_supervisor);
    auto *kind = new QHBoxLayout;
    m_usePassword = new QRadioButton(tr("Pass&word"), this);
    m_usePin = new QRadioButton(tr("P&IN"), this);
    m_usePassword->setChecked(true);
    m_usePassword->setToolTip(tr("Authorise with the supervisor's password (Alt+W)"));
    m_usePin->setToolTip(tr("Authorise with the supervisor's PIN (Alt+I)"));
    kind->addWidget(m_usePassword);
    kind->addWidget(m_usePin);
    kind->addStretch();
    form->addRow(tr("With:"), kind);
    m_secret = new QLineEdit(this);
    m_secret->setObjectName(QStringLiteral("overrideSecret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setToolTip(tr("Typed by the supervisor; never stored (Alt+S)"));
    form->addRow(tr("&Secret:"), m_secret);
    layout->addLayout(form);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("overrideError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#a50026;"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_authorise = buttons->addButton(tr("&Authorise"), QDialogButtonBox::AcceptRole);
    m_authorise->setObjectName(QStringLiteral("overrideAuthorise"));
    m_authorise->setToolTip(tr("Ask the server to grant this one action (Enter, Alt+A)"));
    m_authorise->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_authorise, &QPushButton::clicked, this, &OverrideDialog::authorise);
    m_supervisor->setFocus();
}

void OverrideDialog::authorise()
{
    const QString supervisor = m_supervisor->text().trimmed();
    const QString secret = m_secret->text();
    if (supervisor.isEmpty() || secret.isEmpty()) {
        m_error->setText(tr("Enter the supervisor's user name and %1.")
                             .arg(m_usePin->isChecked() ? tr("PIN") : tr("password")));
        m_error->show();
        (supervisor.isEmpty() ? m_supervisor : m_secret)->setFocus();
        return;
    }
    Sync::OverrideRequest request;
    request.supervisor = supervisor;
    (m_usePin->isChecked() ? request.pin : request.password) = secret;
    request.action = m_action;
    request.subject = m_subject;
    m_authorise->setEnabled(false);
    m_error->setText(tr("Asking the server…"));
    m_error->show();
    m_client.requestOverride(request, this, [this](Sync::Result<Sync::OverrideGrant> grant) {
        m_authorise->setEnabled(true);
        if (!grant) {
            m_error->setText(tr("Not authorised: %1").arg(grant.error().message));
            m_secret->clear();
            m_secret->setFocus();
            return;
        }
        m_grant = *grant;
        accept();
    });
}

bool needsOverride(const Sync::ApiClient &client)
{
    const QString role = client.session().role;
    return role != QLatin1StringView("supervisor") && role != QLatin1StringView("admin");
}

void authorise(Sync::ApiClient &client, QWidget *parent, const QString &action,
               const QString &subject, const QString &description,
               std::function<void(const QString &token)> go)
{
    if (!needsOverride(client)) {
        go(QString());
        return;
    }
    auto *dialog = new OverrideDialog(client, action, subject, description, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QDialog::accepted, parent, [dialog, go = std::move(go)] {
        if (dialog->grant())
            go(dialog->grant()->token);
    });
    dialog->open();
}

} // namespace Boxoffice::Gui
