#include "ui/scan/scanscreen.h"

#include "ui/scan/recentscansmodel.h"
#include "ui/scan/scansounds.h"
#include "ui/scan/scanstyle.h"

#include <QApplication>
#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QTimer>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

QFont sized(const QWidget *widget, int pixels, bool bold = false)
{
    QFont font = widget->font();
    font.setPixelSize(pixels);
    font.setBold(bold);
    return font;
}

QString colourName(const QColor &colour)
{
    return colour.name(QColor::HexRgb);
}

// The answer's title: as large as readable from a step away, smaller only when it would not fit.
constexpr int kTitlePixels = 110;
constexpr int kSmallestTitlePixels = 40;

// The panel while no answer stands: the window's own colour with a frame, so that it never
// looks like an answer (every answer fills the panel with its colour).
const QColor kReadyText(0x5f, 0x6b, 0x73);

} // namespace

ScanScreen::ScanScreen(Sync::DoorScanner &scanner, QWidget *parent)
    : QWidget(parent)
    , m_scanner(scanner)
{
    setWindowTitle(tr("Door scanning"));
    m_sounds = new ScanSounds(this);

    m_header = new QLabel(this);
    m_header->setFont(sized(this, 28, true));
    m_header->setWordWrap(true);
    m_counters = new QLabel(this);
    m_counters->setFont(sized(this, 28, true));
    m_counters->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *top = new QHBoxLayout;
    top->addWidget(m_header, 1);
    top->addWidget(m_counters);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("offlineBanner"));
    m_banner->setFont(sized(this, 24, true));
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setMargin(10);
    m_banner->setWordWrap(true);

    m_resultPanel = new QFrame(this);
    m_resultPanel->setObjectName(QStringLiteral("resultPanel"));
    m_resultPanel->setMinimumHeight(300);
    m_resultTitle = new QLabel(m_resultPanel);
    m_resultTitle->setObjectName(QStringLiteral("resultTitle"));
    m_resultTitle->setFont(sized(this, kTitlePixels, true));
    m_resultTitle->setAlignment(Qt::AlignCenter);
    // The title never widens the window; fitTitle() makes it fit instead.
    m_resultTitle->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_resultDetail = new QLabel(m_resultPanel);
    m_resultDetail->setObjectName(QStringLiteral("resultDetail"));
    m_resultDetail->setFont(sized(this, 34));
    m_resultDetail->setAlignment(Qt::AlignCenter);
    m_resultDetail->setWordWrap(true);
    m_resultSource = new QLabel(m_resultPanel);
    m_resultSource->setFont(sized(this, 20));
    m_resultSource->setAlignment(Qt::AlignCenter);
    m_resultSource->setWordWrap(true);
    auto *panel = new QVBoxLayout(m_resultPanel);
    panel->setContentsMargins(24, 24, 24, 24);
    panel->addStretch(1);
    panel->addWidget(m_resultTitle);
    panel->addWidget(m_resultDetail);
    panel->addWidget(m_resultSource);
    panel->addStretch(1);

    m_input = new QLineEdit(this);
    m_input->setObjectName(QStringLiteral("scanInput"));
    m_input->setFont(sized(this, 30));
    m_input->setMinimumHeight(72);
    m_input->setPlaceholderText(tr("Scan a ticket, or type its code and press Enter"));
    m_input->setClearButtonEnabled(false);
    m_input->installEventFilter(this);
    connect(m_input, &QLineEdit::returnPressed, this, &ScanScreen::submit);

    m_recent = new RecentScansModel(50, this);
    m_recentView = new QListView(this);
    m_recentView->setModel(m_recent);
    m_recentView->setFont(sized(this, 20));
    m_recentView->setFocusPolicy(Qt::NoFocus);
    m_recentView->setSelectionMode(QAbstractItemView::NoSelection);
    m_recentView->setSpacing(2);
    m_recentView->setUniformItemSizes(true);
    auto *recentTitle = new QLabel(tr("Latest scans"), this);
    recentTitle->setFont(sized(this, 22, true));

    m_conflicts = new QLabel(this);
    m_conflicts->setObjectName(QStringLiteral("conflicts"));
    m_conflicts->setFont(sized(this, 20));
    m_conflicts->setWordWrap(true);
    m_conflicts->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_conflicts->setMargin(10);
    m_conflicts->setStyleSheet(
        QStringLiteral("QLabel#conflicts { background: #fdecea; color: #7f0000;"
                       " border: 3px solid #c62828; }"));
    m_conflicts->setVisible(false);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setFont(sized(this, 18));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("QLabel#problem { color: #7f0000; }"));
    m_problem->setVisible(false);

    auto *lists = new QHBoxLayout;
    auto *recentColumn = new QVBoxLayout;
    recentColumn->addWidget(recentTitle);
    recentColumn->addWidget(m_recentView, 1);
    lists->addLayout(recentColumn, 3);
    lists->addWidget(m_conflicts, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->setSpacing(12);
    layout->addLayout(top);
    layout->addWidget(m_banner);
    layout->addWidget(m_resultPanel, 3);
    layout->addWidget(m_input);
    layout->addLayout(lists, 2);
    layout->addWidget(m_problem);

    // Only the input ever takes the focus: a scanner types into whatever has it.
    for (QWidget *child : findChildren<QWidget *>()) {
        if (child != m_input)
            child->setFocusPolicy(Qt::NoFocus);
    }
    setFocusProxy(m_input);
    connect(qApp, &QApplication::focusChanged, this,
            [this](QWidget *, QWidget *now) { keepFocus(now); });

    connect(&m_scanner, &Sync::DoorScanner::scanned, this, &ScanScreen::handleScanned);
    connect(&m_scanner, &Sync::DoorScanner::conflictFound, this, &ScanScreen::handleConflict);
    connect(&m_scanner, &Sync::DoorScanner::onlineChanged, this, &ScanScreen::updateBanner);
    connect(&m_scanner, &Sync::DoorScanner::queueChanged, this, &ScanScreen::updateBanner);
    connect(&m_scanner, &Sync::DoorScanner::keysLoaded, this, &ScanScreen::updateBanner);
    connect(&m_scanner, &Sync::DoorScanner::problem, this, [this](const QString &message) {
        m_problem->setText(
            tr("%1  %2").arg(ScanStyle::time(QDateTime::currentMSecsSinceEpoch()), message));
        m_problem->setVisible(true);
    });

    m_readyTimer = new QTimer(this);
    m_readyTimer->setSingleShot(true);
    connect(m_readyTimer, &QTimer::timeout, this, &ScanScreen::showReady);

    showReady();
    updateHeader();
    updateCounters();
    updateBanner();
}

