// allocation_counter.hpp: counts the heap allocations (malloc, calloc, realloc, aligned allocations,
// and so operator new) the whole process makes while counting is on, including those of a loaded
// plugin. cgp-conformance defines malloc and its relatives, forwarding to glibc's allocator, so every
// library resolves its allocations to them; under AddressSanitizer or ThreadSanitizer, whose
// allocators own malloc, it installs the sanitizer's allocation hook instead.
#pragma once

#include <cstddef>

namespace cgp::conformance {

class AllocationCounter {
public:
    AllocationCounter();  // starts counting
    ~AllocationCounter(); // stops
    AllocationCounter(const AllocationCounter&) = delete;
    AllocationCounter& operator=(const AllocationCounter&) = delete;
    // Allocations since construction.
    std::size_t count() const noexcept;

private:
    std::size_t start_;
};

} // namespace cgp::conformance
