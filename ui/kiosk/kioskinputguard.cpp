#include "ui/kiosk/kioskinputguard.h"

#include <QEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QTouchEvent>
#include <QWidget>

namespace Boxoffice::Gui {

KioskInputGuard::KioskInputGuard(QWidget *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
{
    m_clock.start();
}

bool KioskInputGuard::isEscapeKey(const QEvent *event)
{
    const auto *key = static_cast<const QKeyEvent *>(event);
    const Qt::KeyboardModifiers mods = key->modifiers() & ~Qt::KeypadModifier;
    switch (key->key()) {
    case Qt::Key_Escape:
    case Qt::Key_Close:
    case Qt::Key_Exit:
    case Qt::Key_PowerOff:
    case Qt::Key_Suspend:
    case Qt::Key_Sleep:
        return true;
    case Qt::Key_F4:
        return (mods & (Qt::AltModifier | Qt::ControlModifier)) != 0;
    case Qt::Key_Q:
    case Qt::Key_W:
        return (mods & Qt::ControlModifier) != 0;
    case Qt::Key_Tab:
    case Qt::Key_Backtab:
        // Alt+Tab and friends: task switching belongs to the compositor, not to the public.
        return (mods & (Qt::AltModifier | Qt::MetaModifier)) != 0;
    default:
        return false;
    }
}

bool KioskInputGuard::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::Close:
        if (!m_allowClose && watched == m_window) {
            event->ignore();
            return true;
        }
        break;
    case QEvent::ShortcutOverride:
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
        if (event->type() == QEvent::KeyPress)
            emit activity();
        if (isEscapeKey(event)) {
            event->accept(); // as ShortcutOverride: no shortcut sees it either
            return true;
        }
        break;
    case QEvent::ContextMenu:
        return true;
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick: {
        // The window's QWindow sees the press first and the widgets' parents again when a
        // child ignores it: count it once, at the first widget.
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (!watched->isWidgetType() || isRepeat(mouse))
            break;
        // A touch on a widget that does not take touch events arrives as this press, made
        // by the system; one the widget took (the seat map) came as TouchBegin instead.
        emit activity();
        if (mouse->button() == Qt::LeftButton && inWindow(watched))
            countTap(mouse->globalPosition());
        break;
    }
    case QEvent::TouchBegin: {
        const auto *touch = static_cast<QTouchEvent *>(event);
        if (!watched->isWidgetType() || isRepeat(touch))
            break;
        emit activity();
        if (touch->points().size() == 1 && inWindow(watched))
            countTap(touch->points().constFirst().globalPosition());
        break;
    }
    case QEvent::Wheel:
        emit activity();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

bool KioskInputGuard::isRepeat(const QInputEvent *event)
{
    if (event == m_lastInput && event->timestamp() == m_lastTimestamp)
        return true;
    m_lastInput = event;
    m_lastTimestamp = event->timestamp();
    return false;
}

bool KioskInputGuard::inWindow(const QObject *watched) const
{
    return m_window && static_cast<const QWidget *>(watched)->window() == m_window.data();
}

void KioskInputGuard::countTap(QPointF globalPos)
{
    if (!m_window)
        return;
    const QPoint local = m_window->mapFromGlobal(globalPos.toPoint());
    if (local.x() < 0 || local.y() < 0 || local.x() >= kCornerPixels ||
        local.y() >= kCornerPixels) {
        m_taps.clear();
        return;
    }
    const qint64 now = m_clock.elapsed();
    m_taps.append(now);
    while (!m_taps.isEmpty() && now - m_taps.constFirst() > kTapWindowMs)
        m_taps.removeFirst();
    if (m_taps.size() >= kTapsToExit) {
        m_taps.clear();
        emit exitRequested();
    }
}

} // namespace Boxoffice::Gui
