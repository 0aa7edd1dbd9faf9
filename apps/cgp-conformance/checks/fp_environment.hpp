// fp_environment.hpp: the floating-point environment a plugin must leave alone: the control bits of
// MXCSR (flush-to-zero, denormals-are-zero, rounding, exception masks) and of the x87 control word on
// x86, the rounding mode elsewhere. Exception flags are not part of it: arithmetic sets them.
#pragma once

#include <cstdint>
#include <string>

namespace cgp::conformance {

struct FpEnvironment {
    std::uint32_t mxcsr = 0;       // control bits only
    std::uint32_t x87_control = 0; // x87 control word
    int rounding = 0;              // fegetround()
    bool operator==(const FpEnvironment&) const = default;
};

FpEnvironment current_fp_environment() noexcept;

// What differs from `before` to `after`, as "flush-to-zero (FTZ) on, denormals-are-zero (DAZ) on"; ""
// when nothing does.
std::string fp_environment_change(const FpEnvironment& before, const FpEnvironment& after);

// Whether the change turned flush-to-zero or denormals-are-zero on (the mark of -ffast-math).
bool turns_on_flush_to_zero(const FpEnvironment& before, const FpEnvironment& after);

// The environment of the check process just before it loaded the plugin (run_check records it).
void record_environment_before_load() noexcept;
const FpEnvironment& environment_before_load() noexcept;

} // namespace cgp::conformance
