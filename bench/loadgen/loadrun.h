#pragma once

#include "httpwire.h"
#include "latency.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace Boxoffice::Bench {

enum class Route
{
    Health, // GET /api/v1/health
    Holds,  // POST /api/v1/shows/{show}/holds
};

struct RunConfig
{
    Endpoint endpoint;
    Route route = Route::Health;
    std::string show = "arena-rock";
    std::string token;
    int connections = 64;
    double durationSeconds = 5;
    double warmupSeconds = 0;
    double rate = 0; // requests/s, open loop; 0: closed loop
    int seatsPerHoldMin = 1;
    int seatsPerHoldMax = 1;
    double collideFraction = 0;
    int holdSeconds = 600;
    int requestTimeoutMs = 10'000;
    double drainSeconds = 10;
    std::uint64_t seed = 1;
};

struct RunResult
{
    // Everything below counts only requests issued (closed loop) or scheduled (open loop)
    // inside the measured window; warm-up requests are not counted.
    double elapsedSeconds = 0; // window start to the later of window end / last answer
    std::uint64_t completed = 0;
    std::map<int, std::uint64_t> byStatus;
    std::uint64_t errors = 0; // connection failures, resets, timeouts, malformed answers
    std::uint64_t timeouts = 0;
    std::uint64_t unsent = 0;     // open loop: scheduled but never sent (seats ran out, drain)
    std::uint64_t unanswered = 0; // in flight when the drain time ran out
    LatencySummary latency;
    double sendLagP99Ms = 0; // open loop: how late sends left (all connections busy)
    double sendLagMaxMs = 0;
    std::vector<std::uint32_t> perSecond; // answers per second of the window

    // Whole run, warm-up included.
    std::uint64_t answersAll = 0;      // answers received, warm-up and drain included
    std::uint64_t seatsRequested = 0;  // fresh seats sent in holds
    std::uint64_t seatsGranted = 0;    // seats in 201 answers
    std::uint64_t doubleGranted = 0;   // a seat granted by two 201s: an oversell
    std::uint64_t freshRefused = 0;    // 409 for a hold of never-requested seats (not ours)
    std::uint64_t collideRequests = 0; // holds that targeted already requested seats
    std::uint64_t collideGranted = 0;  // ... and got 201 anyway (only if the first one failed)
    bool seatsExhausted = false;
    std::vector<std::string> sampleErrors; // a few bodies of unexpected answers
    double clientCpuSeconds = 0;           // this process, user + system
};

// Runs one load phase. `seats` is the (already shuffled) pool of seat ids for Route::Holds;
// each connection gets a disjoint contiguous slice of it.
[[nodiscard]] RunResult runLoad(const RunConfig &config, const std::vector<std::string> &seats);

} // namespace Boxoffice::Bench