ScanScreen::~ScanScreen()
{
    // Children going away move the focus; this screen is half destroyed by then.
    disconnect(qApp, nullptr, this, nullptr);
}

void ScanScreen::setShowTitles(const QHash<QString, QString> &titles)
{
    m_showTitles = titles;
    updateHeader();
}

void ScanScreen::setShowTitles(const QList<Sync::ShowSummary> &shows)
{
    QHash<QString, QString> titles;
    for (const Sync::ShowSummary &show : shows)
        titles.insert(show.id.value(), show.title);
    setShowTitles(titles);
}

QString ScanScreen::resultTitle() const
{
    return m_resultTitle->text();
}

QString ScanScreen::resultDetail() const
{
    return m_resultDetail->text();
}

QString ScanScreen::resultSource() const
{
    return m_resultSource->text();
}

QString ScanScreen::problemText() const
{
    return m_problem->isVisible() ? m_problem->text() : QString();
}

QString ScanScreen::conflictsText() const
{
    return m_conflicts->isVisible() || !m_conflictLines.isEmpty() ? m_conflicts->text() : QString();
}

bool ScanScreen::eventFilter(QObject *watched, QEvent *event)
{
    // Some scanners end a code with Tab instead of Enter; it must not move the focus away.
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Tab || key == Qt::Key_Backtab) {
            submit();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ScanScreen::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_input->setFocus(Qt::OtherFocusReason);
}

void ScanScreen::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitTitle();
}

void ScanScreen::keepFocus(QWidget *now)
{
    if (now && now != m_input && isAncestorOf(now))
        m_input->setFocus(Qt::OtherFocusReason);
}

void ScanScreen::submit()
{
    const QString text = m_input->text();
    m_input->clear();
    const int serial = m_scanner.scan(text);
    if (serial == 0)
        return;
    m_latestSerial = serial;
    if (m_shownSerial != serial) { // not answered on the spot: the server is asked
        m_readyTimer->stop();
        setResult(tr("CHECKING…"), tr("Wait for the answer"), QColor(0x45, 0x5a, 0x64), Qt::white);
        m_resultSource->clear();
    }
}

void ScanScreen::handleScanned(const Sync::ScanOutcome &outcome)
{
    const bool latest = outcome.serial >= m_latestSerial;
    if (outcome.decided) {
        if (outcome.verification.verdict == Sync::ScanVerdict::Valid)
            ++m_admitted;
        else
            ++m_refused;
    }
    m_recent->add(outcome);
    updateCounters();
    updateBanner();
    if (!latest)
        return; // a later scan is on the panel (or on its way): its holder is at the door now
    m_shownSerial = outcome.serial;
    const ScanLook look = ScanStyle::look(outcome);
    const QString otherShow = m_showTitles.value(outcome.verification.show.value());
    setResult(look.title, ScanStyle::detail(outcome, otherShow), look.background, look.foreground);
    const QString when = ScanStyle::time(outcome.scannedMs);
    QString source = outcome.local     ? tr("Checked at this door at %1").arg(when)
                     : outcome.offline ? tr("Decided offline at %1").arg(when)
                                       : tr("Checked with the server at %1").arg(when);
    if (!outcome.verification.ticket.isEmpty())
        source += tr(" · ticket %1").arg(outcome.verification.ticket.value());
    m_resultSource->setText(source);
    if (!outcome.decided)
        m_sounds->playUndecided();
    else
        m_sounds->play(outcome.verification.verdict);
    if (outcome.decided && outcome.verification.verdict == Sync::ScanVerdict::Valid)
        m_readyTimer->start(m_validShownMs);
    else
        m_readyTimer->stop();
}

