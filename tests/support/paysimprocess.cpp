#include "paysimprocess.h"

#include <QDeadlineTimer>
#include <QProcessEnvironment>
#include <QRegularExpression>

namespace Boxoffice::Test {

namespace {
constexpr int kWaitMs = 30'000;
}

bool PaysimProcess::start(const QStringList &arguments, const QByteArray &secret)
{
    m_output.clear();
    m_port = 0;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("BOXOFFICE_PAYMENT_SECRET"));
    env.remove(QStringLiteral("BOXOFFICE_PAYMENT_SECRET_FILE"));
    if (!secret.isEmpty())
        env.insert(QStringLiteral("BOXOFFICE_PAYMENT_SECRET"), QString::fromLatin1(secret));
    m_process->setProcessEnvironment(env);
    m_process->start(QStringLiteral(BOXOFFICE_PAYSIM_BINARY),
                     QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} +
                         arguments);
    if (!m_process->waitForStarted(10'000)) {
        m_output = "could not start " BOXOFFICE_PAYSIM_BINARY;
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    const QDeadlineTimer deadline(kWaitMs);
    while (!deadline.hasExpired()) {
        if (!m_process->waitForReadyRead(100)) {
            if (m_process->state() != QProcess::Running) {
                m_output += m_process->readAll();
                return false;
            }
            continue;
        }
        m_output += m_process->readAll();
        const auto match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_port = static_cast<quint16>(match.captured(1).toUInt());
            // Keep draining the output so the simulator never blocks on a full pipe.
            QObject::connect(m_process.get(), &QProcess::readyRead, m_process.get(),
                             [this] { m_output += m_process->readAll(); });
            return true;
        }
    }
    return false;
}

void PaysimProcess::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(10'000)) {
        m_process->kill();
        m_process->waitForFinished(10'000);
    }
    m_output += m_process->readAll();
}

} // namespace Boxoffice::Test
