// cgp/data/rng.hpp: the random generator behind initial weights, generated data and batch sampling.
//
// std::mt19937_64 is specified bit for bit by the C++ standard; the uniform and normal draws are
// written out here (53-bit doubles, Marsaglia's polar method) because the standard library's
// distributions may differ between implementations. Runs are thus reproducible everywhere, and the
// whole state (engine plus the cached normal) can be saved in a checkpoint.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>

namespace cgp {

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

    // Uniform on [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n), n > 0, without modulo bias.
    std::uint64_t below(std::uint64_t n) noexcept
    {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t r;
        do
            r = engine_();
        while (r >= limit);
        return r % n;
    }

    bool coin() noexcept { return (engine_() >> 63) != 0; }

    // 64 raw random bits (the engine's next output).
    std::uint64_t bits() noexcept { return engine_(); }

    // Standard normal (Marsaglia polar method; the second value is cached for the next call).
    double normal() noexcept
    {
        if (has_cached_) {
            has_cached_ = false;
            return cached_;
        }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        cached_ = u * f;
        has_cached_ = true;
        return v * f;
    }

    // The complete state as text, and back (for checkpoints).
    std::string save() const;
    void restore(const std::string& state);

private:
    std::mt19937_64 engine_;
    double cached_ = 0.0;
    bool has_cached_ = false;
};

} // namespace cgp
