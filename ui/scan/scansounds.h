#pragma once

#include "sync/client/apitypes.h"

#include <QHash>
#include <QObject>
#include <QTemporaryDir>

#include <optional>

class QSoundEffect;

namespace Boxoffice::Gui {

// One short, distinct tone per scan result, so door staff hear the answer without looking:
// VALID a single high beep, ALREADY_USED two mid beeps, REVOKED a long low tone, FORGED a harsh
// buzz, WRONG_SHOW a rising pair. The tones are generated as WAV files at start (no sound files
// to ship) and played with QSoundEffect; where no audio output works, QApplication::beep().
class ScanSounds : public QObject
{
    Q_OBJECT
public:
    explicit ScanSounds(QObject *parent = nullptr);
    ~ScanSounds() override;

    void play(Sync::ScanVerdict verdict);
    // An undecided scan (nothing could be checked).
    void playUndecided();

    void setMuted(bool muted) { m_muted = muted; }
    [[nodiscard]] bool isMuted() const { return m_muted; }
    // The verdict whose tone was played last (tests); nullopt before any or after undecided.
    [[nodiscard]] std::optional<Sync::ScanVerdict> lastPlayed() const { return m_last; }
    [[nodiscard]] int playCount() const { return m_count; }

    // The tone for a verdict as a complete WAV file (16-bit mono PCM).
    [[nodiscard]] static QByteArray toneWav(Sync::ScanVerdict verdict);

private:
    QTemporaryDir m_dir;
    QHash<int, QSoundEffect *> m_effects; // by verdict
    std::optional<Sync::ScanVerdict> m_last;
    int m_count = 0;
    bool m_muted = false;
};

} // namespace Boxoffice::Gui
