#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace Boxoffice::Test {

// A boxoffice-paysim process (the card-acquirer simulator) on a free loopback port, for tests
// that pay by card. Its output is kept for failure messages; it is stopped on destruction.
class PaysimProcess
{
public:
    PaysimProcess() = default;
    PaysimProcess(const PaysimProcess &) = delete;
    PaysimProcess &operator=(const PaysimProcess &) = delete;
    ~PaysimProcess() { stop(); }

    // Starts the simulator with `arguments` (plus --listen 127.0.0.1:0) and `secret` in
    // BOXOFFICE_PAYMENT_SECRET (none when empty) and waits until it listens.
    [[nodiscard]] bool start(const QStringList &arguments, const QByteArray &secret);
    void stop();

    [[nodiscard]] QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
    }
    [[nodiscard]] QString output() const { return QString::fromUtf8(m_output); }

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

} // namespace Boxoffice::Test
