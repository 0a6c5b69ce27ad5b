#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace Boxoffice::Gui {

// The touch pad a supervisor uses to leave kiosk mode: their user name and PIN, typed on
// on-screen keys (a kiosk has no keyboard). The key pad types into the field last touched;
// unlockRequested() hands both to the window, which asks the server. Knows nothing of the
// network.
class KioskPinPad : public QWidget
{
    Q_OBJECT
public:
    explicit KioskPinPad(QWidget *parent = nullptr);

    // Empties both fields and the message and puts the cursor in the name.
    void reset();
    // Empties the PIN (a refused one is typed again from the start) and types into it next.
    void clearPin();
    // A line under the fields: why the unlock failed, or that it is being checked.
    void setMessage(const QString &text, bool warning);
    void setBusy(bool busy);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    void unlockRequested(const QString &supervisor, const QString &pin);
    void dismissed();

private:
    void type(const QString &text);
    void erase();
    [[nodiscard]] QLineEdit *target() const;
    void submit();

    QLineEdit *m_name = nullptr;
    QLineEdit *m_pin = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_unlock = nullptr;
    QLineEdit *m_active = nullptr;
};

} // namespace Boxoffice::Gui
