#pragma once

#include <cstdint>
#include <vector>

namespace Boxoffice::Bench {

// Percentiles of a set of latencies, in milliseconds.
struct LatencySummary
{
    std::size_t count = 0;
    double meanMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double p999Ms = 0;
    double maxMs = 0;
};

// Records every sample (microseconds, 4 bytes each: a 60 s run at 100k req/s is 24 MB) and
// reports exact nearest-rank percentiles. Recording is a push_back; sorting happens once, at
// the end, outside the measured window.
class LatencyRecorder
{
public:
    LatencyRecorder() { m_samplesUs.reserve(1u << 20); }
    void record(std::int64_t nanoseconds)
    {
        const std::int64_t us = nanoseconds < 0 ? 0 : nanoseconds / 1000;
        m_samplesUs.push_back(us > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(us));
    }
    [[nodiscard]] std::size_t count() const { return m_samplesUs.size(); }
    [[nodiscard]] LatencySummary summarize();

private:
    std::vector<std::uint32_t> m_samplesUs;
};

} // namespace Boxoffice::Bench
