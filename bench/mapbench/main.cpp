// boxoffice-mapbench: the seat map's time to ready, frame times while panning and zooming,
// and memory, on the 100k-seat arena with the theatre as a baseline (bench/README.md).
//
// Offscreen: every frame is a full paint of a 1280×800 view into a QImage.

#include "mapbench.h"

#include "sync/client/terminalcache.h"
#include "ui/seatmap/seatmaplegend.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QMap>
#include <QTemporaryDir>

#include <cstdio>

using namespace Boxoffice;
using namespace Boxoffice::Bench;

namespace {

struct VenueRun
{
    QString name;
    ReadyTimes ready;
    // The same map opened the way the terminal does after a restart: the terminal's SQLite
    // cache opened, the layout document and the availability read from it, then as above.
    ReadyTimes readyFromCache;
    double cacheReadMs = 0; // open the cache file and read the layout and the availability
    Memory afterReady;
    Memory afterFrames;
    std::vector<FrameSample> samples;
    int seats = 0;
    std::vector<double> shares; // % available, held, sold, refund pending
};

QString levelName(Gui::SeatMapView::Detail detail)
{
    switch (detail) {
    case Gui::SeatMapView::Detail::Venue:
        return QStringLiteral("venue");
    case Gui::SeatMapView::Detail::Section:
        return QStringLiteral("section");
    case Gui::SeatMapView::Detail::Seat:
        return QStringLiteral("seat");
    }
    return {};
}

// Writes `input` into a fresh terminal cache at `path`, as the terminal does after a sync.
Core::Result<> fillCache(const QString &path, const MapInput &input)
{
    auto cache = Sync::TerminalCache::open(path);
    if (!cache)
        return std::unexpected(cache.error());
    if (auto saved =
            (*cache)->saveLayout(Core::VenueId(QStringLiteral("bench-venue")), input.layoutJson);
        !saved)
        return saved;
    return (*cache)->saveAvailability(Core::ShowId(QStringLiteral("bench-show")),
                                      {input.statuses, input.version, 1});
}

// Reads the map's input back from the cache at `path`: what a restarted terminal does first.
Core::Result<MapInput> readCache(const QString &path, const MapInput &demo)
{
    auto cache = Sync::TerminalCache::open(path);
    if (!cache)
        return std::unexpected(cache.error());
    auto layout = (*cache)->layout(Core::VenueId(QStringLiteral("bench-venue")));
    auto availability = (*cache)->availability(Core::ShowId(QStringLiteral("bench-show")));
    if (!layout || !availability)
        return std::unexpected(!layout ? layout.error() : availability.error());
    if (!*layout || !*availability)
        return Core::fail(Core::ErrorCode::NotFound, QStringLiteral("the cache lost the show"));
    MapInput input = demo;
    input.layoutJson = **layout;
    input.statuses = (*availability)->statuses;
    input.version = (*availability)->version;
    return input;
}

std::optional<VenueRun> runVenue(const QString &name, const QString &path, QSize size,
                                 const QString &pngDir)
{
    Core::Result<MapInput> input = demoInput(path, 20260301);
    if (!input) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(input.error().message));
        return std::nullopt;
    }
    QImage frame(size, QImage::Format_ARGB32_Premultiplied);
    VenueRun run;
    {
        QTemporaryDir dir;
        const QString cachePath = dir.filePath(QStringLiteral("terminal-cache.db"));
        if (auto filled = fillCache(cachePath, *input); !filled) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(filled.error().message));
            return std::nullopt;
        }
        QElapsedTimer clock;
        clock.start();
        Core::Result<MapInput> cached = readCache(cachePath, *input);
        run.cacheReadMs = double(clock.nsecsElapsed()) / 1e6;
        Core::Result<OpenMap> fromCache =
            cached ? openMap(*cached, frame)
                   : Core::Result<OpenMap>(std::unexpected(cached.error()));
        if (!fromCache) {
            std::fprintf(stderr, "%s from cache: %s\n", qPrintable(name),
                         qPrintable(fromCache.error().message));
            return std::nullopt;
        }
        run.readyFromCache = fromCache->times;
    }
    Core::Result<OpenMap> map = openMap(*input, frame);
    if (!map) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(map.error().message));
        return std::nullopt;
    }
    run.name = name;
    run.seats = map->model->seatCount();
    for (Core::SeatState state : {Core::SeatState::Available, Core::SeatState::Held,
                                  Core::SeatState::Sold, Core::SeatState::RefundPending})
        run.shares.push_back(100.0 * map->model->countIn(state) / std::max(run.seats, 1));
    run.ready = map->times;
    run.afterReady = memoryNow();
    run.samples = runFrameScript(*map, frame, pngDir, name);
    run.afterFrames = memoryNow();
    if (!pngDir.isEmpty()) {
        Gui::SeatMapLegend legend(map->model.get());
        legend.resize(legend.sizeHint().width(), legend.heightForWidth(legend.sizeHint().width()));
        legend.grab().save(QDir(pngDir).filePath(name + QStringLiteral("-legend.png")));
    }
    return run;
}

void printStats(const char *label, const std::vector<const FrameSample *> &samples)
{
    std::vector<double> wall;
    std::vector<double> cpu;
    for (const FrameSample *sample : samples) {
        wall.push_back(sample->ms);
        cpu.push_back(sample->cpuMs);
    }
    const Stats w = statsOf(wall);
    const Stats c = statsOf(cpu);
    std::printf("  %-22s %4d frames  p50 %6.2f  p95 %6.2f  max %6.2f ms   CPU p50 %6.2f  p95 "
                "%6.2f ms\n",
                label, w.count, w.p50, w.p95, w.max, c.p50, c.p95);
}

