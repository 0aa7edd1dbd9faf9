// kernels.hpp: the element-wise kernels of optimizer files, one table per SIMD path (the TUs
// isa_scalar, isa_sse2, isa_avx2, isa_avx512 define them; run.cpp picks one).
#pragma once

#include "builtin.hpp"

#include <cgp/optfile/program.hpp>

#include <cstddef>

namespace cgp::optfile::kernels {

// Runs code[0 .. n) over elements [0, len) of the registers r (constants c); len is a multiple of lanes.
template <class T>
using run_fn = void (*)(const ElemInstr* code, std::size_t n, T* const* r, const T* c, std::size_t len) noexcept;

// Elements per block of the general route: each array's slice and each temporary of a block stay in
// L1, and a block is short enough that memory streams while the previous one computes.
inline constexpr std::size_t kBlock = 64;

// Runs code[0 .. n) over elements [0, count) of arrays[0 .. fixed) (p, g, the states) in blocks of
// kBlock, temporaries on the stack; count is a multiple of kBlock.
template <class T>
using blocks_fn = void (*)(const ElemInstr* code, std::size_t n, T* const* arrays, std::size_t fixed, const T* c,
                           std::size_t count) noexcept;

// Runs built-in program number k (builtin.hpp) over elements [0, len) of p = r[0], g = r[1] and the
// states r[2 ..] in one pass (constants c); len is a multiple of lanes.
template <class T>
using fused_fn = void (*)(T* const* r, const T* c, std::size_t len) noexcept;

template <class T>
struct PathKernels {
    const char* name;
    std::size_t lanes;
    run_fn<T> run;
    blocks_fn<T> blocks;
    fused_fn<T> fused[kBuiltinCount];
};

const PathKernels<float>* scalar_f32() noexcept;
const PathKernels<double>* scalar_f64() noexcept;
#if defined(__x86_64__)
const PathKernels<float>* sse2_f32() noexcept;
const PathKernels<double>* sse2_f64() noexcept;
const PathKernels<float>* avx2_f32() noexcept;
const PathKernels<double>* avx2_f64() noexcept;
const PathKernels<float>* avx512_f32() noexcept;
const PathKernels<double>* avx512_f64() noexcept;
#endif

} // namespace cgp::optfile::kernels
