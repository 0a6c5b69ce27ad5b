#pragma once

#include "sync/client/doorscanner.h"

#include <QColor>
#include <QCoreApplication>
#include <QString>

namespace Boxoffice::Gui {

// How a scan's answer looks at the door: a word readable from a distance and a colour that
// differs per result (and from each other in lightness too, for colour-blind staff).
struct ScanLook
{
    QString title;     // "VALID", "ALREADY USED", ...
    QColor background; // the result panel
    QColor foreground; // text on it
};

class ScanStyle
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::ScanStyle)
public:
    [[nodiscard]] static ScanLook look(const Sync::ScanOutcome &outcome);
    // The line under the title: seat, when/where/by, reason, the ticket's show.
    [[nodiscard]] static QString detail(const Sync::ScanOutcome &outcome,
                                        const QString &otherShowTitle);
    // A time as the door reads it: "19:01:05", with the date when it is not today.
    [[nodiscard]] static QString time(qint64 ms);

private:
    [[nodiscard]] static QString reasonText(const QString &reason);
};

} // namespace Boxoffice::Gui