void ScanScreen::handleConflict(const Sync::ScanConflict &conflict)
{
    ++m_conflictCount;
    const QString letIn = conflict.door.isEmpty() ? tr("this door") : conflict.door;
    QString line;
    if (!conflict.revokedReason.isEmpty()) {
        line = tr("Ticket %1 let in at %2 (%3) was revoked (%4)")
                   .arg(conflict.ticket.value(), letIn, ScanStyle::time(conflict.scannedMs),
                        conflict.revokedReason.toLower());
        if (conflict.revokedMs > 0)
            line += tr(" at %1").arg(ScanStyle::time(conflict.revokedMs));
    } else {
        line = tr("Ticket %1 let in at %2 (%3) was already used at %4")
                   .arg(conflict.ticket.value(), letIn, ScanStyle::time(conflict.scannedMs),
                        ScanStyle::time(conflict.earlierUsedMs));
        if (!conflict.earlierDoor.isEmpty())
            line += tr(" at %1").arg(conflict.earlierDoor);
        if (!conflict.earlierBy.isEmpty())
            line += tr(" by %1").arg(conflict.earlierBy);
    }
    m_conflictLines.prepend(line);
    while (m_conflictLines.size() > 6)
        m_conflictLines.removeLast();
    m_conflicts->setText(tr("<b>Flagged on upload: %1</b>").arg(m_conflictCount) +
                         QStringLiteral("<br>") + m_conflictLines.join(QStringLiteral("<br>")));
    m_conflicts->setVisible(true);
}

void ScanScreen::setResult(const QString &title, const QString &detail, const QColor &background,
                           const QColor &foreground)
{
    m_resultColour = background;
    m_resultTitle->setText(title);
    m_resultDetail->setText(detail);
    m_resultPanel->setStyleSheet(
        QStringLiteral("QFrame#resultPanel { background: %1; border-radius: 12px; }"
                       " QFrame#resultPanel QLabel { color: %2; background: transparent; }")
            .arg(colourName(background), colourName(foreground)));
    fitTitle();
}

void ScanScreen::showReady()
{
    const QColor window = palette().color(QPalette::Window);
    setResult(tr("READY"), tr("Scan a ticket"), window, kReadyText);
    m_resultPanel->setStyleSheet(m_resultPanel->styleSheet() +
                                 QStringLiteral(" QFrame#resultPanel { border: 4px dashed %1; }")
                                     .arg(colourName(kReadyText)));
    m_resultSource->clear();
}

void ScanScreen::fitTitle()
{
    QFont font = m_resultTitle->font();
    const int room = m_resultPanel->contentsRect().width() - 48; // the panel's margins
    int pixels = kTitlePixels;
    font.setPixelSize(pixels);
    const int width = QFontMetrics(font).horizontalAdvance(m_resultTitle->text());
    if (width > room && room > 0)
        pixels = std::max(kSmallestTitlePixels, pixels * room / width);
    if (m_resultTitle->font().pixelSize() != pixels) {
        font.setPixelSize(pixels);
        m_resultTitle->setFont(font);
    }
}

void ScanScreen::updateHeader()
{
    const QString show = m_scanner.show().value();
    const QString title = m_showTitles.value(show);
    QString text = show.isEmpty() ? tr("Any show") : (title.isEmpty() ? show : title);
    if (!m_scanner.door().isEmpty())
        text += tr(" · Door: %1").arg(m_scanner.door());
    m_header->setText(text);
}

void ScanScreen::updateCounters()
{
    m_counters->setText(tr("<span style='color:#1b8a3a'>Admitted %1</span>&nbsp;&nbsp;&nbsp;"
                           "<span style='color:#c62828'>Refused %2</span>")
                            .arg(m_admitted)
                            .arg(m_refused));
}

void ScanScreen::updateBanner()
{
    const int pending = m_scanner.pendingScans();
    if (!m_scanner.isOnline()) {
        m_banner->setText(pending == 1
                              ? tr("OFFLINE — deciding from this door's records · 1 scan waiting "
                                   "for upload")
                              : tr("OFFLINE — deciding from this door's records · %1 scans "
                                   "waiting for upload")
                                    .arg(pending));
        m_banner->setStyleSheet(
            QStringLiteral("QLabel#offlineBanner { background: #b71c1c; color: white; }"));
        m_banner->setVisible(true);
    } else if (pending > 0) {
        m_banner->setText(pending == 1 ? tr("Online · uploading 1 offline scan")
                                       : tr("Online · uploading %1 offline scans").arg(pending));
        m_banner->setStyleSheet(
            QStringLiteral("QLabel#offlineBanner { background: #f2a900; color: black; }"));
        m_banner->setVisible(true);
    } else if (m_scanner.keyCount() == 0) {
        m_banner->setText(tr("No ticket keys yet: tickets cannot be checked offline"));
        m_banner->setStyleSheet(
            QStringLiteral("QLabel#offlineBanner { background: #f2a900; color: black; }"));
        m_banner->setVisible(true);
    } else {
        m_banner->setVisible(false);
    }
}

} // namespace Boxoffice::Gui
