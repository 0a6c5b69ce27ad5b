#include "listeningprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

namespace Boxoffice::Test {

std::optional<quint16> waitUntilListening(QProcess &process, QByteArray &output, int timeoutMs)
{
    static const QRegularExpression listening(
        QStringLiteral("listening on https?://127\\.0\\.0\\.1:(\\d+)"));
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!process.waitForReadyRead(100)) {
            if (process.state() != QProcess::Running) {
                output += process.readAll();
                return std::nullopt;
            }
            continue;
        }
        output += process.readAll();
        const auto match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch()) {
            QObject::connect(&process, &QProcess::readyRead, &process,
                             [&process, &output] { output += process.readAll(); });
            return static_cast<quint16>(match.captured(1).toUInt());
        }
    }
    return std::nullopt;
}

} // namespace Boxoffice::Test
