#pragma once

#include <QByteArray>
#include <QProcess>

#include <optional>

namespace Boxoffice::Test {

// Waits until a started Boxoffice program prints "listening on http://127.0.0.1:PORT" and
// returns PORT; nullopt when it exits or the time runs out. Everything it prints is appended
// to `output`, also afterwards (so it never blocks on a full pipe); `output` must outlive
// `process`.
[[nodiscard]] std::optional<quint16> waitUntilListening(QProcess &process, QByteArray &output,
                                                        int timeoutMs);

} // namespace Boxoffice::Test
