// parallel.hpp: splitting a dense layer's rows across threads (OpenMP), internal to the tape.
//
// A kernel call over rows [0, rows) becomes one call per thread of a team over a contiguous block of
// rows.
// Every row of every kernel the tape splits this way (gemm's output rows, gemm_dot's rows, the
// activations' rows) is computed by the same instructions in the same order whichever block it
// falls in, so the results are bitwise identical for every thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace cgp::parallel {

// Blocks start on multiples of this many rows (the kernels' register tiles: 4 rows, 2 for gemm_dot).
inline constexpr std::size_t kRowAlign = 4;

// Rows of thread t of n: [first, last), in blocks of kRowAlign, the first threads one block more.
inline std::pair<std::size_t, std::size_t> block_of(std::size_t rows, std::size_t t, std::size_t n) noexcept
{
    const std::size_t blocks = (rows + kRowAlign - 1) / kRowAlign;
    const std::size_t per = blocks / n, extra = blocks % n;
    const std::size_t first = (t * per + std::min(t, extra)) * kRowAlign;
    const std::size_t last = first + (per + (t < extra ? 1 : 0)) * kRowAlign;
    return {std::min(first, rows), std::min(last, rows)};
}

// One thread of a team: its number t of n, and the block of rows it takes.
struct Member {
    std::size_t t = 0, n = 1;
    std::pair<std::size_t, std::size_t> rows(std::size_t count) const noexcept { return block_of(count, t, n); }
};

// fn(member) on each of `threads` threads (OpenMP), or once on this thread when threads is 1 or
// the build has no OpenMP. fn must not throw.
template <class Fn>
void team(unsigned threads, Fn&& fn)
{
#if defined(_OPENMP)
    if (threads > 1) {
#pragma omp parallel num_threads(threads)
        fn(Member{static_cast<std::size_t>(omp_get_thread_num()), static_cast<std::size_t>(omp_get_num_threads())});
        return;
    }
#endif
    (void)threads;
    fn(Member{});
}

} // namespace cgp::parallel
