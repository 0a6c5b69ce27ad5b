#include "ui/kiosk/kioskpinpad.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

// Keys that never take the focus away from the field being typed into.
QPushButton *key(const QString &text, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setFocusPolicy(Qt::NoFocus);
    button->setMinimumSize(72, 72);
    button->setProperty("kioskKey", true);
    return button;
}

} // namespace

KioskPinPad::KioskPinPad(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("pinPad"));
    setAttribute(Qt::WA_StyledBackground);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->setSpacing(12);

    auto *title = new QLabel(tr("Staff only: leave kiosk mode"), this);
    title->setProperty("kioskHeading", true);
    title->setAlignment(Qt::AlignCenter);
    layout->addWidget(title);

    auto *fields = new QGridLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("pinName"));
    m_name->setPlaceholderText(tr("supervisor name"));
    m_name->setMaxLength(64);
    m_pin = new QLineEdit(this);
    m_pin->setObjectName(QStringLiteral("pinCode"));
    m_pin->setPlaceholderText(tr("PIN"));
    m_pin->setEchoMode(QLineEdit::Password);
    m_pin->setMaxLength(32);
    for (QLineEdit *field : {m_name, m_pin}) {
        field->setMinimumHeight(64);
        field->setContextMenuPolicy(Qt::NoContextMenu);
        field->installEventFilter(this);
    }
    auto *nameLabel = new QLabel(tr("Name"), this);
    auto *pinLabel = new QLabel(tr("PIN"), this);
    fields->addWidget(nameLabel, 0, 0);
    fields->addWidget(m_name, 0, 1);
    fields->addWidget(pinLabel, 1, 0);
    fields->addWidget(m_pin, 1, 1);
    layout->addLayout(fields);
    connect(m_name, &QLineEdit::returnPressed, this, [this] { m_pin->setFocus(); });
    connect(m_pin, &QLineEdit::returnPressed, this, &KioskPinPad::submit);

    // Digits first (PINs), then the letters of user names.
    auto *keys = new QGridLayout;
    keys->setSpacing(6);
    const QStringList rows{QStringLiteral("1234567890"), QStringLiteral("qwertyuiop"),
                           QStringLiteral("asdfghjkl-"), QStringLiteral("zxcvbnm._")};
    for (int row = 0; row < rows.size(); ++row) {
        for (int column = 0; column < rows[row].size(); ++column) {
            const QString text = rows[row].mid(column, 1);
            auto *button = key(text, this);
            connect(button, &QPushButton::clicked, this, [this, text] { type(text); });
            keys->addWidget(button, row, column);
        }
    }
    auto *erase = key(tr("⌫"), this);
    erase->setObjectName(QStringLiteral("pinErase"));
    connect(erase, &QPushButton::clicked, this, &KioskPinPad::erase);
    keys->addWidget(erase, 3, 9);
    layout->addLayout(keys);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("pinMessage"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_message);

    auto *buttons = new QHBoxLayout;
    auto *back = key(tr("Back"), this);
    back->setObjectName(QStringLiteral("pinBack"));
    back->setProperty("kioskRole", QStringLiteral("cancel"));
    connect(back, &QPushButton::clicked, this, &KioskPinPad::dismissed);
    m_unlock = key(tr("Unlock"), this);
    m_unlock->setObjectName(QStringLiteral("pinUnlock"));
    m_unlock->setProperty("kioskRole", QStringLiteral("go"));
    connect(m_unlock, &QPushButton::clicked, this, &KioskPinPad::submit);
    buttons->addWidget(back, 1);
    buttons->addWidget(m_unlock, 2);
    layout->addLayout(buttons);
    m_active = m_name;
}

bool KioskPinPad::eventFilter(QObject *watched, QEvent *event)
{
    // The field touched last takes the keys, also when the window has no keyboard focus.
    const bool touched = event->type() == QEvent::FocusIn ||
                         event->type() == QEvent::MouseButtonPress ||
                         event->type() == QEvent::TouchBegin;
    if (touched && (watched == m_name || watched == m_pin))
        m_active = static_cast<QLineEdit *>(watched);
    return QWidget::eventFilter(watched, event);
}

void KioskPinPad::reset()
{
    m_name->clear();
    m_pin->clear();
    setMessage({}, false);
    setBusy(false);
    m_active = m_name;
    m_name->setFocus();
}

void KioskPinPad::clearPin()
{
    m_pin->clear();
    m_active = m_pin;
    m_pin->setFocus();
}

void KioskPinPad::setMessage(const QString &text, bool warning)
{
    m_message->setText(text);
    m_message->setProperty("warning", warning);
    m_message->setStyleSheet(warning ? QStringLiteral("color:#ffb4a8;font-weight:bold;")
                                     : QString());
}

void KioskPinPad::setBusy(bool busy)
{
    m_unlock->setEnabled(!busy);
}

QLineEdit *KioskPinPad::target() const
{
    return m_active ? m_active : m_name;
}

void KioskPinPad::type(const QString &text)
{
    target()->insert(text);
}

void KioskPinPad::erase()
{
    target()->backspace();
}

void KioskPinPad::submit()
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty() || m_pin->text().isEmpty()) {
        setMessage(tr("Enter the supervisor's name and PIN."), true);
        return;
    }
    emit unlockRequested(name, m_pin->text());
}

} // namespace Boxoffice::Gui
