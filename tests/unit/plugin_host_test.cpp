// The plugin host: loading, every refusal with its message, hyperparameter checks, and resolution
// of --optimizer values along the search path.
#include <cgp/io/error.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/host/plugin_paths.hpp>

#include <boost/test/unit_test.hpp>

#include "plugin_load_errors.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
const fs::path kBroken = CGP_TEST_PLUGIN_DIR;

using test::contains;
using test::load_error;

std::string validate_error(const Plugin& p, std::vector<double> values)
{
    try {
        p.validate(values);
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("accepted the values");
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(plugin_host)

// Also checked by conformance's "loading" check on every plugin; kept here because this tests the
// host's accessors (id, hyperparameter lookup, state_count, algorithm) against facts of our plugins,
// while the check judges a plugin's descriptor through them.
BOOST_AUTO_TEST_CASE(our_plugins_load_with_complete_descriptors)
{
    for (const char* name : {"sgd", "sgdplus", "adam"}) {
        const auto p = Plugin::load(kPlugins / (std::string(name) + ".so"));
        BOOST_TEST(p->id() == name);
        BOOST_TEST(!p->summary().empty());
        BOOST_TEST(p->abi_major() == CGP_ABI_MAJOR);
        BOOST_TEST(p->find_hparam("lr") == 0);
        p->validate(p->defaults());
        // The same descriptor object on every call.
        BOOST_TEST(p->descriptor_object() == Plugin::load(p->path())->descriptor_object());
    }
    BOOST_TEST(
        Plugin::load(kPlugins / "adam.so")->state_count(std::vector<double>{1e-3, 0.9, 0.999, 1e-8, 0, 0, 0, 0}) == 2u);
    BOOST_TEST(Plugin::load(kPlugins / "adam.so")->algorithm() == "adam");
}

BOOST_AUTO_TEST_CASE(missing_file_and_non_library_are_refused)
{
    BOOST_TEST(contains(load_error(kBroken / "no_such_plugin.so"), "no such file"));
    const std::string e = load_error(kBroken / "not_a_library.so");
    BOOST_TEST(contains(e, "not_a_library.so': cannot be loaded as a shared library"));
    BOOST_TEST(contains(e, "hint:"));
}

BOOST_AUTO_TEST_CASE(plugin_without_entry_symbol_is_refused)
{
    BOOST_TEST(contains(load_error(kBroken / "broken_no_entry.so"),
                        "no entry symbol 'cgp_plugin_entry': not a cgp optimizer plugin"));
}

BOOST_AUTO_TEST_CASE(abi_mismatches_are_refused_before_any_plugin_code_runs)
{
    const std::string major = load_error(kBroken / "broken_wrong_abi.so");
    BOOST_TEST(contains(major, "built for plugin ABI 2.0, this cgp speaks ABI 1.x"));
    BOOST_TEST(contains(major, "rebuild the plugin against cgp-sdk 1.x"));
}

BOOST_AUTO_TEST_CASE(plugin_needing_instructions_this_cpu_lacks_is_refused)
{
    BOOST_TEST(contains(load_error(kBroken / "broken_needs_isa.so"), "needs instructions this CPU lacks"));
}

BOOST_AUTO_TEST_CASE(invalid_descriptors_are_refused_with_the_field_named)
{
    BOOST_TEST(contains(load_error(kBroken / "broken_null_descriptor.so"), "get_descriptor() returned no descriptor"));
    BOOST_TEST(contains(load_error(kBroken / "broken_missing_name.so"), "invalid descriptor: 'name' is missing"));
    BOOST_TEST(contains(load_error(kBroken / "broken_duplicate_hparam.so"), "hyperparameter 'lr' is declared twice"));
    BOOST_TEST(contains(load_error(kBroken / "broken_default_out_of_range.so"),
                        "default 2 of 'lr' is outside its range [0, 1]"));
    BOOST_TEST(contains(load_error(kBroken / "broken_bad_hparam_name.so"), "hyperparameter name 'Beta1'"));
    BOOST_TEST(contains(load_error(kBroken / "broken_small_descriptor.so"),
                        "invalid descriptor: struct_size 64 is smaller than ABI 1.0's 112"));
}

BOOST_AUTO_TEST_CASE(a_plugin_asking_for_more_state_arrays_than_the_abi_allows_is_refused_with_its_path)
{
    const auto greedy = Plugin::load(kBroken / "broken_too_many_states.so");
    const std::vector<double> lr{0.1};
    try {
        (void)greedy->state_count(lr);
        BOOST_FAIL("state_count() above CGP_MAX_STATE_ARRAYS was accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        BOOST_TEST(contains(m, "broken_too_many_states.so': state_count() returned 257 (at most 256)"));
        BOOST_TEST(contains(m, "hint:"));
    }
}

// Conformance's "hparam_validation" check also feeds every plugin forbidden values; kept here because
// this asserts the host's exact messages (the text a user reads); the check only requires the option named.
BOOST_AUTO_TEST_CASE(hyperparameters_out_of_range_nan_or_fractional_are_refused)
{
    const auto adam = Plugin::load(kPlugins / "adam.so");
    BOOST_TEST(validate_error(*adam, {1e-3, 1.0, 0.999, 1e-8, 0, 0, 0, 0}) ==
               "--beta1 1: out of range; optimizer 'adam' accepts [0, 1)");
    BOOST_TEST(validate_error(*adam, {-1.0, 0.9, 0.999, 1e-8, 0, 0, 0, 0}) ==
               "--lr -1: out of range; optimizer 'adam' accepts [0, 1e+06]");
    BOOST_TEST(
        contains(validate_error(*adam, {std::nan(""), 0.9, 0.999, 1e-8, 0, 0, 0, 0}), "--lr nan: not a finite number"));
    BOOST_TEST(contains(validate_error(*adam, {1e-3, 0.9, 0.999, 1e-8, 0.5, 0, 0, 0}),
                        "--eps-inside-sqrt 0.5: must be a whole number"));
    BOOST_TEST(contains(validate_error(*adam, {1e-3, 0.9, std::numeric_limits<double>::infinity(), 1e-8, 0, 0, 0, 0}),
                        "--beta2 inf: not a finite number"));
}

BOOST_AUTO_TEST_CASE(a_plugins_own_validation_message_reaches_the_user)
{
    const auto picky = Plugin::load(kBroken / "validate_rejects.so");
    picky->validate(std::vector<double>{0.1, 0.9, 0.5});
    BOOST_TEST(validate_error(*picky, {0.1, 0.9, 0.9}) ==
               "optimizer 'picky' rejects its hyperparameters: beta1 + beta2 must not exceed 1.5");
    BOOST_CHECK_THROW(PluginOptimizer(picky, {0.1, 0.9, 0.9}), Error);
}

BOOST_AUTO_TEST_CASE(optimizer_names_resolve_along_the_search_path)
{
    const std::vector<fs::path> search{kBroken, kPlugins};
    BOOST_TEST(resolve_plugin("adam", search) == kPlugins / "adam.so");
    BOOST_TEST(resolve_plugin("adam.so", search) == kPlugins / "adam.so");
    BOOST_TEST(resolve_plugin((kPlugins / "sgd.so").string(), {}) == kPlugins / "sgd.so");
    try {
        resolve_plugin("nosuchopt", search);
        BOOST_FAIL("resolved a missing plugin");
    } catch (const Error& e) {
        const std::string m = e.what();
        BOOST_TEST(contains(m, "optimizer 'nosuchopt' not found: no nosuchopt.so in"));
        BOOST_TEST(contains(m, kBroken.string()));
        BOOST_TEST(contains(m, kPlugins.string()));
    }
}

BOOST_AUTO_TEST_CASE(search_path_puts_plugin_dirs_then_the_environment_first)
{
    ::setenv("CGP_PLUGIN_PATH", "/tmp/cgp-a:/tmp/cgp-b", 1);
    const auto path = plugin_search_path({"/opt/mine"});
    ::unsetenv("CGP_PLUGIN_PATH");
    BOOST_REQUIRE(path.size() >= 3u);
    BOOST_TEST(path[0] == fs::path("/opt/mine"));
    BOOST_TEST(path[1] == fs::path("/tmp/cgp-a"));
    BOOST_TEST(path[2] == fs::path("/tmp/cgp-b"));
    const auto found = find_plugins({kPlugins});
    BOOST_TEST(found.size() >= 3u);
}

BOOST_AUTO_TEST_SUITE_END()
