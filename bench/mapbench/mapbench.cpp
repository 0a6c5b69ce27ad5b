#include "mapbench.h"

#include "core/seatmap/seatgrid.h"
#include "core/venue/venuelayout.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <numbers>

#include <time.h>

namespace Boxoffice::Bench {

using Core::SeatState;
using Gui::SeatMapView;

namespace {

double msSince(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

struct Timed
{
    double ms;
    double cpuMs;
};

// One full paint of the view into frame, after `before` (e.g. a change to the model).
template <class Before = void (*)()>
Timed renderTimed(
    SeatMapView &view, QImage &frame, Before before = [] {})
{
    const double cpu = processCpuMs();
    QElapsedTimer timer;
    timer.start();
    before();
    view.render(&frame);
    return Timed{msSince(timer), processCpuMs() - cpu};
}

QString levelName(SeatMapView::Detail detail)
{
    switch (detail) {
    case SeatMapView::Detail::Venue:
        return QStringLiteral("venue");
    case SeatMapView::Detail::Section:
        return QStringLiteral("section");
    case SeatMapView::Detail::Seat:
        return QStringLiteral("seat");
    }
    return {};
}

} // namespace

Core::Result<OpenMap> openMap(const MapInput &input, QImage &frame)
{
    OpenMap map;
    QElapsedTimer total;
    total.start();

    QElapsedTimer step;
    step.start();
    Core::Result<Core::VenueLayout> parsed =
        Core::parseVenueLayout(input.layoutJson, input.sourceName);
    if (!parsed)
        return std::unexpected(parsed.error());
    auto layout = std::make_shared<const Core::VenueLayout>(std::move(*parsed));
    map.times.parseMs = msSince(step);

    step.restart();
    map.model = std::make_unique<Core::SeatMapModel>();
    map.model->setShow(Core::ShowId(QStringLiteral("bench")), layout, input.categoryPriceCents,
                       input.currency);
    if (!input.statuses.empty()) {
        if (auto applied = map.model->applySnapshot(input.statuses, input.version); !applied)
            return std::unexpected(applied.error());
    }
    map.model->setOwnSeats(input.own);
    map.model->setSelection(input.selected);
    map.model->setFreshness(Core::Freshness::Live, QDateTime::currentMSecsSinceEpoch());
    map.times.modelMs = msSince(step);

    step.restart();
    map.view = std::make_unique<SeatMapView>(map.model.get());
    map.view->resize(frame.size());
    map.times.viewMs = msSince(step);

    map.times.firstPaintMs = renderTimed(*map.view, frame).ms;
    map.times.totalMs = msSince(total);

    step.restart();
    const Core::SeatGrid grid(layout);
    map.times.gridMs = msSince(step);
    return map;
}

Core::Result<MapInput> demoInput(const QString &layoutPath, quint32 seed)
{
    QFile file(layoutPath);
    if (!file.open(QIODevice::ReadOnly))
        return Core::fail(Core::ErrorCode::NotFound,
                          QStringLiteral("cannot read %1: %2").arg(layoutPath, file.errorString()));
    MapInput input;
    input.layoutJson = file.readAll();
    input.sourceName = QFileInfo(layoutPath).fileName();
    Core::Result<Core::VenueLayout> layout =
        Core::parseVenueLayout(input.layoutJson, input.sourceName);
    if (!layout)
        return std::unexpected(layout.error());
    const int categories = int(layout->categories().size());
    for (int c = 0; c < categories; ++c)
        input.categoryPriceCents.push_back(12'000 - c * 1'500);
    input.currency = QStringLiteral("EUR");

    // Sold in runs along each row: the best categories sell first.
    QRandomGenerator random(seed);
    const auto &seats = layout->seats();
    const int n = int(seats.size());
    input.statuses.assign(std::size_t(n), quint8(SeatState::Available));
    for (int i = 0; i < n;) {
        const double soldShare = 0.55 - 0.06 * seats[i].category;
        const int run = 2 + int(random.bounded(5));
        const double roll = random.generateDouble();
        const SeatState state = roll < soldShare          ? SeatState::Sold
                                : roll < soldShare + 0.07 ? SeatState::Held
                                                          : SeatState::Available;
        for (int k = 0; k < run && i < n; ++k, ++i)
            input.statuses[i] = quint8(state);
    }
    for (int i = 0; i < n; ++i) {
        if (random.generateDouble() < 0.002)
            input.statuses[i] = quint8(SeatState::RefundPending);
    }
    // This terminal's hold: four seats; the clerk's selection: six more nearby.
    const int base = n / 3;
    for (int i = base, taken = 0; i < n && taken < 10; ++i) {
        if (input.statuses[i] != quint8(SeatState::Available))
            continue;
        if (taken < 4) {
            input.statuses[i] = quint8(SeatState::Held);
            input.own.push_back(i);
        } else {
            input.selected.push_back(i);
        }
        ++taken;
    }
    return input;
}

std::vector<FrameSample> runFrameScript(OpenMap &map, QImage &frame, const QString &pngDir,
                                        const QString &prefix)
{
    SeatMapView &view = *map.view;
    Core::SeatMapModel &model = *map.model;
    const Core::VenueLayout &layout = model.layout();
    const QRectF bounds = layout.bounds();
    const QPointF middle(frame.width() / 2.0, frame.height() / 2.0);
    const double pitch = Core::SeatGrid(model.sharedLayout()).seatPitch();
    const auto scaleForSeatPx = [&](double px) { return px / pitch; };

    std::vector<FrameSample> samples;
    const auto frameAt = [&](const QString &phase) {
        const Timed timed = renderTimed(view, frame);
        samples.push_back(FrameSample{phase, view.detail(), timed.ms, timed.cpuMs});
    };
    const auto at = [&](double fx, double fy) {
        return QPointF(bounds.left() + fx * bounds.width(), bounds.top() + fy * bounds.height());
    };
    const auto savePng = [&](const QString &name) {
        if (pngDir.isEmpty())
            return;
        view.render(&frame);
        frame.save(QDir(pngDir).filePath(QStringLiteral("%1-%2.png").arg(prefix, name)));
    };

    // 1. The whole venue, panned around a little.
    view.fitVenue();
    const double fit = view.pixelsPerMetre();
    savePng(levelName(view.detail()) + QStringLiteral("-fit"));
    view.zoomTo(fit * 1.3, middle);
    for (int k = 0; k < 40; ++k) {
        const double t = 2 * std::numbers::pi * k / 40;
        view.setVenueCentre(at(0.5 + 0.25 * std::cos(t), 0.5 + 0.25 * std::sin(t)));
        frameAt(QStringLiteral("venue pan"));
    }

    // 2. Zoom in from the whole venue to seat numbers, drifting toward a seat.
    const QPointF target(layout.seats()[std::size_t(layout.seatCount() / 3)].x,
                         layout.seats()[std::size_t(layout.seatCount() / 3)].y);
    const double deepest = scaleForSeatPx(40);
    for (int k = 0; k <= 30; ++k) {
        const double f = k / 30.0;
        view.zoomTo(fit * std::pow(deepest / fit, f), middle);
        view.setVenueCentre(bounds.center() * (1 - f) + target * f);
        frameAt(QStringLiteral("zoom in"));
    }

    // 3. Sections: a raster scan over the whole venue.
    view.zoomTo(scaleForSeatPx(8), middle);
    for (int row = 0; row < 6; ++row) {
        for (int col = 0; col < 12; ++col) {
            view.setVenueCentre(at((row % 2 ? 11 - col : col) / 11.0, row / 5.0));
            frameAt(QStringLiteral("section pan"));
        }
    }
    view.setVenueCentre(target);
    savePng(levelName(view.detail()));

    // 4. Seats: a Lissajous path across the venue.
    view.zoomTo(scaleForSeatPx(18), middle);
    for (int k = 0; k < 60; ++k) {
        const double t = 2 * std::numbers::pi * k / 60;
        view.setVenueCentre(at(0.5 + 0.45 * std::sin(3 * t), 0.5 + 0.45 * std::sin(2 * t)));
        frameAt(QStringLiteral("seat pan"));
    }
    view.setVenueCentre(target);
    savePng(levelName(view.detail()));

    // 5. Seat numbers.
    view.zoomTo(scaleForSeatPx(32), middle);
    for (int k = 0; k < 30; ++k) {
        const double t = 2 * std::numbers::pi * k / 30;
        view.setVenueCentre(at(0.5 + 0.4 * std::cos(t), 0.45 + 0.4 * std::sin(t)));
        frameAt(QStringLiteral("numbers pan"));
    }
    view.setVenueCentre(target);
    view.setCurrentSeat(layout.seatCount() / 3 + 12);
    savePng(levelName(view.detail()) + QStringLiteral("-numbers"));

    // 6. Live changes while the whole venue is shown: 50 seats change between frames.
    view.fitVenue();
    QRandomGenerator random(99);
    qint64 version = model.version();
    for (int k = 0; k < 30; ++k) {
        std::vector<int> changed;
        for (int c = 0; c < 50; ++c)
            changed.push_back(int(random.bounded(quint32(layout.seatCount()))));
        const SeatState state = k % 2 ? SeatState::Sold : SeatState::Held;
        const Timed timed = renderTimed(view, frame, [&] {
            if (!model.applyChange(state, changed, ++version))
                qFatal("a generated change was refused");
        });
        samples.push_back(
            FrameSample{QStringLiteral("live changes"), view.detail(), timed.ms, timed.cpuMs});
    }

    // 7. Zoom back out from seats to the whole venue, around the keyboard cursor.
    for (int k = 0; k <= 30; ++k) {
        const double f = k / 30.0;
        view.zoomTo(deepest * std::pow(fit / deepest, f), middle);
        view.setVenueCentre(target * (1 - f) + bounds.center() * f);
        frameAt(QStringLiteral("zoom out"));
    }

    // Stale: as the clerk would see it with the server unreachable.
    model.setFreshness(Core::Freshness::Stale, QDateTime::currentMSecsSinceEpoch() - 95'000);
    view.fitVenue();
    savePng(QStringLiteral("stale"));
    view.zoomTo(scaleForSeatPx(18), middle);
    view.setVenueCentre(target);
    savePng(QStringLiteral("stale-seat"));
    frameAt(QStringLiteral("stale"));
    model.setFreshness(Core::Freshness::Live, QDateTime::currentMSecsSinceEpoch());
    return samples;
}

Stats statsOf(std::vector<double> values)
{
    Stats stats;
    stats.count = int(values.size());
    if (values.empty())
        return stats;
    std::sort(values.begin(), values.end());
    const auto rank = [&](double q) {
        return values[std::min(values.size() - 1, std::size_t(std::ceil(q * values.size())) - 1)];
    };
    stats.p50 = rank(0.50);
    stats.p95 = rank(0.95);
    stats.max = values.back();
    return stats;
}

Memory memoryNow()
{
    Memory memory;
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return memory;
    for (const QByteArray &line : status.readAll().split('\n')) {
        const auto kb = [&](const char *key) {
            return line.mid(qsizetype(qstrlen(key))).trimmed().split(' ').value(0).toDouble() /
                   1024.0;
        };
        if (line.startsWith("VmRSS:"))
            memory.rssMb = kb("VmRSS:");
        else if (line.startsWith("VmHWM:"))
            memory.hwmMb = kb("VmHWM:");
    }
    return memory;
}

} // namespace Boxoffice::Bench
