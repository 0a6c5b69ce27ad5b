#include "ui/shift/cashamountdialog.h"

#include "core/common/money.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

CashAmountDialog::CashAmountDialog(const QString &title, const QString &prompt,
                                   const QString &buttonText, const QString &objectName,
                                   QWidget *parent)
    : QDialog(parent)
{
    setObjectName(objectName);
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(objectName + QStringLiteral("Amount"));
    m_amount->setPlaceholderText(QStringLiteral("0.00"));
    m_amount->setToolTip(tr("An amount such as 150 or 150.50 (Alt+A)"));
    form->addRow(prompt, m_amount);
    layout->addLayout(form);
    m_error = new QLabel(this);
    m_error->setObjectName(objectName + QStringLiteral("Error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#a50026;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(buttonText, QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(objectName + QStringLiteral("Confirm"));
    m_ok->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ok, &QPushButton::clicked, this, &CashAmountDialog::submit);
    m_amount->setFocus();
}

void CashAmountDialog::submit()
{
    // The currency does not matter for parsing; two decimals are what the drawer counts.
    auto amount = Core::Money::parse(m_amount->text().trimmed(), QStringLiteral("EUR"));
    if (!amount || amount->isNegative()) {
        showError(tr("Enter an amount such as 150 or 150.50."));
        m_amount->setFocus();
        m_amount->selectAll();
        return;
    }
    m_error->hide();
    emit submitted(amount->minorUnits());
}

void CashAmountDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
    setBusy(false);
}

void CashAmountDialog::setBusy(bool busy)
{
    m_ok->setEnabled(!busy);
    m_amount->setReadOnly(busy);
}

} // namespace Boxoffice::Gui
