// Counting heap allocations: malloc and its relatives defined here (forwarding to glibc's __libc_*
// functions), or the sanitizers' allocation hook when a sanitizer owns malloc.
#include "allocation_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CGP_CONFORMANCE_SANITIZER_ALLOCATOR 1
// Exported by the sanitizer runtimes (sanitizer/allocator_interface.h, which GCC does not install).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));
#endif

namespace {

std::atomic<int> g_counting{0};
std::atomic<std::size_t> g_allocations{0};

inline void note_allocation() noexcept
{
    if (g_counting.load(std::memory_order_relaxed) > 0)
        g_allocations.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

#if defined(CGP_CONFORMANCE_SANITIZER_ALLOCATOR)

namespace {
void on_malloc(const volatile void*, std::size_t)
{
    note_allocation();
}
void on_free(const volatile void*)
{
}
const bool g_hooked = (__sanitizer_install_malloc_and_free_hooks(&on_malloc, &on_free), true);
} // namespace

#else

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t n) noexcept
{
    note_allocation();
    return __libc_malloc(n);
}
void* calloc(std::size_t count, std::size_t size) noexcept
{
    note_allocation();
    return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t n) noexcept
{
    note_allocation();
    return __libc_realloc(p, n);
}
void* memalign(std::size_t alignment, std::size_t n) noexcept
{
    note_allocation();
    return __libc_memalign(alignment, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) noexcept
{
    note_allocation();
    return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) noexcept
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void*) != 0)
        return EINVAL;
    note_allocation();
    void* p = __libc_memalign(alignment, n);
    if (p == nullptr)
        return ENOMEM;
    *out = p;
    return 0;
}
}

#endif

namespace cgp::conformance {

AllocationCounter::AllocationCounter() : start_(g_allocations.load())
{
    g_counting.fetch_add(1);
}

AllocationCounter::~AllocationCounter()
{
    g_counting.fetch_sub(1);
}

std::size_t AllocationCounter::count() const noexcept
{
    return g_allocations.load() - start_;
}

} // namespace cgp::conformance
