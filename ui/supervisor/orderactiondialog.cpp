#include "ui/supervisor/orderactiondialog.h"

#include "ui/supervisor/cardrefundpanel.h"
#include "ui/supervisor/overridedialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

constexpr int kMaxReasonLength = 500;

} // namespace

OrderActionDialog::OrderActionDialog(const SupervisorServices &services, Sync::OrderInfo order,
                                     const QString &objectName, QWidget *parent)
    : QDialog(parent)
    , m_services(services)
    , m_order(std::move(order))
{
    setObjectName(objectName);
    m_body = new QVBoxLayout(this);
}

void OrderActionDialog::finishLayout(const QString &confirmText, const QString &confirmTip)
{
    auto *form = new QFormLayout;
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(objectName() + QStringLiteral("Reason"));
    m_reason->setMaxLength(kMaxReasonLength);
    m_reason->setPlaceholderText(tr("Required: why (kept in the audit log)"));
    m_reason->setToolTip(tr("Why this is done; required, kept in the audit log (Alt+E)"));
    form->addRow(tr("R&eason:"), m_reason);
    m_body->addLayout(form);

    m_error = new QLabel(this);
    m_error->setObjectName(objectName() + QStringLiteral("Error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color:#a50026;"));
    m_error->hide();
    m_body->addWidget(m_error);
    m_outcome = new QLabel(this);
    m_outcome->setObjectName(objectName() + QStringLiteral("Outcome"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome->setStyleSheet(QStringLiteral("font-weight:bold;"));
    m_outcome->hide();
    m_body->addWidget(m_outcome);
    m_cardRefund = new CardRefundPanel(m_services.client, m_services.acquirer, this);
    m_body->addWidget(m_cardRefund);
    connect(m_cardRefund, &CardRefundPanel::settled, this,
            [this](const Sync::RefundInfo &refund) { emit orderChanged(refund.order); });

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_confirm = m_buttons->addButton(confirmText, QDialogButtonBox::ActionRole);
    m_confirm->setObjectName(objectName() + QStringLiteral("Confirm"));
    m_confirm->setToolTip(confirmTip);
    m_confirm->setDefault(true);
    m_body->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString OrderActionDialog::reason() const
{
    return m_reason->text().trimmed();
}

void OrderActionDialog::run(const QString &action, const QString &subject,
                            const QString &description,
                            std::function<void(const QString &token)> act)
{
    m_error->hide();
    if (reason().isEmpty()) {
        showError(tr("Enter the reason first."));
        m_reason->setFocus();
        return;
    }
    authorise(m_services.client, this, action, subject, description,
              [this, act = std::move(act)](const QString &token) {
                  setBusy(true);
                  act(token);
              });
}

void OrderActionDialog::setBusy(bool busy)
{
    m_confirm->setEnabled(!busy);
    m_reason->setReadOnly(busy);
}

void OrderActionDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void OrderActionDialog::showOutcome(const QString &text)
{
    m_error->hide();
    m_outcome->setText(text);
    m_outcome->show();
}

void OrderActionDialog::followRefund(const Sync::RefundInfo &refund)
{
    if (refund.status == QLatin1StringView("CARD_PENDING"))
        m_cardRefund->follow(refund);
}

void OrderActionDialog::relabelConfirm(const QString &text)
{
    // Qt 6.4: setText drops a shortcut that was set separately; keep it.
    const QKeySequence key = m_confirm->shortcut();
    m_confirm->setText(text);
    if (!key.isEmpty())
        m_confirm->setShortcut(key);
}

} // namespace Boxoffice::Gui
