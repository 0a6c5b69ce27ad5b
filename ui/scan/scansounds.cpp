#include "ui/scan/scansounds.h"

#include <QApplication>
#include <QFile>
#include <QSoundEffect>
#include <QtEndian>

#include <cmath>
#include <numbers>

namespace Boxoffice::Gui {

using Sync::ScanVerdict;

namespace {

constexpr int kSampleRate = 22'050;

// One segment of a tone: a frequency (0: silence) held for a time.
struct Segment
{
    double hz;
    int ms;
    bool square = false; // a square wave sounds harsh: for refusals that must stand out
};

QList<Segment> toneFor(ScanVerdict verdict)
{
    switch (verdict) {
    case ScanVerdict::Valid:
        return {{1'320, 140}};
    case ScanVerdict::AlreadyUsed:
        return {{740, 130}, {0, 80}, {740, 130}};
    case ScanVerdict::Revoked:
        return {{330, 550}};
    case ScanVerdict::Forged:
        return {{180, 160, true}, {0, 50}, {180, 160, true}, {0, 50}, {180, 160, true}};
    case ScanVerdict::WrongShow:
        return {{520, 150}, {0, 40}, {880, 200}};
    }
    return {{440, 100}};
}

void appendLe16(QByteArray &out, quint16 value)
{
    char bytes[2];
    qToLittleEndian(value, bytes);
    out.append(bytes, 2);
}

void appendLe32(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToLittleEndian(value, bytes);
    out.append(bytes, 4);
}

} // namespace

QByteArray ScanSounds::toneWav(ScanVerdict verdict)
{
    QByteArray samples;
    for (const Segment &segment : toneFor(verdict)) {
        const int count = kSampleRate * segment.ms / 1000;
        const int fade = std::min(count / 4, kSampleRate / 200); // 5 ms: no clicks
        for (int i = 0; i < count; ++i) {
            double value = 0;
            if (segment.hz > 0) {
                const double phase = 2 * std::numbers::pi * segment.hz * i / kSampleRate;
                value = segment.square ? (std::sin(phase) >= 0 ? 0.6 : -0.6) : std::sin(phase);
                const int edge = std::min(i, count - 1 - i);
                if (edge < fade)
                    value *= double(edge) / fade;
            }
            appendLe16(samples, quint16(qint16(value * 0.5 * 32'767)));
        }
    }
    QByteArray wav("RIFF");
    appendLe32(wav, quint32(36 + samples.size()));
    wav.append("WAVEfmt ");
    appendLe32(wav, 16);              // format chunk size
    appendLe16(wav, 1);               // PCM
    appendLe16(wav, 1);               // mono
    appendLe32(wav, kSampleRate);     // sample rate
    appendLe32(wav, kSampleRate * 2); // bytes per second
    appendLe16(wav, 2);               // block align
    appendLe16(wav, 16);              // bits per sample
    wav.append("data");
    appendLe32(wav, quint32(samples.size()));
    wav.append(samples);
    return wav;
}

ScanSounds::ScanSounds(QObject *parent)
    : QObject(parent)
{
    if (!m_dir.isValid())
        return;
    for (const ScanVerdict verdict :
         {ScanVerdict::Valid, ScanVerdict::AlreadyUsed, ScanVerdict::Revoked, ScanVerdict::Forged,
          ScanVerdict::WrongShow}) {
        const QString path = m_dir.filePath(QStringLiteral("%1.wav").arg(Core::wireName(verdict)));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(toneWav(verdict)) < 0)
            continue;
        file.close();
        auto *effect = new QSoundEffect(this);
        effect->setSource(QUrl::fromLocalFile(path));
        m_effects.insert(int(verdict), effect);
    }
}

ScanSounds::~ScanSounds() = default;

void ScanSounds::play(ScanVerdict verdict)
{
    m_last = verdict;
    ++m_count;
    if (m_muted)
        return;
    QSoundEffect *effect = m_effects.value(int(verdict));
    if (!effect || effect->status() == QSoundEffect::Error) {
        QApplication::beep();
        return;
    }
    effect->play();
}

void ScanSounds::playUndecided()
{
    m_last.reset();
    ++m_count;
    if (!m_muted)
        QApplication::beep();
}

} // namespace Boxoffice::Gui
