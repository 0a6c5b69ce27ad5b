#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>

class QInputEvent;
class QWidget;

namespace Boxoffice::Gui {

// The kiosk's filter on every event of the application (installed with
// QCoreApplication::installEventFilter): a member of the public cannot leave or get behind the
// kiosk window.
//
// - Closing the window (window manager, Alt+F4) and the keys that close or quit — Escape,
//   Alt+F4, Ctrl+Q, Ctrl+W — do nothing; nor do context menus.
// - Every press, touch and key is reported as activity() (for the inactivity countdown).
// - kTapsToExit presses within kTapWindowMs in the kiosk window's top-left corner
//   (kCornerPixels square) ask for the supervisor's PIN: exitRequested().
//
// Does not own the window; stops guarding when it is destroyed. While allowClose(true), a
// close event passes (the supervisor unlocked the kiosk). GUI thread only.
class KioskInputGuard : public QObject
{
    Q_OBJECT
public:
    static constexpr int kTapsToExit = 5;
    static constexpr int kTapWindowMs = 3000;
    static constexpr int kCornerPixels = 96;

    explicit KioskInputGuard(QWidget *window, QObject *parent = nullptr);

    void allowClose(bool allow) { m_allowClose = allow; }

    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    void activity();
    void exitRequested();

private:
    [[nodiscard]] static bool isEscapeKey(const QEvent *event);
    // Whether this press was seen before, on its way to a parent widget.
    [[nodiscard]] bool isRepeat(const QInputEvent *event);
    [[nodiscard]] bool inWindow(const QObject *watched) const;
    void countTap(QPointF globalPos);

    QPointer<QWidget> m_window;
    bool m_allowClose = false;
    QElapsedTimer m_clock;
    QList<qint64> m_taps; // ms on m_clock of the recent corner taps
    const QInputEvent *m_lastInput = nullptr;
    quint64 m_lastTimestamp = 0;
};

} // namespace Boxoffice::Gui
