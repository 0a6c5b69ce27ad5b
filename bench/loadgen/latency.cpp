#include "latency.h"

#include <algorithm>
#include <cmath>

namespace Boxoffice::Bench {

LatencySummary LatencyRecorder::summarize()
{
    LatencySummary s;
    s.count = m_samplesUs.size();
    if (s.count == 0)
        return s;
    std::sort(m_samplesUs.begin(), m_samplesUs.end());
    double sum = 0;
    for (std::uint32_t v : m_samplesUs)
        sum += v;
    auto at = [this](double fraction) {
        // Nearest rank: the smallest sample with at least `fraction` of the samples <= it.
        auto rank = static_cast<std::size_t>(std::ceil(fraction * double(m_samplesUs.size())));
        rank = std::clamp<std::size_t>(rank, 1, m_samplesUs.size());
        return m_samplesUs[rank - 1] / 1000.0;
    };
    s.meanMs = sum / double(s.count) / 1000.0;
    s.p50Ms = at(0.50);
    s.p90Ms = at(0.90);
    s.p95Ms = at(0.95);
    s.p99Ms = at(0.99);
    s.p999Ms = at(0.999);
    s.maxMs = m_samplesUs.back() / 1000.0;
    return s;
}

} // namespace Boxoffice::Bench