Stats overall(const VenueRun &run)
{
    std::vector<double> all;
    for (const FrameSample &sample : run.samples)
        all.push_back(sample.ms);
    return statsOf(all);
}

std::vector<const FrameSample *> pointers(const VenueRun &run)
{
    std::vector<const FrameSample *> all;
    for (const FrameSample &sample : run.samples)
        all.push_back(&sample);
    return all;
}

void printRun(const VenueRun &run)
{
    std::printf("\n== %s (%d seats) ==\n", qPrintable(run.name), run.seats);
    std::printf("  statuses: %.1f%% available, %.1f%% held, %.1f%% sold, %.1f%% refund pending\n",
                run.shares[0], run.shares[1], run.shares[2], run.shares[3]);
    std::printf("  ready: %.1f ms  (parse %.1f, model %.1f, view %.1f [grid alone %.1f], "
                "first paint %.1f)\n",
                run.ready.totalMs, run.ready.parseMs, run.ready.modelMs, run.ready.viewMs,
                run.ready.gridMs, run.ready.firstPaintMs);
    std::printf("  ready from the terminal's SQLite cache: %.1f ms  (open and read the cache %.1f, "
                "then parse %.1f, model %.1f, view %.1f, first paint %.1f)\n",
                run.cacheReadMs + run.readyFromCache.totalMs, run.cacheReadMs,
                run.readyFromCache.parseMs, run.readyFromCache.modelMs, run.readyFromCache.viewMs,
                run.readyFromCache.firstPaintMs);
    std::printf("  memory after ready: VmRSS %.1f MB; after the frames: VmRSS %.1f MB, "
                "VmHWM %.1f MB\n",
                run.afterReady.rssMb, run.afterFrames.rssMb, run.afterFrames.hwmMb);
    printStats("all frames", pointers(run));
    QMap<QString, std::vector<const FrameSample *>> byLevel;
    QMap<QString, std::vector<const FrameSample *>> byPhase;
    QStringList phases;
    for (const FrameSample &sample : run.samples) {
        byLevel[levelName(sample.detail)].push_back(&sample);
        if (!byPhase.contains(sample.phase))
            phases << sample.phase;
        byPhase[sample.phase].push_back(&sample);
    }
    for (const QString &level :
         {QStringLiteral("venue"), QStringLiteral("section"), QStringLiteral("seat")}) {
        if (byLevel.contains(level))
            printStats(qPrintable(QStringLiteral("level: ") + level), byLevel[level]);
    }
    for (const QString &phase : phases)
        printStats(qPrintable(QStringLiteral("phase: ") + phase), byPhase[phase]);
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Seat map benchmark: time to ready, frame times while panning and zooming, memory."));
    parser.addHelpOption();
    const QCommandLineOption venuesOption(
        QStringLiteral("venues"), QStringLiteral("Folder of the venue layouts."),
        QStringLiteral("dir"), QStringLiteral(BOXOFFICE_VENUES_DIR));
    const QCommandLineOption pngOption(
        QStringLiteral("png-dir"),
        QStringLiteral("Save a frame per level of detail (and the legend) to this folder."),
        QStringLiteral("dir"));
    const QCommandLineOption sizeOption(QStringLiteral("size"),
                                        QStringLiteral("View size (1280x800)."),
                                        QStringLiteral("WxH"), QStringLiteral("1280x800"));
    parser.addOptions({venuesOption, pngOption, sizeOption});
    parser.process(app);

    const QStringList sizeParts = parser.value(sizeOption).split(QLatin1Char('x'));
    const QSize size(sizeParts.value(0).toInt(), sizeParts.value(1).toInt());
    if (size.width() < 64 || size.height() < 64) {
        std::fprintf(stderr, "bad --size\n");
        return 2;
    }
    const QString pngDir = parser.value(pngOption);
    if (!pngDir.isEmpty())
        QDir().mkpath(pngDir);
    const QDir venues(parser.value(venuesOption));

    const Memory baseline = memoryNow();
    std::printf("Seat map bench: %dx%d view, offscreen raster, full paint per frame\n",
                size.width(), size.height());
    std::printf("memory before any venue (QApplication, fonts): VmRSS %.1f MB\n", baseline.rssMb);
    // The arena first, so that its memory figures are not inflated by the theatre.
    const auto arena = runVenue(QStringLiteral("arena"),
                                venues.filePath(QStringLiteral("arena.json")), size, pngDir);
    const auto theatre = runVenue(QStringLiteral("theatre"),
                                  venues.filePath(QStringLiteral("theatre.json")), size, pngDir);
    if (!arena || !theatre)
        return 1;
    printRun(*arena);
    printRun(*theatre);

    const Stats a = overall(*arena);
    const Stats t = overall(*theatre);
    std::printf("\narena / theatre: p50 %.2fx, p95 %.2fx\n", a.p50 / t.p50, a.p95 / t.p95);
    const double fromCache = arena->cacheReadMs + arena->readyFromCache.totalMs;
    std::printf(
        "targets: arena ready from cache %.0f ms (<= 250) %s; frame p95 %.2f ms (<= 16) %s; "
        "RSS peak %.0f MB (<= 150) %s\n",
        fromCache, fromCache <= 250 ? "PASS" : "MISS", a.p95, a.p95 <= 16 ? "PASS" : "MISS",
        arena->afterFrames.hwmMb, arena->afterFrames.hwmMb <= 150 ? "PASS" : "MISS");
    return 0;
}
