#include "ui/supervisor/stuckholdspage.h"

#include "sync/client/apiclient.h"
#include "ui/supervisor/overridedialog.h"
#include "ui/supervisor/ticketchoice.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

StuckHoldsPage::StuckHoldsPage(const SupervisorServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    m_show = new QComboBox(this);
    m_show->setObjectName(QStringLiteral("holdsShow"));
    m_show->setToolTip(tr("The show whose holds to list (Alt+S)"));
    auto *showLabel = new QLabel(tr("&Show:"), this);
    showLabel->setBuddy(m_show);
    m_minutes = new QSpinBox(this);
    m_minutes->setObjectName(QStringLiteral("holdsMinutes"));
    m_minutes->setRange(0, 24 * 60);
    m_minutes->setValue(10);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setToolTip(tr("Only holds at least this old (Alt+O)"));
    auto *minutesLabel = new QLabel(tr("&Older than:"), this);
    minutesLabel->setBuddy(m_minutes);
    auto *find = new QPushButton(tr("&List holds"), this);
    find->setObjectName(QStringLiteral("holdsFind"));
    find->setToolTip(tr("List the active holds (Alt+L)"));
    bar->addWidget(showLabel);
    bar->addWidget(m_show, 1);
    bar->addWidget(minutesLabel);
    bar->addWidget(m_minutes);
    bar->addWidget(find);
    layout->addLayout(bar);
    m_table = new QTableWidget(0, 6, this);
    m_table->setObjectName(QStringLiteral("holdsTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Hold"), tr("User"), tr("Seats"), tr("Held since"), tr("Expires"), tr("Total")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);
    auto *bottom = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("holdsStatus"));
    m_status->setWordWrap(true);
    m_release = new QPushButton(tr("&Release hold"), this);
    m_release->setObjectName(QStringLiteral("holdsRelease"));
    m_release->setToolTip(tr("Release the chosen hold: its seats become sellable (Alt+R)"));
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_release);
    layout->addLayout(bottom);

    connect(find, &QPushButton::clicked, this, &StuckHoldsPage::find);
    connect(m_release, &QPushButton::clicked, this, &StuckHoldsPage::releaseCurrent);
}

void StuckHoldsPage::loadShows()
{
    m_services.client.listShows(this, [this](Sync::Result<QList<Sync::ShowSummary>> shows) {
        if (!shows) {
            m_status->setText(tr("The show list could not be read: %1").arg(shows.error().message));
            return;
        }
        const QString current = m_show->currentData().toString();
        m_show->clear();
        for (const Sync::ShowSummary &show : *shows)
            m_show->addItem(show.title + QStringLiteral(" — ") +
                                QDateTime::fromMSecsSinceEpoch(show.startMs)
                                    .toLocalTime()
                                    .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                            show.id.value());
        m_show->setCurrentIndex(std::max(0, m_show->findData(current)));
    });
}

void StuckHoldsPage::find()
{
    const QString show = m_show->currentData().toString();
    if (show.isEmpty()) {
        m_status->setText(tr("Choose a show."));
        return;
    }
    m_status->setText(tr("Reading…"));
    m_services.client.stuckHolds(
        Core::ShowId(show), qint64(m_minutes->value()) * 60, this,
        [this](Sync::Result<QList<Sync::StuckHold>> holds) {
            if (!holds) {
                m_status->setText(tr("The holds could not be read: %1").arg(holds.error().message));
                return;
            }
            m_holds = *holds;
            m_table->setRowCount(int(m_holds.size()));
            const auto time = [](qint64 ms) {
                return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(
                    QStringLiteral("HH:mm:ss"));
            };
            for (int row = 0; row < m_holds.size(); ++row) {
                const Sync::StuckHold &h = m_holds[row];
                QStringList seats;
                for (const Core::SeatId &seat : h.seats)
                    seats << seat.value();
                const QStringList cells{h.id.value(),     h.username,
                                        seats.join(u' '), time(h.createdMs),
                                        time(h.expiryMs), moneyText(h.totalCents, QString())};
                for (int column = 0; column < cells.size(); ++column)
                    m_table->setItem(row, column, new QTableWidgetItem(cells[column]));
            }
            m_table->resizeColumnsToContents();
            if (!m_holds.isEmpty())
                m_table->selectRow(0);
            m_status->setText(tr("%n active hold(s).", nullptr, int(m_holds.size())));
            emit holdsListed();
        });
}

void StuckHoldsPage::releaseCurrent()
{
    const int row = m_table->currentRow();
    if (row < 0 || row >= m_holds.size()) {
        m_status->setText(tr("Choose a hold in the list."));
        return;
    }
    const Sync::StuckHold hold = m_holds[row];
    authorise(m_services.client, this, QStringLiteral("release"), hold.id.value(),
              tr("Release of hold %1 (%2)").arg(hold.id.value(), hold.username),
              [this, hold](const QString &token) {
                  m_services.client.forceReleaseHold(
                      hold.id, token, this, [this, hold](Sync::Result<> released) {
                          if (!released) {
                              m_status->setText(
                                  tr("Hold %1 was not released: %2")
                                      .arg(hold.id.value(), released.error().message));
                              return;
                          }
                          m_status->setText(tr("Hold %1 released.").arg(hold.id.value()));
                          find();
                      });
              });
}

} // namespace Boxoffice::Gui
