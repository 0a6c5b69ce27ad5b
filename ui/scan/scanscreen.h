#pragma once

#include "sync/client/doorscanner.h"

#include <QColor>
#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QFrame;
class QTimer;

namespace Boxoffice::Gui {

class RecentScansModel;
class ScanSounds;

// The door's scan screen (docs/kiosk-and-door-api.md, "Door scanning"): one input that always
// has the focus and takes a keyboard-wedge scanner's burst of characters ending with Enter (or
// Tab) or a typed ticket code; the answer in large colour with a distinct sound; counters of
// admitted and refused holders; the latest scans; an offline banner with the upload queue; and
// the conflicts the server flagged when the queue went up. Sized for touch and for reading
// from a step away; the answer's title shrinks to fit a narrow screen rather than widen it.
//
// The panel only ever shows the answer to the latest scan: from the moment a scan is entered
// until its answer comes it says CHECKING, so the previous holder's VALID is never read as the
// next one's; an answer that comes after a later scan was entered (a slow online check) goes
// to the latest scans and the counters only. A VALID goes back to READY after
// validShownMs() (5 s): a green left standing could wave in the next holder when a scan did
// not register.
//
// Does not own the scanner (the caller usually parents it to this screen).
class ScanScreen : public QWidget
{
    Q_OBJECT
public:
    explicit ScanScreen(Sync::DoorScanner &scanner, QWidget *parent = nullptr);
    ~ScanScreen() override;

    // Show titles by show id, to name the show of a WRONG_SHOW ticket and the door's own.
    void setShowTitles(const QHash<QString, QString> &titles);
    void setShowTitles(const QList<Sync::ShowSummary> &shows);

    [[nodiscard]] Sync::DoorScanner &scanner() const { return m_scanner; }
    [[nodiscard]] QLineEdit *input() const { return m_input; }
    [[nodiscard]] QString resultTitle() const;
    [[nodiscard]] QString resultDetail() const;
    // Where the answer came from: the door's own checks, its offline records, or the server.
    [[nodiscard]] QString resultSource() const;
    [[nodiscard]] QColor resultBackground() const { return m_resultColour; }
    [[nodiscard]] int admittedCount() const { return m_admitted; }
    [[nodiscard]] int refusedCount() const { return m_refused; }
    [[nodiscard]] QLabel *offlineBanner() const { return m_banner; }
    [[nodiscard]] RecentScansModel *recentScans() const { return m_recent; }
    [[nodiscard]] QString conflictsText() const;
    [[nodiscard]] int conflictCount() const { return m_conflictCount; }
    [[nodiscard]] ScanSounds *sounds() const { return m_sounds; }
    // The scanner's last problem that is not one scan's answer (empty: none).
    [[nodiscard]] QString problemText() const;
    // How long VALID stays on the panel before it goes back to READY.
    void setValidShownMs(int ms) { m_validShownMs = ms; }
    [[nodiscard]] int validShownMs() const { return m_validShownMs; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void submit();
    void handleScanned(const Sync::ScanOutcome &outcome);
    void handleConflict(const Sync::ScanConflict &conflict);
    void updateBanner();
    void updateHeader();
    void updateCounters();
    void setResult(const QString &title, const QString &detail, const QColor &background,
                   const QColor &foreground);
    void showReady();
    void fitTitle();
    void keepFocus(QWidget *now);

    Sync::DoorScanner &m_scanner;
    QHash<QString, QString> m_showTitles;
    QLabel *m_header = nullptr;
    QLabel *m_counters = nullptr;
    QLabel *m_banner = nullptr;
    QFrame *m_resultPanel = nullptr;
    QLabel *m_resultTitle = nullptr;
    QLabel *m_resultDetail = nullptr;
    QLabel *m_resultSource = nullptr;
    QLineEdit *m_input = nullptr;
    QListView *m_recentView = nullptr;
    RecentScansModel *m_recent = nullptr;
    QLabel *m_conflicts = nullptr;
    QLabel *m_problem = nullptr;
    QStringList m_conflictLines; // newest first
    ScanSounds *m_sounds = nullptr;
    QColor m_resultColour;
    int m_admitted = 0;
    int m_refused = 0;
    int m_conflictCount = 0;
    int m_latestSerial = 0; // the latest scan entered here; older answers stay off the panel
    int m_shownSerial = 0;  // the scan whose answer the panel shows
    int m_validShownMs = 5000;
    QTimer *m_readyTimer = nullptr;
};

} // namespace Boxoffice::Gui
