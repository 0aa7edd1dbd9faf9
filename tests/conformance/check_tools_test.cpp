// The tools the conformance checks are built on, against what they must detect: the hyperparameter
// sets reach each range's ends (inside exclusive bounds) and spread random values over decades; the
// guarded arrays notice a computed write past the end and any write before the start, and a reused one
// is as a new one; the long lengths run at the cheapest set whose state fits; the allocation
// counter sees an allocation made while it counts; the floating-point environment check sees
// flush-to-zero switched on.
#include "allocation_counter.hpp"
#include "fp_environment.hpp"
#include "guarded_memory.hpp"
#include "hparam_sets.hpp"

#include <cgp/host/plugin.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/aligned.hpp>

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

using namespace cgp::conformance;

namespace {

const std::filesystem::path kPlugins = CGP_PLUGIN_DIR;

const cgp::HyperParam& param(const cgp::Plugin& plugin, std::string_view name)
{
    return plugin.hparams()[static_cast<std::size_t>(plugin.find_hparam(name))];
}

std::vector<double> values_of(const std::vector<HparamSet>& sets, const cgp::Plugin& plugin, std::string_view name)
{
    std::vector<double> out;
    for (const HparamSet& s : sets)
        out.push_back(s.values[static_cast<std::size_t>(plugin.find_hparam(name))]);
    return out;
}

bool contains(const std::vector<double>& v, double x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

BOOST_AUTO_TEST_SUITE(check_tools)

BOOST_AUTO_TEST_CASE(hyperparameter_sets_start_with_the_defaults_and_reach_every_range_end)
{
    const auto adam = cgp::Plugin::load(kPlugins / "adam.so");
    const std::vector<HparamSet> sets = hparam_sets(*adam);
    BOOST_TEST(sets.front().label == "the defaults");
    BOOST_TEST((sets.front().values == adam->defaults()));
    const std::vector<double> beta1 = values_of(sets, *adam, "beta1");
    BOOST_TEST(contains(beta1, 0.0));                      // [0, 1): the closed end itself
    BOOST_TEST(contains(beta1, std::nextafter(1.0, 0.0))); // the largest double below the open end
    BOOST_TEST(!contains(beta1, 1.0));
    BOOST_TEST(highest_accepted(param(*adam, "beta1")) == std::nextafter(1.0, 0.0));
    const std::vector<double> lr = values_of(sets, *adam, "lr");
    BOOST_TEST(contains(lr, 0.0));
    BOOST_TEST(contains(lr, 1e6));
    const std::vector<double> whole = values_of(sets, *adam, "eps_inside_sqrt");
    for (double v : whole)
        BOOST_TEST((v == 0.0 || v == 1.0), v);
}

BOOST_AUTO_TEST_CASE(random_sets_lie_inside_the_ranges_and_spread_over_decades)
{
    const auto adam = cgp::Plugin::load(kPlugins / "adam.so");
    const std::vector<HparamSet> sets = hparam_sets(*adam, 40);
    std::size_t below_default = 0, above_default = 0, random = 0;
    for (const HparamSet& s : sets) {
        if (!s.label.starts_with("random"))
            continue;
        ++random;
        BOOST_TEST(s.values[1] < 1.0);
        const double lr = s.values[0];
        BOOST_TEST((lr >= 0.0 && lr <= 1e6), lr);
        below_default += lr < 1e-4; // a decade or more below the default 1e-3
        above_default += lr > 1e-2; // a decade or more above
    }
    BOOST_TEST(random == 40u);
    BOOST_TEST(below_default > 0u);
    BOOST_TEST(above_default > 0u);
}

BOOST_AUTO_TEST_CASE(a_computed_write_into_the_padding_changes_its_marker)
{
    GuardedArray<float> p(5), g(5);
    BOOST_TEST(p.first_changed_padding() == p.padded_size());
    // What an update run over the padding does: arithmetic on the markers themselves.
    p.data()[7] = p.data()[7] - 0.01f * g.data()[7];
    BOOST_TEST(p.first_changed_padding() == 7u);
    BOOST_TEST(p.changed_markers("params") == "params[7] (past the last element 4)");
}

BOOST_AUTO_TEST_CASE(a_write_before_the_start_is_seen_and_the_elements_start_at_zero)
{
    GuardedArray<double> p(3);
    BOOST_TEST(p[0] == 0.0);
    BOOST_TEST(p[2] == 0.0);
    BOOST_TEST(!p.first_changed_before().has_value());
    p.data()[-2] = 1.0;
    BOOST_TEST(p.first_changed_before().value() == -2);
    BOOST_TEST(p.changed_markers("state 0") == "state 0[-2] (before the array)");
}

BOOST_AUTO_TEST_CASE(an_array_placed_at_the_start_of_its_pages_begins_on_a_page)
{
    GuardedArray<float> p(3, Placement::Start);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p.data()) % 4096 == 0u);
    GuardedArray<float> q(3, Placement::End);
    BOOST_TEST((reinterpret_cast<std::uintptr_t>(q.data() + q.padded_size()) % 4096) == 0u);
}

