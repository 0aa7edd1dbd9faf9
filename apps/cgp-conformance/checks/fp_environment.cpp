// Reading the floating-point control state (MXCSR, x87 control word, rounding mode) and naming changes.
#include "fp_environment.hpp"

#include <fmt/format.h>

#include <cfenv>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CGP_CONFORMANCE_X86 1
#endif

namespace cgp::conformance {

namespace {

FpEnvironment g_before_load;

#if defined(CGP_CONFORMANCE_X86)
constexpr std::uint32_t kMxcsrFlags = 0x3f; // sticky exception flags: not control
constexpr std::uint32_t kFtz = 1u << 15, kDaz = 1u << 6, kMxcsrRounding = 3u << 13, kMxcsrMasks = 0x3fu << 7;
constexpr std::uint32_t kX87Precision = 3u << 8, kX87Rounding = 3u << 10, kX87Masks = 0x3f;
#endif

void on_off(std::vector<std::string>& out, std::uint32_t before, std::uint32_t after, std::uint32_t bit,
            const char* name)
{
    if ((before & bit) != (after & bit))
        out.push_back(fmt::format("{} {}", name, (after & bit) ? "on" : "off"));
}

} // namespace

FpEnvironment current_fp_environment() noexcept
{
    FpEnvironment e;
#if defined(CGP_CONFORMANCE_X86)
    e.mxcsr = _mm_getcsr() & ~kMxcsrFlags;
    std::uint16_t cw = 0;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    e.x87_control = cw;
#endif
    e.rounding = std::fegetround();
    return e;
}

std::string fp_environment_change(const FpEnvironment& before, const FpEnvironment& after)
{
    std::vector<std::string> parts;
#if defined(CGP_CONFORMANCE_X86)
    on_off(parts, before.mxcsr, after.mxcsr, kFtz, "flush-to-zero (MXCSR FTZ)");
    on_off(parts, before.mxcsr, after.mxcsr, kDaz, "denormals-are-zero (MXCSR DAZ)");
    if ((before.mxcsr & kMxcsrRounding) != (after.mxcsr & kMxcsrRounding))
        parts.push_back("the SSE rounding mode changed");
    if ((before.mxcsr & kMxcsrMasks) != (after.mxcsr & kMxcsrMasks))
        parts.push_back(fmt::format("SSE exception masks changed ({:#x} -> {:#x}): exceptions unmasked trap",
                                    before.mxcsr & kMxcsrMasks, after.mxcsr & kMxcsrMasks));
    if ((before.x87_control & kX87Precision) != (after.x87_control & kX87Precision))
        parts.push_back("the x87 precision changed");
    if ((before.x87_control & kX87Rounding) != (after.x87_control & kX87Rounding))
        parts.push_back("the x87 rounding mode changed");
    if ((before.x87_control & kX87Masks) != (after.x87_control & kX87Masks))
        parts.push_back("x87 exception masks changed");
#endif
    if (before.rounding != after.rounding && parts.empty())
        parts.push_back("the rounding mode changed");
    std::string out;
    for (const std::string& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    if (out.empty() && !(before == after))
        out = "the floating-point control state changed";
    return out;
}

bool turns_on_flush_to_zero(const FpEnvironment& before, const FpEnvironment& after)
{
#if defined(CGP_CONFORMANCE_X86)
    return ((after.mxcsr & ~before.mxcsr) & (kFtz | kDaz)) != 0;
#else
    (void)before;
    (void)after;
    return false;
#endif
}

void record_environment_before_load() noexcept
{
    g_before_load = current_fp_environment();
}

const FpEnvironment& environment_before_load() noexcept
{
    return g_before_load;
}

} // namespace cgp::conformance
