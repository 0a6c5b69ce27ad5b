#include "ui/shows/showlistpage.h"

#include "ui/shows/showfilterproxy.h"
#include "ui/shows/showlistmodel.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTableView>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

ShowListPage::ShowListPage(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *filters = new QHBoxLayout;
    auto *filterLabel = new QLabel(tr("&Find:"), this);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("showFilter"));
    m_filter->setPlaceholderText(tr("title, venue or city"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Filter the shows (Ctrl+F)"));
    filterLabel->setBuddy(m_filter);
    m_byDate = new QCheckBox(tr("On &date:"), this);
    m_date = new QDateEdit(QDate::currentDate(), this);
    m_date->setCalendarPopup(true);
    m_date->setEnabled(false);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(
        tr("Read the show list again (%1)")
            .arg(QKeySequence(QKeySequence::Refresh).toString(QKeySequence::NativeText)));
    filters->addWidget(filterLabel);
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_byDate);
    filters->addWidget(m_date);
    filters->addWidget(refresh);
    layout->addLayout(filters);

    m_model = new ShowListModel(this);
    m_proxy = new ShowFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("showTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ShowListModel::StartColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Enter or double click opens the show"));
    layout->addWidget(m_table, 1);
    m_status = new QLabel(this);
    layout->addWidget(m_status);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &ShowFilterProxy::setFilterText);
    connect(m_byDate, &QCheckBox::toggled, m_date, &QDateEdit::setEnabled);
    connect(m_byDate, &QCheckBox::toggled, this, &ShowListPage::applyDateFilter);
    connect(m_date, &QDateEdit::dateChanged, this, &ShowListPage::applyDateFilter);
    connect(refresh, &QPushButton::clicked, this, &ShowListPage::refreshRequested);
    connect(m_table, &QTableView::activated, this, &ShowListPage::openCurrent);
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        if (m_proxy->rowCount() > 0) {
            m_table->setCurrentIndex(m_proxy->index(0, 0));
            openCurrent();
        }
    });
    auto *find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, &ShowListPage::focusFilter);
}

void ShowListPage::setShows(const QList<Sync::ShowSummary> &shows, qint64 asOfMs)
{
    m_model->setShows(shows);
    if (asOfMs > 0)
        m_status->setText(
            tr("Offline: the list as of %1.")
                .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(asOfMs).toLocalTime(),
                                        QLocale::ShortFormat)));
    else
        m_status->setText(tr("%n show(s).", nullptr, int(shows.size())));
    if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, 0));
}

void ShowListPage::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void ShowListPage::openCurrent()
{
    const QModelIndex index = m_proxy->mapToSource(m_table->currentIndex());
    if (!index.isValid())
        return;
    emit showChosen(m_model->showAt(index.row()));
}

void ShowListPage::applyDateFilter()
{
    if (m_byDate->isChecked())
        m_proxy->setDateFilter(ShowFilterProxy::DateFilter::On, m_date->date());
    else
        m_proxy->setDateFilter(ShowFilterProxy::DateFilter::All, QDate());
}

} // namespace Boxoffice::Gui
