// cgp/tape/aligned.hpp: fixed-size, 64-byte aligned, zero-initialised arrays for batch columns,
// parameters, gradients and optimizer state. Allocated once, never resized, so nothing allocates
// inside a training step.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <utility>

namespace cgp {

inline constexpr std::size_t kAlignment = 64;

// Rounds n elements of T up to a whole number of 64-byte lines.
template <class T>
constexpr std::size_t padded_count(std::size_t n) noexcept
{
    constexpr std::size_t per_line = kAlignment / sizeof(T);
    return (n + per_line - 1) / per_line * per_line;
}

template <class T>
class AlignedArray {
public:
    AlignedArray() = default;
    // size() is n; the allocation is padded_count<T>(n) elements, all zero.
    explicit AlignedArray(std::size_t n) : size_(n), capacity_(padded_count<T>(n))
    {
        if (capacity_ == 0)
            return;
        void* p = std::aligned_alloc(kAlignment, capacity_ * sizeof(T));
        if (p == nullptr)
            throw std::bad_alloc();
        std::memset(p, 0, capacity_ * sizeof(T));
        data_ = static_cast<T*>(p);
    }
    AlignedArray(const AlignedArray&) = delete;
    AlignedArray& operator=(const AlignedArray&) = delete;
    AlignedArray(AlignedArray&& o) noexcept { swap(o); }
    AlignedArray& operator=(AlignedArray&& o) noexcept
    {
        AlignedArray tmp(std::move(o));
        swap(tmp);
        return *this;
    }
    ~AlignedArray() { std::free(data_); }

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return capacity_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    std::span<T> span() noexcept { return {data_, size_}; }
    std::span<const T> span() const noexcept { return {data_, size_}; }
    void zero() noexcept
    {
        if (data_ != nullptr)
            std::memset(data_, 0, capacity_ * sizeof(T));
    }

private:
    void swap(AlignedArray& o) noexcept
    {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(capacity_, o.capacity_);
    }
    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

} // namespace cgp
