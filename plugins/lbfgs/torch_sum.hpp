// torch_sum.hpp: the order in which torch 1.13 sums a contiguous float64 tensor (ATen's cascade sum,
// aten/src/ATen/native/cpu/SumKernel.cpp: vectorized_inner_sum, row_sum, multi_row_sum), with the
// 4-lane vectors of its default and AVX2 kernels, so that L-BFGS's first step, lr min(1, 1/sum|g|),
// rounds as torch.optim.LBFGS's does: its path is chaotic enough that one ulp there changes which
// stopping rule fires many steps later. (torch's dot products run through the reference BLAS ddot,
// which sums in index order, as vectors.hpp does.) Fixed-size stack arrays; nothing allocates.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace lbfgs {
namespace torch_order {

constexpr std::size_t kIlp = 4, kLevels = 4;

inline std::size_t ceil_log2(std::uint64_t x)
{
    return x <= 1 ? 0 : static_cast<std::size_t>(64 - __builtin_clzll(x - 1));
}

// multi_row_sum: `size` rows of kIlp entries, each `width` lanes wide (entry(row, column, lane)),
// summed per column and lane in levels of 2^level_power rows.
template <std::size_t width, class Entry>
void multi_row_sum(std::size_t size, const Entry& entry, double (&out)[kIlp][width])
{
    const std::size_t level_power = std::max<std::size_t>(4, ceil_log2(size) / kLevels);
    const std::size_t level_step = std::size_t{1} << level_power, level_mask = level_step - 1;
    double acc[kLevels][kIlp][width] = {};
    const auto add_row = [&](std::size_t row) {
        for (std::size_t k = 0; k < kIlp; ++k)
            for (std::size_t l = 0; l < width; ++l)
                acc[0][k][l] += entry(row, k, l);
    };
    std::size_t i = 0;
    while (i + level_step <= size) {
        for (std::size_t j = 0; j < level_step; ++j, ++i)
            add_row(i);
        for (std::size_t j = 1; j < kLevels; ++j) {
            for (std::size_t k = 0; k < kIlp; ++k)
                for (std::size_t l = 0; l < width; ++l)
                    acc[j][k][l] += acc[j - 1][k][l], acc[j - 1][k][l] = 0.0;
            if ((i & (level_mask << (j * level_power))) != 0)
                break;
        }
    }
    for (; i < size; ++i)
        add_row(i);
    for (std::size_t j = 1; j < kLevels; ++j)
        for (std::size_t k = 0; k < kIlp; ++k)
            for (std::size_t l = 0; l < width; ++l)
                acc[0][k][l] += acc[j][k][l];
    std::copy(&acc[0][0][0], &acc[0][0][0] + kIlp * width, &out[0][0]);
}

// row_sum: `size` items of `width` lanes (item(i, lane)) as kIlp interleaved partial sums.
template <std::size_t width, class Item>
void row_sum(std::size_t size, const Item& item, double (&out)[width])
{
    const std::size_t size_ilp = size / kIlp;
    double partial[kIlp][width];
    multi_row_sum<width>(
        size_ilp, [&](std::size_t row, std::size_t k, std::size_t l) { return item(row * kIlp + k, l); }, partial);
    for (std::size_t i = size_ilp * kIlp; i < size; ++i)
        for (std::size_t l = 0; l < width; ++l)
            partial[0][l] += item(i, l);
    for (std::size_t k = 1; k < kIlp; ++k)
        for (std::size_t l = 0; l < width; ++l)
            partial[0][l] += partial[k][l];
    std::copy(partial[0], partial[0] + width, out);
}

} // namespace torch_order

// sum_i |a_i| in torch's order (a.abs().sum()).
template <class T>
double torch_sum_abs(const T* a, std::size_t n)
{
    using namespace torch_order;
    constexpr std::size_t lanes = 4;
    const auto x = [a](std::size_t i) { return std::abs(static_cast<double>(a[i])); };
    if (n < lanes) {
        double sum[1];
        row_sum<1>(
            n, [&](std::size_t i, std::size_t) { return x(i); }, sum);
        return sum[0];
    }
    const std::size_t vectors = n / lanes;
    double vec[lanes];
    row_sum<lanes>(
        vectors, [&](std::size_t v, std::size_t l) { return x(v * lanes + l); }, vec);
    double sum = 0.0;
    for (std::size_t k = vectors * lanes; k < n; ++k)
        sum += x(k);
    for (double v : vec)
        sum += v;
    return sum;
}

} // namespace lbfgs
