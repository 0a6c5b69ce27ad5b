#include "ui/audit/auditpage.h"

#include "sync/client/apiclient.h"
#include "ui/audit/auditmodel.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

constexpr int kPageSize = 100;

} // namespace

AuditPage::AuditPage(Sync::ApiClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
{
    auto *layout = new QVBoxLayout(this);
    auto *grid = new QGridLayout;
    const auto field = [&](const QString &label, const QString &name, const QString &tip, int row,
                           int column) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setToolTip(tip);
        edit->setClearButtonEnabled(true);
        auto *caption = new QLabel(label, this);
        caption->setBuddy(edit);
        grid->addWidget(caption, row, column);
        grid->addWidget(edit, row, column + 1);
        connect(edit, &QLineEdit::returnPressed, this, &AuditPage::search);
        return edit;
    };
    m_actor = field(tr("Ac&tor:"), QStringLiteral("auditActor"),
                    tr("Who did it, e.g. supervisor (Alt+T)"), 0, 0);
    m_action = field(tr("Actio&n:"), QStringLiteral("auditAction"),
                     tr("An action or its start: \"refund\" also finds refund.card (Alt+N)"), 0, 2);
    m_terminal = field(tr("Ter&minal:"), QStringLiteral("auditTerminal"),
                       tr("The terminal's name (Alt+M)"), 0, 4);
    const QDateTime now = QDateTime::currentDateTime();
    m_useFrom = new QCheckBox(tr("F&rom:"), this);
    m_useFrom->setToolTip(tr("Only records at or after this time (Alt+R)"));
    m_from = new QDateTimeEdit(now.addDays(-1), this);
    m_from->setObjectName(QStringLiteral("auditFrom"));
    m_from->setCalendarPopup(true);
    m_from->setEnabled(false);
    m_useTo = new QCheckBox(tr("T&o:"), this);
    m_useTo->setToolTip(tr("Only records before this time (Alt+O)"));
    m_to = new QDateTimeEdit(now, this);
    m_to->setObjectName(QStringLiteral("auditTo"));
    m_to->setCalendarPopup(true);
    m_to->setEnabled(false);
    connect(m_useFrom, &QCheckBox::toggled, m_from, &QWidget::setEnabled);
    connect(m_useTo, &QCheckBox::toggled, m_to, &QWidget::setEnabled);
    grid->addWidget(m_useFrom, 1, 0);
    grid->addWidget(m_from, 1, 1);
    grid->addWidget(m_useTo, 1, 2);
    grid->addWidget(m_to, 1, 3);
    auto *find = new QPushButton(tr("&Search"), this);
    find->setObjectName(QStringLiteral("auditSearch"));
    find->setToolTip(tr("Read the newest records that match (Alt+S, or Enter in a field)"));
    grid->addWidget(find, 1, 5);
    layout->addLayout(grid);

    m_model = new AuditModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    auto *bottom = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("auditStatus"));
    m_older = new QPushButton(tr("Ol&der records"), this);
    m_older->setObjectName(QStringLiteral("auditOlder"));
    m_older->setToolTip(tr("Page back to older records (Alt+D)"));
    m_older->setEnabled(false);
    auto *check = new QPushButton(tr("&Verify chain"), this);
    check->setObjectName(QStringLiteral("auditVerify"));
    check->setToolTip(tr("Check that no record was changed or removed (Alt+V)"));
    m_chain = new QLabel(this);
    m_chain->setObjectName(QStringLiteral("auditChain"));
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_older);
    bottom->addWidget(check);
    bottom->addWidget(m_chain);
    layout->addLayout(bottom);

    connect(find, &QPushButton::clicked, this, &AuditPage::search);
    connect(m_older, &QPushButton::clicked, this, &AuditPage::older);
    connect(check, &QPushButton::clicked, this, &AuditPage::verify);
}

Sync::AuditFilter AuditPage::filter() const
{
    Sync::AuditFilter filter;
    filter.actor = m_actor->text().trimmed();
    filter.action = m_action->text().trimmed();
    filter.terminal = m_terminal->text().trimmed();
    if (m_useFrom->isChecked())
        filter.fromMs = m_from->dateTime().toMSecsSinceEpoch();
    if (m_useTo->isChecked())
        filter.toMs = m_to->dateTime().toMSecsSinceEpoch();
    filter.limit = kPageSize;
    return filter;
}

void AuditPage::search()
{
    load(0);
}

void AuditPage::older()
{
    if (m_nextBeforeId > 0)
        load(m_nextBeforeId);
}

void AuditPage::load(qint64 beforeId)
{
    Sync::AuditFilter query = filter();
    query.beforeId = beforeId;
    m_status->setText(tr("Reading…"));
    m_client.audit(query, this, [this, beforeId](Sync::Result<Sync::AuditPage> page) {
        if (!page) {
            m_status->setText(tr("The audit log could not be read: %1").arg(page.error().message));
            return;
        }
        if (beforeId == 0)
            m_model->setRecords(page->records);
        else
            m_model->appendRecords(page->records);
        m_nextBeforeId = page->nextBeforeId;
        m_older->setEnabled(m_nextBeforeId > 0);
        m_status->setText(tr("%n record(s) shown.", nullptr, m_model->rowCount()) +
                          (m_nextBeforeId > 0 ? tr(" Older ones exist.") : QString()));
        m_table->resizeColumnsToContents();
        emit recordsShown();
    });
}

void AuditPage::verify()
{
    m_chain->setText(tr("Checking…"));
    m_chain->setStyleSheet(QString());
    m_client.verifyAudit(this, [this](Sync::Result<Sync::AuditVerification> check) {
        if (!check) {
            m_chain->setText(tr("Check failed: %1").arg(check.error().message));
            return;
        }
        if (check->intact) {
            m_chain->setText(tr("Chain intact (%n record(s))", nullptr, int(check->records)));
            m_chain->setStyleSheet(QStringLiteral("color:#1a6b1a;font-weight:bold;"));
        } else {
            m_chain->setText(tr("Chain BROKEN at record %1%2")
                                 .arg(check->brokenAtId)
                                 .arg(check->problem.isEmpty()
                                          ? QString()
                                          : QStringLiteral(": ") + check->problem));
            m_chain->setStyleSheet(QStringLiteral("color:#a50026;font-weight:bold;"));
        }
        emit verified(*check);
    });
}

} // namespace Boxoffice::Gui
