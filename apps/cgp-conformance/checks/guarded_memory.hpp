// guarded_memory.hpp: memory that turns a plugin's out-of-bounds access into a crash or a visible
// change. A GuardedArray holds n elements (64-byte aligned, as the host allocates them) plus the
// padding the ABI allows reading (up to the next 64 bytes), with an inaccessible page on both sides;
// the elements start at zero.
// Placed at the end of its pages (Placement::End), the padding ends where the page after it begins, so
// a read past the padding crashes; placed at the start (Placement::Start), element 0 begins where the
// page before it ends, so any access before the array crashes. Every byte between the array and the
// inaccessible pages, before and after, holds a marker: a signalling NaN with a payload no arithmetic
// produces (any arithmetic on it gives a quiet NaN, so a write of a computed value always changes its
// bits), compared bitwise after each step. An InaccessibleRegion is memory that may not be touched.
// A GuardedPool hands out guarded arrays again and again, reset as if new, so a check that steps
// thousands of runs maps its pages once per size rather than once per run.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cgp::conformance {

enum class Placement { End, Start };

template <class T>
class GuardedArray {
public:
    explicit GuardedArray(std::size_t n, Placement placement = Placement::End);
    GuardedArray(const GuardedArray&) = delete;
    GuardedArray& operator=(const GuardedArray&) = delete;
    GuardedArray(GuardedArray&& other) noexcept;
    GuardedArray& operator=(GuardedArray&&) = delete;
    ~GuardedArray();

    // Pages between the guard pages of an array of n elements.
    static std::size_t data_pages(std::size_t n);
    // The same pages holding n elements at `placement` (data_pages(n) must equal this array's), zero,
    // with every marker written afresh: what a new GuardedArray(n, placement) would be.
    void reset(std::size_t n, Placement placement);

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::span<T> span() noexcept { return {data_, size_}; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    // Index of the first padding element whose marker was changed, or padded_size() if none.
    std::size_t first_changed_padding() const noexcept;
    std::size_t padded_size() const noexcept { return padded_; }
    // The offset of the first changed marker before the array (-1 for the element just before it),
    // or nullopt when every marker before the array is intact.
    std::optional<std::ptrdiff_t> first_changed_before() const noexcept;
    // "", or what changed around the array, as "params[-2] (before the array)" or "params[70]
    // (past the last element 66)".
    std::string changed_markers(const std::string& name) const;

private:
    void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
    std::size_t data_pages_ = 0;
    T* data_ = nullptr;
    T* front_ = nullptr; // first marker before the array (== data_ when there is none)
    T* back_ = nullptr;  // one past the last marker after the array
    std::size_t size_ = 0;
    std::size_t padded_ = 0;
};

// Guarded arrays kept for reuse, grouped by their page count.
template <class T>
class GuardedPool {
public:
    // `count` arrays of n elements at `placement`, each reset as a new one would be: the same arrays
    // as an earlier call for a length of as many pages (their contents overwritten), new ones beyond.
    std::span<GuardedArray<T>> take(std::size_t count, std::size_t n, Placement placement);

private:
    std::map<std::size_t, std::vector<GuardedArray<T>>> by_pages_;
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
