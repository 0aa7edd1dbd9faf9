// SIMD path names, which paths this CPU runs (host/cpu.hpp's detector) and the policy that picks
// the path of a tape. The kernel tables of each path are looked up in kernels/dispatch.cpp.
#include <cgp/host/cpu.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/simd.hpp>

#include <fmt/format.h>

namespace cgp {
namespace {

constexpr bool kX86 =
#if defined(__x86_64__)
    true;
#else
    false;
#endif

bool cpu_has(SimdPath p) noexcept
{
    const std::uint32_t isa = cpu_isa();
    switch (p) {
    case SimdPath::Auto:
    case SimdPath::Scalar: return true;
    case SimdPath::Sse2: return (isa & CGP_ISA_SSE2) != 0;
    case SimdPath::Avx2: return (isa & CGP_ISA_AVX2) != 0 && (isa & CGP_ISA_FMA3) != 0;
    case SimdPath::Avx512: return (isa & CGP_ISA_AVX512F) != 0;
    }
    return false;
}

} // namespace

std::string_view to_string(SimdPath p) noexcept
{
    switch (p) {
    case SimdPath::Auto: return "auto";
    case SimdPath::Scalar: return "scalar";
    case SimdPath::Sse2: return "sse2";
    case SimdPath::Avx2: return "avx2";
    case SimdPath::Avx512: return "avx512";
    }
    return "?";
}

SimdPath parse_simd_path(std::string_view text)
{
    for (SimdPath p : {SimdPath::Auto, SimdPath::Scalar, SimdPath::Sse2, SimdPath::Avx2, SimdPath::Avx512})
        if (to_string(p) == text)
            return p;
    throw Error(fmt::format("unknown SIMD path '{}'; use one of: auto scalar sse2 avx2 avx512", text));
}

bool simd_path_available(SimdPath p) noexcept
{
    if (p == SimdPath::Scalar)
        return true;
    if (p == SimdPath::Auto || !kX86)
        return p == SimdPath::Auto;
    return cpu_has(p);
}

std::vector<SimdPath> available_simd_paths()
{
    std::vector<SimdPath> out;
    for (SimdPath p : {SimdPath::Scalar, SimdPath::Sse2, SimdPath::Avx2, SimdPath::Avx512})
        if (simd_path_available(p))
            out.push_back(p);
    return out;
}

SimdPath resolve_simd_path(SimdPath requested)
{
    if (requested == SimdPath::Auto)
        return available_simd_paths().back();
    if (!simd_path_available(requested)) {
        std::string have;
        for (SimdPath p : available_simd_paths())
            have += fmt::format(" {}", to_string(p));
        throw Error(fmt::format("--simd {}: this CPU (or build) cannot run that path; available:{}",
                                to_string(requested), have));
    }
    return requested;
}

SimdPath resolve_simd_path(SimdPath requested, std::size_t dtype_size, std::size_t batch)
{
    const SimdPath path = resolve_simd_path(requested);
    // Auto on an AVX-512 machine: a batch of at most 8 floats fits one AVX2 register, and there
    // AVX2 runs faster (cgp-bench, multi-neuron forward+backward at batch 8: 127 ns against
    // 141 ns; from batch 32 on, and in f64, AVX-512 is as fast or faster).
    if (requested == SimdPath::Auto && path == SimdPath::Avx512 && dtype_size == sizeof(float) && batch <= 8 &&
        simd_path_available(SimdPath::Avx2))
        return SimdPath::Avx2;
    return path;
}

} // namespace cgp
