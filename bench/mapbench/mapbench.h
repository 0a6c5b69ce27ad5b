#pragma once

#include "core/common/result.h"
#include "core/seatmap/seatmapmodel.h"
#include "ui/seatmap/seatmapview.h"

#include <QByteArray>
#include <QImage>
#include <QString>

#include <memory>
#include <vector>

namespace Boxoffice::Bench {

// What the terminal has in hand when it opens a show: the venue layout document and the seat
// statuses, e.g. read from its SQLite cache or from a compact snapshot.
struct MapInput
{
    QByteArray layoutJson;
    QString sourceName;                     // for parse errors
    std::vector<qint64> categoryPriceCents; // per layout category; -1 not on sale
    QString currency;
    std::vector<quint8> statuses; // SeatState per seat, layout order
    qint64 version = 1;
    std::vector<int> selected;
    std::vector<int> own;
};

// Milliseconds from the input to a painted map, by step.
struct ReadyTimes
{
    double parseMs = 0;      // layout JSON -> VenueLayout
    double modelMs = 0;      // SeatMapModel: show, snapshot, selection, own seats
    double viewMs = 0;       // SeatMapView: grid, section outlines, row labels, overview raster
    double firstPaintMs = 0; // the first full paint
    double totalMs = 0;
    double gridMs = 0; // the SeatGrid alone (built again separately; part of viewMs)
};

struct OpenMap
{
    std::unique_ptr<Core::SeatMapModel> model;
    std::unique_ptr<Gui::SeatMapView> view;
    ReadyTimes times;
};

// Opens the map the way the terminal does and times it: parse, model, view, first paint into
// `frame` (whose size the view takes). Fails when the layout or the statuses are invalid.
[[nodiscard]] Core::Result<OpenMap> openMap(const MapInput &input, QImage &frame);

// A demo venue with realistic statuses: seats sold or held in runs of 2–6 along the rows, more
// of them in the expensive categories (the arena: about 36% sold, 7% held), 0.2% refund
// pending, four seats held by this terminal and six selected. Deterministic for a seed.
[[nodiscard]] Core::Result<MapInput> demoInput(const QString &layoutPath, quint32 seed);

struct FrameSample
{
    QString phase;
    Gui::SeatMapView::Detail detail;
    double ms;    // wall time
    double cpuMs; // CPU time of the whole process (Qt may fill large areas on worker threads)
};

// The scripted sequence: pans and zooms across the whole venue at every level of detail, and
// live changes at the whole-venue level. Each sample times one full paint (QWidget::render)
// of the view into `frame`. With a non-empty pngDir, saves one frame per level of detail
// there as "<prefix>-<level>.png" (and a stale one).
[[nodiscard]] std::vector<FrameSample> runFrameScript(OpenMap &map, QImage &frame,
                                                      const QString &pngDir, const QString &prefix);

struct Stats
{
    int count = 0;
    double p50 = 0;
    double p95 = 0;
    double max = 0;
};
[[nodiscard]] Stats statsOf(std::vector<double> values);

struct Memory
{
    double rssMb = 0; // VmRSS
    double hwmMb = 0; // VmHWM, the peak
};
[[nodiscard]] Memory memoryNow();

} // namespace Boxoffice::Bench
