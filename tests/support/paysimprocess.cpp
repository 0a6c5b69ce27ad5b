#include "paysimprocess.h"

#include "listeningprocess.h"

#include <QProcessEnvironment>

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
    const auto port = waitUntilListening(*m_process, m_output, kWaitMs);
    if (!port)
        return false;
    m_port = *port;
    return true;
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
