#pragma once

class QCoreApplication;

namespace Boxoffice::App {

// SIGINT and SIGTERM end `app`'s event loop (through a socket pair, so the handler only
// writes a byte). Call once, from the main thread, before app.exec().
void quitOnTerminationSignals(QCoreApplication &app);

} // namespace Boxoffice::App
