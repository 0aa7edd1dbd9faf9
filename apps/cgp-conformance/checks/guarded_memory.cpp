// Guard pages (mmap + mprotect) on both sides of arrays, and signalling-NaN markers around them.
#include "guarded_memory.hpp"

#include <cgp/tape/aligned.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <sys/mman.h>
#include <unistd.h>

namespace cgp::conformance {

namespace {

std::size_t page_size()
{
    return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

void* map_pages(std::size_t bytes, int protection)
{
    void* p = ::mmap(nullptr, bytes, protection, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw Error(fmt::format("cannot map {} bytes of test memory: {}", bytes, std::strerror(errno)));
    return p;
}

// A signalling NaN (quiet bit clear) with a payload no arithmetic produces: arithmetic on it returns a
// quiet NaN, so a computed value written over it always changes its bits, and a copy is recognisable.
template <class T>
T marker()
{
    if constexpr (std::is_same_v<T, float>)
        return std::bit_cast<float>(std::uint32_t{0x7fa1b2c3u});
    else if constexpr (std::is_same_v<T, double>)
        return std::bit_cast<double>(std::uint64_t{0x7ff4badc0ffee015ull});
    else
        return T{};
}

template <class T>
bool is_marker(const T& value)
{
    const T m = marker<T>();
    return std::memcmp(&value, &m, sizeof(T)) == 0;
}

} // namespace

template <class T>
std::size_t GuardedArray<T>::data_pages(std::size_t n)
{
    const std::size_t page = page_size();
    return std::max<std::size_t>(1, (padded_count<T>(n) * sizeof(T) + page - 1) / page);
}

template <class T>
GuardedArray<T>::GuardedArray(std::size_t n, Placement placement) : data_pages_(data_pages(n))
{
    const std::size_t page = page_size();
    map_bytes_ = (data_pages_ + 2) * page;
    map_ = map_pages(map_bytes_, PROT_READ | PROT_WRITE);
    char* const first = static_cast<char*>(map_) + page;
    char* const last = first + data_pages_ * page;
    if (::mprotect(map_, page, PROT_NONE) != 0 || ::mprotect(last, page, PROT_NONE) != 0) {
        ::munmap(map_, map_bytes_);
        throw Error(fmt::format("cannot protect a guard page: {}", std::strerror(errno)));
    }
    front_ = reinterpret_cast<T*>(first);
    back_ = reinterpret_cast<T*>(last);
    reset(n, placement);
}

template <class T>
void GuardedArray<T>::reset(std::size_t n, Placement placement)
{
    if (data_pages(n) != data_pages_)
        throw Error(fmt::format("internal error: a guarded array of {} pages reused for {} elements, which need {}",
                                data_pages_, n, data_pages(n)));
    size_ = n;
    padded_ = padded_count<T>(n);
    data_ = placement == Placement::End ? back_ - padded_ : front_;
    std::fill(front_, data_, marker<T>());
    std::fill(data_, data_ + n, T{});
    std::fill(data_ + n, back_, marker<T>());
}

template <class T>
GuardedArray<T>::GuardedArray(GuardedArray&& other) noexcept
    : map_(other.map_), map_bytes_(other.map_bytes_), data_pages_(other.data_pages_), data_(other.data_),
      front_(other.front_), back_(other.back_), size_(other.size_), padded_(other.padded_)
{
    other.map_ = nullptr;
    other.map_bytes_ = 0;
}

template <class T>
GuardedArray<T>::~GuardedArray()
{
    if (map_ != nullptr)
        ::munmap(map_, map_bytes_);
}

template <class T>
std::size_t GuardedArray<T>::first_changed_padding() const noexcept
{
    for (std::size_t i = size_; i < padded_; ++i)
        if (!is_marker(data_[i]))
            return i;
    return padded_;
}

template <class T>
std::optional<std::ptrdiff_t> GuardedArray<T>::first_changed_before() const noexcept
{
    for (const T* p = data_ - 1; p >= front_; --p)
        if (!is_marker(*p))
            return p - data_;
    return std::nullopt;
}

template <class T>
std::string GuardedArray<T>::changed_markers(const std::string& name) const
{
    if (const auto before = first_changed_before())
        return fmt::format("{}[{}] (before the array)", name, *before);
    for (const T* p = data_ + size_; p < back_; ++p)
        if (!is_marker(*p))
            return fmt::format("{}[{}] (past the last element {})", name, p - data_,
                               size_ == 0 ? std::string("(there is none)") : std::to_string(size_ - 1));
    return {};
}

template <class T>
std::span<GuardedArray<T>> GuardedPool<T>::take(std::size_t count, std::size_t n, Placement placement)
{
    std::vector<GuardedArray<T>>& arrays = by_pages_[GuardedArray<T>::data_pages(n)];
    for (std::size_t k = 0; k < count; ++k) {
        if (k < arrays.size())
            arrays[k].reset(n, placement);
        else
            arrays.emplace_back(n, placement);
    }
    return {arrays.data(), count};
}

InaccessibleRegion::InaccessibleRegion(std::size_t bytes)
    : bytes_((bytes + page_size() - 1) / page_size() * page_size() + page_size())
{
    map_ = map_pages(bytes_, PROT_NONE);
}

InaccessibleRegion::~InaccessibleRegion()
{
    ::munmap(map_, bytes_);
}

template class GuardedArray<float>;
template class GuardedArray<double>;
template class GuardedArray<float*>;
template class GuardedArray<double*>;
template class GuardedPool<float>;
template class GuardedPool<double>;

} // namespace cgp::conformance