BOOST_AUTO_TEST_CASE(a_reset_guarded_array_is_zero_with_every_marker_restored_at_its_new_placement)
{
    GuardedArray<double> p(7, Placement::End);
    p[0] = 3.0;
    p.data()[-1] = 1.0;
    p.data()[7] = p.data()[7] * 2.0; // the padding up to 64 bytes
    BOOST_TEST(!p.changed_markers("params").empty());
    p.reset(5, Placement::Start);
    BOOST_TEST(p.size() == 5u);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p.data()) % 4096 == 0u);
    BOOST_TEST(p[0] == 0.0);
    BOOST_TEST(p[4] == 0.0);
    BOOST_TEST(p.changed_markers("params").empty());
    p.data()[5] = 0.0; // element 5 is padding now
    BOOST_TEST(p.changed_markers("params") == "params[5] (past the last element 4)");
    p.reset(7, Placement::End);
    BOOST_TEST((reinterpret_cast<std::uintptr_t>(p.data() + p.padded_size()) % 4096) == 0u);
    BOOST_TEST(p.changed_markers("params").empty());
    BOOST_CHECK_THROW(p.reset(4099, Placement::End), cgp::Error); // more pages than it has
}

BOOST_AUTO_TEST_CASE(a_guarded_pool_hands_out_the_same_pages_again_and_new_ones_for_other_sizes)
{
    GuardedPool<float> pool;
    const std::span<GuardedArray<float>> first = pool.take(3, 67, Placement::End);
    BOOST_TEST(first.size() == 3u);
    const float* const page = first[1].data() + first[1].padded_size() - 1024; // 67 floats fit in one page
    first[1][3] = 2.0f;
    const std::span<GuardedArray<float>> again = pool.take(2, 10, Placement::Start);
    BOOST_TEST(again.size() == 2u);
    BOOST_TEST(again[1].data() == page);
    BOOST_TEST(again[1][3] == 0.0f);
    BOOST_TEST(again[1].changed_markers("state 0").empty());
    const std::span<GuardedArray<float>> longer = pool.take(4, 4099, Placement::End);
    BOOST_TEST(longer.size() == 4u);
    BOOST_TEST(longer[3].size() == 4099u);
    BOOST_TEST(pool.take(4, 67, Placement::End)[1].data() == page + 1024 - cgp::padded_count<float>(67));
}

BOOST_AUTO_TEST_CASE(the_long_lengths_run_at_the_fastest_set_whose_state_fits_or_else_at_the_fewest_arrays)
{
    const auto lbfgs = cgp::Plugin::load(kPlugins / "lbfgs.so");
    const std::size_t history = static_cast<std::size_t>(lbfgs->find_hparam("history_size"));
    std::vector<HparamSet> sets;
    for (double h : {20.0, 1.0, 2.0, 3.0}) {
        std::vector<double> v = lbfgs->defaults();
        v[history] = h;
        sets.push_back({fmt::format("history_size={}", h), v});
    }
    // 2 x 21 = 42 arrays of 262147 doubles are 84 MiB: history_size 20 never runs there, however fast.
    BOOST_TEST(long_array_set(*lbfgs, sets, {0.1, 3.0, 2.0, 2.5}, 262147).label == "history_size=2");
    BOOST_TEST(long_array_set(*lbfgs, sets, {0.1, 1.0, 2.0, 1.0}, 262147).label == "history_size=1"); // first tie
    // None fits: the fewest arrays.
    BOOST_TEST(long_array_set(*lbfgs, sets, {0.1, 3.0, 2.0, 2.5}, std::size_t{1} << 30).label == "history_size=1");
}

BOOST_AUTO_TEST_CASE(the_allocation_counter_sees_allocations_made_while_it_counts)
{
    std::vector<double>* leak_free = nullptr;
    std::size_t counted = 0;
    {
        const AllocationCounter counter;
        BOOST_TEST(counter.count() == 0u);
        leak_free = new std::vector<double>(100);
        counted = counter.count();
    }
    delete leak_free;
    BOOST_TEST(counted == 2u); // the vector object and its elements
}

BOOST_AUTO_TEST_CASE(switching_flush_to_zero_on_is_named)
{
#if defined(__x86_64__) || defined(__i386__)
    const FpEnvironment before = current_fp_environment();
    const unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040u); // FTZ and DAZ, what crtfastmath.o does
    const FpEnvironment after = current_fp_environment();
    _mm_setcsr(saved);
    BOOST_TEST(turns_on_flush_to_zero(before, after));
    BOOST_TEST(fp_environment_change(before, after) ==
               "flush-to-zero (MXCSR FTZ) on, denormals-are-zero (MXCSR DAZ) on");
    BOOST_TEST((current_fp_environment() == before));
    // Exception flags raised by arithmetic are not part of the environment.
    volatile double zero = 0.0;
    volatile double x = 1.0 / zero;
    (void)x;
    BOOST_TEST((current_fp_environment() == before));
#else
    BOOST_TEST_MESSAGE("MXCSR exists on x86 only");
#endif
}

BOOST_AUTO_TEST_SUITE_END()
