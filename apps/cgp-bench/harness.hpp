// harness.hpp: the timing method of cgp-bench. A case is a callable doing one unit of work; it is
// warmed up, its repetition count is calibrated so one sample lasts about `sample_seconds`, and the
// median of `samples` samples is reported (machines here are shared and noisy; medians are stable
// where means are not). Google Benchmark would time cases as well, but cgp-bench needs ratios of
// cases measured side by side in one run and its own JSON, so this is the small part written here.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace cgp::bench {

struct Timing {
    double median = 0.0; // seconds per call
    double min = 0.0;
    std::uint64_t calls_per_sample = 0;
    int samples = 0;
};

struct HarnessOptions {
    double sample_seconds = 0.02;
    int samples = 9;
};

template <class F>
Timing measure(F&& work, const HarnessOptions& opt)
{
    using clock = std::chrono::steady_clock;
    auto run = [&](std::uint64_t calls) {
        const auto t0 = clock::now();
        for (std::uint64_t i = 0; i < calls; ++i)
            work();
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    // Warm up (caches, page faults, frequency), then calibrate.
    run(1);
    std::uint64_t calls = 1;
    double t = run(calls);
    while (t < opt.sample_seconds / 4 && calls < (std::uint64_t{1} << 40)) {
        calls *=
            t > 0 ? std::clamp<std::uint64_t>(static_cast<std::uint64_t>(opt.sample_seconds / 2 / t), 2, 100) : 100;
        t = run(calls);
    }
    if (t < opt.sample_seconds && t > 0)
        calls =
            std::max<std::uint64_t>(1, static_cast<std::uint64_t>(static_cast<double>(calls) * opt.sample_seconds / t));
    std::vector<double> per_call;
    for (int s = 0; s < opt.samples; ++s)
        per_call.push_back(run(calls) / static_cast<double>(calls));
    std::sort(per_call.begin(), per_call.end());
    Timing r;
    r.median = per_call[per_call.size() / 2];
    r.min = per_call.front();
    r.calls_per_sample = calls;
    r.samples = opt.samples;
    return r;
}

// Keeps the compiler from discarding a result.
template <class T>
inline void keep(const T& value)
{
    asm volatile("" : : "g"(&value) : "memory");
}

} // namespace cgp::bench
