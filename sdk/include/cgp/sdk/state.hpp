// cgp/sdk/state.hpp: the state arrays as an update() sees them, indexed by compile-time constants
// checked against the class's max_state, and the initial values a class may declare for them.
//
//   V& m = s[0];                       // fine with max_state >= 1
//   V& w = s[2];                       // max_state = 2: a compile error naming state_index_past_max_state
//
// An index is a constant (a literal or an enumerator): a state array the class did not declare cannot
// be read, so a typo is a compile error rather than a read past the end of the registers.
#pragma once

#include <cgp/sdk/abi.h>

#include <cstdint>

namespace cgp::sdk {

namespace detail {
// Not constexpr on purpose: reaching it in a constant expression is the compile error, and the
// compiler's message names it.
inline void state_index_past_max_state()
{
}
} // namespace detail

// A state index below N, checked when the program is compiled.
template <unsigned N>
struct state_index {
    unsigned k;
    consteval state_index(unsigned index) : k(index) // NOLINT: implicit on purpose, s[0] reads as an array
    {
        if (index >= N)
            detail::state_index_past_max_state();
    }
};

// The state values of one element (or one SIMD batch) during update(); N is the class's max_state.
// Arrays the hyperparameters do not use (state_count(hp) < N) read as zero and their writes are
// dropped.
template <class V, unsigned N>
class states {
public:
    explicit states(V* values) noexcept : v_(values) {}
    V& operator[](state_index<N> i) noexcept { return v_[i.k]; }
    const V& operator[](state_index<N> i) const noexcept { return v_[i.k]; }

private:
    V* v_;
};

// What a class's initial_state(hp, init) fills: each state array starts at zero unless it says
// otherwise (the "cgp.initial_state/1" extension of abi.h).
template <unsigned N>
class initial_values {
public:
    initial_values(std::uint32_t count, std::uint32_t* kinds, double* values) noexcept
        : count_(count), kinds_(kinds), values_(values)
    {
        for (std::uint32_t k = 0; k < count_; ++k) {
            kinds_[k] = CGP_INITIAL_ZERO;
            values_[k] = 0.0;
        }
    }
    // Every element of state array i starts at value.
    void constant(state_index<N> i, double value) { set(i.k, CGP_INITIAL_CONSTANT, value); }
    // State array i starts as a copy of the initial parameters.
    void copy_of_params(state_index<N> i) { set(i.k, CGP_INITIAL_PARAMS, 0.0); }

private:
    void set(unsigned k, std::uint32_t kind, double value)
    {
        if (k >= count_)
            return; // not used with these hyperparameters
        kinds_[k] = kind;
        values_[k] = value;
    }
    std::uint32_t count_;
    std::uint32_t* kinds_;
    double* values_;
};

} // namespace cgp::sdk
