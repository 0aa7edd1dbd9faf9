// ParamNames: parameter names kept as given names and generated dense-layer blocks, looked up by
// number (binary search over the blocks) and by name (parsing generated names).
#include <cgp/graph/param_names.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace cgp {
namespace {

// Reads a decimal number at the front of s (no sign, no leading zeros but "0"), and drops it.
bool take_number(std::string_view& s, std::size_t& out)
{
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    const std::size_t used = static_cast<std::size_t>(ptr - s.data());
    if (ec != std::errc() || used == 0 || (used > 1 && s.front() == '0'))
        return false;
    s.remove_prefix(used);
    return true;
}

bool take(std::string_view& s, std::string_view prefix)
{
    if (!s.starts_with(prefix))
        return false;
    s.remove_prefix(prefix.size());
    return true;
}

} // namespace

ParamNames::ParamNames(const std::vector<std::string>& names)
{
    names_.reserve(names.size());
    for (const std::string& n : names)
        push_back(n);
}

void ParamNames::add(Block b)
{
    b.begin = size_;
    size_ += b.count;
    blocks_.push_back(b);
}

void ParamNames::push_back(std::string name)
{
    if (!blocks_.empty() && blocks_.back().kind == Kind::Given) {
        ++blocks_.back().count;
        ++size_;
    } else {
        Block b;
        b.count = 1;
        b.first = names_.size();
        add(b);
    }
    names_.push_back(std::move(name));
}

void ParamNames::add_weights(int layer, std::size_t row0, std::size_t rows, std::size_t cols)
{
    if (rows * cols == 0)
        return;
    Block b;
    b.count = rows * cols;
    b.kind = Kind::Weights;
    b.layer = layer;
    b.row0 = row0;
    b.cols = cols;
    add(b);
}

void ParamNames::add_biases(int layer, std::size_t row0, std::size_t rows)
{
    if (rows == 0)
        return;
    Block b;
    b.count = rows;
    b.kind = Kind::Biases;
    b.layer = layer;
    b.row0 = row0;
    add(b);
}

const ParamNames::Block& ParamNames::block_of(std::size_t i) const
{
    const auto it =
        std::upper_bound(blocks_.begin(), blocks_.end(), i, [](std::size_t v, const Block& b) { return v < b.begin; });
    return *(it - 1);
}

std::string ParamNames::operator[](std::size_t i) const
{
    const Block& b = block_of(i);
    const std::size_t r = i - b.begin;
    switch (b.kind) {
    case Kind::Given: return names_[b.first + r];
    case Kind::Weights: return fmt::format("w{}_{}_{}", b.layer, b.row0 + r / b.cols, r % b.cols);
    case Kind::Biases: break;
    }
    return fmt::format("x{}_{}.bias", b.layer, b.row0 + r);
}

std::optional<std::size_t> ParamNames::find(std::string_view name) const
{
    // A generated name: w<l>_<k>_<j> or x<l>_<k>.bias.
    std::string_view s = name;
    std::size_t layer = 0, row = 0, col = 0;
    const bool weight = take(s, "w") && take_number(s, layer) && take(s, "_") && take_number(s, row) && take(s, "_") &&
                        take_number(s, col) && s.empty();
    s = name;
    const bool bias =
        !weight && take(s, "x") && take_number(s, layer) && take(s, "_") && take_number(s, row) && s == ".bias";
    for (const Block& b : blocks_) {
        if (b.kind == Kind::Given) {
            for (std::size_t r = 0; r < b.count; ++r)
                if (names_[b.first + r] == name)
                    return b.begin + r;
            continue;
        }
        if (static_cast<std::size_t>(b.layer) != layer || row < b.row0)
            continue;
        if (weight && b.kind == Kind::Weights && col < b.cols && (row - b.row0) * b.cols + col < b.count)
            return b.begin + (row - b.row0) * b.cols + col;
        if (bias && b.kind == Kind::Biases && row - b.row0 < b.count)
            return b.begin + (row - b.row0);
    }
    return std::nullopt;
}

std::vector<std::string> ParamNames::to_vector() const
{
    return {begin(), end()};
}

bool operator==(const ParamNames& a, const ParamNames& b)
{
    if (a.size_ != b.size_)
        return false;
    if (a.blocks_.size() == b.blocks_.size() && a.names_ == b.names_ &&
        std::equal(a.blocks_.begin(), a.blocks_.end(), b.blocks_.begin(), [](const auto& x, const auto& y) {
            return x.begin == y.begin && x.count == y.count && x.kind == y.kind && x.layer == y.layer &&
                   x.row0 == y.row0 && x.cols == y.cols && x.first == y.first;
        }))
        return true;
    return std::equal(a.begin(), a.end(), b.begin());
}

bool operator==(const ParamNames& a, const std::vector<std::string>& b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

} // namespace cgp
