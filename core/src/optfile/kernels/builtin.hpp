// builtin.hpp: the element-wise programs of the shipped optimizer files (examples/optimizers/: the
// handout's Adam, torch's Adam, AdamW, Lion), as compile() emits them. A file whose program is one of
// these, instruction for instruction, steps with a fused kernel (kernels_impl.hpp) that runs the same
// operations in the same order in one pass over the arrays, every value in a SIMD register, as a
// compiled plugin does; any other program runs the blocked interpreter. The constants' values are
// the file's own (the program refers to them by index), so a file with other defaults or
// hyperparameter names but the same update still matches. unit.optfile_trajectories checks that each
// shipped file matches and that the fused kernel gives the interpreter's bits.
#pragma once

#include <cgp/optfile/program.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

namespace cgp::optfile::kernels {

// Registers: 0 p, 1 g, 2.. states, 18.. temporaries (kFixedRegs); c: the index of the first constant.
constexpr std::array<ElemInstr, 7> adam_moments(std::uint16_t c) // m = m*b1 + (1-b1)*g; v = v*b2 + (1-b2)*g*g
{
    return {{{EOp::Mul, Operands::RegConst, 18, 2, c, 0},
             {EOp::Mul, Operands::ConstReg, 19, std::uint16_t(c + 1), 1, 0},
             {EOp::Add, Operands::RegReg, 2, 18, 19, 0},
             {EOp::Mul, Operands::RegConst, 18, 3, std::uint16_t(c + 2), 0},
             {EOp::Mul, Operands::ConstReg, 19, std::uint16_t(c + 3), 1, 0},
             {EOp::Mul, Operands::RegReg, 19, 19, 1, 0},
             {EOp::Add, Operands::RegReg, 3, 18, 19, 0}}};
}

// p = p + (-lr/bc1)*m / (sqrt(v)/sqrt(bc2) + eps), or with the handout's sqrt(v/bc2 + eps).
constexpr std::array<ElemInstr, 6> adam_step(std::uint16_t c, bool handout)
{
    const ElemInstr sqrt_v{EOp::Sqrt, Operands::RegReg, 19, 3, 0, 0};
    const ElemInstr by_bc2{EOp::Div, Operands::RegConst, 19, std::uint16_t(handout ? 3 : 19), std::uint16_t(c + 1), 0};
    const ElemInstr plus_eps{EOp::Add, Operands::RegConst, 19, 19, std::uint16_t(c + 2), 0};
    const ElemInstr sqrt_all{EOp::Sqrt, Operands::RegReg, 19, 19, 0, 0};
    return {{{EOp::Mul, Operands::ConstReg, 18, c, 2, 0},
             handout ? by_bc2 : sqrt_v,
             handout ? plus_eps : by_bc2,
             handout ? sqrt_all : plus_eps,
             {EOp::Div, Operands::RegReg, 18, 18, 19, 0},
             {EOp::Add, Operands::RegReg, 0, 0, 18, 0}}};
}

template <std::size_t... N>
constexpr std::array<ElemInstr, (N + ...)> join(const std::array<ElemInstr, N>&... parts)
{
    std::array<ElemInstr, (N + ...)> out{};
    std::size_t k = 0;
    ((std::copy(parts.begin(), parts.end(), out.begin() + static_cast<std::ptrdiff_t>(k)), k += N), ...);
    return out;
}

struct AdamHandout { // adam-handout.opt
    static constexpr std::size_t states = 2;
    static constexpr auto code = join(adam_moments(0), adam_step(4, true));
};

struct Adam { // adam.opt
    static constexpr std::size_t states = 2;
    static constexpr auto code = join(adam_moments(0), adam_step(4, false));
};

struct AdamW { // adamw.opt: p = p*(1 - lr*wd), then Adam
    static constexpr std::size_t states = 2;
    static constexpr auto code = join(std::array<ElemInstr, 1>{{{EOp::Mul, Operands::RegConst, 0, 0, 0, 0}}},
                                      adam_moments(1), adam_step(5, false));
};

struct Lion { // lion.opt: p = p*(1 - lr*wd) - lr*sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g
    static constexpr std::size_t states = 1;
    static constexpr std::array<ElemInstr, 10> code = {{
        {EOp::Mul, Operands::RegConst, 18, 0, 0, 0},
        {EOp::Mul, Operands::ConstReg, 19, 2, 2, 0},
        {EOp::Mul, Operands::ConstReg, 20, 3, 1, 0},
        {EOp::Add, Operands::RegReg, 19, 19, 20, 0},
        {EOp::Sign, Operands::RegReg, 19, 19, 0, 0},
        {EOp::Mul, Operands::ConstReg, 19, 1, 19, 0},
        {EOp::Sub, Operands::RegReg, 0, 18, 19, 0},
        {EOp::Mul, Operands::ConstReg, 18, 4, 2, 0},
        {EOp::Mul, Operands::ConstReg, 19, 5, 1, 0},
        {EOp::Add, Operands::RegReg, 2, 18, 19, 0},
    }};
};

// Program::builtin indexes this list.
using Builtins = std::tuple<AdamHandout, Adam, AdamW, Lion>;
inline constexpr std::size_t kBuiltinCount = std::tuple_size_v<Builtins>;

// The index in Builtins of the program `code` (with `states` states), or -1.
inline int builtin_index(const std::vector<ElemInstr>& code, std::size_t states) noexcept
{
    const auto same = [&](const ElemInstr* b, std::size_t n) {
        if (n != code.size())
            return false;
        for (std::size_t k = 0; k < n; ++k)
            if (b[k].op != code[k].op || b[k].kinds != code[k].kinds || b[k].dst != code[k].dst ||
                b[k].a != code[k].a || b[k].b != code[k].b || b[k].c != code[k].c)
                return false;
        return true;
    };
    int found = -1;
    [&]<std::size_t... I>(std::index_sequence<I...>)
    {
        ((found < 0 && std::tuple_element_t<I, Builtins>::states == states &&
                  same(std::tuple_element_t<I, Builtins>::code.data(), std::tuple_element_t<I, Builtins>::code.size())
              ? (found = static_cast<int>(I))
              : 0),
         ...);
    }
    (std::make_index_sequence<kBuiltinCount>{});
    return found;
}

} // namespace cgp::optfile::kernels
