// guarded_memory.hpp: memory that turns a plugin's out-of-bounds access into a crash or a visible
// change. A GuardedArray holds n elements plus the padding the ABI allows (up to the next 64 bytes),
// placed so the allocation ends exactly where an inaccessible page begins; its padding holds a
// marker NaN that a plugin must neither change nor let into its results. An InaccessibleRegion is
// memory that may not be touched at all.
#pragma once

#include <cstddef>
#include <span>

namespace cgp::conformance {

template <class T>
class GuardedArray {
public:
    explicit GuardedArray(std::size_t n);
    GuardedArray(const GuardedArray&) = delete;
    GuardedArray& operator=(const GuardedArray&) = delete;
    GuardedArray(GuardedArray&& other) noexcept;
    GuardedArray& operator=(GuardedArray&&) = delete;
    ~GuardedArray();

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::span<T> span() noexcept { return {data_, size_}; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    // Index of the first padding element whose marker was changed, or size of the padding's end if none.
    std::size_t first_changed_padding() const noexcept;
    std::size_t padded_size() const noexcept { return padded_; }

private:
    void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t padded_ = 0;
};

class InaccessibleRegion {
public:
    explicit InaccessibleRegion(std::size_t bytes);
    InaccessibleRegion(const InaccessibleRegion&) = delete;
    InaccessibleRegion& operator=(const InaccessibleRegion&) = delete;
    ~InaccessibleRegion();
    void* data() const noexcept { return map_; }

private:
    void* map_ = nullptr;
    std::size_t bytes_ = 0;
};

} // namespace cgp::conformance
