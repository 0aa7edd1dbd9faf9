// SIMD path names, which paths this CPU runs (host/cpu.hpp's detector) and the lookup of each
// path's kernel table.
#include <cgp/host/cpu.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/simd.hpp>

#include "kernels/kernels.hpp"

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

namespace kernels {

const Table<float>* table_f32(SimdPath path) noexcept
{
    switch (path) {
    case SimdPath::Scalar: return table_f32_scalar();
#if defined(__x86_64__)
    case SimdPath::Sse2: return table_f32_sse2();
    case SimdPath::Avx2: return table_f32_avx2();
    case SimdPath::Avx512: return table_f32_avx512();
#endif
    default: return nullptr;
    }
}

const Table<double>* table_f64(SimdPath path) noexcept
{
    switch (path) {
    case SimdPath::Scalar: return table_f64_scalar();
#if defined(__x86_64__)
    case SimdPath::Sse2: return table_f64_sse2();
    case SimdPath::Avx2: return table_f64_avx2();
    case SimdPath::Avx512: return table_f64_avx512();
#endif
    default: return nullptr;
    }
}

} // namespace kernels
} // namespace cgp
