// run_step(): one step of a compiled optimizer file: the per-step constants in double, then the
// element-wise program on the widest SIMD path this CPU runs (or the scalar one): fused in one pass
// for a built-in program, else in one pass over blocks of kernels::kBlock elements; the elements
// past the last full block run through the same instructions with a run-time length, and the scalar
// path takes those past the last full SIMD register.
#include "kernels/kernels.hpp"

#include <cgp/host/cpu.hpp>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace cgp::optfile {
namespace {

template <class T>
struct Paths;
template <>
struct Paths<float> {
    static const kernels::PathKernels<float>* scalar() noexcept { return kernels::scalar_f32(); }
#if defined(__x86_64__)
    static const kernels::PathKernels<float>* sse2() noexcept
    {
        return kernels::sse2_f32();
    }
    static const kernels::PathKernels<float>* avx2() noexcept
    {
        return kernels::avx2_f32();
    }
    static const kernels::PathKernels<float>* avx512() noexcept
    {
        return kernels::avx512_f32();
    }
#endif
};
template <>
struct Paths<double> {
    static const kernels::PathKernels<double>* scalar() noexcept { return kernels::scalar_f64(); }
#if defined(__x86_64__)
    static const kernels::PathKernels<double>* sse2() noexcept
    {
        return kernels::sse2_f64();
    }
    static const kernels::PathKernels<double>* avx2() noexcept
    {
        return kernels::avx2_f64();
    }
    static const kernels::PathKernels<double>* avx512() noexcept
    {
        return kernels::avx512_f64();
    }
#endif
};

enum class Widest { Scalar, Sse2, Avx2, Avx512 };

// Whether the comma- or space-separated list `text` names `isa` (without allocating).
bool names(const char* text, std::string_view isa) noexcept
{
    std::string_view rest(text);
    while (!rest.empty()) {
        const std::size_t end = rest.find_first_of(", ");
        if (rest.substr(0, end) == isa)
            return true;
        if (end == std::string_view::npos)
            break;
        rest.remove_prefix(end + 1);
    }
    return false;
}

// The widest path this CPU runs, less what CGP_ISA_DISABLE removes, decided at the first step (like
// the SDK's dispatch, so a process started or forked with CGP_ISA_DISABLE set steps that path even
// where cpu_isa() read the variable before it was set).
Widest widest() noexcept
{
    static const Widest w = [] {
#if defined(__x86_64__)
        std::uint32_t isa = cpu_isa();
        if (const char* off = std::getenv("CGP_ISA_DISABLE")) {
            if (names(off, "avx512f"))
                isa &= ~static_cast<std::uint32_t>(CGP_ISA_AVX512F);
            if (names(off, "avx2") || names(off, "fma3"))
                isa &= ~static_cast<std::uint32_t>(CGP_ISA_AVX2 | CGP_ISA_FMA3);
            if (names(off, "avx"))
                isa &= ~static_cast<std::uint32_t>(CGP_ISA_AVX2 | CGP_ISA_FMA3 | CGP_ISA_AVX512F);
        }
        if (isa & CGP_ISA_AVX512F)
            return Widest::Avx512;
        if ((isa & (CGP_ISA_AVX2 | CGP_ISA_FMA3)) == (CGP_ISA_AVX2 | CGP_ISA_FMA3))
            return Widest::Avx2;
        return Widest::Sse2;
#else
        return Widest::Scalar;
#endif
    }();
    return w;
}

template <class T>
const kernels::PathKernels<T>* path_for(bool scalar) noexcept
{
    if (scalar)
        return Paths<T>::scalar();
    switch (widest()) {
#if defined(__x86_64__)
    case Widest::Avx512: return Paths<T>::avx512();
    case Widest::Avx2: return Paths<T>::avx2();
    case Widest::Sse2: return Paths<T>::sse2();
#endif
    default: return Paths<T>::scalar();
    }
}

// Runs the program over [0, len) of the registers r with the widest path's full registers and the
// scalar path past them (temporaries as r has them).
template <class T>
void run_block(const Program& prog, const kernels::PathKernels<T>* path, T* const* r, const T* consts,
               std::size_t len) noexcept
{
    const ElemInstr* code = prog.code.data();
    const std::size_t n = prog.code.size();
    const std::size_t full = len - len % path->lanes;
    if (full > 0)
        path->run(code, n, r, consts, full);
    if (full < len) {
        T* tail[kMaxRegs] = {};
        for (std::size_t k = 0; k < kFixedRegs + prog.temps; ++k)
            tail[k] = r[k] != nullptr ? r[k] + full : nullptr;
        Paths<T>::scalar()->run(code, n, tail, consts, len - full);
    }
}

// The path named `name` ("scalar", "sse2", "avx2", "avx512f") where this CPU runs it, else nullptr.
template <class T>
const kernels::PathKernels<T>* path_named(std::string_view name) noexcept
{
    if (name == "scalar")
        return Paths<T>::scalar();
#if defined(__x86_64__)
    const std::uint32_t isa = cpu_isa();
    if (name == "sse2")
        return Paths<T>::sse2();
    if (name == "avx2" && (isa & (CGP_ISA_AVX2 | CGP_ISA_FMA3)) == (CGP_ISA_AVX2 | CGP_ISA_FMA3))
        return Paths<T>::avx2();
    if (name == "avx512f" && (isa & CGP_ISA_AVX512F) != 0)
        return Paths<T>::avx512();
#endif
    return nullptr;
}

template <class T>
void step(const Program& prog, const kernels::PathKernels<T>* path, const double* hp, std::uint64_t t,
          std::size_t count, T* p, const T* g, T* const* state) noexcept
{
    if (count == 0)
        return;
    double values[kMaxConstValues];
    evaluate_constants(prog, hp, t, values);
    T consts[kMaxConstants];
    for (std::size_t k = 0; k < prog.constants.size(); ++k)
        consts[k] = static_cast<T>(values[prog.constants[k]]);

    T* regs[kMaxRegs] = {};
    regs[0] = p;
    regs[1] = const_cast<T*>(g); // read only: no instruction writes register 1
    for (std::size_t k = 0; k < prog.state_count; ++k)
        regs[2 + k] = state[k];

    // A built-in program runs fused, in one pass, like a compiled plugin; every other program in
    // blocks of kBlock elements, and the elements past the last full block (or register) through
    // run_block().
    const bool fused = prog.builtin >= 0 && path != Paths<T>::scalar();
    const std::size_t done = count - count % (fused ? path->lanes : kernels::kBlock);
    if (done > 0 && fused)
        path->fused[prog.builtin](regs, consts, done);
    else if (done > 0)
        path->blocks(prog.code.data(), prog.code.size(), regs, 2 + prog.state_count, consts, done);
    if (done < count) {
        alignas(64) T temps[kMaxTemps][kernels::kBlock];
        T* r[kMaxRegs] = {};
        for (std::size_t k = 0; k < kFixedRegs; ++k)
            r[k] = regs[k] != nullptr ? regs[k] + done : nullptr;
        for (std::size_t j = 0; j < prog.temps; ++j)
            r[kFixedRegs + j] = temps[j];
        run_block(prog, path, r, consts, count - done);
    }
}

template <class T>
bool step_on(std::string_view name, const Program& prog, const double* hp, std::uint64_t t, std::size_t count, T* p,
             const T* g, T* const* state) noexcept
{
    const kernels::PathKernels<T>* path = path_named<T>(name);
    if (path != nullptr)
        step<T>(prog, path, hp, t, count, p, g, state);
    return path != nullptr;
}

} // namespace

void run_step(const Program& program, bool scalar, const double* hp, std::uint64_t t, std::size_t count, float* p,
              const float* g, float* const* state) noexcept
{
    step<float>(program, path_for<float>(scalar), hp, t, count, p, g, state);
}

void run_step(const Program& program, bool scalar, const double* hp, std::uint64_t t, std::size_t count, double* p,
              const double* g, double* const* state) noexcept
{
    step<double>(program, path_for<double>(scalar), hp, t, count, p, g, state);
}

bool run_step_on(std::string_view path, const Program& program, const double* hp, std::uint64_t t, std::size_t count,
                 float* p, const float* g, float* const* state) noexcept
{
    return step_on(path, program, hp, t, count, p, g, state);
}

bool run_step_on(std::string_view path, const Program& program, const double* hp, std::uint64_t t, std::size_t count,
                 double* p, const double* g, double* const* state) noexcept
{
    return step_on(path, program, hp, t, count, p, g, state);
}

const char* step_path(bool scalar) noexcept
{
    return path_for<float>(scalar)->name;
}

} // namespace cgp::optfile
