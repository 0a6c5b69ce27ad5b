#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace Boxoffice::Gui {

// Asks for one cash amount (the opening float, the counted cash). submitted() carries the
// amount in minor units once it parses; the owner sends it and either accepts the dialog or
// shows the server's refusal with showError(), the amount kept.
class CashAmountDialog : public QDialog
{
    Q_OBJECT
public:
    CashAmountDialog(const QString &title, const QString &prompt, const QString &buttonText,
                     const QString &objectName, QWidget *parent = nullptr);

    void showError(const QString &text);
    void setBusy(bool busy);

signals:
    void submitted(qint64 cents);

private:
    void submit();

    QLineEdit *m_amount = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace Boxoffice::Gui
