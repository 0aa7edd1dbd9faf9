// How many threads one training run may use: OpenMP's view of the process.
#include <cgp/tape/threads.hpp>

#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace cgp {

unsigned default_threads() noexcept
{
#if defined(_OPENMP)
    return static_cast<unsigned>(std::max(1, omp_get_max_threads()));
#else
    return 1;
#endif
}

bool threads_supported() noexcept
{
#if defined(_OPENMP)
    return true;
#else
    return false;
#endif
}

} // namespace cgp
