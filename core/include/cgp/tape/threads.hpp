// cgp/tape/threads.hpp: how many threads one training run may use (--threads).
#pragma once

namespace cgp {

// The threads a run uses by default: OpenMP's count for this process (OMP_NUM_THREADS when set,
// else the CPUs of the process's affinity mask, sched_getaffinity); 1 in a build without OpenMP.
unsigned default_threads() noexcept;
// --threads N: N, or default_threads() for 0.
inline unsigned resolve_threads(unsigned requested) noexcept
{
    return requested == 0 ? default_threads() : requested;
}
// Whether this build can run a training run on more than one thread.
bool threads_supported() noexcept;

} // namespace cgp
