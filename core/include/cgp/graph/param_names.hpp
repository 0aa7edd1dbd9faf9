// cgp/graph/param_names.hpp: a graph's parameter names in parameter order, without a string per
// parameter: names given one by one (expression models), and generated blocks for dense layers
// (w<l>_<k>_<j> row-major [out, in], x<l>_<k>.bias), so a layered model's names take memory in the
// number of layers, not of parameters. Reads like a std::vector<std::string> of the names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

class ParamNames {
public:
    class iterator {
    public:
        using iterator_concept = std::random_access_iterator_tag;
        using iterator_category = std::input_iterator_tag;
        using value_type = std::string;
        using difference_type = std::ptrdiff_t;
        using reference = std::string;
        using pointer = void;

        iterator() = default;
        iterator(const ParamNames* names, std::size_t i) : names_(names), i_(i) {}
        std::string operator*() const { return (*names_)[i_]; }
        std::string operator[](difference_type n) const { return (*names_)[i_ + static_cast<std::size_t>(n)]; }
        iterator& operator++() { return ++i_, *this; }
        iterator operator++(int) { return {names_, i_++}; }
        iterator& operator--() { return --i_, *this; }
        iterator operator--(int) { return {names_, i_--}; }
        iterator& operator+=(difference_type n) { return i_ += static_cast<std::size_t>(n), *this; }
        iterator& operator-=(difference_type n) { return i_ -= static_cast<std::size_t>(n), *this; }
        friend iterator operator+(iterator it, difference_type n) { return it += n; }
        friend iterator operator+(difference_type n, iterator it) { return it += n; }
        friend iterator operator-(iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const iterator& a, const iterator& b)
        {
            return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
        }
        friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }
        friend auto operator<=>(const iterator& a, const iterator& b) { return a.i_ <=> b.i_; }

    private:
        const ParamNames* names_ = nullptr;
        std::size_t i_ = 0;
    };
    using const_iterator = iterator;
    using value_type = std::string;
    using size_type = std::size_t;

    ParamNames() = default;
    ParamNames(std::initializer_list<std::string> names) : ParamNames(std::vector<std::string>(names)) {}
    ParamNames(const std::vector<std::string>& names);

    // Appends one name.
    void push_back(std::string name);
    // Appends a dense layer's weights: rows [row0, row0 + rows) of layer `layer`, `cols` each.
    void add_weights(int layer, std::size_t row0, std::size_t rows, std::size_t cols);
    // Appends a dense layer's biases, x<layer>_<k>.bias for k in [row0, row0 + rows).
    void add_biases(int layer, std::size_t row0, std::size_t rows);
    void reserve(std::size_t n) { names_.reserve(n); }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::string operator[](std::size_t i) const;
    std::string front() const { return (*this)[0]; }
    std::string back() const { return (*this)[size_ - 1]; }
    iterator begin() const { return {this, 0}; }
    iterator end() const { return {this, size_}; }
    // The number of the parameter with this name, if there is one.
    std::optional<std::size_t> find(std::string_view name) const;
    std::vector<std::string> to_vector() const;

    friend bool operator==(const ParamNames& a, const ParamNames& b);
    friend bool operator==(const ParamNames& a, const std::vector<std::string>& b);

private:
    enum class Kind : std::uint8_t { Given, Weights, Biases };
    struct Block {
        std::size_t begin = 0, count = 0; // parameter numbers [begin, begin + count)
        Kind kind = Kind::Given;
        int layer = 0;
        std::size_t row0 = 0, cols = 0; // Weights, Biases
        std::size_t first = 0;          // Given: index into names_
    };
    const Block& block_of(std::size_t i) const;
    void add(Block b);

    std::vector<Block> blocks_;
    std::vector<std::string> names_; // the given names
    std::size_t size_ = 0;
};

} // namespace cgp
