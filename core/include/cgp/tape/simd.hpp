// cgp/tape/simd.hpp: the kernel paths of the engine (scalar, sse2, avx2, avx512) and which this CPU runs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

enum class SimdPath { Auto, Scalar, Sse2, Avx2, Avx512 };

// "auto", "scalar", "sse2", "avx2", "avx512".
std::string_view to_string(SimdPath p) noexcept;
// Parses a --simd value; throws cgp::Error naming the accepted values.
SimdPath parse_simd_path(std::string_view text);
// Whether this build has kernels for the path and this CPU can run them (Scalar: always).
bool simd_path_available(SimdPath p) noexcept;
// Auto becomes the best available path; any other path is checked and returned, or refused with a
// cgp::Error that lists what this CPU supports.
SimdPath resolve_simd_path(SimdPath requested);
// The path a tape of values of dtype_size bytes and this batch size runs: as above, except that Auto
// takes AVX2 instead of AVX-512 for f32 batches of at most 8 samples (one AVX2 register), where
// AVX2 is faster.
SimdPath resolve_simd_path(SimdPath requested, std::size_t dtype_size, std::size_t batch);
// Every path available here, scalar first.
std::vector<SimdPath> available_simd_paths();

} // namespace cgp
